"""Bulk path for claims with whole histories (historic imports, demo data).

It enforces the same rules as the services — every step is checked against the state machine, the
payment never exceeds what the decision leaves payable (the database's trigger checks it again),
stage timings come from `stage_durations` — and writes with executemany in batches instead of one
ORM flush per change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from claimops.claims.ledger import GENESIS, EventContent
from claimops.claims.lifecycle import Action, Status, transition
from claimops.claims.models import Claim, ClaimEvent, ClaimTiming, Decision
from claimops.claims.settlement import AgainstPaid, against_paid
from claimops.claims.timing import stage_durations
from claimops.errors import ValidationFailed
from claimops.money import ZERO
from claimops.payments.models import Payment


@dataclass
class Step:
    action: Action
    at: datetime
    actor_id: int | None = None
    actor: str = "system"
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class BulkDecision:
    outcome: str
    assessed_loss: Decimal
    approved_amount: Decimal
    reason_codes: list[str]
    decided_by: int | None
    decided_at: datetime
    payment_method: str | None = None
    requires_approval: bool = False
    approved_by: int | None = None
    approved_at: datetime | None = None
    paid_before: Decimal = ZERO  # what the claim had been paid when decided (its only decision: none)

    @property
    def split(self) -> AgainstPaid:
        return against_paid(self.approved_amount, self.paid_before)


@dataclass
class BulkPayment:
    amount: Decimal
    method: str
    payee_name: str
    paid_at: datetime
    released_by: int | None
    idempotency_key: str


@dataclass
class BulkClaim:
    claim_number: str
    policy_id: int
    customer_id: int
    line: str
    incident_date: date
    reported_at: datetime
    claimed_amount: Decimal
    steps: list[Step]  # after the report
    reporter_id: int | None = None
    reporter: str = "system"
    region: str = ""
    channel: str = ""
    description: str = ""
    decision: BulkDecision | None = None
    payment: BulkPayment | None = None
    handler_id: int | None = None
    provider_id: int | None = None
    straight_through: bool = False
    reopen_count: int = 0


@dataclass
class _Ev:
    at: datetime
    to_status: str


def _check(c: BulkClaim) -> list[tuple[Action, str | None, str, datetime]]:
    """The claim's moves as (action, from, to, at), or ValidationFailed naming the claim."""
    moves: list[tuple[Action, str | None, str, datetime]] = [(Action.REPORT, None, "reported", c.reported_at)]
    status, last = Status.REPORTED, c.reported_at
    for step in c.steps:
        if step.at < last:
            raise ValidationFailed(
                f"{c.claim_number}: {step.action.value} goes back in time", code="BAD_HISTORY"
            )
        edge = transition(status, step.action)
        moves.append((step.action, status.value, edge.to_status.value, step.at))
        status, last = edge.to_status, step.at
    if c.payment is not None:
        if c.decision is None or c.payment.amount > c.decision.split.payable:
            raise ValidationFailed(f"{c.claim_number}: payment above the payable amount", code="BAD_HISTORY")
        if Status.PAID.value not in {m[2] for m in moves}:
            raise ValidationFailed(f"{c.claim_number}: a payment without a paid step", code="BAD_HISTORY")
    return moves


def _history(c: BulkClaim, moves: list[tuple[Action, str | None, str, datetime]]) -> list[dict[str, Any]]:
    """The claim's event rows (without claim_id), chained by hash (claims/ledger.py)."""
    actors: list[tuple[int | None, str, str, dict[str, Any]]] = [(c.reporter_id, c.reporter, "", {})] + [
        (s.actor_id, s.actor, s.note, s.data) for s in c.steps
    ]
    events: list[dict[str, Any]] = []
    prev = GENESIS
    for seq, ((action, frm, to, at), (actor_id, actor, note, data)) in enumerate(
        zip(moves, actors, strict=True), 1
    ):
        content = EventContent(c.claim_number, seq, action.value, frm, to, actor_id, actor, at, note, data)
        prev = content.hash(prev)
        events.append(
            {
                "seq": seq,
                "action": action.value,
                "from_status": frm,
                "to_status": to,
                "actor_id": actor_id,
                "actor": actor,
                "at": at,
                "note": note,
                "data": data,
                "hash": prev,
            }
        )
    return events


def write_claims(session: Session, claims: list[BulkClaim]) -> dict[str, int]:
    """Insert claims with events, timings, decisions and payments; returns claim_number -> id."""
    checked = [(c, _check(c)) for c in claims]
    histories = {c.claim_number: _history(c, moves) for c, moves in checked}
    rows = [
        {
            "claim_number": c.claim_number,
            "policy_id": c.policy_id,
            "customer_id": c.customer_id,
            "line": c.line,
            "region": c.region,
            "channel": c.channel,
            "status": moves[-1][2],
            "incident_date": c.incident_date,
            "reported_at": c.reported_at,
            "description": c.description,
            "claimed_amount": c.claimed_amount,
            "assessed_loss": c.decision.assessed_loss if c.decision else None,
            "approved_amount": c.decision.approved_amount if c.decision else None,
            "paid_amount": c.payment.amount if c.payment else Decimal("0.00"),
            "outcome": c.decision.outcome if c.decision else None,
            "handler_id": c.handler_id,
            "provider_id": c.provider_id,
            "straight_through": c.straight_through,
            "reopen_count": c.reopen_count,
            "updated_at": moves[-1][3],
            "ledger_seq": len(moves),
            "ledger_head": histories[c.claim_number][-1]["hash"],
        }
        for c, moves in checked
    ]
    ids: dict[str, int] = dict(
        session.execute(insert(Claim).returning(Claim.claim_number, Claim.id), rows).all()
    )
    events: list[dict[str, Any]] = []
    timings: list[dict[str, Any]] = []
    decisions: list[dict[str, Any]] = []
    for c, moves in checked:
        cid = ids[c.claim_number]
        events.extend({"claim_id": cid, **e} for e in histories[c.claim_number])
        d = stage_durations([_Ev(at, to) for _, _, to, at in moves])
        timings.append(
            {
                "claim_id": cid,
                "reported_at": c.reported_at,
                "accepted_at": d.accepted_at,
                "decided_at": d.decided_at,
                "paid_at": d.paid_at,
                "completed_at": d.completed_at,
                "acceptance_s": d.acceptance,
                "investigation_s": d.investigation,
                "review_s": d.review,
                "payment_s": d.payment,
                "handling_s": d.handling,
            }
        )
        if c.decision is not None:
            dec, split = c.decision, c.decision.split
            decisions.append(
                {
                    "claim_id": cid,
                    "outcome": dec.outcome,
                    "assessed_loss": dec.assessed_loss,
                    "approved_amount": dec.approved_amount,
                    "paid_before": split.paid_before,
                    "payable": split.payable,
                    "recovery": split.recovery,
                    "reason_codes": dec.reason_codes,
                    "payment_method": dec.payment_method,
                    "decided_by": dec.decided_by,
                    "decided_at": dec.decided_at,
                    "requires_approval": dec.requires_approval,
                    "approved_by": dec.approved_by,
                    "approved_at": dec.approved_at,
                    "current": True,
                    "note": "",
                }
            )
    session.execute(insert(ClaimEvent), events)
    session.execute(insert(ClaimTiming), timings)
    if decisions:
        decision_ids: dict[int, int] = dict(
            session.execute(insert(Decision).returning(Decision.claim_id, Decision.id), decisions).all()
        )
        payments = [
            {
                "claim_id": ids[c.claim_number],
                "decision_id": decision_ids[ids[c.claim_number]],
                "idempotency_key": c.payment.idempotency_key,
                "request_hash": "bulk",
                "amount": c.payment.amount,
                "method": c.payment.method,
                "payee_name": c.payment.payee_name,
                "payee_bank": "",
                "payee_account": "",
                "status": "paid",
                "released_by": c.payment.released_by,
                "paid_at": c.payment.paid_at,
            }
            for c, _ in checked
            if c.payment is not None
        ]
        if payments:
            session.execute(insert(Payment), payments)
    return ids
