"""`claimops forecast [--line auto] [--horizon 6] [--freq month|quarter]`: claims and payments ahead.

Reads the configured database (claims by report month, payments by payment month, Shanghai months),
back-tests the candidate models against seasonal naive and prints the forecast with 80 % and 95 %
intervals. Too little history ends with one line on stderr and exit code 2.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal, NoReturn

import typer

from claimops.errors import ClaimopsError

app = typer.Typer(
    help="Forecast claim counts and paid amounts per line, back-tested against seasonal naive.",
    pretty_exceptions_enable=False,
)


@app.command()
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
        from claimops.mining.forecast import forecast_frames, load_frames

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
        typer.echo(_table(result))


def last_complete_month() -> str:
    """The Shanghai month before the current one, ``YYYY-MM``."""
    from claimops.clock import local_date, utcnow

    today = local_date(utcnow())
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year}-{month:02d}"


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {' '.join(message.split())}", err=True)
    raise typer.Exit(2)


def _table(result: dict[str, Any]) -> str:
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
