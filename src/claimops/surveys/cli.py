"""`claimops surveys results|actions|import-reviews` and `claimops portal add-account`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from claimops.clock import local_date, utcnow
from claimops.config import get_settings
from claimops.db import get_engine, unit_of_work
from claimops.errors import ClaimopsError
from claimops.masking import mask_text
from claimops.surveys import service
from claimops.surveys.rules import results_days
from claimops.users.actor import system_actor

app = typer.Typer(help="Satisfaction surveys and improvement actions", no_args_is_help=True)


def _fmt(v: float | None, scale: float = 1, digits: int = 1) -> str:
    return "—" if v is None else f"{scale * v:.{digits}f}"


@app.command("results")
def results(
    by: Annotated[str, typer.Option(help="period, line, handler, provider, stage or channel")] = "period",
    start: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default: a year back)")] = None,
    end: Annotated[str | None, typer.Option(help="YYYY-MM-DD, inclusive (default: today)")] = None,
) -> None:
    """CSAT, NPS and response rates by group, with 95% intervals; then the themes."""
    first, last = results_days(
        date.fromisoformat(start) if start else None,
        date.fromisoformat(end) if end else None,
        local_date(utcnow()),
    )
    since, until = service.day_span(first, last)
    try:
        with unit_of_work(get_engine()) as session:
            r = service.results(
                session=session,
                start=since,
                end=until,
                by=by,
                settings=get_settings(),
                mask=mask_text,
            )
    except ClaimopsError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from exc
    for g in [r.overall, *r.groups]:
        small = "  (small sample)" if g.small else ""
        typer.echo(
            f"{g.key:12} n={g.responses:5}  CSAT {_fmt(g.csat.value, 100)}% "
            f"[{_fmt(g.csat.low, 100)}–{_fmt(g.csat.high, 100)}]  NPS {_fmt(g.nps.value, 1, 0)} "
            f"[{_fmt(g.nps.low, 1, 0)}–{_fmt(g.nps.high, 1, 0)}]  rate {_fmt(g.response_rate, 100)}%{small}"
        )
    for th in r.themes:
        typer.echo(f"theme {th.theme:14} {th.mentions:5} mentions  slowest stages {th.slow_stages}")


@app.command("actions")
def actions() -> None:
    """The improvement actions and the before/after of their metric."""
    with unit_of_work(get_engine()) as session:
        today = local_date(utcnow())
        for a in service.list_actions(session=session):
            e = service.effect(session=session, action=a, today=today)
            c = e.comparison
            verdict = "beyond noise" if c.beyond_noise else "within noise"
            typer.echo(
                f"#{a.id} {a.problem} [{a.metric}, {a.status}, {a.owner}, due {a.due_date}] "
                f"before {_fmt(c.before.value, 1, 2)} (n={c.before.n}) after {_fmt(c.after.value, 1, 2)} "
                f"(n={c.after.n}) p={_fmt(c.p_value, 1, 4)} {verdict}"
            )


@app.command("import-reviews")
def import_reviews(path: Path) -> None:
    """Import online reviews from a CSV file (date, overall, comment[, nps, claim_number])."""
    try:
        with unit_of_work(get_engine()) as session:
            n = service.import_reviews(
                session=session, actor=system_actor(), text=path.read_text(encoding="utf-8"), now=utcnow()
            )
    except ClaimopsError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"imported {n} reviews")
