"""Demo teams, training and drills for the demo staff (same data for the same seed).

Two teams led by lead1 and lead2 (role team_lead) over the demo handlers and reviewers; the course
catalogue (basic, professional, practical); a year of sessions with attendance and scores; required
courses per role; certifications (some expiring soon); one new handler's onboarding; drills built
from closed demo claims with attempts, one of them reviewed, and a typhoon emergency drill."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from claimops.claims.models import Claim, Decision
from claimops.clock import local_date
from claimops.db import unit_of_work
from claimops.team.drills.models import DrillAttempt
from claimops.team.drills.schemas import AttemptIn, DrillIn, EmergencyDrillIn, ReviewIn
from claimops.team.drills.service import (
    build_drill,
    build_emergency_drill,
    review_attempt,
    start_attempt,
    submit_attempt,
)
from claimops.team.models import RoleChange, Team, TeamMember
from claimops.team.training.models import Certification, Enrolment, OnboardingPlan
from claimops.team.training.schemas import CourseIn, SessionIn
from claimops.team.training.service import create_course, require_course, schedule_session
from claimops.users.actor import Actor
from claimops.users.models import User
from claimops.users.roles import Role

LEADS = (("lead1", "张建华", "车险理赔一组"), ("lead2", "李慧敏", "综合理赔二组"))
TEAMS = {
    "车险理赔一组": ("handler1", "handler2", "handler3", "handler4", "reviewer1", "reviewer2"),
    "综合理赔二组": ("handler5", "handler6", "handler7", "handler8", "reviewer3", "reviewer4"),
}
NEW_STAFF = "handler8"
COURSES = (
    ("BASIC-INS", "保险基础知识", "basic", "insurance", 120),
    ("BASIC-PROC", "理赔流程与时效", "basic", "process", 120),
    ("BASIC-LAW", "法律法规：《保险法》索赔时效与理赔期限", "basic", "law", 90),
    ("PRO-MGMT", "高级管理：团队与质量", "professional", "management", 180),
    ("PRO-RISK", "风险评估", "professional", "risk", 120),
    ("PRO-FRAUD", "反欺诈识别", "professional", "fraud", 120),
    ("PRAC-CASE", "案例演练：模拟理赔", "practical", "drill", 150),
    ("PRAC-EMERG", "应急演练：台风与多车事故", "practical", "emergency", 150),
)
REQUIRED = {
    "handler": ("BASIC-INS", "BASIC-PROC", "BASIC-LAW"),
    "reviewer": ("BASIC-LAW", "PRO-RISK", "PRO-FRAUD"),
    "team_lead": ("PRO-MGMT",),
}
TRAINERS = ("王老师", "刘教授", "外聘律师 陈律师", "郭志强")


def seed_team(engine: Engine, *, seed: int, hashed: str, cutoff: int) -> None:
    """Add the demo's teams, training and drills; `cutoff` is the demo's "now" (epoch seconds)."""
    rng = np.random.default_rng(seed + 12)
    now = datetime.fromtimestamp(cutoff, UTC) - timedelta(hours=1)
    today = local_date(now)
    with unit_of_work(engine) as session:
        users = {u.username: u for u in session.scalars(select(User))}
        for username, name, _ in LEADS:
            if username not in users:
                lead = User(
                    username=username, full_name=name, password_hash=hashed, role=Role.TEAM_LEAD.value
                )
                session.add(lead)
                session.flush()
                users[username] = lead
        manager = users["manager"]
        actor = Actor(id=manager.id, name=manager.username, role=Role.MANAGER, authority=None)
        year_ago = today - timedelta(days=365)
        for username, _, team_name in LEADS:
            team = Team(name=team_name, lead_id=users[username].id)
            session.add(team)
            session.flush()
            session.add(
                RoleChange(
                    user_id=users[username].id,
                    role="reviewer",
                    effective_from=year_ago - timedelta(days=400),
                    note="审核岗",
                )
            )
            session.add(
                RoleChange(
                    user_id=users[username].id, role="team_lead", effective_from=year_ago, note="任组长"
                )
            )
            for member in TEAMS[team_name]:
                u = users[member]
                joined = today - timedelta(days=60) if member == NEW_STAFF else year_ago
                session.add(TeamMember(team_id=team.id, user_id=u.id, joined_on=joined))
                session.add(
                    RoleChange(
                        user_id=u.id,
                        role=u.role,
                        authority_limit=u.authority_limit,
                        effective_from=joined,
                        note="入组",
                    )
                )
        for code, title, kind, topic, minutes in COURSES:
            create_course(
                session=session,
                actor=actor,
                cmd=CourseIn(code=code, title=title, kind=kind, topic=topic, minutes=minutes),
            )
        for role, codes in REQUIRED.items():
            for code in codes:
                require_course(session=session, actor=actor, role=role, course=code)
        members = [users[m] for ms in TEAMS.values() for m in ms]
        # two sessions a month for a year, then two in the coming fortnight
        for month in range(12):
            for k in range(2):
                code = COURSES[int(rng.integers(len(COURSES)))][0]
                day = today - timedelta(days=365 - month * 30 - k * 14 - int(rng.integers(0, 5)))
                start = datetime(day.year, day.month, day.day, 1, 30, tzinfo=UTC)  # 09:30 Shanghai
                ts = schedule_session(
                    session=session,
                    actor=actor,
                    cmd=SessionIn(
                        course=code,
                        starts_at=start,
                        trainer=TRAINERS[int(rng.integers(len(TRAINERS)))],
                        location="培训室A",
                    ),
                )
                for u in members:
                    if u.username == NEW_STAFF and day < today - timedelta(days=60):
                        continue
                    if rng.random() < 0.55:
                        attended = bool(rng.random() < 0.9)
                        score = int(np.clip(rng.normal(76, 12), 0, 100)) if attended else None
                        session.add(
                            Enrolment(
                                session_id=ts.id,
                                user_id=u.id,
                                attended=attended,
                                score=score,
                                passed=None if score is None else score >= ts.pass_mark,
                                recorded_at=start + timedelta(hours=4),
                            )
                        )
        # the new handler's onboarding: two of the three basic courses passed
        new = users[NEW_STAFF]
        session.add(
            OnboardingPlan(
                user_id=new.id,
                started_on=today - timedelta(days=60),
                due_on=today + timedelta(days=30),
                mentor_id=users["handler1"].id,
            )
        )
        for i, code in enumerate(("BASIC-INS", "BASIC-PROC")):
            start = datetime.combine(
                today - timedelta(days=50 - 10 * i), datetime.min.time(), UTC
            ) + timedelta(hours=1)
            ts = schedule_session(
                session=session, actor=actor, cmd=SessionIn(course=code, starts_at=start, trainer="王老师")
            )
            session.add(
                Enrolment(
                    session_id=ts.id,
                    user_id=new.id,
                    attended=True,
                    score=82 + i,
                    passed=True,
                    recorded_at=start + timedelta(hours=3),
                )
            )
        for days, code in ((5, "BASIC-LAW"), (12, "PRAC-EMERG")):
            start = datetime.combine(today + timedelta(days=days), datetime.min.time(), UTC) + timedelta(
                hours=1
            )
            ts = schedule_session(
                session=session, actor=actor, cmd=SessionIn(course=code, starts_at=start, trainer="刘教授")
            )
            for u in members[:4]:
                session.add(Enrolment(session_id=ts.id, user_id=u.id))
        for i, u in enumerate(members):
            issued = today - timedelta(days=int(rng.integers(300, 1000)))
            expires = today + timedelta(days=20 + 45 * i) if i % 3 == 0 else issued + timedelta(days=3 * 365)
            session.add(
                Certification(user_id=u.id, name="保险理赔从业资格证", issued_on=issued, expires_on=expires)
            )
        session.flush()
        _drills(session, actor, users, now, rng)


def _drills(
    session: Session, actor: Actor, users: dict[str, User], now: datetime, rng: np.random.Generator
) -> None:
    closed = list(
        session.scalars(
            select(Claim.claim_number)
            .join(Decision, Decision.claim_id == Claim.id)
            .where(Claim.status == "closed", Decision.current.is_(True))
            .order_by(Claim.id)
            .limit(40)
        )
    )
    if len(closed) < 8:
        return
    picks = [closed[int(i)] for i in rng.choice(len(closed), size=8, replace=False)]
    built = [
        build_drill(session=session, actor=actor, cmd=DrillIn(claim_number=n), now=now - timedelta(days=20))
        for n in picks[:3]
    ]
    build_emergency_drill(
        session=session,
        actor=actor,
        cmd=EmergencyDrillIn(scenario="typhoon", claim_numbers=picks[3:8], title="台风“海葵”登陆：多案并发"),
        now=now - timedelta(days=10),
    )
    lead = users["lead1"]
    lead_actor = Actor(id=lead.id, name=lead.username, role=Role.TEAM_LEAD, authority=None)
    for i, name in enumerate(("handler1", "handler2", "handler3", "handler5", "handler6")):
        u = users[name]
        trainee = Actor(id=u.id, name=u.username, role=Role.HANDLER, authority=u.authority_limit)
        drill = built[i % len(built)]
        truth = drill.answer["cases"][0]
        started = now - timedelta(days=15 - i)
        attempt = start_attempt(session=session, actor=trainee, number=drill.number, now=started)
        right = rng.random() < 0.7
        amount = Decimal(truth["amount"]) * Decimal(str(round(float(rng.uniform(0.9, 1.1)), 2)))
        submit_attempt(
            session=session,
            actor=trainee,
            attempt_id=attempt.id,
            cmd=AttemptIn(
                outcome=truth["outcome"] if right else "denied",
                amount=amount.quantize(Decimal("0.01")),
                requested_documents=truth["missing_documents"][:1],
                red_flags=truth["red_flags"],
            ),
            now=started + timedelta(minutes=int(rng.integers(15, 50))),
        )
        if name == "handler1":
            review_attempt(
                session=session,
                actor=lead_actor,
                attempt_id=attempt.id,
                cmd=ReviewIn(note="结论正确；注意先核对免赔额再计算赔付金额。"),
                now=started + timedelta(days=1),
            )
    session.flush()
    assert session.scalar(select(DrillAttempt.id).limit(1)) is not None
