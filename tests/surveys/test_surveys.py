"""Invitations from claim events, answers and their refusals, results traced to the slow stage."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from claimops.app import install_claim_listeners
from claimops.config import Settings
from claimops.errors import ClaimopsError
from claimops.notifications.models import OutboxMessage
from claimops.surveys import service
from claimops.surveys.models import SurveyInvitation, SurveyResponse
from factories import Walk, at, make_policy, staff_actor

GOOD = {
    "overall": 5,
    "timeliness": 4,
    "communication": 5,
    "professionalism": 5,
    "nps": 9,
    "comment": "服务态度很好",
}


@pytest.fixture(autouse=True)
def listeners(settings: Settings) -> None:
    install_claim_listeners(settings)


def paid(session: Session, settings: Settings, review_days: float = 1) -> Walk:
    policy = make_policy(session, effective_from="2025-01-01", effective_to="2026-12-31")
    return (
        Walk(session, settings, policy, at(2026, 3, 2), "8000")
        .do("accept", 1)
        .do("start_review", review_days)
        .decide(1, "approved", "8000")
        .pay(1)
    )


def invitation(session: Session, walk: Walk) -> SurveyInvitation:
    inv = session.scalar(select(SurveyInvitation).where(SurveyInvitation.claim_id == walk.claim.id))
    assert inv is not None
    return inv


def responses(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(SurveyResponse)) or 0)


def test_payment_invites_once_and_sends_the_link(session: Session, settings: Settings) -> None:
    walk = paid(session, settings)
    inv = invitation(session, walk)
    assert inv.trigger == "paid" and inv.expires_at == inv.sent_at + timedelta(days=30)
    walk.do("close", 1)
    count = session.scalar(
        select(func.count()).select_from(SurveyInvitation).where(SurveyInvitation.claim_id == walk.claim.id)
    )
    assert count == 1  # closing after the payment does not invite again
    notice = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.claim_id == walk.claim.id, OutboxMessage.kind == "survey_invitation"
        )
    ).first()
    assert notice is not None and service.survey_token(inv, settings.resolved_secret_key) in notice.body


def test_a_denial_is_invited_too(session: Session, settings: Settings) -> None:
    policy = make_policy(session, effective_from="2025-01-01", effective_to="2026-12-31")
    walk = Walk(session, settings, policy, at(2026, 3, 2), "8000").do("accept", 1).do("start_review", 1)
    walk.decide(1, "denied", "0", reasons=["NOT_COVERED"])
    assert invitation(session, walk).trigger == "denied"


def test_answers_and_every_refusal(session: Session, settings: Settings) -> None:
    walk = paid(session, settings)
    inv = invitation(session, walk)
    secret = settings.resolved_secret_key
    token = service.survey_token(inv, secret)
    now = inv.sent_at + timedelta(days=1)

    def refused(code: str, **kw: Any) -> None:
        before = responses(session)
        with pytest.raises(ClaimopsError) as err:
            service.answer_online(session=session, secret=secret, now=kw.pop("now", now), **kw)
        assert err.value.code == code
        assert responses(session) == before

    for bad in (
        {"overall": 6},
        {"overall": 0},
        {"overall": 3, "nps": 11},
        {"overall": 3, "timeliness": "4.5"},
    ):
        refused("SCORE_OUT_OF_RANGE", token=token, answers=bad)
    refused("SCORE_REQUIRED", token=token, answers={"nps": 5})
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    refused("SURVEY_LINK_INVALID", token=forged, answers=GOOD)
    refused("SURVEY_LINK_INVALID", token="12.abc.def", answers=GOOD)
    refused("SURVEY_LINK_EXPIRED", token=token, answers=GOOD, now=inv.expires_at)
    r = service.answer_online(session=session, token=token, answers=GOOD, now=now, secret=secret)
    assert r.overall == 5 and r.channel == "online" and inv.responded_at == now
    refused("SURVEY_ALREADY_ANSWERED", token=token, answers=GOOD)
    # a phone interview for the same invitation is a second answer too
    with pytest.raises(ClaimopsError) as err:
        service.record_phone_interview(
            session=session,
            actor=staff_actor(session, "handler"),
            claim_number=walk.number,
            answers=GOOD,
            now=now,
        )
    assert err.value.code == "SURVEY_ALREADY_ANSWERED"


def test_reviews_csv_all_or_nothing(session: Session) -> None:
    actor = staff_actor(session, "manager")
    before = responses(session)
    bad = "date,overall,comment\n2026-03-01,5,很好\n2026-03-02,9,太慢\n"
    with pytest.raises(ClaimopsError) as err:
        service.import_reviews(session=session, actor=actor, text=bad, now=at(2026, 3, 5))
    assert err.value.code == "SCORE_OUT_OF_RANGE" and "row 3" in err.value.message
    assert responses(session) == before
    good = "date,overall,comment,nps\n2026-03-01,5,很好,10\n2026-03-02,2,太慢,3\n"
    assert service.import_reviews(session=session, actor=actor, text=good, now=at(2026, 3, 5)) == 2
    assert responses(session) == before + 2


def test_results_trace_a_speed_complaint_to_the_slow_stage(session: Session, settings: Settings) -> None:
    fast = paid(session, settings, review_days=1)
    slow = paid(session, settings, review_days=40)  # 40 days in review against a 30-day service level
    secret = settings.resolved_secret_key
    service.answer_online(
        session=session,
        token=service.survey_token(invitation(session, fast), secret),
        answers=GOOD,
        now=at(2026, 3, 10),
        secret=secret,
    )
    service.answer_online(
        session=session,
        token=service.survey_token(invitation(session, slow), secret),
        answers={
            "overall": 2,
            "timeliness": 1,
            "communication": 3,
            "nps": 4,
            "comment": "理赔太慢了，等了很久，电话联系 13812345678",
        },
        now=at(2026, 4, 20),
        secret=secret,
    )
    from claimops.masking import mask_text

    r = service.results(
        session=session,
        start=at(2026, 3, 1),
        end=at(2026, 5, 1),
        by="stage",
        settings=settings,
        mask=mask_text,
    )
    assert r.overall.responses == 2 and r.overall.invitations == 2 and r.overall.response_rate == 1.0
    assert r.overall.csat.value == 0.5 and r.overall.nps.value == 0.0  # 1 promoter, 1 detractor of 2
    assert {g.key: g.responses for g in r.groups} == {"acceptance": 1, "review": 1}
    speed = next(t for t in r.themes if t.theme == "speed")
    assert speed.mentions == 1 and speed.slow_stages == {"review": 1} and speed.mean_overall == 2
    assert "13812345678" not in speed.examples[0]
    by_month = service.results(
        session=session, start=at(2026, 3, 1), end=at(2026, 5, 1), by="period", settings=settings
    )
    assert [(g.key, g.responses, g.csat.value) for g in by_month.groups] == [
        ("2026-03", 1, 1.0),
        ("2026-04", 1, 0.0),
    ]
    with pytest.raises(ClaimopsError):
        service.results(
            session=session, start=at(2026, 3, 1), end=at(2026, 5, 1), by="colour", settings=settings
        )


def test_an_action_measures_its_metric_before_and_after(session: Session) -> None:
    actor = staff_actor(session, "manager")
    for day, score in [(1, 2), (2, 3), (3, 2), (4, 3), (20, 4), (21, 5), (22, 4), (23, 5)]:
        session.add(
            SurveyResponse(channel="review", overall=score, timeliness=score, responded_at=at(2026, 6, day))
        )
    session.flush()
    action = service.add_action(
        session=session,
        actor=actor,
        problem="审核环节太慢",
        source="survey_theme",
        metric="timeliness",
        owner="审核组",
        due_date=at(2026, 7, 1).date(),
        started_on=at(2026, 6, 10).date(),
        now=at(2026, 6, 10),
    )
    e = service.effect(session=session, action=action, days=30, today=at(2026, 7, 1).date())
    # before: 2,3,2,3 (mean 2.5, var 1/3); after: 4,5,4,5 (mean 4.5, var 1/3): change 2.0
    assert e.comparison.before.value == 2.5 and e.comparison.after.value == 4.5
    assert e.comparison.change == 2.0 and e.comparison.beyond_noise
    for bad, code in [({"source": "rumour"}, "UNKNOWN_SOURCE"), ({"metric": "mood"}, "UNKNOWN_METRIC")]:
        kw: dict[str, Any] = {
            "problem": "x",
            "source": "kpi",
            "metric": "nps",
            "owner": "a",
            "due_date": at(2026, 7, 1).date(),
            "started_on": at(2026, 6, 1).date(),
            **bad,
        }
        with pytest.raises(ClaimopsError) as err:
            service.add_action(session=session, actor=actor, now=at(2026, 6, 1), **kw)
        assert err.value.code == code
    with pytest.raises(ClaimopsError) as err:
        service.add_action(
            session=session,
            actor=staff_actor(session, "handler"),
            problem="x",
            source="kpi",
            metric="nps",
            owner="a",
            due_date=at(2026, 7, 1).date(),
            started_on=at(2026, 6, 1).date(),
            now=at(2026, 6, 1),
        )
    assert err.value.code == "ROLE_FORBIDDEN"
