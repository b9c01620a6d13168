"""The demo's teams, training and drills: consistent with the demo staff, the same for the same seed."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from claimops.config import Settings
from claimops.db import make_engine
from claimops.demo.bulk import seed_database
from claimops.migrate import upgrade
from claimops.reporting.periods import parse_period
from claimops.team.drills.models import Drill, DrillAttempt
from claimops.team.models import Team, TeamMember
from claimops.team.training.models import Certification, Enrolment, TrainingSession
from claimops.team.views import teams_view
from claimops.users.models import User

END = date(2026, 6, 30)


def _snapshot(engine: Engine) -> dict[str, Any]:
    with Session(engine) as s:
        return {
            "teams": s.execute(
                select(Team.name, User.username).join(User, User.id == Team.lead_id).order_by(Team.name)
            ).all(),
            "members": s.execute(
                select(TeamMember.team_id, User.username).join(User).order_by(User.username)
            ).all(),
            "sessions": s.execute(
                select(
                    TrainingSession.course_id, TrainingSession.starts_at, TrainingSession.trainer
                ).order_by(TrainingSession.id)
            ).all(),
            "enrolments": s.execute(
                select(Enrolment.session_id, Enrolment.user_id, Enrolment.score).order_by(Enrolment.id)
            ).all(),
            "certs": s.execute(
                select(Certification.user_id, Certification.expires_on).order_by(Certification.id)
            ).all(),
            "drills": s.execute(select(Drill.number, Drill.scenario, Drill.answer).order_by(Drill.id)).all(),
            "attempts": s.execute(
                select(DrillAttempt.trainee_id, DrillAttempt.score, DrillAttempt.review_note).order_by(
                    DrillAttempt.id
                )
            ).all(),
        }


def test_demo_teams_training_and_drills(empty_engine: Engine, tmp_path: Path) -> None:
    seed_database(empty_engine, claims=600, seed=11, end=END, data_dir=tmp_path / "a")
    first = _snapshot(empty_engine)
    assert sorted(lead for _, lead in first["teams"]) == ["lead1", "lead2"]
    staff = {u for _, u in first["members"]}
    assert {"handler1", "handler8", "reviewer4"} <= staff
    assert len(first["sessions"]) >= 20 and first["enrolments"] and first["drills"] and first["attempts"]
    assert any(note for _, _, note in first["attempts"])  # a lead reviewed one
    assert any(expires <= date(2026, 8, 29) for _, expires in first["certs"])  # some expire within 60 days
    with Session(empty_engine) as s:
        view = teams_view(s, actor=None, period=parse_period("2026-Q1"), settings=Settings(data_dir=tmp_path))
    # the demo's disputes and survey answers reach the people who decided and handled the claims
    figures = [t["figures"] for t in view["teams"]]
    assert sum(f["responses"] for f in figures) > 0 and all(f["satisfaction"] is not None for f in figures)
    assert all(f["dispute_rate"] is not None for f in figures) and sum(f["disputed_claims"] for f in figures)
    if empty_engine.dialect.name != "sqlite":
        return  # same seed, same data: checked once, on SQLite
    url = f"sqlite:///{tmp_path / 'again.db'}"
    upgrade(url)
    again = make_engine(url)
    seed_database(again, claims=600, seed=11, end=END, data_dir=tmp_path / "b")
    assert _snapshot(again) == first
    again.dispose()
