"""Bulk path for claims with whole histories (historic imports).

Every history is first held to the rules the services enforce (claims/history.py: the state machine,
roles, settlement, authority, four eyes, payment within what the decision leaves payable; the
database's payment trigger checks the last again); stage timings come from `stage_durations`. Rows
are written with executemany in batches instead of one ORM flush per change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from claimops.claims.bulk_claims import (
    BulkClaim,
    BulkDecision,
    BulkPayment,
    Move,
    Person,
    Step,
    problems,
)
from claimops.claims.bulk_claims import (
    moves as moves_of,
)
from claimops.claims.history import SettlementCheck
from claimops.claims.ledger import GENESIS, EventContent
from claimops.claims.models import Claim, ClaimEvent, ClaimTiming, Decision
from claimops.claims.timing import stage_durations
from claimops.payments.models import Payment


@dataclass
class _Ev:
    at: datetime
    to_status: str


def _history(c: BulkClaim, moves: list[Move]) -> list[dict[str, Any]]:
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


def write_claims(
    session: Session,
    claims: list[BulkClaim],
    *,
    people: Mapping[int | None, Person],
    settlement: SettlementCheck = SettlementCheck.RULE,
) -> dict[str, int]:
    """Check every claim's history (claims/history.py), then insert claims with events, timings,
    decisions and payments; returns claim_number -> id."""
    problems(claims, people=people, settlement=settlement, collect=False)
    checked = [(c, moves_of(c)) for c in claims]
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


__all__ = ["BulkClaim", "BulkDecision", "BulkPayment", "Person", "SettlementCheck", "Step", "write_claims"]
