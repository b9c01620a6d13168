"""/team: the teams the user may see with each person's workload and quality; one person's record."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from claimops.clock import utcnow
from claimops.team.views import period_of, person_view, teams_view
from claimops.web.deps import SessionDep
from claimops.web.pagekit import PageDep

router = APIRouter(include_in_schema=False)


@router.get("/team", response_class=HTMLResponse)
def team_page(page: PageDep, session: SessionDep, period: str | None = None) -> Response:
    p = period_of(period, utcnow())
    data = teams_view(session, actor=page.actor, period=p, settings=page.settings)
    return page.render("team.html", data=data)


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
