"""Claim use cases. The only place that changes a claim's status is `apply_transition`."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from claimops.claims import checklist as checklists
from claimops.claims import hooks
from claimops.claims.approval import DecisionCase, approval_reasons, overridden_documents
from claimops.claims.ledger import GENESIS, EventContent
from claimops.claims.lifecycle import Action, Outcome, Status, transition
from claimops.claims.models import Claim, ClaimEvent, ClaimFinding, ClaimTiming, Decision
from claimops.claims.queries import decision_facts, review_facts
from claimops.claims.review import Finding, ReviewContext, ReviewRules, review, straight_through
from claimops.claims.schemas import ActionIn, DecideIn, ReportIn
from claimops.claims.scoring import RiskScorer
from claimops.claims.settlement import against_paid, settle, validate_reason_codes
from claimops.claims.timing import stage_durations
from claimops.clock import as_utc, local_date
from claimops.config import Settings
from claimops.db import is_postgres
from claimops.documents.models import Document
from claimops.errors import Conflict, Forbidden, NotFound, SandboxClaim, ValidationFailed
from claimops.policies.service import get_policy
from claimops.schemas import parse
from claimops.users.actor import Actor, system_actor

CLOCK_SKEW = timedelta(minutes=5)
_TIMINGS = "claimops.claim_timings"  # session.info key


# Case numbers of drills (claimops.team.drills), which live in their own tables: never a real claim.
SANDBOX_PREFIX = "SBX-"


def refuse_sandbox(claim_number: str) -> None:
    """Refuse a drill's case number wherever a claim is read, moved, paid or notified."""
    if claim_number.strip().upper().startswith(SANDBOX_PREFIX):
        raise SandboxClaim(
            f"{claim_number} is a training drill in the sandbox; it cannot be paid, notified, "
            "reported or moved as a claim"
        )


def get_claim(*, session: Session, claim_number: str, for_update: bool = False) -> Claim:
    """The claim with its policy, events and timings row, in one round trip (locked for a write)."""
    refuse_sandbox(claim_number)
    stmt = (
        select(Claim, ClaimTiming)
        .outerjoin(ClaimTiming, ClaimTiming.claim_id == Claim.id)
        .options(joinedload(Claim.events))
        .where(Claim.claim_number == claim_number)
    )
    if for_update and is_postgres(session):
        stmt = stmt.with_for_update(of=Claim).execution_options(populate_existing=True)
    row = session.execute(stmt).unique().first()
    if row is None:
        raise NotFound(f"claim {claim_number} not found", code="CLAIM_NOT_FOUND")
    claim, timing = row
    if timing is not None:
        _keep_timing(session, timing)
    return claim


def _keep_timing(session: Session, row: ClaimTiming) -> None:
    # The identity map holds unchanged objects weakly; a strong reference spares a re-select.
    session.info.setdefault(_TIMINGS, {})[row.claim_id] = row


def timing_row(session: Session, claim_id: int) -> ClaimTiming | None:
    """The claim's timings row: from the session when loaded or written in it, else one query."""
    kept: dict[int, ClaimTiming] = session.info.get(_TIMINGS, {})
    return kept.get(claim_id) or session.get(ClaimTiming, claim_id)


def new_claim_number(reported_at: datetime) -> str:
    return f"CL{local_date(reported_at):%Y%m%d}{secrets.randbelow(10**8):08d}"


def apply_transition(
    *,
    session: Session,
    claim: Claim,
    action: Action,
    actor: Actor,
    now: datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> ClaimEvent:
    """Check the move, append the event, set the status and rebuild the stage timings."""
    step = transition(Status(claim.status), action)
    at = max(as_utc(now), claim.events[-1].at) if claim.events else as_utc(now)
    event = ClaimEvent(
        claim_id=claim.id,
        seq=claim.ledger_seq + 1,  # after the recorded head: a deleted last event stays a gap
        action=action.value,
        from_status=step.from_status.value,
        to_status=step.to_status.value,
        actor_id=actor.id,
        actor=actor.name,
        at=at,
        note=note,
        data=data or {},
    )
    _chain_event(claim, event)
    claim.events.append(event)
    claim.status = step.to_status.value
    claim.updated_at = at
    _store_timing(session, claim)
    hooks.emit(session, claim, event)
    return event


def _chain_event(claim: Claim, event: ClaimEvent) -> None:
    """Chain the event to the claim's head and make it the new head (claims/ledger.py)."""
    content = EventContent(
        claim_number=claim.claim_number,
        seq=event.seq,
        action=event.action,
        from_status=event.from_status,
        to_status=event.to_status,
        actor_id=event.actor_id,
        actor=event.actor,
        at=event.at,
        note=event.note,
        data=event.data,
    )
    event.hash = content.hash(claim.ledger_head)
    claim.ledger_seq, claim.ledger_head = event.seq, event.hash


def _store_timing(session: Session, claim: Claim, row: ClaimTiming | None = None) -> None:
    """No query when get_claim loaded the row; a new claim passes its new row."""
    d = stage_durations(claim.events)
    row = (
        row or timing_row(session, claim.id) or ClaimTiming(claim_id=claim.id, reported_at=claim.reported_at)
    )
    _keep_timing(session, row)
    row.accepted_at, row.decided_at, row.paid_at = d.accepted_at, d.decided_at, d.paid_at
    row.completed_at = d.completed_at
    row.acceptance_s, row.investigation_s, row.review_s = d.acceptance, d.investigation, d.review
    row.payment_s, row.handling_s = d.payment, d.handling
    session.add(row)


def report_claim(
    *,
    session: Session,
    actor: Actor,
    cmd: ReportIn,
    now: datetime,
    settings: Settings,
    risk_scorer: RiskScorer,
) -> Claim:
    actor.require("claim.report")
    reported_at = as_utc(cmd.reported_at) if cmd.reported_at else as_utc(now)
    if reported_at > as_utc(now) + CLOCK_SKEW:
        raise ValidationFailed("reported_at is in the future", code="REPORTED_IN_FUTURE")
    if cmd.incident_date > local_date(now):
        raise ValidationFailed("incident_date is in the future", code="INCIDENT_IN_FUTURE")
    if cmd.incident_date > local_date(reported_at):
        raise ValidationFailed("incident_date is after the report", code="INCIDENT_AFTER_REPORT")
    policy = get_policy(session=session, policy_number=cmd.policy_number)
    _check_report_date(local_date(reported_at), local_date(now), policy.effective_from, cmd, settings)
    claim = Claim(
        claim_number=new_claim_number(reported_at),
        policy_id=policy.id,
        customer_id=policy.customer_id,
        line=policy.line,
        region=policy.holder.region,
        channel=cmd.channel or policy.channel,
        status=Status.REPORTED.value,
        incident_date=cmd.incident_date,
        reported_at=reported_at,
        description=cmd.description,
        claimed_amount=cmd.claimed_amount,
        paid_amount=Decimal("0"),
        events=[],
    )
    claim.policy = policy
    first = ClaimEvent(
        seq=1,
        action=Action.REPORT.value,
        from_status=None,
        to_status=Status.REPORTED.value,
        actor_id=actor.id,
        actor=actor.name,
        at=reported_at,
        note=cmd.late_report_reason,
        data={"channel": claim.channel}
        | ({"late_report_reason": cmd.late_report_reason} if cmd.late_report_reason else {}),
    )
    for attempt in range(3):
        # the head goes in with the claim's INSERT; the hash covers the claim number, so per attempt
        claim.ledger_seq, claim.ledger_head = 0, GENESIS
        _chain_event(claim, first)
        try:
            with session.begin_nested():
                session.add(claim)
                session.flush()
            break
        except IntegrityError:
            if attempt == 2:
                raise
            claim.claim_number = new_claim_number(reported_at)
    first.claim_id = claim.id
    claim.events.append(first)
    _store_timing(session, claim, ClaimTiming(claim_id=claim.id, reported_at=reported_at))
    run_review(session=session, claim=claim, settings=settings, risk_scorer=risk_scorer)
    session.flush()
    hooks.emit(session, claim, first)
    return claim


def _check_report_date(
    reported: date, today: date, policy_start: date, cmd: ReportIn, settings: Settings
) -> None:
    """A backdated report counts in the KPIs of the period it is dated in: never before the policy,
    and one older than report_max_age_days (a closed period, most likely) only with a reason."""
    if reported < policy_start:
        raise ValidationFailed(
            f"reported_at {reported} is before the policy's start {policy_start}",
            code="REPORTED_BEFORE_POLICY",
        )
    if (today - reported).days > settings.report_max_age_days and not cmd.late_report_reason:
        raise ValidationFailed(
            f"reported_at {reported} is more than {settings.report_max_age_days} days ago; "
            "give a late_report_reason",
            code="LATE_REPORT_REASON_REQUIRED",
        )


def received_doc_types(session: Session, claim_id: int) -> list[str]:
    return list(session.scalars(select(Document.doc_type).where(Document.claim_id == claim_id).distinct()))


def run_review(
    *, session: Session, claim: Claim, settings: Settings, risk_scorer: RiskScorer
) -> list[Finding]:
    """Run the red-flag rules and replace the claim's findings with the result."""
    facts = review_facts(session, claim)
    risk = risk_scorer(session=session, claim=claim, settings=settings)  # None without a model
    if risk is not None:
        claim.risk_score = risk.score
    ctx = ReviewContext(
        claimed_amount=claim.claimed_amount,
        incident_date=claim.incident_date,
        reported_on=local_date(claim.reported_at),
        terms=facts.terms,
        missing_documents=checklists.missing(claim.line, facts.doc_types),
        same_incident_claims=facts.same_incident,
        claims_last_year=facts.last_year,
        risk_score=claim.risk_score,
        risk_reasons=list(risk.reasons) if risk is not None else [],
    )
    findings = review(ctx, review_rules(settings))
    if facts.has_findings:
        session.execute(delete(ClaimFinding).where(ClaimFinding.claim_id == claim.id))
    session.add_all(
        ClaimFinding(claim_id=claim.id, code=f.code, severity=f.severity, params=f.params) for f in findings
    )
    return findings


def review_rules(settings: Settings) -> ReviewRules:
    return ReviewRules(
        early_claim_days=settings.early_claim_days,
        late_report_days=settings.late_report_days,
        frequent_claims_per_year=settings.frequent_claims_per_year,
        large_claim_share=settings.large_claim_share,
        risk_threshold=settings.risk_threshold,
    )


def perform(
    *,
    session: Session,
    actor: Actor,
    claim_number: str,
    action: Action,
    cmd: ActionIn,
    now: datetime,
    settings: Settings,
    risk_scorer: RiskScorer,
) -> Claim:
    """Every lifecycle action that needs no amounts (decide and payments have their own)."""
    if action in (Action.DECIDE, Action.APPROVE, Action.PAY, Action.RELEASE, Action.REPORT):
        raise ValidationFailed(f"{action.value} is not a plain action", code="UNKNOWN_ACTION")
    actor.require(f"claim.{action.value}")
    claim = get_claim(session=session, claim_number=claim_number, for_update=True)
    transition(Status(claim.status), action, payable=claim.payable > 0)  # fail before any other work
    data: dict[str, Any] = {}
    if cmd.reason_codes:
        data["reason_codes"] = validate_reason_codes(cmd.reason_codes)
    if action is Action.ACCEPT and claim.handler_id is None and actor.id is not None:
        claim.handler_id = actor.id
    if action is Action.REQUEST_DOCUMENTS:
        wanted = cmd.doc_types or checklists.missing(claim.line, received_doc_types(session, claim.id))
        unknown = sorted(set(wanted) - checklists.all_doc_types())
        if unknown:
            raise ValidationFailed(f"unknown document type(s): {', '.join(unknown)}", code="UNKNOWN_DOC_TYPE")
        data["doc_types"] = wanted
    if action is Action.REOPEN:
        _retire_decision(session, claim)
        claim.reopen_count += 1
    apply_transition(
        session=session, claim=claim, action=action, actor=actor, now=now, note=cmd.note, data=data
    )
    if action in (Action.START_REVIEW, Action.FINISH_INVESTIGATION, Action.REOPEN):
        findings = run_review(session=session, claim=claim, settings=settings, risk_scorer=risk_scorer)
        if (
            action is Action.START_REVIEW
            and settings.stp_enabled
            and straight_through(findings, claim.claimed_amount, settings.stp_limit)
        ):
            _straight_through(session=session, claim=claim, now=now, settings=settings)
    session.flush()
    return claim


def _retire_decision(session: Session, claim: Claim) -> None:
    session.execute(
        update(Decision).where(Decision.claim_id == claim.id, Decision.current).values(current=False)
    )
    claim.outcome = None
    claim.approved_amount = None
    claim.assessed_loss = None


def current_decision(session: Session, claim_id: int) -> Decision | None:
    return session.scalar(
        select(Decision).where(Decision.claim_id == claim_id, Decision.current).order_by(Decision.id.desc())
    )


def decide(
    *, session: Session, actor: Actor, claim_number: str, cmd: DecideIn, now: datetime, settings: Settings
) -> Claim:
    actor.require("claim.decide")
    claim = get_claim(session=session, claim_number=claim_number, for_update=True)
    transition(Status(claim.status), Action.DECIDE)
    return _decide(session=session, claim=claim, actor=actor, cmd=cmd, now=now)


def _decide(*, session: Session, claim: Claim, actor: Actor, cmd: DecideIn, now: datetime) -> Claim:
    facts = decision_facts(session, claim)
    result = settle(
        outcome=cmd.outcome,
        assessed_loss=cmd.assessed_loss,
        incident_date=claim.incident_date,
        terms=facts.terms,
        reason_codes=cmd.reason_codes,
    )
    case = DecisionCase(
        approves=result.outcome is not Outcome.DENIED,
        assessed_loss=cmd.assessed_loss,
        claimed_amount=claim.claimed_amount,
        note=cmd.note,
        missing_documents=checklists.missing(claim.line, facts.doc_types),
        override_missing_documents=cmd.override_missing_documents,
        override_reason=cmd.override_reason,
    )
    overridden = overridden_documents(case)
    # after a reopening the new total is set against what the claim has been paid
    split = against_paid(result.approved_amount, facts.paid_before)
    waits_for = approval_reasons(
        case,
        payable=split.payable,
        within_authority=actor.within_authority(result.approved_amount),
        blocking_findings=facts.blocking_findings,
    )
    if facts.current_decisions:
        _retire_decision(session, claim)
    decision = Decision(
        claim_id=claim.id,
        outcome=result.outcome.value,
        assessed_loss=cmd.assessed_loss,
        approved_amount=result.approved_amount,
        paid_before=split.paid_before,
        payable=split.payable,
        recovery=split.recovery,
        reason_codes=result.reason_codes,
        payment_method=cmd.payment_method.value if cmd.payment_method else None,
        decided_by=actor.id,
        decided_at=as_utc(now),
        requires_approval=bool(waits_for),
        current=True,
        note=cmd.note,
    )
    session.add(decision)
    claim.outcome = result.outcome.value
    claim.assessed_loss = cmd.assessed_loss
    claim.approved_amount = result.approved_amount
    data: dict[str, Any] = {
        "outcome": result.outcome.value,
        "approved_amount": str(result.approved_amount),
        "paid_before": str(split.paid_before),
        "payable": str(split.payable),
        "recovery": str(split.recovery),
        "reason_codes": result.reason_codes,
        "requires_approval": bool(waits_for),
    }
    if waits_for:
        data["approval_reasons"] = waits_for
    if overridden:
        data["missing_documents_overridden"] = overridden
        data["override_reason"] = cmd.override_reason.strip()
    apply_transition(
        session=session, claim=claim, action=Action.DECIDE, actor=actor, now=now, note=cmd.note, data=data
    )
    if split.payable > 0 and not waits_for:
        apply_transition(session=session, claim=claim, action=Action.RELEASE, actor=actor, now=now)
    session.flush()
    return claim


def _straight_through(*, session: Session, claim: Claim, now: datetime, settings: Settings) -> None:
    robot = system_actor(authority=settings.stp_limit)
    claim.straight_through = True
    _decide(
        session=session,
        claim=claim,
        actor=robot,
        cmd=DecideIn(outcome=Outcome.APPROVED, assessed_loss=claim.claimed_amount, note="STP"),
        now=now,
    )


def approve(*, session: Session, actor: Actor, claim_number: str, cmd: ActionIn, now: datetime) -> Claim:
    """An approver releases a decision above the decider's authority (or one with a blocking finding)."""
    actor.require("claim.approve")
    claim = get_claim(session=session, claim_number=claim_number, for_update=True)
    transition(Status(claim.status), Action.APPROVE, payable=claim.payable > 0)
    decision = current_decision(session, claim.id)
    if decision is None or not decision.requires_approval or decision.approved_by is not None:
        raise Conflict("this decision is not waiting for approval", code="NOT_AWAITING_APPROVAL")
    if decision.decided_by is not None and decision.decided_by == actor.id:
        raise Forbidden("the user who decided a claim may not approve it", code="FOUR_EYES")
    if not actor.within_authority(decision.approved_amount):
        raise Forbidden(
            f"{decision.approved_amount} is above your authority limit of {actor.authority}",
            code="AUTHORITY_EXCEEDED",
        )
    decision.approved_by = actor.id
    decision.approved_at = as_utc(now)
    apply_transition(session=session, claim=claim, action=Action.APPROVE, actor=actor, now=now, note=cmd.note)
    session.flush()
    return claim


# Actions a person names by themselves (decide and approve take their own commands; report, release
# and pay are not lifecycle steps one asks for here).
PLAIN_ACTIONS = {
    a.value: a
    for a in Action
    if a not in (Action.REPORT, Action.DECIDE, Action.PAY, Action.RELEASE, Action.APPROVE)
}


def act(
    *,
    session: Session,
    actor: Actor,
    claim_number: str,
    action: str,
    payload: Mapping[str, Any],
    now: datetime,
    settings: Settings,
    risk_scorer: RiskScorer,
) -> Claim:
    """The lifecycle action named `action` with its input as given (the API's body, the page's form):
    the one dispatcher both edges call. Bad input is InvalidInput, an unknown action 404."""
    if action == Action.DECIDE.value:
        cmd = parse(DecideIn, payload)
        return decide(
            session=session, actor=actor, claim_number=claim_number, cmd=cmd, now=now, settings=settings
        )
    if action == Action.APPROVE.value:
        return approve(
            session=session, actor=actor, claim_number=claim_number, cmd=parse(ActionIn, payload), now=now
        )
    if action in PLAIN_ACTIONS:
        return perform(
            session=session,
            actor=actor,
            claim_number=claim_number,
            action=PLAIN_ACTIONS[action],
            cmd=parse(ActionIn, _action_fields(payload)),
            now=now,
            settings=settings,
            risk_scorer=risk_scorer,
        )
    raise NotFound(f"unknown action {action!r}", code="UNKNOWN_ACTION")


def _given(payload: Mapping[str, Any], *keys: str) -> Any:
    """The first of `keys` given a value (None and "" count as not given), else None."""
    return next((payload[k] for k in keys if payload.get(k) not in (None, "")), None)


def _action_fields(payload: Mapping[str, Any]) -> dict[str, Any]:
    # Values go to ActionIn as given: a note that is an object or a number, or reason codes that are
    # not a list of strings, is a 422 rather than text stored in the ledger.
    note = _given(payload, "note", "reason", "comment")
    reason = _given(payload, "reason_code")
    reasons = _given(payload, "reason_codes")
    doc_types = _given(payload, "doc_types")
    return {
        "note": "" if note is None else note,
        "reason_codes": reasons if reasons is not None else ([] if reason is None else [reason]),
        "doc_types": [] if doc_types is None else doc_types,
    }
