"""The light answers of lifecycle actions and payments: the claim's status, the events the step wrote,
what may be done next and the amounts the step set, as plain values for claimops.web.fastjson (no
model built, nothing validated twice). The full claim view stays one `?view=full` or GET away.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from sqlalchemy.orm import Session
from starlette.responses import Response

from claimops.claims.lifecycle import Action, Status, allowed_actions
from claimops.claims.models import Claim, ClaimEvent, Decision
from claimops.claims.views import detail
from claimops.masking import mask_text
from claimops.payments.models import Payment
from claimops.payments.views import payment_out
from claimops.web.fastjson import FastJSON

View = Literal["light", "full"]
_NEW_EVENTS = "claimops.new_events"  # session.info key: the events written since `watch`


def collect(session: Session, claim: Claim, event: ClaimEvent) -> None:
    """The claim listener that notes the events a watched request writes (claims.hooks)."""
    new: list[ClaimEvent] | None = session.info.get(_NEW_EVENTS)
    if new is not None:
        new.append(event)


def watch(session: Session) -> None:
    """Note the events written from now on in this session (before the step is taken)."""
    session.info[_NEW_EVENTS] = []


def event_fields(e: ClaimEvent) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "action": e.action,
        "from_status": e.from_status,
        "to_status": e.to_status,
        "actor": e.actor,
        "at": e.at,
        "note": mask_text(e.note) if e.note else e.note,
        "data": e.data,
    }


def _next_actions(status: str, payable: bool) -> list[str]:
    return [a.value for a in allowed_actions(Status(status), payable=payable)]


def _amounts(claim: Claim, events: list[ClaimEvent]) -> dict[str, Decimal | None]:
    amounts: dict[str, Decimal | None] = {}
    for e in events:
        if e.action == Action.REPORT.value:
            amounts["claimed_amount"] = claim.claimed_amount
        if e.action in (Action.DECIDE.value, Action.REOPEN.value):
            amounts["assessed_loss"] = claim.assessed_loss
            amounts["approved_amount"] = claim.approved_amount
            amounts["payable"] = claim.payable
        if e.action == Action.DECIDE.value:
            amounts["recovery"] = Decimal(e.data.get("recovery", "0.00"))
    return amounts


def action_result(session: Session, claim: Claim) -> dict[str, Any]:
    """The light body of the step just taken on `claim` (after `watch` and the service call)."""
    noted: list[ClaimEvent] = session.info.pop(_NEW_EVENTS, None) or []
    new = [e for e in noted if e.claim_id in (claim.id, None)] or claim.events[-1:]
    shown = [event_fields(e) for e in new]
    return {
        "claim_number": claim.claim_number,
        "status": claim.status,
        "outcome": claim.outcome,
        "event": shown[-1],
        "new_events": shown,
        "allowed_actions": _next_actions(claim.status, claim.payable > 0),
        "amounts": _amounts(claim, new),
    }


def claim_of(session: Session, payment: Payment) -> Claim:
    """The paid claim: from the session, where the payment's use case loaded it with its events."""
    claim = session.get(Claim, payment.claim_id)
    assert claim is not None  # a payment's claim_id is a foreign key
    return claim


def payment_result(
    session: Session,
    claim: Claim,
    payment: Payment,
    *,
    created: bool,
    view: View = "light",
    lang: str = "zh",
) -> dict[str, Any]:
    """The payment with the claim step it made. Built from the payment, its pay event and its decision
    only, so that a replay of the same Idempotency-Key answers the same body whatever the claim did
    since (unless ?view=full, whose `claim` is the claim as it is now)."""
    pay = next(
        e for e in claim.events if e.action == Action.PAY.value and e.data.get("payment_id") == payment.id
    )
    if created:
        paid_after = claim.paid_amount
    else:  # the claim may have moved on since: what the payment's decision had been paid, and it
        decision = session.get(Decision, payment.decision_id)
        paid_after = (decision.paid_before if decision is not None else Decimal("0.00")) + payment.amount
    body: dict[str, Any] = payment_out(payment, claim.claim_number).model_dump(mode="json")
    body |= {
        "claim_status": pay.to_status,
        "event": event_fields(pay),
        # a payment releases all its decision left payable
        "allowed_actions": _next_actions(pay.to_status, False),
        "amounts": {
            "amount": payment.amount,
            "paid_amount": paid_after,
            "payable": Decimal("0.00"),
        },
    }
    if view == "full":
        body["claim"] = full_view(session, claim, lang)
    return body


def full_view(session: Session, claim: Claim, lang: str) -> dict[str, Any]:
    return detail(session, claim, lang).model_dump(mode="json")


def respond(body: dict[str, Any], status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    return FastJSON(body, status_code=status_code, headers=headers)


def full_response(session: Session, claim: Claim, lang: str, status_code: int = 200) -> Response:
    """The full claim view, serialised once by its model (FastAPI would validate it again)."""
    return Response(
        detail(session, claim, lang).model_dump_json(), status_code=status_code, media_type="application/json"
    )
