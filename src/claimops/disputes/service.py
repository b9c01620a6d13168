"""Dispute services. A settled total that differs from the claim's decision becomes a supplementary
decision made by the claims core (reopen, then decide): the dispute never edits the claim."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from claimops.claims.lifecycle import Action, Outcome, Status
from claimops.claims.models import Claim
from claimops.claims.schemas import ActionIn, DecideIn
from claimops.claims.scoring import no_risk_scorer
from claimops.claims.service import current_decision, decide, get_claim, perform
from claimops.claims.settlement import payable
from claimops.clock import as_utc, local_date
from claimops.config import Settings
from claimops.disputes import rules
from claimops.disputes.models import Dispute, DisputeStep
from claimops.disputes.schemas import DisputeIn, MoveIn
from claimops.errors import Conflict, NotFound, ValidationFailed
from claimops.money import ZERO
from claimops.policies.service import policy_terms
from claimops.users.actor import Actor


def get_dispute(*, session: Session, dispute_id: int) -> Dispute:
    dispute = session.get(Dispute, dispute_id)
    if dispute is None:
        raise NotFound(f"dispute {dispute_id} not found", code="DISPUTE_NOT_FOUND")
    return dispute


def open_dispute(*, session: Session, actor: Actor, cmd: DisputeIn, now: datetime) -> Dispute:
    actor.require("dispute.manage")
    if cmd.party not in rules.PARTIES:
        raise ValidationFailed(
            f"unknown party {cmd.party!r}; one of {', '.join(rules.PARTIES)}", code="PARTY_UNKNOWN"
        )
    if cmd.reason not in rules.REASONS:
        raise ValidationFailed(
            f"unknown reason {cmd.reason!r}; one of {', '.join(rules.REASONS)}", code="REASON_UNKNOWN"
        )
    claim = get_claim(session=session, claim_number=cmd.claim_number, for_update=True)
    if claim.status == Status.WITHDRAWN.value:
        raise Conflict("a withdrawn claim cannot be disputed", code="CLAIM_WITHDRAWN")
    rules.check_opening(cmd.party, cmd.disputed_amount, claim.approved_amount or ZERO)
    twice = session.scalar(
        select(Dispute.id).where(
            Dispute.claim_id == claim.id, Dispute.party == cmd.party, Dispute.stage.not_in(rules.FINAL)
        )
    )
    if twice is not None:
        raise Conflict(
            f"the {cmd.party} already has an open dispute (#{twice}) on this claim",
            code="DISPUTE_ALREADY_OPEN",
        )
    at = as_utc(now)
    due = rules.deadline("open", local_date(at))
    dispute = Dispute(
        claim_id=claim.id,
        party=cmd.party,
        reason=cmd.reason,
        disputed_amount=cmd.disputed_amount,
        decided_amount=claim.approved_amount or ZERO,
        stage="open",
        stage_due_on=due,
        opened_at=at,
        outcome="",
        opened_by=actor.id,
    )
    session.add(dispute)
    session.flush()
    session.add(
        DisputeStep(dispute_id=dispute.id, stage="open", at=at, due_on=due, by=actor.id, note=cmd.note)
    )
    session.flush()
    return dispute


def move(
    *, session: Session, actor: Actor, dispute_id: int, cmd: MoveIn, now: datetime, settings: Settings
) -> Dispute:
    """The dispute to its next stage; resolved with a settled total different from the decision,
    the claims core records a supplementary decision."""
    actor.require("dispute.manage")
    dispute = get_dispute(session=session, dispute_id=dispute_id)
    rules.check_move(dispute.stage, cmd.stage)
    at = as_utc(now)
    if cmd.stage == "resolved":
        if cmd.settled_amount is None:
            raise ValidationFailed(
                "resolving a dispute needs the settled amount", code="SETTLED_AMOUNT_REQUIRED"
            )
        rules.check_settlement(
            dispute.disputed_amount, cmd.settled_amount, party=dispute.party, decided=dispute.decided_amount
        )
        dispute.settled_amount = cmd.settled_amount
        dispute.outcome = cmd.outcome or cmd.note
        claim = session.get(Claim, dispute.claim_id)
        assert claim is not None
        if cmd.settled_amount != (claim.approved_amount or ZERO):
            dispute.decision_id = supplementary_decision(
                session=session,
                actor=actor,
                claim=claim,
                total=cmd.settled_amount,
                dispute_id=dispute.id,
                now=now,
                settings=settings,
            )
    if cmd.stage in rules.FINAL:
        dispute.closed_at = at
        if cmd.stage == "withdrawn":
            dispute.outcome = cmd.outcome or cmd.note
    due = rules.deadline(cmd.stage, local_date(at))
    dispute.stage, dispute.stage_due_on = cmd.stage, due
    session.add(
        DisputeStep(dispute_id=dispute.id, stage=cmd.stage, at=at, due_on=due, by=actor.id, note=cmd.note)
    )
    session.flush()
    return dispute


def assessed_for(total: Decimal, deductible: Decimal, coinsurance_rate: Decimal) -> Decimal:
    """The assessed loss whose settlement (claims/settlement.py `payable`) is `total`: the inverse of
    (assessed − deductible) × (1 − coinsurance), rounded to the cent, then nudged a cent at a time."""
    share = Decimal(1) - coinsurance_rate
    if share <= 0:
        raise Conflict("the policy pays nothing of a loss (coinsurance 100%)", code="SETTLEMENT_IMPOSSIBLE")
    return (total / share + deductible).quantize(Decimal("0.01"), ROUND_HALF_UP)


def supplementary_decision(
    *,
    session: Session,
    actor: Actor,
    claim: Claim,
    total: Decimal,
    dispute_id: int,
    now: datetime,
    settings: Settings,
) -> int:
    """Close (if it is paid or decided with nothing to pay), reopen and decide the claim again through
    the claims core, at the settled total; returns the new decision's id."""
    note = f"dispute #{dispute_id} settled at {total}"
    status = Status(claim.status)
    if status is Status.PAID or (status is Status.DECIDED and claim.payable == 0):
        perform(
            session=session,
            actor=actor,
            claim_number=claim.claim_number,
            action=Action.CLOSE,
            cmd=ActionIn(note=note),
            now=now,
            settings=settings,
            risk_scorer=no_risk_scorer,  # close and reopen run no review
        )
    if Status(claim.status) is not Status.CLOSED:
        raise Conflict(
            f"a claim that is {claim.status} is still being handled: settle the dispute once it is decided",
            code="CLAIM_NOT_DECIDED",
        )
    perform(
        session=session,
        actor=actor,
        claim_number=claim.claim_number,
        action=Action.REOPEN,
        cmd=ActionIn(note=note),
        now=now,
        settings=settings,
        risk_scorer=no_risk_scorer,
    )
    if total == 0:
        cmd = DecideIn(outcome=Outcome.DENIED, assessed_loss=ZERO, reason_codes=["OTHER"], note=note)
    else:
        terms = policy_terms(session=session, policy=claim.policy)
        assessed = assessed_for(total, terms.deductible, terms.coinsurance_rate)
        for _ in range(3):  # rounding: the cent either side
            got, _gross = payable(assessed, terms)
            if got == total:
                break
            assessed += Decimal("0.01") if got < total else Decimal("-0.01")
        outcome = Outcome.APPROVED if assessed >= claim.claimed_amount else Outcome.PARTIAL
        cmd = DecideIn(
            outcome=outcome,
            assessed_loss=assessed,
            reason_codes=[] if outcome is Outcome.APPROVED else ["AMOUNT_ADJUSTED"],
            note=note,
            override_missing_documents=True,
            override_reason=note,
        )
    decide(session=session, actor=actor, claim_number=claim.claim_number, cmd=cmd, now=now, settings=settings)
    decision = current_decision(session, claim.id)
    assert decision is not None
    return decision.id
