"""The claim lifecycle as an explicit state machine (pure: no I/O, no clock).

报案与受理 → 理赔申请 → 材料审核 (可选调查) → 理赔决定 → 赔款支付 → 结案
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from claimops.errors import Conflict, IllegalTransition


class Status(StrEnum):
    REPORTED = "reported"
    ACCEPTED = "accepted"
    DOCUMENTS_PENDING = "documents_pending"
    INVESTIGATING = "investigating"
    UNDER_REVIEW = "under_review"
    DECIDED = "decided"
    PAYMENT_PENDING = "payment_pending"
    PAID = "paid"
    CLOSED = "closed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Action(StrEnum):
    REPORT = "report"
    ACCEPT = "accept"
    REJECT = "reject"
    REQUEST_DOCUMENTS = "request_documents"
    START_INVESTIGATION = "start_investigation"
    FINISH_INVESTIGATION = "finish_investigation"
    START_REVIEW = "start_review"
    DECIDE = "decide"
    APPROVE = "approve"
    RELEASE = "release"
    PAY = "pay"
    CLOSE = "close"
    WITHDRAW = "withdraw"
    REOPEN = "reopen"


class Outcome(StrEnum):
    APPROVED = "approved"
    PARTIAL = "partial"
    DENIED = "denied"


S = Status
OPEN_BEFORE_DECISION = (S.ACCEPTED, S.DOCUMENTS_PENDING, S.INVESTIGATING, S.UNDER_REVIEW)

# action -> {from: to}. DECIDE lands in DECIDED; RELEASE (automatic when within authority)
# and APPROVE (by an approver above the decider's authority) move an approved decision on to payment.
TRANSITIONS: dict[Action, dict[Status, Status]] = {
    Action.ACCEPT: {S.REPORTED: S.ACCEPTED},
    Action.REJECT: {S.REPORTED: S.REJECTED},
    Action.REQUEST_DOCUMENTS: {
        S.ACCEPTED: S.DOCUMENTS_PENDING,
        S.UNDER_REVIEW: S.DOCUMENTS_PENDING,
        S.INVESTIGATING: S.DOCUMENTS_PENDING,
    },
    Action.START_INVESTIGATION: {
        S.ACCEPTED: S.INVESTIGATING,
        S.DOCUMENTS_PENDING: S.INVESTIGATING,
        S.UNDER_REVIEW: S.INVESTIGATING,
    },
    Action.FINISH_INVESTIGATION: {S.INVESTIGATING: S.UNDER_REVIEW},
    Action.START_REVIEW: {S.ACCEPTED: S.UNDER_REVIEW, S.DOCUMENTS_PENDING: S.UNDER_REVIEW},
    Action.DECIDE: {S.UNDER_REVIEW: S.DECIDED},
    Action.APPROVE: {S.DECIDED: S.PAYMENT_PENDING},
    Action.RELEASE: {S.DECIDED: S.PAYMENT_PENDING},
    Action.PAY: {S.PAYMENT_PENDING: S.PAID},
    Action.CLOSE: {S.PAID: S.CLOSED, S.DECIDED: S.CLOSED},
    Action.WITHDRAW: dict.fromkeys((S.REPORTED, *OPEN_BEFORE_DECISION), S.WITHDRAWN),
    Action.REOPEN: {S.CLOSED: S.UNDER_REVIEW},
}

TERMINAL = frozenset({S.CLOSED, S.REJECTED, S.WITHDRAWN})
OPEN_STATUSES = frozenset(s for s in Status if s not in TERMINAL and s is not S.PAID)

# Actions that only the system performs as a consequence of another one.
INTERNAL_ACTIONS = frozenset({Action.REPORT, Action.RELEASE, Action.PAY})

# A decided claim goes one of two ways. With something payable it waits for its approver (then its
# payment); with nothing payable (a denial, or a supplementary decision that adds nothing to what
# the claim has been paid) it does not wait for a payment and is closed. (status, action) -> whether
# the action needs something payable.
NEEDS_PAYABLE: dict[tuple[Status, Action], bool] = {
    (S.DECIDED, Action.APPROVE): True,
    (S.DECIDED, Action.CLOSE): False,
}


@dataclass(frozen=True)
class Transition:
    action: Action
    from_status: Status
    to_status: Status


def _fits(status: Status, action: Action, payable: bool | None) -> bool:
    needs = NEEDS_PAYABLE.get((status, action))
    return needs is None or payable is None or needs == payable


def allowed_actions(status: Status, *, payable: bool | None = None) -> list[Action]:
    """Actions a person may take next, in lifecycle order. `payable`: whether the claim's decision
    leaves something to pay (None: not known, every action the status has)."""
    return [
        a
        for a, edges in TRANSITIONS.items()
        if status in edges and a not in INTERNAL_ACTIONS and _fits(status, a, payable)
    ]


def transition(status: Status, action: Action, *, payable: bool | None = None) -> Transition:
    """The transition for `action` from `status`, or IllegalTransition naming both. With `payable`
    given, also whether a decided claim waits for its payment (see NEEDS_PAYABLE)."""
    edges = TRANSITIONS.get(action, {})
    if status not in edges:
        allowed = allowed_actions(status, payable=payable)
        raise IllegalTransition(
            f"cannot {action.value} a claim that is {status.value}; "
            f"allowed: {', '.join(a.value for a in allowed) or 'none'}",
            details={"status": status.value, "action": action.value, "allowed": [a.value for a in allowed]},
        )
    if not _fits(status, action, payable):
        if action is Action.CLOSE:
            raise Conflict(
                "a decision with something to pay is closed after its payment, not before",
                code="CLOSE_BEFORE_PAYMENT",
            )
        raise Conflict("this decision has nothing to pay and needs no approval", code="NOT_AWAITING_APPROVAL")
    return Transition(action, status, edges[status])
