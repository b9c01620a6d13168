"""`claimops team …`: teams and figures, training KPIs, certification reminders, drills from closed claims.

Commands act as a named user (`--as USER`, default manager), so a lead's view is their team's. A
problem ends with one line on stderr and exit code 2, and nothing is written."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from claimops.errors import ClaimopsError

team_app = typer.Typer(help="Teams, training and case drills.", no_args_is_help=True)

AsUser = Annotated[str, typer.Option("--as", help="act as this user (their view)")]
PeriodOpt = Annotated[str | None, typer.Option(help="2026-Q2, 2026-05, 2026 (default: this quarter)")]


def _emit(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _with(username: str, work: Any) -> None:
    from claimops.clock import utcnow
    from claimops.config import get_settings
    from claimops.db import unit_of_work
    from claimops.users.service import actor_for, get_user

    settings = get_settings()
    try:
        with unit_of_work() as session:
            actor = actor_for(get_user(session=session, username=username), settings)
            _emit(work(session, actor, settings, utcnow()))
    except ClaimopsError as exc:
        typer.echo(f"error: {exc.code}: {exc.message}", err=True)
        raise typer.Exit(2) from exc


@team_app.command("teams")
def teams(as_user: AsUser = "manager", period: PeriodOpt = None) -> None:
    """Each team's and person's workload and quality, with the change vs the previous period (JSON)."""
    from claimops.team.views import period_of, teams_view

    _with(as_user, lambda s, a, st, now: teams_view(s, actor=a, period=period_of(period, now), settings=st))


@team_app.command("person")
def person(username: str, as_user: AsUser = "manager", period: PeriodOpt = None) -> None:
    """One person's figures, authority, role history and training record (JSON)."""
    from claimops.team.views import period_of, person_view

    _with(
        as_user,
        lambda s, a, st, now: person_view(
            s, actor=a, username=username, period=period_of(period, now), now=now, settings=st
        ),
    )


@team_app.command("kpis")
def kpis(as_user: AsUser = "manager", period: PeriodOpt = None) -> None:
    """Training KPIs and handling quality before and after training (JSON)."""
    from claimops.team.views import kpis_view, period_of

    _with(as_user, lambda s, a, st, now: kpis_view(s, actor=a, period=period_of(period, now), now=now))


@team_app.command("reminders")
def reminders(as_user: AsUser = "manager", days: int = 60) -> None:
    """Certifications expired or expiring within DAYS."""
    from claimops.clock import local_date
    from claimops.team.service import visible_ids
    from claimops.team.training.queries import expiring_certifications

    def work(s: Any, a: Any, st: Any, now: Any) -> Any:
        rows = expiring_certifications(s, visible=visible_ids(s, a), today=local_date(now), days=days)
        return [{"username": u.username, "name": c.name, "expires_on": c.expires_on} for u, c in rows]

    _with(as_user, work)


@team_app.command("drill")
def drill(claim_number: str, as_user: AsUser = "manager") -> None:
    """Build a drill from a closed claim (personal data masked, outcome hidden)."""
    from claimops.team.drills.schemas import DrillIn
    from claimops.team.drills.service import build_drill

    def work(s: Any, a: Any, st: Any, now: Any) -> Any:
        d = build_drill(session=s, actor=a, cmd=DrillIn(claim_number=claim_number), now=now)
        return {"number": d.number, "title": d.title}

    _with(as_user, work)
