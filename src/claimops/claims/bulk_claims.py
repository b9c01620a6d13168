"""Claims with whole histories as bulk paths hand them over (historic imports), and their check by
the one history checker (claims/history.py), which takes them as columns (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import numpy as np

from claimops.claims import history
from claimops.claims.columnar import AC, OC, ST, Arr, day_number
from claimops.claims.history import LINES, SettlementCheck
from claimops.claims.lifecycle import Action, Outcome, Status, transition
from claimops.claims.settlement import REASON_CODES, AgainstPaid, against_paid
from claimops.errors import IllegalTransition, ValidationFailed
from claimops.money import ZERO
from claimops.policies.terms import PolicyTerms
from claimops.users.roles import Role

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Person:
    """Who a history names: the role and authority (None: unlimited) they acted with."""

    role: Role
    authority: Decimal | None


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
    note: str = ""

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
    # the policy's terms; paid_to_date: what it had paid before these histories (needed with a decision)
    terms: PolicyTerms | None = None


Move = tuple[Action, str | None, str, datetime]
SLOTS = ("decide", "approve", "pay", "other")
SLOT = {Action.DECIDE: "decide", Action.RELEASE: "decide", Action.APPROVE: "approve", Action.PAY: "pay"}
DECISION_COLUMNS = ("claim", "outcome", "assessed", "approved", "paid_before", "payable", "recovery",
                    "reasons", "decided_by", "decided_at", "requires_approval", "approved_by", "approved_at",
                    "noted")  # fmt: skip


def moves(c: BulkClaim) -> list[Move]:
    """The claim's moves as (action, from, to, at), for a history the checker has passed."""
    out: list[Move] = [(Action.REPORT, None, Status.REPORTED.value, c.reported_at)]
    status = Status.REPORTED
    for step in c.steps:
        to = transition(status, step.action).to_status
        out.append((step.action, status.value, to.value, step.at))
        status = to
    return out


def problems(
    claims: Sequence[BulkClaim],
    *,
    people: Mapping[int | None, Person],
    settlement: SettlementCheck = SettlementCheck.RULE,
    collect: bool = True,
) -> dict[int, str]:
    """Claim index -> the first rule its history breaks (claims/history.py); without `collect`,
    ValidationFailed naming the first claim that breaks one."""
    found = {i: why for i, c in enumerate(claims) if (why := _shape(c, people)) is not None}
    if found and not collect:
        i = min(found)
        raise ValidationFailed(f"{claims[i].claim_number}: {found[i]}", code="BAD_HISTORY")
    keep = [i for i in range(len(claims)) if i not in found]
    if keep:
        h, who = _columns([claims[i] for i in keep], people)
        for j, why in history.check(h, who, settlement=settlement, collect=collect).items():
            found[keep[j]] = why
    return found


def _shape(c: BulkClaim, people: Mapping[int | None, Person]) -> str | None:
    """What the columns cannot express: one decision with its decide step, one approval with its
    approve step, one payment with its pay step, people claimops knows, terms for a decision."""
    actions = [s.action for s in c.steps]
    if actions.count(Action.DECIDE) != (c.decision is not None):
        return "a decision needs its decide step, and a decide step its decision"
    if actions.count(Action.PAY) != (c.payment is not None):
        return "a payment needs its pay step, and a pay step its payment"
    approver = c.decision is not None and c.decision.approved_by is not None
    if actions.count(Action.APPROVE) != approver:  # the checker counts approvals over all claims
        return "an approval needs its approve step, and an approve step its approver"
    if c.decision is not None and c.terms is None:
        return "a decision needs the policy's terms"
    if c.decision is not None and (unknown := set(c.decision.reason_codes) - set(REASON_CODES)):
        return f"unknown reason code(s): {', '.join(sorted(unknown))}"
    named = [c.reporter_id, *(s.actor_id for s in c.steps)]
    if c.decision is not None:
        named.append(c.decision.decided_by)
        if c.decision.approved_by is not None:
            named.append(c.decision.approved_by)
    if c.payment is not None:
        named.append(c.payment.released_by)
    if any(p not in people for p in named):
        return "names a person claimops does not know"
    return None


def _secs(t: datetime) -> int:
    return int((t - EPOCH).total_seconds())


def _cents(amount: Decimal) -> int:
    return int(amount.scaleb(2))


def _columns(
    claims: list[BulkClaim], people: Mapping[int | None, Person]
) -> tuple[history.Histories, history.People]:
    """The claims as the checker's columns, and the people by index."""
    known = [p for p in people if p is not None]
    person: dict[int | None, int] = {pid: i for i, pid in enumerate(known)}
    # an unnamed actor (None) is somebody unknown acting with the importer's role: one stand-in each
    # for deciding, approving, paying and the rest, so four eyes holds between unknown people
    stand_in = {slot: len(known) + k for k, slot in enumerate(SLOTS)}
    ids = known + [None] * len(SLOTS) if None in people else known

    def index(pid: int | None, slot: str) -> int:
        return person[pid] if pid is not None else stand_in[slot]

    who = history.people(
        [people[p].role for p in ids],
        [None if (a := people[p].authority) is None else _cents(a) for p in ids],
        0,  # the importer acts as a person: the system column is not used
    )
    policy_of: dict[int, int] = {}
    pol_rows: list[PolicyTerms | None] = []
    for c in claims:
        if c.policy_id not in policy_of:
            policy_of[c.policy_id] = len(pol_rows)
            pol_rows.append(c.terms)
        elif pol_rows[policy_of[c.policy_id]] is None:
            pol_rows[policy_of[c.policy_id]] = c.terms
    ev: dict[str, list[int]] = {
        k: [] for k in ("claim", "seq", "action", "from_status", "to_status", "at", "actor", "ref")
    }
    dec: dict[str, list[Any]] = {k: [] for k in DECISION_COLUMNS}
    pay: dict[str, list[int]] = {k: [] for k in ("claim", "decision", "amount", "paid_at", "released_by")}
    cl: dict[str, list[Any]] = {k: [] for k in ("status", "updated_at", "approved", "assessed", "outcome")}
    for i, c in enumerate(claims):
        status: int = ST[Status.REPORTED]
        current = Status.REPORTED
        steps = [
            (Action.REPORT, c.reported_at, c.reporter_id),
            *((s.action, s.at, s.actor_id) for s in c.steps),
        ]
        for seq, (action, at, actor) in enumerate(steps, 1):
            frm = -1 if seq == 1 else status
            if seq > 1:
                try:
                    current = transition(current, action).to_status
                    status = ST[current] if status >= 0 else -1
                except IllegalTransition:
                    status = -1  # the checker names the illegal move; later ones stay unknown
            ref = -1
            if action is Action.DECIDE:
                ref = len(dec["claim"])
            elif action is Action.PAY:
                ref = len(pay["claim"])
            by = index(actor, SLOT.get(action, "other"))
            for k, v in zip(ev, (i, seq, AC[action], frm, status, _secs(at), by, ref), strict=True):
                ev[k].append(v)
        d, p = c.decision, c.payment
        if d is not None:
            split = d.split
            row: tuple[Any, ...] = (i, OC[Outcome(d.outcome)], _cents(d.assessed_loss),
                _cents(d.approved_amount), _cents(split.paid_before), _cents(split.payable),
                _cents(split.recovery), [REASON_CODES.index(r) for r in d.reason_codes],
                index(d.decided_by, "decide"), _secs(d.decided_at), d.requires_approval,
                -1 if d.approved_by is None else index(d.approved_by, "approve"),
                -1 if d.approved_at is None else _secs(d.approved_at), bool(d.note))  # fmt: skip
            for k, x in zip(dec, row, strict=True):
                dec[k].append(x)
        if p is not None:
            paid = (i, len(dec["claim"]) - 1, _cents(p.amount), _secs(p.paid_at), index(p.released_by, "pay"))
            for k, n in zip(pay, paid, strict=True):
                pay[k].append(n)
        cl["status"].append(status)
        cl["updated_at"].append(_secs(steps[-1][1]))
        cl["approved"].append(-1 if d is None else _cents(d.approved_amount))
        cl["assessed"].append(-1 if d is None else _cents(d.assessed_loss))
        cl["outcome"].append(-1 if d is None else OC[Outcome(d.outcome)])
    width = max([1] + [len(r) for r in dec["reasons"]])
    reasons = np.array([r + [-1] * (width - len(r)) for r in dec["reasons"]], dtype=np.int64).reshape(
        -1, width
    )
    i64 = np.int64
    claims_cols = {
        "claim_number": np.array([c.claim_number for c in claims], dtype=object),
        "line": np.array([LINES.index(c.line) for c in claims], dtype=i64),
        "policy": np.array([policy_of[c.policy_id] for c in claims], dtype=i64),
        "status": np.array(cl["status"], dtype=np.int8),
        "reported_at": np.array([_secs(c.reported_at) for c in claims], dtype=i64),
        "updated_at": np.array(cl["updated_at"], dtype=i64),
        "incident_date": np.array([day_number(c.incident_date) for c in claims], dtype=i64),
        "claimed": np.array([_cents(c.claimed_amount) for c in claims], dtype=i64),
        "paid": np.array([_cents(c.payment.amount) if c.payment else 0 for c in claims], dtype=i64),
        "approved": np.array(cl["approved"], dtype=i64),
        "assessed": np.array(cl["assessed"], dtype=i64),
        "outcome": np.array(cl["outcome"], dtype=i64),
        "reopen_count": np.array([c.reopen_count for c in claims], dtype=i64),
        "straight_through": np.array([c.straight_through for c in claims], dtype=bool),
    }
    events: dict[str, Arr] = {k: np.array(v, dtype=i64) for k, v in ev.items()}
    for k in ("action", "from_status", "to_status"):
        events[k] = events[k].astype(np.int8)
    decisions: dict[str, Arr] = {k: np.array(v, dtype=i64) for k, v in dec.items() if k != "reasons"}
    for k in ("requires_approval", "noted"):
        decisions[k] = decisions[k].astype(bool)
    decisions["reasons"] = reasons
    decisions["current"] = np.ones(len(dec["claim"]), dtype=bool)
    payments = {k: np.array(v, dtype=i64) for k, v in pay.items()}
    # a policy without terms has claims without decisions, which no terms are read for
    terms = [t or PolicyTerms(EPOCH.date(), EPOCH.date(), ZERO, ZERO, ZERO) for t in pol_rows]
    policies = {
        "effective_from": np.array([day_number(t.effective_from) for t in terms], dtype=i64),
        "effective_to": np.array([day_number(t.effective_to) for t in terms], dtype=i64),
        "sum_insured": np.array([_cents(t.sum_insured) for t in terms], dtype=i64),
        "deductible": np.array([_cents(t.deductible) for t in terms], dtype=i64),
        "coinsurance_bp": np.array([int(t.coinsurance_rate.scaleb(4)) for t in terms], dtype=i64),
        "paid_earlier": np.array([_cents(t.paid_to_date) for t in terms], dtype=i64),
    }
    return history.Histories(claims_cols, events, decisions, payments, policies), who
