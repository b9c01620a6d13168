"""`claimops partners …` and `claimops disputes …`: read the partner data from the command line.

Providers, agreements expiring, a provider's scorecard (each figure with its claims), dispute KPIs.
A problem is one line on stderr and exit code 2.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any, NoReturn

import typer

from claimops.errors import ClaimopsError

partners_app = typer.Typer(help="Insurers, providers, agreements and scorecards.", no_args_is_help=True)
disputes_app = typer.Typer(help="Disputes on claims.", no_args_is_help=True)


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _today(today: str | None) -> date:
    try:
        return date.fromisoformat(today) if today else date.today()
    except ValueError:
        _fail(f"--today {today!r} is not a date (YYYY-MM-DD)")


@partners_app.command("providers")
def providers(
    type_: Annotated[str | None, typer.Option("--type", help="provider type")] = None,
    status: Annotated[str | None, typer.Option(help="candidate, active, suspended, terminated")] = None,
) -> None:
    """List providers with type, region and status."""
    from claimops.db import unit_of_work
    from claimops.partners import queries

    with unit_of_work() as session:
        for p in queries.providers(session, type_=type_, status=status):
            typer.echo(f"{p.id}\t{p.type}\t{p.region}\t{p.status}\t{p.name}")


@partners_app.command("agreements")
def agreements(
    expiring: Annotated[bool, typer.Option(help="only those ending within the alert window")] = False,
    today: Annotated[str | None, typer.Option(help="the day to judge expiry at (default: today)")] = None,
) -> None:
    """Agreements with their term; --expiring for the alerts."""
    from claimops.db import unit_of_work
    from claimops.partners import queries, rules

    day = _today(today)
    with unit_of_work() as session:
        for a in queries.agreements(session):
            soon = rules.expiring(a.end_on, day)
            if expiring and not soon:
                continue
            flag = "EXPIRING" if soon else ""
            typer.echo(f"{a.number}\tprovider {a.provider_id}\t{a.start_on}~{a.end_on}\t{flag}")


@partners_app.command("scorecard")
def scorecard(
    provider_id: int,
    period: Annotated[str, typer.Option(help="2026-Q3, 2026-07, 2026 …")],
    as_json: Annotated[bool, typer.Option("--json", help="the API's JSON")] = False,
) -> None:
    """A provider's scorecard for a period: each figure, its target, and the claims behind it."""
    from claimops.clock import local_date, utcnow
    from claimops.db import unit_of_work
    from claimops.partners import queries, service
    from claimops.partners.views import scorecard_out
    from claimops.reporting.periods import parse_period

    try:
        with unit_of_work() as session:
            p = parse_period(period)
            provider = service.get_provider(session=session, provider_id=provider_id)
            # a period not over yet is judged today, as the API and the page do
            today = min(local_date(utcnow()), p.last_day)
            out = scorecard_out(session, queries.scorecard(session, provider, p), p.label, today)
    except ClaimopsError as exc:
        _fail(exc.message)
    if as_json:
        typer.echo(out.model_dump_json(indent=2))
        return
    typer.echo(f"{out.provider.name} ({out.provider.type}, {out.provider.region}) {out.period}")
    typer.echo(f"grade {out.grade or '—'}  points {out.points or '—'}  below standard: {out.below_standard}")
    for f in out.figures:
        shown = "—" if f.value is None else str(f.value)
        typer.echo(f"  {f.key:<13} {shown:>8}  n={f.measured:<4} claims: {', '.join(f.claims[:8])}")
    if out.missing:
        typer.echo(f"missing: {', '.join(out.missing)}")


@disputes_app.command("kpis")
def kpis(
    period: Annotated[
        str | None, typer.Option(help="2026-Q3, 2026-07, 2026 … (default: this quarter)")
    ] = None,
) -> None:
    """Dispute rate, open by stage and age, resolution time and amounts, judged at the period's end
    (today, for a period not over yet: as the API does)."""
    from claimops.clock import local_date, utcnow
    from claimops.db import unit_of_work
    from claimops.disputes import queries
    from claimops.reporting.periods import parse_period

    today = local_date(utcnow())
    try:
        with unit_of_work() as session:
            p = parse_period(period or f"{today.year}-Q{(today.month - 1) // 3 + 1}")
            k = queries.kpis(session, p, min(today, p.last_day))
    except ClaimopsError as exc:
        _fail(exc.message)
    out: dict[str, Any] = {
        key: (str(v) if not isinstance(v, int | float | dict | None) else v) for key, v in k.__dict__.items()
    }
    typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
