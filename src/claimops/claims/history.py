"""Whole claim histories checked against the rules the services enforce one step at a time (pure).

A bulk path (historic import, demo data) writes a claim's full history at once; `problem` says why
such a history could not have happened in claimops, or None. It checks, in this order: the state
machine move by move and time never going back; who may take each action (`roles.can`); the
settlement rule for the decision (or, for history that predates claimops, only that the approved
total stays within the sum insured: `SettlementCheck.RECORDED`); the decider's authority (above it an
approver within theirs); four eyes (the decider neither approves nor pays, the approver does not
pay); one payment of what the decision leaves payable (approved total − paid to date).

The demo loader runs the same rules over numpy arrays (demo/bulk.py with claims/columnar.py); the
tests hold the two to the same verdicts on the same histories.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from claimops.claims.lifecycle import Action, Outcome, Status, transition
from claimops.claims.settlement import AgainstPaid, PolicyTerms, against_paid, payable
from claimops.errors import IllegalTransition
from claimops.money import ZERO
from claimops.users.roles import Role, can


class SettlementCheck(StrEnum):
    """How a decision's approved total is held to the settlement rule."""

    RULE = "rule"  # it is what settlement.payable gives for the assessed loss and the policy's terms
    RECORDED = "recorded"  # historic data from before claimops: as recorded, within the sum insured


@dataclass(frozen=True)
class Person:
    """Who a history names: the role and authority they acted with."""

    role: Role
    authority: Decimal | None  # None: unlimited


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
    # the policy's terms when decided, paid_to_date its payments on other claims before the decision
    terms: PolicyTerms | None = None


Move = tuple[Action, str | None, str, datetime]


class BadHistory(ValueError):
    """A history that could not have happened; `reason` says which rule it breaks."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def moves(c: BulkClaim) -> list[Move]:
    """The claim's moves as (action, from, to, at); BadHistory for an illegal move or a step back in time."""
    out: list[Move] = [(Action.REPORT, None, Status.REPORTED.value, c.reported_at)]
    status, last = Status.REPORTED, c.reported_at
    for step in c.steps:
        if step.at < last:
            raise BadHistory(f"{step.action.value} goes back in time")
        try:
            edge = transition(status, step.action)
        except IllegalTransition as exc:
            raise BadHistory(exc.message) from None
        out.append((step.action, status.value, edge.to_status.value, step.at))
        status, last = edge.to_status, step.at
    return out


def permission(action: Action) -> str | None:
    """The permission an action needs; RELEASE is the decision's own move (checked with it)."""
    if action is Action.RELEASE:
        return None
    return "payment.release" if action is Action.PAY else f"claim.{action.value}"


def check(
    c: BulkClaim, *, people: Mapping[int | None, Person], settlement: SettlementCheck = SettlementCheck.RULE
) -> list[Move]:
    """The claim's moves if its history keeps every rule; BadHistory naming the first it breaks."""
    done = moves(c)
    for action, actor_id in [(Action.REPORT, c.reporter_id), *((s.action, s.actor_id) for s in c.steps)]:
        need = permission(action)
        who = people.get(actor_id)
        if need is not None and (who is None or not can(who.role, need)):
            role = "unknown person" if who is None else f"role {who.role.value}"
            raise BadHistory(f"{role} may not {action.value}")
    reached = {to for _, _, to, _ in done}
    d, p = c.decision, c.payment
    if d is not None:
        _check_decision(c, d, people, settlement)
    if p is not None:
        if d is None or Status.PAID.value not in reached:
            raise BadHistory("a payment without a decision and a paid step")
        if p.amount <= 0 or p.amount > d.split.payable:
            raise BadHistory(
                f"payment {p.amount} above what the decision leaves payable ({d.split.payable}: approved "
                f"total {d.approved_amount} less {d.paid_before} paid before)"
            )
        if p.released_by is not None and p.released_by == d.decided_by:
            raise BadHistory("the decider may not pay (four eyes)")
        if p.released_by is not None and p.released_by == d.approved_by:
            raise BadHistory("the approver may not pay (four eyes)")
    elif Status.PAID.value in reached:
        raise BadHistory("a paid step without a payment")
    return done


def _check_decision(
    c: BulkClaim, d: BulkDecision, people: Mapping[int | None, Person], settlement: SettlementCheck
) -> None:
    approved, pays = d.approved_amount, d.outcome != Outcome.DENIED.value
    if not pays and approved != 0:
        raise BadHistory("a denial approves nothing")
    if pays and approved <= 0:
        raise BadHistory("an approval approves an amount")
    terms = c.terms
    if terms is not None and pays:
        if not terms.in_force(c.incident_date):
            raise BadHistory("paid outside the policy period")
        if settlement is SettlementCheck.RULE:
            want, gross = payable(d.assessed_loss, terms)
            if approved != want:
                raise BadHistory(
                    f"approved total {approved} is not what the settlement rule gives ({want}: assessed "
                    f"loss {d.assessed_loss}, deductible {terms.deductible}, coinsurance "
                    f"{terms.coinsurance_rate}, {terms.remaining_limit} left of the sum insured)"
                )
            if want < gross and d.outcome != Outcome.PARTIAL.value:
                raise BadHistory("an amount limited by the sum insured is a partial approval")
        elif approved > terms.remaining_limit:
            raise BadHistory(
                f"approved total {approved} above the {terms.remaining_limit} left of the sum insured"
            )
    decider = people.get(d.decided_by)
    payable_now = d.split.payable > 0
    above_authority = decider is not None and decider.authority is not None and approved > decider.authority
    approvers = [s for s in c.steps if s.action is Action.APPROVE]
    if payable_now and above_authority and d.approved_by is None:
        raise BadHistory(f"approved total {approved} above the decider's authority without an approver")
    if d.approved_by is not None:
        if d.approved_by == d.decided_by:
            raise BadHistory("the decider may not approve (four eyes)")
        approver = people.get(d.approved_by)
        if approver is None or not can(approver.role, "claim.approve"):
            raise BadHistory("the approver may not approve")
        if approver.authority is not None and approved > approver.authority:
            raise BadHistory(f"approved total {approved} above the approver's authority")
        if not approvers or approvers[-1].actor_id != d.approved_by:
            raise BadHistory("an approval without the approver's approve step")
    elif approvers:
        raise BadHistory("an approve step without an approver on the decision")


def policy_paid_before(
    policy: Sequence[int],
    decided_at: Sequence[datetime | None],
    payments: Sequence[tuple[Decimal, datetime] | None],
) -> list[Decimal]:
    """Per claim, what its policy had paid on the other claims before the claim was decided."""
    paid: dict[int, list[tuple[datetime, Decimal, int]]] = {}
    for i, (pol, pay) in enumerate(zip(policy, payments, strict=True)):
        if pay is not None:
            paid.setdefault(pol, []).append((pay[1], pay[0], i))
    out = []
    for i, (pol, at) in enumerate(zip(policy, decided_at, strict=True)):
        out.append(
            sum(
                (amount for when, amount, j in paid.get(pol, ()) if j != i and at is not None and when < at),
                ZERO,
            )
        )
    return out
