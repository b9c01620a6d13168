"""The team's dashboard panel: training figures worked out by hand, each linked to the list behind it,
quality before and after training with its sample sizes and no claimed effect on a small sample."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api_helpers import web_login
from claimops.clock import local_date, utcnow
from claimops.config import Settings
from claimops.dashboard_panels import default_panels
from claimops.db import unit_of_work
from claimops.reporting.kpis import Filters
from claimops.reporting.periods import Period
from claimops.team.drills.schemas import DrillIn
from claimops.team.drills.service import build_drill
from claimops.team.panel import team_panel
from claimops.team.service import add_member, create_team
from claimops.team.training.schemas import CertificationIn, OnboardingIn
from claimops.team.training.service import (
    add_certification,
    require_course,
    start_onboarding,
)
from claimops.team.views import period_of
from claimops.users.service import create_user
from databases import rolled_back
from factories import PASSWORD, drill_source, held_session, make_lead, scored_attempt, staff_actor


@pytest.fixture
def session(own_engine: Engine) -> Iterator[Session]:
    """The panel counts everyone's training: a database of this module's own."""
    with rolled_back(own_engine) as sess:
        yield sess


def _last_quarter() -> Period:
    return period_of(None, utcnow()).previous()


def _training(session: Session, settings: Settings, period: Period) -> None:
    """A team of handler and reviewer: one 2-hour session both attend (handler 90 passes, reviewer 40
    fails), three certifications, the handler's onboarding on the course, one scored drill."""
    manager = staff_actor(session, "manager")
    make_lead(session, "lead-panel", ("handler", "reviewer"))
    start = period.start_utc + timedelta(days=10)
    held_session(
        session, course="P-LAW", title="法律法规", starts_at=start, results={"handler": 90, "reviewer": 40}
    )
    require_course(session=session, actor=manager, role="handler", course="P-LAW")
    today = local_date(utcnow())
    for user, name, expires in (
        ("handler", "理赔师", today + timedelta(days=365)),
        ("reviewer", "核赔师", today + timedelta(days=30)),
        ("handler", "公估证", today - timedelta(days=5)),
    ):
        add_certification(
            session=session,
            actor=manager,
            cmd=CertificationIn(username=user, name=name, issued_on=date(2024, 1, 1), expires_on=expires),
        )
    start_onboarding(
        session=session,
        actor=manager,
        cmd=OnboardingIn(username="handler", started_on=date(2024, 1, 1), due_on=date(2024, 3, 1)),
    )
    w, _pii = drill_source(session, settings)
    drill = build_drill(session=session, actor=manager, cmd=DrillIn(claim_number=w.number), now=start)
    scored_attempt(session, number=drill.number, trainee="handler", amount="8000", now=start)


def test_no_training_no_panel(session: Session) -> None:
    assert team_panel(session, _last_quarter(), Filters(), "en") is None


def test_the_panel_by_hand_with_links(session: Session, settings: Settings) -> None:
    period = _last_quarter()
    _training(session, settings, period)
    panel = team_panel(session, period, Filters(), "en")
    assert panel is not None and panel.key == "team"
    got = {f.label: (f.value, f.href, f.flag) for f in panel.figures}
    people = f"/training/people?period={period.label}"
    assert got["Hours per head"] == ("2.0 h", f"{people}#people", None)  # 2 people × 2 h / 2
    assert got["Attendance rate"] == ("100.0% (2/2)", f"{people}#people", None)
    assert got["Pass rate"] == ("50.0% (1/2)", f"{people}#people", None)
    assert got["Certifications current"] == ("1", f"{people}&cert=current#certifications", None)
    assert got["Certifications expiring"] == ("1", f"{people}&cert=expiring#certifications", "warn")
    assert got["Certifications expired"] == ("1", f"{people}&cert=expired#certifications", "warn")
    assert got["Onboarding progress"][0] == "100.0%"  # the handler passed the one required course
    score, href, _ = got["Average drill score"]
    assert score.endswith("(n=1)") and href == f"/drills?period={period.label}#attempts"
    quality, href, _ = got["Handling quality before and after training"]
    assert "(n=" in quality and href == f"{people}#quality"
    # two people trained, a handful of decisions: the note gives the sizes and claims no effect
    assert panel.note is not None and "2 people trained" in panel.note and period.label in panel.note
    assert "Too few decisions" in panel.note or "not significant" in panel.note
    assert [r.cells[0] for r in panel.rows] == ["Basic courses"]
    assert panel.rows[0].cells[1:] == ("1", "4.0", "2/2", "50.0%")
    assert panel.rows[0].href == f"/training?period={period.label}#sessions"
    filtered = team_panel(session, period, Filters(line="auto"), "zh")
    assert filtered is not None and filtered.note is not None and "不按险种" in filtered.note
    assert "team" in default_panels().keys()


def test_the_dashboard_shows_the_panel_and_its_lists(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    period = _last_quarter()
    with unit_of_work(engine) as s:
        if team_panel(s, period, Filters(), "en") is None:  # no other test trained anyone then
            manager = staff_actor(s, "manager")
            # a team member of its own: the KPIs count team members once there are teams
            create_user(session=s, username="panel-member", password=PASSWORD, role="handler")
            create_user(session=s, username="panel-lead", password=PASSWORD, role="team_lead")
            create_team(session=s, actor=manager, name="panel-team", lead="panel-lead")
            add_member(
                session=s,
                actor=manager,
                team="panel-team",
                username="panel-member",
                joined_on=date(2026, 1, 1),
            )
            held_session(
                s,
                course="DASH-PANEL",
                starts_at=period.start_utc + timedelta(days=5),
                results={"panel-member": 70},
            )
    web = TestClient(client.app)
    web_login(web, "manager")
    dash = web.get(f"/dashboard?period={period.label}&lang=en")
    assert dash.status_code == 200 and 'id="panel-team"' in dash.text
    assert 'id="training-kpis-link"' not in dash.text  # the bare link gave way to the panel
    people = web.get(f"/training/people?period={period.label}&lang=en")
    assert people.status_code == 200 and 'class="person-row"' in people.text
    expiring = web.get(f"/training/people?period={period.label}&cert=expiring&lang=zh")
    assert expiring.status_code == 200 and 'data-state="current"' not in expiring.text
    sessions = web.get(f"/training?period={period.label}&lang=en")
    assert sessions.status_code == 200 and 'href="/training#sessions"' in sessions.text
    drills = web.get(f"/drills?period={period.label}&lang=en")
    assert drills.status_code == 200 and period.label in drills.text
