"""The claim lifecycle as an explicit state machine (pure: no I/O, no clock).

报案与受理 → 理赔申请 → 材料审核 (可选调查) → 理赔决定 → 赔款支付 → 结案
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from claimops.errors import IllegalTransition


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


@dataclass(frozen=True)
class Transition:
    action: Action
    from_status: Status
    to_status: Status


def allowed_actions(status: Status) -> list[Action]:
    """Actions a person may take next, in lifecycle order."""
    return [a for a, edges in TRANSITIONS.items() if status in edges and a not in INTERNAL_ACTIONS]


def transition(status: Status, action: Action) -> Transition:
    """The transition for `action` from `status`, or IllegalTransition naming both."""
    edges = TRANSITIONS.get(action, {})
    if status not in edges:
        allowed = allowed_actions(status)
        raise IllegalTransition(
            f"cannot {action.value} a claim that is {status.value}; "
            f"allowed: {', '.join(a.value for a in allowed) or 'none'}",
            details={"status": status.value, "action": action.value, "allowed": [a.value for a in allowed]},
        )
    return Transition(action, status, edges[status])
