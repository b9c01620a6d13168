"""Releasing a claim's payment: idempotent, four-eyes, at most once per decision, and never more
than the claim's approved total.

The guarantees hold in the database, not only here: payments.decision_id and
payments.idempotency_key are unique, the claim row is locked (PostgreSQL) and the insert is
INSERT ... ON CONFLICT DO NOTHING, so of any number of racing requests exactly one pays and the others
find its row instead of failing their transaction. A payment releases its decision's `payable` (the
approved total less what the claim had been paid); a trigger refuses any payment that would take the
claim's payments above the decision's approved total, and that refusal is a 409 here.

Paying is a claim transition, so this use case lives in claims; the payments package holds the
table, the trigger's guard, the methods and the output shape.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from claimops.claims.lifecycle import Action, Status, transition
from claimops.claims.models import Claim, Decision
from claimops.claims.service import apply_transition, get_claim
from claimops.clock import as_utc
from claimops.db import is_postgres
from claimops.errors import Conflict, Forbidden, ValidationFailed
from claimops.payments.guards import is_refusal
from claimops.payments.models import Payment
from claimops.payments.schemas import PaymentIn
from claimops.policies.models import Policy
from claimops.policies.service import paid_to_date
from claimops.users.actor import Actor


def request_hash(claim_number: str, cmd: PaymentIn) -> str:
    body = json.dumps({"claim": claim_number, **cmd.model_dump(mode="json")}, sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


def _by_key(session: Session, key: str) -> Payment | None:
    return session.scalar(select(Payment).where(Payment.idempotency_key == key))


def _replay(existing: Payment, digest: str) -> Payment:
    if existing.request_hash != digest:
        raise Conflict(
            "this Idempotency-Key was used for a different payment request", code="IDEMPOTENCY_KEY_REUSED"
        )
    return existing


def release_payment(
    *,
    session: Session,
    actor: Actor,
    claim_number: str,
    cmd: PaymentIn,
    idempotency_key: str | None,
    now: datetime,
) -> tuple[Payment, bool]:
    """Returns (payment, created). A repeated key returns the first payment with created=False."""
    key = (idempotency_key or "").strip()
    if not key:
        raise ValidationFailed("the Idempotency-Key header is required", code="IDEMPOTENCY_KEY_REQUIRED")
    if len(key) > 128:
        raise ValidationFailed(
            "Idempotency-Key is longer than 128 characters", code="IDEMPOTENCY_KEY_INVALID"
        )
    actor.require("payment.release")
    digest = request_hash(claim_number, cmd)
    claim = get_claim(session=session, claim_number=claim_number, for_update=True)
    existing = _by_key(session, key)  # after the lock: a racing twin has committed by now
    if existing is not None:
        return _replay(existing, digest), False
    decision, paid = _current_decision(session, claim.id)
    if paid:
        raise Conflict(f"claim {claim_number} has already been paid", code="ALREADY_PAID")
    if claim.status != Status.PAYMENT_PENDING.value:
        if claim.status in (Status.PAID.value, Status.CLOSED.value):
            raise Conflict(f"claim {claim_number} has already been paid", code="ALREADY_PAID")
        transition(Status(claim.status), Action.PAY)
    assert decision is not None  # payment_pending always has a current decision
    # four eyes across the three roles: decide, approve, pay
    if decision.decided_by is not None and decision.decided_by == actor.id:
        raise Forbidden("the user who decided a claim may not release its payment", code="FOUR_EYES")
    if decision.approved_by is not None and decision.approved_by == actor.id:
        raise Forbidden("the user who approved a decision may not release its payment", code="FOUR_EYES")
    amount = decision.payable
    if cmd.amount is not None and cmd.amount != amount:
        raise ValidationFailed(
            f"the payment must be the decision's payable amount {amount}",
            code="AMOUNT_NOT_APPROVED",
            details={"payable": str(amount), "approved_amount": str(decision.approved_amount)},
        )
    if amount <= 0 or claim.paid_amount + amount > decision.approved_amount:
        raise Conflict(
            f"paying {amount} would take claim {claim_number} (paid {claim.paid_amount}) above its "
            f"approved total {decision.approved_amount}",
            code="PAYMENT_ABOVE_APPROVED",
        )
    _check_policy_limit(session, claim, amount)
    payment = _insert_guarded(
        session,
        claim_id=claim.id,
        decision_id=decision.id,
        idempotency_key=key,
        request_hash=digest,
        amount=amount,
        method=cmd.method.value,
        payee_name=cmd.payee.name,
        payee_bank=cmd.payee.bank,
        payee_account=cmd.payee.account.replace(" ", ""),
        status="paid",
        released_by=actor.id,
        paid_at=as_utc(now),
    )
    if payment is None:  # a racing request holds the key or has paid the decision
        existing = _by_key(session, key)
        if existing is not None:
            return _replay(existing, digest), False
        raise Conflict(f"claim {claim_number} has already been paid", code="ALREADY_PAID")
    claim.paid_amount = claim.paid_amount + amount
    apply_transition(
        session=session,
        claim=claim,
        action=Action.PAY,
        actor=actor,
        now=now,
        data={"amount": str(amount), "method": payment.method, "payment_id": payment.id},
    )
    session.flush()
    return payment, True


def _current_decision(session: Session, claim_id: int) -> tuple[Decision | None, bool]:
    """The claim's current decision and whether it has been paid, in one round trip."""
    paid = exists().where(Payment.decision_id == Decision.id)
    row = session.execute(
        select(Decision, paid)
        .where(Decision.claim_id == claim_id, Decision.current)
        .order_by(Decision.id.desc())
        .limit(1)
    ).first()
    return (None, False) if row is None else (row[0], bool(row[1]))


def _insert_once(session: Session, **values: Any) -> Payment | None:
    """The new payment, or None when a unique key (idempotency key, decision) already holds one."""
    insert = pg_insert if is_postgres(session) else sqlite_insert
    stmt = insert(Payment).values(**values).on_conflict_do_nothing().returning(Payment)
    return session.scalars(stmt).first()


def _insert_guarded(session: Session, **values: Any) -> Payment | None:
    """`_insert_once`, with the database's refusal of a payment above the approved total as a 409
    (the request's unit of work then rolls back)."""
    try:
        return _insert_once(session, **values)
    except IntegrityError as exc:
        if not is_refusal(exc):
            raise
        raise Conflict(
            "the database refused a payment above the claim's approved total", code="PAYMENT_ABOVE_APPROVED"
        ) from None


def _check_policy_limit(session: Session, claim: Claim, amount: Decimal) -> None:
    if is_postgres(session):
        session.execute(select(Policy.id).where(Policy.id == claim.policy_id).with_for_update())
    paid = paid_to_date(session=session, policy_id=claim.policy_id)
    if paid + amount > claim.policy.sum_insured:
        raise Conflict(
            f"paying {amount} would exceed the policy's limit {claim.policy.sum_insured} (paid {paid})",
            code="LIMIT_EXCEEDED",
        )
