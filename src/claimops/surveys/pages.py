"""Staff pages: survey results (CSAT, NPS, dimensions with intervals, themes traced to slow stages)
and the improvement-action register with each action's before/after."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from claimops.clock import local_date, utcnow
from claimops.errors import ClaimopsError, ValidationFailed
from claimops.masking import mask_text
from claimops.policies.lines import LINES
from claimops.reference import CHANNELS, REGIONS
from claimops.reporting.kpis import Filters
from claimops.surveys import service
from claimops.surveys.rules import METRICS, results_days
from claimops.surveys.text import THEMES
from claimops.surveys.views import effect_json
from claimops.web.deps import NowDep, SessionDep
from claimops.web.pagekit import CsrfForm, Page, PageDep, redisplay, require_page, text

router = APIRouter(include_in_schema=False)


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed("dates are YYYY-MM-DD", code="BAD_DATE") from exc


def _scope(page: Page) -> Filters:
    q = page.request.query_params
    insurer = q.get("insurer_id") or ""
    return Filters(
        line=q.get("line") or None,
        region=q.get("region") or None,
        channel=q.get("channel") or None,
        insurer_id=int(insurer) if insurer.isdigit() else None,
    )


def _span(page: Page, today: date) -> tuple[date, date]:
    q = page.request.query_params
    return results_days(_day(q.get("start")), _day(q.get("end")), today)


def _filters(scope: Filters) -> dict[str, Any]:
    """What the filter form offers and what is chosen."""
    return {
        "scope": scope,
        "lines": [ln.value for ln in LINES],
        "regions": list(REGIONS),
        "channels": list(CHANNELS),
    }


def _surveys_page(page: Page, session: Session, error: str = "", status_code: int = 200) -> Response:
    q = page.request.query_params
    today = local_date(utcnow())
    start, end = _span(page, today)
    scope = _scope(page)
    view = q.get("actions") or "all"
    if view not in service.ACTION_VIEWS:
        view = "all"
    by = q.get("by") or "period"
    if by not in service.GROUPS:
        by = "period"
    first, after = service.day_span(start, end)
    r = service.results(
        session=session,
        start=first,
        end=after,
        by=by,
        settings=page.settings,
        mask=mask_text,
        scope=scope,
    )
    actions = [
        effect_json(service.effect(session=session, action=a, today=today))
        for a in service.list_actions(session=session, view=view, today=today)
    ]
    return page.render(
        "surveys.html",
        r=r,
        by=by,
        groups=service.GROUPS,
        start=start,
        end=end,
        actions=actions,
        metrics=METRICS,
        sources=service.ACTION_SOURCES,
        error=error,
        status_code=status_code,
        today=today,
        view=view,
        views=service.ACTION_VIEWS,
        **_filters(scope),
    )


@router.get("/surveys", response_class=HTMLResponse, dependencies=[require_page("survey.read")])
def surveys_page(page: PageDep, session: SessionDep) -> Response:
    return _surveys_page(page, session)


@router.get("/surveys/responses", response_class=HTMLResponse, dependencies=[require_page("survey.read")])
def responses_page(page: PageDep, session: SessionDep) -> Response:
    """The answers behind a dashboard figure: by theme or by a score, comments masked."""
    q = page.request.query_params
    start, end = _span(page, local_date(utcnow()))
    first, after = service.day_span(start, end)
    scope = _scope(page)
    theme = q.get("theme") or None
    sort = q.get("sort") or "recent"
    rows = service.response_list(session=session, start=first, end=after, scope=scope, theme=theme, sort=sort)
    return page.render(
        "surveys_responses.html",
        rows=rows,
        start=start,
        end=end,
        theme=theme,
        sort=sort,
        sorts=service.RESPONSE_SORTS,
        themes=list(THEMES),
        mask=mask_text,
        limit=service.LIST_LIMIT,
        **_filters(scope),
    )


def _again(page: Page, session: Session, exc: ClaimopsError) -> Response:
    return _surveys_page(page, session, page.error_text(exc), exc.status)


@router.post("/surveys/actions", dependencies=[require_page("improvement.manage")])
@redisplay(_again)
def add_action(form: CsrfForm, page: PageDep, session: SessionDep, now: NowDep) -> Response:
    today = local_date(now)
    service.add_action(
        session=session,
        actor=page.actor,
        problem=text(form, "problem"),
        source=text(form, "source"),
        metric=text(form, "metric"),
        owner=text(form, "owner"),
        due_date=_day(text(form, "due_date")) or today,
        started_on=_day(text(form, "started_on")) or today,
        now=now,
    )
    return RedirectResponse("/surveys#actions", status_code=303)


@router.post("/surveys/phone", dependencies=[require_page("survey.write")])
@redisplay(_again)
def phone(form: CsrfForm, page: PageDep, session: SessionDep, now: NowDep) -> Response:
    answers = {
        k: text(form, k)
        for k in ("overall", "timeliness", "communication", "professionalism", "nps", "comment")
    }
    service.record_phone_interview(
        session=session, actor=page.actor, claim_number=text(form, "claim_number"), answers=answers, now=now
    )
    return RedirectResponse("/surveys", status_code=303)
