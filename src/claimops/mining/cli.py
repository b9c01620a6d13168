"""The analytics commands: `claimops mine …`, `forecast`, `reserve`, `train` and `score`.

- ``mine quality|rules|segments``: data quality, association rules and segments of the claims in the
  database (the connection is held only while the claims are read) or in a CSV; ``mine refresh``
  stores the analyses the /mining pages and the deck read.
- ``forecast``: claims reported and amounts paid per line, back-tested against seasonal naive, with
  80 % and 95 % intervals.
- ``reserve FILE.csv``: chain-ladder reserves with Mack standard errors from a long-form CSV.
- ``train risk|handling_time|settlement`` and ``score [--open]``: fit a model on the claims (read in
  one short transaction, fitted outside it, stored in another, so a long fit never holds SQLite's write
  lock) and score claims with the current risk model.

Each command prints a readable table or, with ``--format json``, the service's dict. A problem ends with
one line on stderr and exit code 2, never a traceback, and nothing is written: input comes from a user,
so every failure is theirs to fix and needs naming, not debugging.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NoReturn

import typer

from claimops.errors import ClaimopsError

if TYPE_CHECKING:
    import pandas as pd

    from claimops.mining.estimators.reserving import ChainLadder

__all__ = ["format_metrics", "forecast", "last_complete_month", "mine_app", "reserve", "score", "train"]

mine_app = typer.Typer(
    help="Claims data mining: data quality, association rules, segments.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

Format = Literal["table", "json"]
Target = Literal["denied", "fraud", "large_loss", "investigated", "dispute"]
Kind = Literal["claims", "customers"]

FormatOpt = Annotated[Format, typer.Option("--format", help="table or json")]
LangOpt = Annotated[str, typer.Option("--lang", help="zh or en")]
SinceOpt = Annotated[str | None, typer.Option(help="claims reported on or after this day, YYYY-MM-DD")]
UntilOpt = Annotated[str | None, typer.Option(help="claims reported before this day, YYYY-MM-DD")]
CsvOpt = Annotated[
    Path | None,
    typer.Option("--csv", help="claims from this CSV (the loader's column names), not the database"),
]
LineOpt = Annotated[list[str] | None, typer.Option("--line", help="only this line (repeatable)")]


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {' '.join(message.split())}", err=True)
    raise typer.Exit(2)


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        _fail(f"{option}: not a date (YYYY-MM-DD): {text!r}")


def _run(compute: Callable[[Any], dict[str, Any]], csv: Path | None) -> dict[str, Any]:
    """Call a service on the CSV's claims or the configured database; a failure is one line, exit 2."""
    from claimops.db import get_engine
    from claimops.mining.data.loader import read_claims_csv

    try:
        return compute(read_claims_csv(csv) if csv is not None else get_engine())
    except ClaimopsError as exc:
        _fail(exc.message)
    except Exception as exc:  # the last guard before a traceback reaches the user
        _fail(f"{type(exc).__name__}: {exc}")


def _emit(result: dict[str, Any], output: Format, table: Callable[[dict[str, Any]], str]) -> None:
    if output == "json":
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2, allow_nan=False))
    else:
        typer.echo(table(result))


def _pct(x: float | None, digits: int = 1) -> str:
    return "n/a" if x is None else f"{x * 100:.{digits}f}%"


@mine_app.command()
def quality(
    since: SinceOpt = None,
    until: UntilOpt = None,
    line: LineOpt = None,
    csv: CsvOpt = None,
    lang: LangOpt = "zh",
    output: FormatOpt = "table",
) -> None:
    """Data-quality report: missing values, duplicates, dates, amounts, outliers; and the cleaning steps."""
    from claimops.mining.service.analysis import quality_summary

    start, end = _day(since, "--since"), _day(until, "--until")
    result = _run(lambda bind: quality_summary(bind, since=start, until=end, lines=line, lang=lang), csv)
    _emit(result, output, _quality_table)


def _quality_table(r: dict[str, Any]) -> str:
    rows = [(i["label"], i["rows"], i["share"], ", ".join(map(str, i["examples"]))) for i in r["issues"]]
    missing = [(m["column"], m["missing"], m["share"], "") for m in r["missing"]]
    width = max([len("missing values"), *(len(label) for label, *_ in rows + missing)]) + 2

    def block(title: str, lines: list[tuple[str, int, float, str]]) -> list[str]:
        head = [f"{title:<{width}} {'rows':>9} {'share':>8}  {'examples' if lines is rows else ''}".rstrip()]
        return head + [f"{a:<{width}} {b:>9,} {_pct(c, 2):>8}  {d}".rstrip() for a, b, c, d in lines]

    out = [f"claims checked: {r['n_rows']:,}", "", *block("check", rows)]
    if r["skipped"]:
        out.append(f"skipped (columns absent): {', '.join(r['skipped'])}")
    out += ["", *block("missing values", missing)]
    cleaning = r["cleaning"]
    out += ["", f"cleaning: {cleaning['rows_in']:,} rows in, {cleaning['rows_out']:,} out"]
    out += [f"  {s['label']} ({s['action']}): {s['rows_affected']:,}" for s in cleaning["steps"]]
    return "\n".join(out)


@mine_app.command()
def rules(
    target: Annotated[Target, typer.Option(help="risk outcome the rules lead to")] = "denied",
    min_support: Annotated[float, typer.Option(help="least share of claims, 0–1")] = 0.005,
    min_confidence: Annotated[float, typer.Option(help="least confidence, 0–1")] = 0.1,
    min_lift: Annotated[float, typer.Option(help="least lift")] = 1.0,
    max_len: Annotated[int, typer.Option(min=2, max=6, help="most items in a rule, target included")] = 4,
    limit: Annotated[int, typer.Option(min=1, help="rules shown")] = 10,
    variants: Annotated[
        bool, typer.Option("--variants", help="also show rules covering mostly the same claims")
    ] = False,
    since: SinceOpt = None,
    until: UntilOpt = None,
    line: LineOpt = None,
    csv: CsvOpt = None,
    lang: LangOpt = "zh",
    output: FormatOpt = "table",
) -> None:
    """Association rules that lead to a risk outcome, ranked by lift, in plain words."""
    from claimops.mining.service.analysis import top_rules

    start, end = _day(since, "--since"), _day(until, "--until")
    result = _run(
        lambda bind: top_rules(
            bind,
            target,
            lang,
            limit,
            min_support,
            min_confidence,
            min_lift=min_lift,
            max_len=max_len,
            distinct=not variants,
            since=start,
            until=end,
            lines=line,
        ),
        csv,
    )
    _emit(result, output, _rules_table)


def _rules_table(r: dict[str, Any]) -> str:
    th = r["thresholds"]
    out = [
        f"{r['target_label']} ({r['target']}): {r['n_claims']:,} claims, base rate {_pct(r['base_rate'])}; "
        f"support ≥ {th['min_support']:g}, confidence ≥ {th['min_confidence']:g}, lift ≥ {th['min_lift']:g}",
        f"{r['n_rules']:,} rules from {r['n_itemsets']:,} frequent itemsets over {r['n_items']} items",
        "",
    ]
    if not r["rules"]:
        out.append("no rule reaches the thresholds")
    for rule in r["rules"]:
        out.append(
            f"{rule['rank']:>3}. {rule['text']}  (confidence {_pct(rule['confidence'])}, "
            f"support {_pct(rule['support'], 2)}, {rule['claims']:,} claims)"
        )
    return "\n".join(out)


@mine_app.command()
def segments(
    kind: Annotated[Kind, typer.Argument(help="claims or customers")] = "claims",
    k: Annotated[
        int | None, typer.Option(min=2, help="fixed number of segments (default: by silhouette)")
    ] = None,
    k_min: Annotated[int, typer.Option(min=2, help="smallest k tried")] = 2,
    k_max: Annotated[int, typer.Option(min=2, help="largest k tried")] = 8,
    seed: Annotated[int, typer.Option(help="random seed (same seed, same segments)")] = 0,
    since: SinceOpt = None,
    until: UntilOpt = None,
    line: LineOpt = None,
    csv: CsvOpt = None,
    lang: LangOpt = "zh",
    output: FormatOpt = "table",
) -> None:
    """Segments of claims or customers with a profile each; k chosen by mean silhouette."""
    from claimops.mining.service.analysis import claim_segments, customer_segments

    if k_min > k_max:
        _fail(f"--k-min ({k_min}) is above --k-max ({k_max})")
    start, end = _day(since, "--since"), _day(until, "--until")
    service = claim_segments if kind == "claims" else customer_segments
    result = _run(
        lambda bind: service(
            bind,
            k=k,
            k_range=(k_min, k_max),
            random_state=seed,
            lang=lang,
            since=start,
            until=end,
            lines=line,
        ),
        csv,
    )
    _emit(result, output, _segments_table)


def _segments_table(r: dict[str, Any]) -> str:
    out = [f"{r['kind']}: {r['n_rows']:,}; {r['criterion_text']}"]
    if r["scores"]:
        out.append("silhouette: " + ", ".join(f"k={s['k']} {s['silhouette']:.3f}" for s in r["scores"]))
    out.append("")
    for seg in r["segments"]:
        out.append(seg["text"])
        traits = ", ".join(f"{t['feature']} {t['z']:+.2f} sd" for t in seg["traits"])
        out.append(f"    traits: {traits}")
    return "\n".join(out)


@mine_app.command()
def refresh(
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help="quality, rules, segments, forecast, reserves (repeatable)"),
    ] = None,
    by: Annotated[str, typer.Option(help="recorded with each stored run")] = "cli",
) -> None:
    """Compute and store the analyses that the /mining pages and the deck show."""
    from claimops.clock import local_date, utcnow
    from claimops.db import get_engine
    from claimops.mining.service.refresh import refresh as run

    try:
        stored = run(get_engine(), created_by=by, today=local_date(utcnow()), kinds=kind or None)
    except ClaimopsError as exc:
        _fail(exc.message)
    for row in stored:
        note = f" — {row.message}" if row.message else ""
        typer.echo(f"{row.kind:<9} {row.status:<16} {row.n_rows:>10,} rows {row.seconds:>7.1f} s{note}")
    if all(row.status != "ok" for row in stored):
        raise typer.Exit(2)


# -- forecast --------------------------------------------------------------------------------------


def forecast(
    line: Annotated[
        str | None,
        typer.Option(help="line of business (auto, health, property, other); all lines when omitted"),
    ] = None,
    horizon: Annotated[int, typer.Option(min=1, max=60, help="periods ahead")] = 6,
    freq: Annotated[Literal["month", "quarter"], typer.Option(help="forecast months or quarters")] = "month",
    through: Annotated[
        str | None,
        typer.Option(help="last month of history to use, YYYY-MM; default: the last complete month"),
    ] = None,
    months: Annotated[
        int | None,
        typer.Option(
            min=1, help="use only the last N months of history (e.g. to drop a partial first month)"
        ),
    ] = None,
    output_format: Annotated[
        Literal["json", "table"], typer.Option("--format", help="output format")
    ] = "json",
) -> None:
    """Forecast claims reported and amounts paid, with the back-test against seasonal naive."""
    from claimops.db import unit_of_work

    try:
        from claimops.mining.data.series import load_frames
        from claimops.mining.service.forecasting import forecast_frames

        # Read in one short transaction, fit after it (fitting takes seconds; SQLite's is a write lock).
        with unit_of_work() as session:
            frames = load_frames(
                session, line=line, freq=freq, through=through or last_complete_month(), months=months
            )
        result = forecast_frames(frames, horizon=horizon, freq=freq)
    except ClaimopsError as exc:
        _fail(exc.message)
    except Exception as exc:  # the last guard before a traceback reaches the user
        _fail(f"cannot forecast ({type(exc).__name__}: {exc})")
    if output_format == "json":
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        typer.echo(_forecast_table(result))


def last_complete_month() -> str:
    """The Shanghai month before the current one, ``YYYY-MM``."""
    from claimops.clock import local_date, utcnow

    today = local_date(utcnow())
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year}-{month:02d}"


def _forecast_table(result: dict[str, Any]) -> str:
    blocks = [f"forecast by {result['freq']}, {result['horizon']} ahead, history through {result['through']}"]
    for entry in result["series"]:
        title = f"{entry['line']} · {entry['target']} ({entry['unit']})"
        if "error" in entry:
            blocks.append(f"{title}: {entry['error']['message']}")
            continue
        fmt = _money if entry["target"] == "paid" else _count
        verdict = "beats seasonal naive" if entry["beats_baseline"] else "seasonal naive (no model beat it)"
        lines = [f"{title} — {entry['method']}: {verdict}"]
        head = f"{'period':<10} {'mean':>16} {'lo80':>16} {'hi80':>16} {'lo95':>16} {'hi95':>16}"
        lines += [head, "-" * len(head)]
        for row in entry["forecast"]:
            cells = " ".join(f"{fmt(row[c]):>16}" for c in ("mean", "lo80", "hi80", "lo95", "hi95"))
            lines.append(f"{row['period']!s:<10} {cells}")
        width = max(len("method"), *(len(m) for m in entry["backtest"]))
        sample = next(iter(entry["backtest"].values()))
        lines.append("")
        lines.append(f"back-test: {sample['n_origins']} origins, {sample['n_points']} held-out values")
        lines.append(f"{'method':<{width}} {'MAE':>14} {'MASE':>7} {'sMAPE':>7} {'cov80':>6} {'cov95':>6}")
        for method, m in entry["backtest"].items():
            mark = " *" if method == entry["method"] else ""
            lines.append(
                f"{method:<{width}} {fmt(m['mae']):>14} {_num(m['mase']):>7} {_num(m['smape']):>7} "
                f"{_share(m['coverage80']):>6} {_share(m['coverage95']):>6}{mark}"
            )
        for name, reason in entry["failed"].items():
            lines.append(f"{name:<{width}} not fitted: {reason}")
        lines.append(f"note: {entry['note']}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _money(x: float | None) -> str:
    return "n/a" if x is None else f"{x:,.2f}"


def _count(x: float | None) -> str:
    return "n/a" if x is None else f"{x:,.1f}"


def _num(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}"


def _share(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.0%}"


# -- reserve ---------------------------------------------------------------------------------------


def reserve(
    file: Annotated[Path, typer.Argument(help="CSV in long form: one row per origin and development period")],
    origin: Annotated[str, typer.Option(help="origin (accident/underwriting period) column")],
    development: Annotated[
        str, typer.Option(help="development column: a lag (1, 2, … or 12, 24, …) or a calendar year/date")
    ],
    value: Annotated[str, typer.Option(help="amount column (paid or incurred)")],
    cumulative: Annotated[
        bool, typer.Option("--cumulative/--incremental", help="whether the amounts are cumulative")
    ] = True,
    sigma: Annotated[
        Literal["mack", "log-linear"],
        typer.Option(help="last-period sigma: mack (Mack 1993) or log-linear (R ChainLadder's default)"),
    ] = "mack",
    output_format: Annotated[
        Literal["json", "table"], typer.Option("--format", help="output format")
    ] = "json",
) -> None:
    """Chain-ladder reserves (IBNR) per origin and in total, with Mack standard errors."""
    try:
        frame = _read_csv(file)
        from claimops.mining.data.triangle import from_long
        from claimops.mining.estimators.reserving import ChainLadder

        tri = from_long(frame, origin=origin, development=development, value=value, cumulative=cumulative)
        model = ChainLadder(sigma=sigma).fit(tri)
    except ClaimopsError as exc:
        _fail(f"{file}: {exc.message}")
    except Exception as exc:  # the last guard before a traceback reaches the user
        _fail(f"{file}: cannot compute reserves ({type(exc).__name__}: {exc})")
    if output_format == "json":
        typer.echo(model.to_json(decimals=2, indent=2))
    else:
        typer.echo(_reserve_table(model))


def _read_csv(file: Path) -> pd.DataFrame:
    import pandas as pd

    if not file.exists():
        raise ClaimopsError("no such file", code="BAD_FILE")
    if file.is_dir():
        raise ClaimopsError("is a directory, not a CSV file", code="BAD_FILE")
    try:
        return pd.read_csv(file)
    except pd.errors.EmptyDataError:
        raise ClaimopsError("the file is empty", code="BAD_FILE") from None
    except UnicodeDecodeError:
        raise ClaimopsError("not a text CSV file (cannot decode it as UTF-8)", code="BAD_FILE") from None
    except (OSError, ValueError) as exc:
        raise ClaimopsError(f"cannot read it as CSV: {exc}", code="BAD_FILE") from None


def _reserve_table(model: ChainLadder) -> str:
    result = model.to_dict(decimals=2)
    width = max(8, *(len(str(row["origin"])) for row in result["origins"]))
    head = f"{'origin':<{width}} {'latest':>16} {'ultimate':>16} {'reserve':>16} {'mack_se':>14} {'cv':>7}"
    lines = [head, "-" * len(head)]
    for row in result["origins"]:
        lines.append(
            f"{row['origin']!s:<{width}} {_money(row['latest']):>16} {_money(row['ultimate']):>16} "
            f"{_money(row['reserve']):>16} {_money(row['mack_se']):>14} {_percent(row['cv']):>7}"
        )
    lines.append("-" * len(head))
    lines.append(
        f"{'total':<{width}} {'':>16} {'':>16} {_money(result['total_reserve']):>16} "
        f"{_money(result['total_mack_se']):>14} {_percent(result['total_cv']):>7}"
    )
    return "\n".join(lines)


def _percent(x: float | None) -> str:
    return "" if x is None else f"{x:.1%}"


# -- train and score -------------------------------------------------------------------------------


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
    from claimops.mining.data.loader import load_claims
    from claimops.mining.service.training import fit_kind, store

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
        out: dict[str, Any] = {"kind": kind, "version": version, "metrics": metrics}
        if "candidates" in metrics:  # the risk candidates compared on the same hold-out, and the choice
            out.update(
                model=metrics["model"], candidates=metrics["candidates"], selection=metrics["selection"]
            )
        typer.echo(json.dumps(out, ensure_ascii=False))
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
    from claimops.mining.service.scoring import score_claims

    settings = get_settings()
    try:
        with unit_of_work() as session:
            report = score_claims(session=session, settings=settings, open_only=open_only)
        typer.echo(str(report))
        if predictions is not None:
            from claimops.mining.service.scoring import predict_open_claims

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
        if "candidates" in m:
            lines.append(f"model: {m['model']} — {m['selection']['why']}")
            for name, c in m["candidates"].items():
                lines.append(
                    f"  {name:<9} ROC AUC {_f(c['roc_auc'], 3)}"
                    f" · precision {_f(c['precision_at_capacity'], 3)}"
                    f" · recall {_f(c['recall_at_capacity'], 3)}"
                    f" · Brier {_f(c['brier'], 4)}"
                    f" · calibration error {_f(c['calibration_error'], 4)}"
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
