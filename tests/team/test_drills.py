"""Drills: built from closed claims only, with no personal data of the source left, scored against the
real outcome, and never reaching a KPI, a mining frame, an event, a notification, a survey invitation
or a payment."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from claimops.app import install_claim_listeners
from claimops.claims.models import Claim, ClaimEvent, Decision
from claimops.config import Settings
from claimops.errors import ClaimopsError
from claimops.masking import mask_account
from claimops.mining.data.loader import load_claims
from claimops.notifications.models import OutboxMessage
from claimops.payments.models import Payment
from claimops.reporting.periods import parse_period
from claimops.reporting.summary import jsonable, period_summary
from claimops.surveys.models import SurveyInvitation
from claimops.team.drills.models import Drill, DrillAttempt
from claimops.team.drills.schemas import AttemptIn, DrillIn, EmergencyDrillIn, ReviewIn
from claimops.team.drills.service import (
    build_drill,
    build_emergency_drill,
    review_attempt,
    start_attempt,
    submit_attempt,
)
from factories import at, drill_source, scored_attempt, staff_actor

NOW = at(2026, 6, 1)


def _stored_text(db: Session, drill_id: int) -> str:
    """What is stored for one drill: other tests' committed drills are not this test's business."""
    rows = db.execute(
        select(Drill.number, Drill.title, Drill.scenario, Drill.answer).where(Drill.id == drill_id)
    ).all()
    attempts = db.execute(
        select(DrillAttempt.breakdown, DrillAttempt.review_note).where(DrillAttempt.drill_id == drill_id)
    ).all()
    return json.dumps([list(r) for r in rows] + [list(a) for a in attempts], ensure_ascii=False, default=str)


def test_no_personal_data_of_the_source_survives_the_masking(session: Session, settings: Settings) -> None:
    w, pii = drill_source(session, settings)
    drill = build_drill(
        session=session, actor=staff_actor(session, "manager"), cmd=DrillIn(claim_number=w.number), now=NOW
    )
    text = _stored_text(session, drill.id)
    phone = pii["phone"]
    forms = [
        pii["name"],
        pii["payee_name"],
        pii["id_number"],
        phone,
        f"{phone[:3]}-{phone[3:7]}-{phone[7:]}",
        pii["account"],
        w.number,  # the claim number would lead back to the customer
        w.claim.policy.policy_number,
    ]
    for value in forms:
        assert value not in text, value
    # but the case is still a case: the free text kept its substance, the insured a stand-in
    case = drill.scenario["cases"][0]
    assert "追尾事故" in case["description"] and case["insured"]["name"] == "客户甲"
    assert "收款人甲" in case["description"] and mask_account(pii["account"]) in case["description"]
    assert drill.number.startswith("SBX-") and "outcome" not in json.dumps(drill.scenario)


def test_a_drill_from_an_open_claim_is_refused_and_nothing_is_stored(
    session: Session, settings: Settings
) -> None:
    w, _ = drill_source(session, settings, close=False)
    manager = staff_actor(session, "manager")
    before = session.scalar(select(func.count(Drill.id)))
    with pytest.raises(ClaimopsError) as exc:
        build_drill(session=session, actor=manager, cmd=DrillIn(claim_number=w.number), now=NOW)
    assert exc.value.code == "DRILL_SOURCE_NOT_CLOSED"
    with pytest.raises(ClaimopsError) as emergency:
        build_emergency_drill(
            session=session,
            actor=manager,
            cmd=EmergencyDrillIn(scenario="typhoon", claim_numbers=[w.number, w.number]),
            now=NOW,
        )
    assert emergency.value.code == "DUPLICATE_CLAIM_IN_DRILL"
    assert session.scalar(select(func.count(Drill.id))) == before


def test_an_attempt_is_scored_against_the_real_outcome_and_reviewed(
    session: Session, settings: Settings
) -> None:
    w, _ = drill_source(session, settings)
    drill = build_drill(
        session=session, actor=staff_actor(session, "manager"), cmd=DrillIn(claim_number=w.number), now=NOW
    )
    truth = drill.answer["cases"][0]
    assert truth["outcome"] == "approved" and Decimal(truth["amount"]) == Decimal(
        "6750.00"
    )  # 8000-500, less 10%
    handler = staff_actor(session, "handler")
    attempt = start_attempt(session=session, actor=handler, number=drill.number, now=NOW)
    # right outcome, amount 7,000 (within 5% of 6,750 = 337.50), documents and flags as true, 20 of 30 minutes
    scored = submit_attempt(
        session=session,
        actor=handler,
        attempt_id=attempt.id,
        cmd=AttemptIn(
            outcome="approved",
            amount=Decimal("7000"),
            requested_documents=truth["missing_documents"],
            red_flags=truth["red_flags"],
        ),
        now=NOW + timedelta(minutes=20),
    )
    assert scored.breakdown == {
        "decision": 40,
        "amount": 25,
        "documents": 15,
        "red_flags": 15,
        "time": 5,
        "total": 100,
        "minutes": 20.0,
    }
    again = start_attempt(session=session, actor=handler, number=drill.number, now=NOW)
    # wrong outcome, amount 0 (outside), 45 minutes (half the time points: 5 * (1 - 15/30) = 2.5 -> 2)
    low = submit_attempt(
        session=session,
        actor=handler,
        attempt_id=again.id,
        cmd=AttemptIn(
            outcome="denied",
            amount=Decimal("0"),
            requested_documents=truth["missing_documents"],
            red_flags=truth["red_flags"],
        ),
        now=NOW + timedelta(minutes=45),
    )
    assert low.score == 0 + 0 + 15 + 15 + 2
    with pytest.raises(ClaimopsError) as twice:
        submit_attempt(
            session=session,
            actor=handler,
            attempt_id=again.id,
            cmd=AttemptIn(outcome="approved", amount=Decimal("1")),
            now=NOW,
        )
    assert twice.value.code == "ATTEMPT_SUBMITTED" and low.score == 32
    reviewed = review_attempt(
        session=session,
        actor=staff_actor(session, "manager"),
        attempt_id=again.id,
        cmd=ReviewIn(note="金额依据免赔额与赔付比例"),
        now=NOW,
    )
    assert reviewed.review_note and reviewed.reviewed_by is not None


def test_an_emergency_drill_is_triaged_in_order_of_loss(session: Session, settings: Settings) -> None:
    sources = [drill_source(session, settings)[0] for _ in range(3)]
    manager = staff_actor(session, "manager")
    drill = build_emergency_drill(
        session=session,
        actor=manager,
        cmd=EmergencyDrillIn(scenario="typhoon", claim_numbers=[s.number for s in sources]),
        now=NOW,
    )
    assert [c["case_id"] for c in drill.scenario["cases"]] == ["C1", "C2", "C3"]
    handler = staff_actor(session, "handler")
    a = start_attempt(session=session, actor=handler, number=drill.number, now=NOW)
    order = drill.answer["triage"]
    reverse = submit_attempt(
        session=session, actor=handler, attempt_id=a.id, cmd=AttemptIn(triage=order[::-1]), now=NOW
    )
    assert reverse.score == 0  # every one of the 3 pairs the wrong way round
    b = start_attempt(session=session, actor=handler, number=drill.number, now=NOW)
    with pytest.raises(ClaimopsError) as bad:
        submit_attempt(
            session=session, actor=handler, attempt_id=b.id, cmd=AttemptIn(triage=["C1", "C9"]), now=NOW
        )
    assert bad.value.code == "TRIAGE_INVALID"


def test_drill_data_never_reaches_a_kpi_a_mining_frame_an_event_a_notification_or_a_payment(
    session: Session, settings: Settings
) -> None:
    install_claim_listeners(settings)  # as the app does: claim events feed the outbox and surveys
    w, _ = drill_source(session, settings)
    others = [drill_source(session, settings)[0].number for _ in range(2)]
    period = parse_period("2026-Q1")
    fed = (OutboxMessage, SurveyInvitation)

    def counts() -> list[int | None]:
        return [
            session.scalar(select(func.count(m.id))) for m in (Claim, ClaimEvent, Decision, Payment, *fed)
        ]

    # the listeners are live: the source claims' payment and closing invited a survey
    source_ids = select(Claim.id).where(Claim.claim_number.in_([w.number, *others]))
    assert session.scalar(
        select(func.count(SurveyInvitation.id)).where(SurveyInvitation.claim_id.in_(source_ids))
    )
    kpis_before = jsonable(period_summary(session, period, settings))
    frame_before = load_claims(session.connection())
    rows_before = counts()
    manager = staff_actor(session, "manager")
    drill = build_drill(session=session, actor=manager, cmd=DrillIn(claim_number=w.number), now=NOW)
    attempt = scored_attempt(session, number=drill.number, trainee="handler", amount="6750", now=NOW)
    review_attempt(
        session=session, actor=manager, attempt_id=attempt.id, cmd=ReviewIn(note="金额核对"), now=NOW
    )
    emergency = build_emergency_drill(
        session=session,
        actor=manager,
        cmd=EmergencyDrillIn(scenario="typhoon", claim_numbers=others),
        now=NOW,
    )
    handler = staff_actor(session, "handler")
    triage = start_attempt(session=session, actor=handler, number=emergency.number, now=NOW)
    submit_attempt(
        session=session,
        actor=handler,
        attempt_id=triage.id,
        cmd=AttemptIn(triage=emergency.answer["triage"]),
        now=NOW,
    )
    # no claim, event (what notifications and survey invitations are fed by), decision, payment,
    # outbox message or survey invitation is added by drill work
    assert counts() == rows_before
    sandbox = [drill.number, emergency.number]
    for row in session.scalars(select(OutboxMessage)):
        assert not any(n in f"{row.subject} {row.body} {row.data}" for n in sandbox)
    assert jsonable(period_summary(session, period, settings)) == kpis_before
    frame_after = load_claims(session.connection())
    assert frame_after.equals(frame_before)
    assert not frame_after.astype(str).apply(lambda col: col.str.contains("SBX-")).any().any()
