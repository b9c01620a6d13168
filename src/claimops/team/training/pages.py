"""/training: catalogue, sessions, scheduling, KPIs; a session page: enrolment, attendance, scores."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from claimops.clock import SHANGHAI, as_utc, local_date, utcnow
from claimops.errors import ClaimopsError, ValidationFailed
from claimops.schemas import parse
from claimops.team.service import visible_ids
from claimops.team.training import queries, service
from claimops.team.training.schemas import ResultIn, SessionIn
from claimops.team.views import kpis_view, period_of
from claimops.web.deps import SessionDep
from claimops.web.pagekit import CsrfForm, Page, PageDep, form_values, redisplay, require_page, text

router = APIRouter(include_in_schema=False)


def _local_input(value: str) -> datetime:
    """A datetime-local field, read as Shanghai time."""
    try:
        return datetime.fromisoformat(value).replace(tzinfo=SHANGHAI)
    except ValueError as exc:
        raise ValidationFailed("give the start as date and time", code="INVALID_DATETIME") from exc


def _training(page: Page, session: Session, period: str | None = None, **extra: Any) -> Response:
    now = utcnow()
    p = period_of(period, now)
    return page.render(
        "training.html",
        courses=queries.courses(session),
        sessions=queries.sessions(session),
        kpis=kpis_view(session, actor=page.actor, period=p, now=now),
        reminders=queries.expiring_certifications(
            session, visible=visible_ids(session, page.actor), today=local_date(now)
        ),
        now=now,
        as_utc=as_utc,
        **extra,
    )


@router.get("/training", response_class=HTMLResponse)
def training_page(page: PageDep, session: SessionDep, period: str | None = None) -> Response:
    return _training(page, session, period, form={})


def _schedule_again(page: Page, session: Session, exc: ClaimopsError) -> Response:
    return _training(
        page, session, form=form_values(page.form), error=page.error_text(exc), status_code=exc.status
    )


@router.post("/training/sessions", dependencies=[require_page("training.manage")])
@redisplay(_schedule_again)
def schedule(form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    cmd = parse(
        SessionIn,
        {
            "course": text(form, "course"),
            "starts_at": _local_input(text(form, "starts_at")),
            "minutes": text(form, "minutes") or None,
            "trainer": text(form, "trainer"),
            "location": text(form, "location"),
            "max_score": text(form, "max_score", "100"),
            "pass_mark": text(form, "pass_mark", "60"),
        },
    )
    ts = service.schedule_session(session=session, actor=page.actor, cmd=cmd)
    return RedirectResponse(f"/training/sessions/{ts.id}", status_code=303)


def _session_page(page: Page, session: Session, session_id: int, **extra: Any) -> Response:
    ts = service.get_session(session, session_id)
    course = queries.course_of(session, ts)
    return page.render(
        "training_session.html",
        ts=ts,
        course=course,
        attendees=queries.attendees(session, session_id),
        held=as_utc(ts.starts_at) <= utcnow(),
        **extra,
    )


@router.get("/training/sessions/{session_id}", response_class=HTMLResponse)
def session_page(session_id: int, page: PageDep, session: SessionDep) -> Response:
    return _session_page(page, session, session_id)


def _session_again(page: Page, session: Session, exc: ClaimopsError) -> Response:
    session_id = int(page.request.path_params["session_id"])
    return _session_page(page, session, session_id, error=page.error_text(exc), status_code=exc.status)


@router.post("/training/sessions/{session_id}/enrol", dependencies=[require_page("training.manage")])
@redisplay(_session_again)
def enrol(session_id: int, form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    names = [n.strip() for n in text(form, "usernames").replace("，", ",").split(",") if n.strip()]
    if not names:
        raise ValidationFailed("name at least one person", code="NOBODY_TO_ENROL")
    service.enrol(session=session, actor=page.actor, session_id=session_id, usernames=names)
    return RedirectResponse(f"/training/sessions/{session_id}", status_code=303)


@router.post("/training/sessions/{session_id}/results", dependencies=[require_page("training.manage")])
@redisplay(_session_again)
def results(session_id: int, form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    score = text(form, "score")
    cmd = parse(
        ResultIn,
        {
            "username": text(form, "username"),
            "attended": text(form, "attended") == "yes",
            "score": score or None,
        },
    )
    service.record_result(session=session, actor=page.actor, session_id=session_id, cmd=cmd, now=utcnow())
    return RedirectResponse(f"/training/sessions/{session_id}", status_code=303)
