"""`claimops investigations …`: open, note, finish, list and KPIs from the command line.

Writes are made as the user named by ``--by`` (default: the system actor). A problem is one line on
stderr and exit code 2.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from claimops.errors import ClaimopsError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from claimops.users.actor import Actor

app = typer.Typer(help="Investigations of claims: open, notes, conclusions, KPIs.", no_args_is_help=True)


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _actor(session: Session, username: str | None) -> Actor:
    from sqlalchemy import select

    from claimops.users.actor import Actor, system_actor
    from claimops.users.models import User
    from claimops.users.roles import Role

    if not username:
        return system_actor()
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if user is None:
        _fail(f"no active user named {username!r}")
    return Actor(id=user.id, name=user.username, role=Role(user.role), authority=user.authority_limit)


ByOpt = Annotated[str | None, typer.Option("--by", help="username acting (default: system)")]


@app.command("start")
def start(
    claim_number: Annotated[str, typer.Argument()],
    trigger: Annotated[str, typer.Option(help="score, rule, finding, referral, random")] = "referral",
    reason: Annotated[str, typer.Option(help="what sent the claim")] = "",
    score: Annotated[float | None, typer.Option(help="the risk score that sent it")] = None,
    finding: Annotated[list[str] | None, typer.Option(help="a finding or rule code (repeatable)")] = None,
    investigator: Annotated[str | None, typer.Option(help="username of the investigator")] = None,
    assessor: Annotated[int | None, typer.Option(help="provider id of the assigned loss assessor")] = None,
    by: ByOpt = None,
) -> None:
    """Open an investigation of a claim."""
    from claimops.clock import utcnow
    from claimops.db import unit_of_work
    from claimops.investigations.schemas import StartIn
    from claimops.investigations.service import start_investigation

    try:
        with unit_of_work() as session:
            cmd = StartIn(
                claim_number=claim_number,
                trigger=trigger,
                reason=reason,
                risk_score=score,
                findings=finding or [],
                investigator=investigator,
                assessor_id=assessor,
            )
            inv = start_investigation(session=session, actor=_actor(session, by), cmd=cmd, now=utcnow())
            typer.echo(f"investigation #{inv.id} opened on {claim_number}")
    except ClaimopsError as exc:
        _fail(exc.message)


@app.command("note")
def note(
    investigation_id: Annotated[int, typer.Argument()],
    text: Annotated[str, typer.Argument()],
    document: Annotated[int | None, typer.Option(help="id of a document of the claim (evidence)")] = None,
    by: ByOpt = None,
) -> None:
    """Add a note (and evidence) to an open investigation."""
    from claimops.clock import utcnow
    from claimops.db import unit_of_work
    from claimops.investigations.schemas import NoteIn
    from claimops.investigations.service import add_note

    try:
        with unit_of_work() as session:
            cmd = NoteIn(text=text, document_id=document)
            add_note(
                session=session,
                actor=_actor(session, by),
                investigation_id=investigation_id,
                cmd=cmd,
                now=utcnow(),
            )
        typer.echo(f"note added to investigation #{investigation_id}")
    except ClaimopsError as exc:
        _fail(exc.message)


@app.command("finish")
def finish(
    investigation_id: Annotated[int, typer.Argument()],
    conclusion: Annotated[str, typer.Option(help="fraud_confirmed, not_confirmed or inconclusive")],
    reason: Annotated[list[str] | None, typer.Option(help="reason code (repeatable)")] = None,
    saved: Annotated[str, typer.Option(help="amount saved, CNY")] = "0",
    summary: Annotated[str, typer.Option()] = "",
    by: ByOpt = None,
) -> None:
    """Finish an investigation with its conclusion; the conclusion feeds the next risk training."""
    from claimops.clock import utcnow
    from claimops.db import unit_of_work
    from claimops.investigations.schemas import FinishIn
    from claimops.investigations.service import finish_investigation

    try:
        amount = Decimal(saved)
    except InvalidOperation:
        _fail(f"--saved {saved!r} is not an amount")
    try:
        with unit_of_work() as session:
            cmd = FinishIn(
                conclusion=conclusion, reason_codes=reason or [], amount_saved=amount, summary=summary
            )
            inv = finish_investigation(
                session=session,
                actor=_actor(session, by),
                investigation_id=investigation_id,
                cmd=cmd,
                now=utcnow(),
            )
            typer.echo(f"investigation #{inv.id} finished: {inv.conclusion}")
    except ClaimopsError as exc:
        _fail(exc.message)


@app.command("list")
def list_(
    claim_number: Annotated[str | None, typer.Option("--claim")] = None,
    open_only: Annotated[bool, typer.Option("--open")] = False,
) -> None:
    """Investigations, latest first (as JSON lines)."""
    from claimops.claims.service import get_claim
    from claimops.db import unit_of_work
    from claimops.investigations import queries
    from claimops.investigations.views import investigation_out

    try:
        with unit_of_work() as session:
            claim_id = get_claim(session=session, claim_number=claim_number).id if claim_number else None
            for inv, number in queries.investigations(session, claim_id=claim_id, open_only=open_only):
                typer.echo(investigation_out(session, inv, number).model_dump_json())
    except ClaimopsError as exc:
        _fail(exc.message)


@app.command("kpis")
def kpis(period: Annotated[str, typer.Argument(help="e.g. 2026-Q3, 2026, 2026-07")]) -> None:
    """Investigation KPIs of a period as JSON."""
    from claimops.db import unit_of_work
    from claimops.investigations import queries
    from claimops.investigations.views import kpis_out
    from claimops.reporting.periods import parse_period

    try:
        p = parse_period(period)
        with unit_of_work() as session:
            out = kpis_out(queries.kpis(session, p), p.label)
        typer.echo(json.dumps(out.model_dump(mode="json"), ensure_ascii=False))
    except ClaimopsError as exc:
        _fail(exc.message)
