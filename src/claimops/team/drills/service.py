"""Drills built from closed claims, worked in the sandbox, scored against the real outcome.

A drill copies what a trainee needs from a closed claim into the drill tables, with every personal
value replaced (drills/masking.py) and the real outcome kept apart in `answer`. Nothing here writes a
claim, event, payment or notification; a drill's SBX- number is refused by the claims services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from claimops.claims.checklist import doc_types, missing
from claimops.claims.lifecycle import Action, Status
from claimops.claims.models import Claim, ClaimEvent, ClaimFinding, Decision
from claimops.claims.service import SANDBOX_PREFIX
from claimops.clock import as_utc, local_date
from claimops.customers.models import Customer
from claimops.documents.models import Document
from claimops.errors import Conflict, Forbidden, NotFound, ValidationFailed
from claimops.masking import mask_id_number, mask_phone
from claimops.payments.models import Payment
from claimops.policies.models import Policy
from claimops.team.drills import scoring
from claimops.team.drills.masking import replacements, scrub, stand_in
from claimops.team.drills.models import Drill, DrillAttempt
from claimops.team.drills.schemas import AttemptIn, DrillIn, EmergencyDrillIn, ReviewIn
from claimops.team.service import check_visible, visible_ids
from claimops.users.actor import Actor
from claimops.users.models import User

RED_FLAGS = (
    "DUPLICATE_CLAIM",
    "EARLY_CLAIM",
    "LATE_REPORT",
    "FREQUENT_CLAIMANT",
    "LARGE_CLAIM",
    "EXCEEDS_REMAINING_LIMIT",
    "ROUND_AMOUNT",
)
# Notes of these steps are shown; later ones (decision, payment, close) would give the outcome away.
SHOWN_NOTES = {Action.REPORT, Action.ACCEPT, Action.REQUEST_DOCUMENTS, Action.START_INVESTIGATION}


def _closed_claim(session: Session, number: str) -> Claim:
    claim = session.scalar(select(Claim).where(Claim.claim_number == number))
    if claim is None:
        raise NotFound(f"claim {number} not found", code="CLAIM_NOT_FOUND")
    if claim.status != Status.CLOSED:
        raise Conflict(
            f"a drill is built from a closed claim; {number} is {claim.status}",
            code="DRILL_SOURCE_NOT_CLOSED",
        )
    return claim


def _case(session: Session, claim: Claim, case_id: str, index: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """(what the trainee sees, the real outcome) of one claim, personal data replaced."""
    customer = session.get(Customer, claim.customer_id)
    policy = session.get(Policy, claim.policy_id)
    assert customer is not None and policy is not None
    holders = [customer]
    if policy.customer_id != customer.id and (h := session.get(Customer, policy.customer_id)) is not None:
        holders.append(h)
    payments = list(session.scalars(select(Payment).where(Payment.claim_id == claim.id)))
    secrets = replacements(
        names=[(c.name, stand_in("客户", index + i)) for i, c in enumerate(holders)]
        + [(p.payee_name, stand_in("收款人", index + i)) for i, p in enumerate(payments)],
        id_numbers=[c.id_number for c in holders],
        phones=[c.phone for c in holders if c.phone],
        accounts=[p.payee_account for p in payments if p.payee_account],
    )
    secrets[claim.claim_number] = case_id
    secrets[policy.policy_number] = f"{case_id}-P"
    events = list(
        session.scalars(select(ClaimEvent).where(ClaimEvent.claim_id == claim.id).order_by(ClaimEvent.seq))
    )
    received = sorted(set(session.scalars(select(Document.doc_type).where(Document.claim_id == claim.id))))
    requested = sorted(
        {
            d
            for e in events
            if e.action == Action.REQUEST_DOCUMENTS
            for d in (e.data or {}).get("doc_types", [])
        }
    )
    findings = set(session.scalars(select(ClaimFinding.code).where(ClaimFinding.claim_id == claim.id)))
    decision = session.scalar(
        select(Decision).where(Decision.claim_id == claim.id).order_by(Decision.decided_at.desc()).limit(1)
    )
    reported = local_date(as_utc(claim.reported_at))
    seen = {
        "case_id": case_id,
        "line": claim.line,
        "region": claim.region,
        "incident_date": claim.incident_date.isoformat(),
        "reported_date": reported.isoformat(),
        "claimed_amount": str(claim.claimed_amount),
        "description": scrub(claim.description or "", secrets),
        "insured": {
            "name": stand_in("客户", index),
            "id_number": mask_id_number(customer.id_number),
            "phone": mask_phone(customer.phone),
            "region": customer.region,
        },
        "policy": {
            "effective_from": policy.effective_from.isoformat(),
            "effective_to": policy.effective_to.isoformat(),
            "sum_insured": str(policy.sum_insured),
            "deductible": str(policy.deductible),
            "coinsurance_rate": str(policy.coinsurance_rate),
        },
        "documents_received": received,
        "documents_expected": doc_types(claim.line)[0],
        "notes": [scrub(e.note, secrets) for e in events if e.action in SHOWN_NOTES and e.note],
    }
    truth = {
        "case_id": case_id,
        "outcome": decision.outcome if decision is not None else "denied",
        "amount": str(decision.approved_amount if decision is not None else Decimal("0.00")),
        "missing_documents": sorted(set(missing(claim.line, received)) | set(requested)),
        "red_flags": sorted(findings & set(RED_FLAGS)),
    }
    return seen, truth


def _next_number(session: Session) -> str:
    n = session.scalar(select(func.count(Drill.id))) or 0
    return f"{SANDBOX_PREFIX}{n + 1:06d}"


def build_drill(*, session: Session, actor: Actor, cmd: DrillIn, now: datetime) -> Drill:
    actor.require("drill.build")
    claim = _closed_claim(session, cmd.claim_number)
    seen, truth = _case(session, claim, "C1", 0)
    title = cmd.title or f"{claim.line} · {seen['region']}"
    return _store(
        session, actor, "case", title, {"cases": [seen]}, {"cases": [truth]}, cmd.target_minutes, now
    )


def _store(
    session: Session,
    actor: Actor,
    kind: str,
    title: str,
    scenario: dict[str, Any],
    answer: dict[str, Any],
    target_minutes: int,
    now: datetime,
) -> Drill:
    drill = Drill(
        number=_next_number(session),
        kind=kind,
        title=title,
        scenario={**scenario, "red_flag_options": list(RED_FLAGS)},
        answer=answer,
        target_minutes=target_minutes,
        created_by=actor.id,
        created_at=now,
    )
    session.add(drill)
    session.flush()
    return drill


def build_emergency_drill(*, session: Session, actor: Actor, cmd: EmergencyDrillIn, now: datetime) -> Drill:
    """Many claims at once (a typhoon, a multi-car accident): the trainee puts the cases in order of
    urgency; the truth's order is by the loss the claim was settled at (largest first)."""
    actor.require("drill.build")
    if len(set(cmd.claim_numbers)) != len(cmd.claim_numbers):
        raise ValidationFailed("each claim once in a scenario", code="DUPLICATE_CLAIM_IN_DRILL")
    claims = [_closed_claim(session, n) for n in cmd.claim_numbers]
    cases = [_case(session, c, f"C{i + 1}", i) for i, c in enumerate(claims)]
    order = [
        t["case_id"] for _, t in sorted(cases, key=lambda st: (-Decimal(st[1]["amount"]), st[1]["case_id"]))
    ]
    scenario = {"scenario": cmd.scenario, "cases": [s for s, _ in cases]}
    answer = {"cases": [t for _, t in cases], "triage": order}
    return _store(
        session, actor, "emergency", cmd.title or cmd.scenario, scenario, answer, cmd.target_minutes, now
    )


def get_drill(session: Session, number: str) -> Drill:
    drill = session.scalar(select(Drill).where(Drill.number == number))
    if drill is None:
        raise NotFound(f"no drill {number}", code="DRILL_NOT_FOUND")
    return drill


def get_attempt(session: Session, actor: Actor, attempt_id: int) -> DrillAttempt:
    attempt = session.get(DrillAttempt, attempt_id)
    if attempt is None:
        raise NotFound(f"no drill attempt {attempt_id}", code="ATTEMPT_NOT_FOUND")
    check_visible(session, actor, attempt.trainee_id)
    return attempt


def start_attempt(*, session: Session, actor: Actor, number: str, now: datetime) -> DrillAttempt:
    actor.require("drill.attempt")
    if actor.id is None:
        raise Forbidden("a drill is worked by a person", code="ROLE_FORBIDDEN")
    drill = get_drill(session, number)
    attempt = DrillAttempt(drill_id=drill.id, trainee_id=actor.id, started_at=now)
    session.add(attempt)
    session.flush()
    return attempt


def submit_attempt(
    *, session: Session, actor: Actor, attempt_id: int, cmd: AttemptIn, now: datetime
) -> DrillAttempt:
    attempt = get_attempt(session, actor, attempt_id)
    if attempt.trainee_id != actor.id:
        raise Forbidden("only the trainee submits their attempt", code="NOT_YOUR_ATTEMPT")
    if attempt.submitted_at is not None:
        raise Conflict("this attempt has been submitted and scored", code="ATTEMPT_SUBMITTED")
    drill = session.get(Drill, attempt.drill_id)
    assert drill is not None
    minutes = (now - as_utc(attempt.started_at)).total_seconds() / 60
    if drill.kind == "emergency":
        known = {c["case_id"] for c in drill.scenario["cases"]}
        if not cmd.triage or set(cmd.triage) - known or len(set(cmd.triage)) != len(cmd.triage):
            raise ValidationFailed("put each case of the scenario in order once", code="TRIAGE_INVALID")
        breakdown: dict[str, Any] = scoring.score_triage(drill.answer["triage"], cmd.triage)
    else:
        if cmd.outcome is None or cmd.amount is None:
            raise ValidationFailed("a case drill needs an outcome and an amount", code="DECISION_REQUIRED")
        unknown = set(cmd.red_flags) - set(RED_FLAGS)
        if unknown:
            raise ValidationFailed(
                f"unknown red flags: {', '.join(sorted(unknown))}", code="UNKNOWN_RED_FLAG"
            )
        t = drill.answer["cases"][0]
        breakdown = scoring.score_case(
            scoring.Truth(
                outcome=t["outcome"],
                amount=Decimal(t["amount"]),
                missing_documents=frozenset(t["missing_documents"]),
                red_flags=frozenset(t["red_flags"]),
                target_minutes=drill.target_minutes,
            ),
            scoring.Answer(
                outcome=cmd.outcome,
                amount=cmd.amount,
                requested_documents=frozenset(cmd.requested_documents),
                red_flags=frozenset(cmd.red_flags),
                minutes=minutes,
            ),
        )
    attempt.outcome = cmd.outcome
    attempt.amount = cmd.amount
    attempt.requested_documents = sorted(set(cmd.requested_documents))
    attempt.red_flags = sorted(set(cmd.red_flags))
    attempt.triage = list(cmd.triage)
    attempt.submitted_at = now
    attempt.score = int(breakdown["total"])
    attempt.breakdown = {**breakdown, "minutes": round(minutes, 1)}
    session.flush()
    return attempt


def review_attempt(
    *, session: Session, actor: Actor, attempt_id: int, cmd: ReviewIn, now: datetime
) -> DrillAttempt:
    actor.require("drill.review")
    attempt = get_attempt(session, actor, attempt_id)
    if attempt.submitted_at is None:
        raise Conflict("an attempt is reviewed once it is submitted", code="ATTEMPT_NOT_SUBMITTED")
    attempt.reviewed_by, attempt.reviewed_at, attempt.review_note = actor.id, now, cmd.note
    session.flush()
    return attempt


@dataclass(frozen=True)
class AttemptView:
    attempt: DrillAttempt
    drill: Drill
    trainee: str


def drills(session: Session) -> list[Drill]:
    return list(session.scalars(select(Drill).order_by(Drill.id.desc())))


def attempts(
    session: Session,
    actor: Actor,
    *,
    drill_id: int | None = None,
    submitted_from: datetime | None = None,
    submitted_before: datetime | None = None,
) -> list[AttemptView]:
    stmt = (
        select(DrillAttempt, Drill, User.username)
        .join(Drill, Drill.id == DrillAttempt.drill_id)
        .join(User, User.id == DrillAttempt.trainee_id)
        .order_by(DrillAttempt.id.desc())
    )
    seen = visible_ids(session, actor)
    if seen is not None:
        stmt = stmt.where(DrillAttempt.trainee_id.in_(list(seen)))
    if drill_id is not None:
        stmt = stmt.where(DrillAttempt.drill_id == drill_id)
    if submitted_from is not None:
        stmt = stmt.where(DrillAttempt.submitted_at >= submitted_from)
    if submitted_before is not None:
        stmt = stmt.where(DrillAttempt.submitted_at < submitted_before)
    return [AttemptView(a, d, u) for a, d, u in session.execute(stmt).all()]


def drill_of(session: Session, attempt: DrillAttempt) -> Drill:
    drill = session.get(Drill, attempt.drill_id)
    assert drill is not None  # drill_id is a foreign key
    return drill


def figures_by_kind(session: Session, start: datetime, end: datetime) -> list[tuple[str, int, int, float]]:
    """Per drill kind, attempts scored in [start, end): (kind, drills, attempts, average score)."""
    rows = session.execute(
        select(
            Drill.kind,
            func.count(func.distinct(Drill.id)),
            func.count(DrillAttempt.id),
            func.avg(DrillAttempt.score),
        )
        .join(DrillAttempt, DrillAttempt.drill_id == Drill.id)
        .where(
            DrillAttempt.submitted_at >= start,
            DrillAttempt.submitted_at < end,
            DrillAttempt.score.is_not(None),
        )
        .group_by(Drill.kind)
        .order_by(Drill.kind)
    ).all()
    return [(kind, drills, attempts, float(avg)) for kind, drills, attempts, avg in rows]


def trainee_view(drill: Drill) -> dict[str, Any]:
    """What a trainee sees before submitting: the scenario, never the answer."""
    return {
        "number": drill.number,
        "kind": drill.kind,
        "title": drill.title,
        "target_minutes": drill.target_minutes,
        **drill.scenario,
    }
