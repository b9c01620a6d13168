"""`claimops train risk|handling_time|settlement` and `claimops score [--open]`.

Training reads in one short transaction, fits outside it and stores the new version in another, so a
long fit never holds SQLite's write lock. Too little data ends with one line on stderr, exit code 2,
and nothing stored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn

import typer

from claimops.errors import ClaimopsError


def train(
    kind: Annotated[Literal["risk", "handling_time", "settlement"], typer.Argument(help="model to train")],
    capacity: Annotated[
        float, typer.Option(min=0.001, max=0.999, help="share of claims investigators can look at")
    ] = 0.05,
    test_share: Annotated[
        float, typer.Option(min=0.01, max=0.99, help="latest share of claims held out for evaluation")
    ] = 0.2,
    trained_by: Annotated[str, typer.Option(help="recorded with the model version")] = "cli",
    output_format: Annotated[Literal["text", "json"], typer.Option("--format")] = "text",
) -> None:
    """Train a model on the claims in the database, evaluate it and make it the current version."""
    from claimops.config import get_settings
    from claimops.db import unit_of_work
    from claimops.mining.loader import load_claims
    from claimops.mining.training import fit_kind, store

    settings = get_settings()
    try:
        with unit_of_work() as session:
            frame = load_claims(session)
        fitted = fit_kind(kind, frame, capacity=capacity, test_share=test_share)
        with unit_of_work() as session:
            row = store(session, fitted, trained_by=trained_by, settings=settings)
            version, metrics = row.version, dict(row.metrics)
            span = f"{row.training_from} to {row.training_to}"
    except ClaimopsError as exc:
        _fail(exc.message)
    if output_format == "json":
        typer.echo(json.dumps({"kind": kind, "version": version, "metrics": metrics}, ensure_ascii=False))
        return
    typer.echo(f"{kind} model v{version} (current), trained on {fitted.n_samples:,} claims reported {span}")
    typer.echo(format_metrics(kind, metrics))


def score(
    open_only: Annotated[bool, typer.Option("--open", help="only claims not yet closed")] = False,
    predictions: Annotated[
        Path | None,
        typer.Option(help="also write handling-time and settlement predictions of open claims to this CSV"),
    ] = None,
) -> None:
    """Score claims with the current risk model (claims.risk_score, findings of open claims)."""
    from claimops.config import get_settings
    from claimops.db import unit_of_work
    from claimops.mining.scoring import score_claims

    settings = get_settings()
    try:
        with unit_of_work() as session:
            report = score_claims(session=session, settings=settings, open_only=open_only)
        typer.echo(str(report))
        if predictions is not None:
            from claimops.mining.scoring import predict_open_claims

            with unit_of_work() as session:
                table = predict_open_claims(session=session, settings=settings)
            table.to_csv(predictions, index=False)
            typer.echo(f"predictions for {len(table):,} open claims written to {predictions}")
    except ClaimopsError as exc:
        _fail(exc.message)


def format_metrics(kind: str, m: dict[str, Any]) -> str:
    """The hold-out figures as a few lines of text."""
    lines = [
        f"hold-out: {m['n_test']:,} claims reported {m['test_from']} to {m['test_to']} "
        f"(trained on {m['n_train']:,} earlier ones; target {m['target']})"
    ]
    if kind == "risk":
        lines.append(
            f"ROC AUC {_f(m['roc_auc'], 3)} · at capacity {m['capacity']:.1%} "
            f"({m['investigated']:,} claims): "
            f"precision {_f(m['precision_at_capacity'], 3)}, recall {_f(m['recall_at_capacity'], 3)}, "
            f"lift {_f(m['lift_at_capacity'], 1)}"
        )
        lines.append(
            f"Brier {_f(m['brier'], 4)} (base rate alone {_f(m['brier_base_rate'], 4)}); "
            f"base rate {_f(m['base_rate'], 4)}"
        )
        lines.append("calibration by score decile (mean predicted → observed):")
        for b in m["reliability"]:
            lines.append(f"  {b['mean_predicted']:.4f} → {b['observed_rate']:.4f}  (n={b['n']:,})")
    else:
        verdict = "beats" if m["beats_baseline"] else "does NOT beat"
        lines.append(
            f"MAE {_f(m['mae'], 2)} {m['unit']} vs {_f(m['mae_baseline'], 2)} for the {m['baseline']}: "
            f"{verdict} the baseline; 80% interval covers {_f(m['coverage80'], 3)}"
        )
    return "\n".join(lines)


def _f(x: float | None, digits: int) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {' '.join(message.split())}", err=True)
    raise typer.Exit(2)
