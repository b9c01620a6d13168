"""/drills: build drills from closed claims, work them in the sandbox, see the score, review attempts."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from claimops.claims.checklist import all_doc_types
from claimops.clock import utcnow
from claimops.errors import ClaimopsError, ValidationFailed
from claimops.reporting.periods import parse_period
from claimops.schemas import parse
from claimops.team.drills import service
from claimops.team.drills.models import Drill
from claimops.team.drills.schemas import AttemptIn, DrillIn, EmergencyDrillIn, ReviewIn
from claimops.team.redisplay import form_again
from claimops.web.deps import SessionDep
from claimops.web.pagekit import CsrfForm, Page, PageDep, form_values, redisplay, require_page, text, texts

router = APIRouter(include_in_schema=False)


def _list(page: Page, session: Session, period: str | None = None, **extra: Any) -> Response:
    """The drills and the attempts; with a period, the attempts submitted in it (the dashboard's
    drill score links here)."""
    p = parse_period(period) if period else None
    found = service.attempts(
        session,
        page.actor,
        submitted_from=p.start_utc if p else None,
        submitted_before=p.end_utc if p else None,
    )
    return page.render(
        "drills.html", drills=service.drills(session), attempts=found, period=p.label if p else None, **extra
    )


@router.get("/drills", response_class=HTMLResponse, dependencies=[require_page("drill.attempt")])
def drills_page(page: PageDep, session: SessionDep, period: str | None = None) -> Response:
    return _list(page, session, period, form={})


_build_again = form_again(_list)


@router.post("/drills", dependencies=[require_page("drill.build")])
@redisplay(_build_again)
def build(form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    cmd = parse(DrillIn, {"claim_number": text(form, "claim_number"), "title": text(form, "title")})
    drill = service.build_drill(session=session, actor=page.actor, cmd=cmd, now=utcnow())
    return RedirectResponse(f"/drills/{drill.number}", status_code=303)


@router.post("/drills/emergency", dependencies=[require_page("drill.build")])
@redisplay(_build_again)
def build_emergency(form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    numbers = [n.strip() for n in text(form, "claim_numbers").replace("，", ",").split(",") if n.strip()]
    cmd = parse(
        EmergencyDrillIn,
        {"scenario": text(form, "scenario"), "claim_numbers": numbers, "title": text(form, "title")},
    )
    drill = service.build_emergency_drill(session=session, actor=page.actor, cmd=cmd, now=utcnow())
    return RedirectResponse(f"/drills/{drill.number}", status_code=303)


def _drill(page: Page, drill: Drill, **extra: Any) -> Response:
    return page.render(
        "drill.html",
        drill=service.trainee_view(drill),
        doc_types=sorted(all_doc_types()),
        **extra,
    )


@router.get("/drills/{number}", response_class=HTMLResponse, dependencies=[require_page("drill.attempt")])
def drill_page(number: str, page: PageDep, session: SessionDep) -> Response:
    return _drill(page, service.get_drill(session, number))


@router.post("/drills/{number}/attempts", dependencies=[require_page("drill.attempt")])
def start(number: str, form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    attempt = service.start_attempt(session=session, actor=page.actor, number=number, now=utcnow())
    return RedirectResponse(f"/drills/attempts/{attempt.id}", status_code=303)


def _attempt(page: Page, session: Session, attempt_id: int, **extra: Any) -> Response:
    attempt = service.get_attempt(session, page.actor, attempt_id)
    drill = service.drill_of(session, attempt)
    return page.render(
        "drill_attempt.html",
        attempt=attempt,
        drill=service.trainee_view(drill),
        answer=drill.answer if attempt.submitted_at is not None else None,
        doc_types=sorted(all_doc_types()),
        mine=attempt.trainee_id == page.actor.id,
        **extra,
    )


@router.get(
    "/drills/attempts/{attempt_id}", response_class=HTMLResponse, dependencies=[require_page("drill.attempt")]
)
def attempt_page(attempt_id: int, page: PageDep, session: SessionDep) -> Response:
    return _attempt(page, session, attempt_id, form={})


def _attempt_again(page: Page, session: Session, exc: ClaimopsError) -> Response:
    attempt_id = int(page.request.path_params["attempt_id"])
    return _attempt(
        page,
        session,
        attempt_id,
        form=form_values(page.form),
        error=page.error_text(exc),
        status_code=exc.status,
    )


def _amount(value: str) -> Decimal | None:
    if not value:
        return None
    try:
        return Decimal(value.replace(",", ""))
    except InvalidOperation as exc:
        raise ValidationFailed("the amount is a number", code="INVALID_AMOUNT") from exc


@router.post("/drills/attempts/{attempt_id}/submit", dependencies=[require_page("drill.attempt")])
@redisplay(_attempt_again)
def submit(attempt_id: int, form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    triage = [c.strip().upper() for c in text(form, "triage").replace("，", ",").split(",") if c.strip()]
    cmd = parse(
        AttemptIn,
        {
            "outcome": text(form, "outcome") or None,
            "amount": str(a) if (a := _amount(text(form, "amount"))) is not None else None,
            "requested_documents": texts(form, "requested_documents"),
            "red_flags": texts(form, "red_flags"),
            "triage": triage,
        },
    )
    service.submit_attempt(session=session, actor=page.actor, attempt_id=attempt_id, cmd=cmd, now=utcnow())
    return RedirectResponse(f"/drills/attempts/{attempt_id}", status_code=303)


@router.post("/drills/attempts/{attempt_id}/review", dependencies=[require_page("drill.review")])
@redisplay(_attempt_again)
def review(attempt_id: int, form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    cmd = parse(ReviewIn, {"note": text(form, "note")})
    service.review_attempt(session=session, actor=page.actor, attempt_id=attempt_id, cmd=cmd, now=utcnow())
    return RedirectResponse(f"/drills/attempts/{attempt_id}", status_code=303)
