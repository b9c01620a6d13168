"""/team: the teams the user may see with each person's workload and quality; one person's record."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from claimops.clock import utcnow
from claimops.schemas import parse
from claimops.team import service
from claimops.team.redisplay import form_again
from claimops.team.schemas import MemberIn, TeamIn
from claimops.team.views import period_of, person_view, teams_view
from claimops.web.deps import SessionDep
from claimops.web.pagekit import CsrfForm, Page, PageDep, redisplay, require_page, text

router = APIRouter(include_in_schema=False)


def _teams(page: Page, session: Session, period: str | None = None, **extra: Any) -> Response:
    p = period_of(period, utcnow())
    data = teams_view(session, actor=page.actor, period=p, settings=page.settings)
    return page.render("team.html", data=data, **{"form": {}, **extra})


@router.get("/team", response_class=HTMLResponse)
def team_page(page: PageDep, session: SessionDep, period: str | None = None) -> Response:
    return _teams(page, session, period)


_team_again = form_again(_teams)


@router.post("/team/teams", dependencies=[require_page("team.manage")])
@redisplay(_team_again)
def create_team(form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    cmd = parse(TeamIn, {"name": text(form, "name"), "lead": text(form, "lead")})
    service.create_team(session=session, actor=page.actor, name=cmd.name, lead=cmd.lead)
    return RedirectResponse("/team#teams", status_code=303)


@router.post("/team/members", dependencies=[require_page("team.manage")])
@redisplay(_team_again)
def add_member(form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    cmd = parse(MemberIn, {"username": text(form, "username"), "joined_on": text(form, "joined_on") or None})
    service.add_member(
        session=session,
        actor=page.actor,
        team=text(form, "team"),
        username=cmd.username,
        joined_on=cmd.joined_on,
    )
    return RedirectResponse("/team#teams", status_code=303)


@router.get("/team/people/{username}", response_class=HTMLResponse)
def person_page(username: str, page: PageDep, session: SessionDep, period: str | None = None) -> Response:
    now = utcnow()
    data = person_view(
        session,
        actor=page.actor,
        username=username,
        period=period_of(period, now),
        now=now,
        settings=page.settings,
    )
    return page.render("team_person.html", data=data)
