"""/training: catalogue, sessions, scheduling, KPIs; a session page: enrolment, attendance, scores."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from claimops.clock import SHANGHAI, as_utc, local_date, utcnow
from claimops.errors import ClaimopsError, ValidationFailed
from claimops.schemas import parse
from claimops.team.redisplay import form_again
from claimops.team.service import visible_ids
from claimops.team.training import queries, service
from claimops.team.training.kpis import CERT_STATES
from claimops.team.training.schemas import (
    KINDS,
    CertificationIn,
    CourseIn,
    OnboardingIn,
    ResultIn,
    SessionIn,
)
from claimops.team.views import kpis_view, period_of
from claimops.users.roles import Role
from claimops.web.deps import SessionDep
from claimops.web.pagekit import CsrfForm, Page, PageDep, redisplay, require_page, text

router = APIRouter(include_in_schema=False)


def given(form: FormData, *names: str) -> dict[str, str]:
    """The fields filled in: an empty one is left out, so the schema's default or its "required"
    message (labelled with the field) applies."""
    return {n: v for n in names if (v := text(form, n))}


def _local_input(value: str) -> datetime:
    """A datetime-local field, read as Shanghai time."""
    try:
        return datetime.fromisoformat(value).replace(tzinfo=SHANGHAI)
    except ValueError as exc:
        raise ValidationFailed("give the start as date and time", code="INVALID_DATETIME") from exc


def _training(page: Page, session: Session, period: str | None = None, **extra: Any) -> Response:
    """The KPIs of the period (this quarter by default) and the sessions: every one, or with a period
    named, that period's (the dashboard panel's rows by course kind link here)."""
    now = utcnow()
    p = period_of(period, now)
    return page.render(
        "training.html",
        courses=queries.courses(session),
        sessions=queries.sessions(session, start=p.start_utc, end=p.end_utc)
        if period
        else queries.sessions(session),
        sessions_period=p.label if period else None,
        required=queries.required_courses(session),
        roles=[r.value for r in Role if r is not Role.CUSTOMER],
        kinds=KINDS,
        kpis=kpis_view(session, actor=page.actor, period=p, now=now),
        reminders=queries.expiring_certifications(
            session, visible=visible_ids(session, page.actor), today=local_date(now)
        ),
        now=now,
        as_utc=as_utc,
        **extra,
    )


@router.get("/training/people", response_class=HTMLResponse)
def people_page(
    page: PageDep, session: SessionDep, period: str | None = None, cert: str | None = None
) -> Response:
    """The lists behind the training figures: each person's hours, attendance, scores, onboarding
    and drills in the period; the certifications (one state with `cert`); quality before and after
    training per person."""
    now = utcnow()
    p = period_of(period, now)
    visible = visible_ids(session, page.actor)
    people = queries.kpis_by_person(session, visible=visible, start=p.start_utc, end=p.end_utc, now=now)
    state = cert if cert in CERT_STATES else None
    return page.render(
        "training_people.html",
        period=p.label,
        people=people,
        names={u.id: u for u, _ in people},
        certs=queries.certifications(session, visible=visible, today=local_date(now), state=state),
        cert=state,
        quality=queries.quality_before_after(session, visible=visible, start=p.start_utc, end=p.end_utc),
    )


@router.get("/training", response_class=HTMLResponse)
def training_page(page: PageDep, session: SessionDep, period: str | None = None) -> Response:
    return _training(page, session, period, form={})


_schedule_again = form_again(_training)


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


@router.post("/training/courses", dependencies=[require_page("training.manage")])
@redisplay(_schedule_again)
def add_course(form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    cmd = parse(CourseIn, given(form, "code", "title", "kind", "topic", "minutes"))
    service.create_course(session=session, actor=page.actor, cmd=cmd)
    return RedirectResponse("/training#catalogue", status_code=303)


@router.post("/training/required", dependencies=[require_page("training.manage")])
@redisplay(_schedule_again)
def require_course(form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    service.require_course(
        session=session, actor=page.actor, role=text(form, "role"), course=text(form, "course")
    )
    return RedirectResponse("/training#required", status_code=303)


@router.post("/training/certifications", dependencies=[require_page("training.manage")])
@redisplay(_schedule_again)
def certify(form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    cmd = parse(CertificationIn, given(form, "username", "name", "issued_on", "expires_on"))
    service.add_certification(session=session, actor=page.actor, cmd=cmd)
    return _to_record(cmd.username)


@router.post("/training/onboarding", dependencies=[require_page("training.manage")])
@redisplay(_schedule_again)
def onboarding(form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    cmd = parse(OnboardingIn, given(form, "username", "started_on", "due_on", "mentor"))
    service.start_onboarding(session=session, actor=page.actor, cmd=cmd)
    return _to_record(cmd.username)


def _to_record(username: str) -> Response:
    """After a certification or an onboarding plan: the person's training record, where it shows."""
    return RedirectResponse(f"/team/people/{username}#training-record", status_code=303)


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
