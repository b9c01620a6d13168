"""Seeded, reproducible demo claims with whole histories.

Draws are vectorised with numpy; each claim's history is then scripted step by step and settled with
the real rules (`settlement.payable`, authority limits), so the bulk loader can check every move
against the state machine. Fraud patterns are planted and their ground truth is kept apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import numpy as np

from claimops.claims.lifecycle import Action
from claimops.claims.settlement import PolicyTerms, payable
from claimops.clock import SHANGHAI
from claimops.demo import names

LINES = ("auto", "health", "property", "other")
LINE_P = (0.55, 0.30, 0.12, 0.03)
MEDIAN = {"auto": 6000, "health": 8000, "property": 20000, "other": 3000}
SIGMA = {"auto": 1.0, "health": 1.1, "property": 1.3, "other": 0.9}
SUM_INSURED = {"auto": 300000, "health": 200000, "property": 1000000, "other": 50000}
DEDUCTIBLES = {"auto": (0, 500, 1000), "health": (0, 100, 500), "property": (1000, 2000), "other": (0, 200)}
# month weights (Jan..Dec): winter and Spring Festival for auto, flu seasons for health
SEASON = {
    "auto": (1.3, 1.25, 1.0, 0.95, 0.95, 1.0, 1.05, 1.0, 0.95, 1.05, 1.1, 1.3),
    "health": (1.3, 1.2, 1.05, 0.95, 0.9, 0.85, 0.9, 0.9, 0.95, 1.0, 1.1, 1.25),
    "property": (0.9, 0.9, 0.95, 1.0, 1.1, 1.25, 1.35, 1.3, 1.1, 0.95, 0.9, 0.9),
    "other": (1.0,) * 12,
}
StaffRow = tuple[str, str, str, Decimal | None]


def _staff(username: str, role: str, name: str, limit: Decimal | None) -> StaffRow:
    return (username, role, name, limit)


STAFF: list[StaffRow] = (
    [
        (f"handler{i}", "handler", n, Decimal("10000"))
        for i, n in enumerate(["陈静", "李强", "王芳", "赵磊", "刘洋", "周敏"], 1)
    ]
    + [
        _staff(f"reviewer{i}", "reviewer", n, Decimal("50000"))
        for i, n in enumerate(["孙伟", "吴娜", "郑涛"], 1)
    ]
    + [
        _staff("approver1", "approver", "马建国", Decimal("1000000")),
        _staff("approver2", "approver", "高秀兰", Decimal("1000000")),
    ]
    + [_staff("finance1", "finance", "林玲", None), _staff("finance2", "finance", "何刚", None)]
    + [
        _staff("manager", "manager", "郭志强", None),
        _staff("admin", "admin", "系统管理员", None),
        _staff("auditor", "auditor", "审计员", None),
    ]
)
DENIAL_REASONS = {
    "auto": ["EXCLUSION", "NOT_COVERED", "INSUFFICIENT_DOCUMENTS", "LATE_REPORT"],
    "health": ["PRE_EXISTING_CONDITION", "EXCLUSION", "NOT_COVERED", "INSUFFICIENT_DOCUMENTS"],
    "property": ["EXCLUSION", "NOT_COVERED", "INSUFFICIENT_DOCUMENTS"],
    "other": ["NOT_COVERED", "EXCLUSION"],
}
CENT = Decimal("0.01")


@dataclass
class PlannedStep:
    action: Action
    at: datetime
    user: str | None  # None: the system
    note: str = ""


@dataclass
class PlannedClaim:
    index: int
    customer: int
    line: str
    incident_date: date
    reported_at: datetime
    claimed: Decimal
    region: str
    channel: str
    provider_id: int | None
    steps: list[PlannedStep] = field(default_factory=list)
    outcome: str | None = None
    assessed: Decimal | None = None
    approved: Decimal | None = None
    reasons: list[str] = field(default_factory=list)
    decided_by: str | None = None
    decided_at: datetime | None = None
    requires_approval: bool = False
    approved_by: str | None = None
    approved_at: datetime | None = None
    paid_at: datetime | None = None
    paid_by: str | None = None
    straight_through: bool = False
    reopened: bool = False
    handler: str | None = None
    fraud: bool = False
    pattern: str = ""
    # policy
    effective_from: date = date(2000, 1, 1)
    effective_to: date = date(2000, 12, 31)
    sum_insured: Decimal = Decimal("0")
    deductible: Decimal = Decimal("0")
    coinsurance: Decimal = Decimal("0")
    premium: Decimal = Decimal("0")


@dataclass
class Customer:
    name: str
    id_number: str
    phone: str
    region: str
    gender: str
    birth_date: date


@dataclass
class DemoData:
    customers: list[Customer]
    claims: list[PlannedClaim]
    end: date


def id_check_digit(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return "10X98765432"[total % 11]


def _customers(rng: np.random.Generator, n: int) -> list[Customer]:
    regions = [r for r, _, _ in names.REGIONS]
    weights = np.array([w for _, _, w in names.REGIONS], dtype=float)
    region_idx = rng.choice(len(regions), size=n, p=weights / weights.sum())
    surname = rng.integers(0, len(names.SURNAMES), n)
    given1 = rng.integers(0, len(names.GIVEN), n)
    given2 = rng.integers(0, len(names.GIVEN), n)
    two_char = rng.random(n) < 0.6
    birth_days = rng.integers(0, 365 * 50, n)
    gender = rng.integers(0, 2, n)
    phone = rng.integers(0, 10**8, n)
    prefixes = ("138", "139", "186", "158", "177", "135")
    pre = rng.integers(0, len(prefixes), n)
    out = []
    for i in range(n):
        region, prefix, _ = names.REGIONS[region_idx[i]]
        born = date(1955, 1, 1) + timedelta(days=int(birth_days[i]))
        seq = f"{(i * 7) % 1000:03d}"[:2] + str(int(gender[i]) + 2 * int(rng.integers(0, 5)))
        body = f"{prefix}{born:%Y%m%d}{seq}"
        name = (
            names.SURNAMES[surname[i]]
            + names.GIVEN[given1[i]]
            + (names.GIVEN[given2[i]] if two_char[i] else "")
        )
        out.append(
            Customer(
                name=name,
                id_number=body + id_check_digit(body),
                phone=f"{prefixes[pre[i]]}{phone[i]:08d}",
                region=region,
                gender="M" if int(seq[-1]) % 2 else "F",
                birth_date=born,
            )
        )
    # the ID sequence digits make a few duplicates possible: keep ID numbers unique
    seen: set[str] = set()
    for i, c in enumerate(out):
        while c.id_number in seen:
            body = c.id_number[:14] + f"{(int(c.id_number[14:17]) + 1) % 1000:03d}"
            c.id_number = body + id_check_digit(body)
        seen.add(c.id_number)
        out[i] = c
    return out


def _money(x: float) -> Decimal:
    return Decimal(str(round(float(x), 2))).quantize(CENT)


def generate(claims: int = 5000, seed: int = 42, end: date | None = None, years: int = 3) -> DemoData:
    rng = np.random.default_rng(seed)
    end = end or date.today()
    n = claims
    customers = _customers(rng, max(int(n * 0.65), 10))
    days = years * 365
    start = end - timedelta(days=days)
    line_idx = rng.choice(len(LINES), size=n, p=LINE_P)
    # report days with seasonality: rejection-sample month weights
    day_offsets = np.empty(n, dtype=np.int64)
    filled = 0
    while filled < n:
        cand = rng.integers(0, days, n)
        months = np.array([(start + timedelta(days=int(d))).month for d in cand[: n - filled]])
        lines_part = line_idx[filled : filled + len(months)]
        w = np.array([SEASON[LINES[li]][m - 1] for li, m in zip(lines_part, months, strict=True)]) / 1.35
        keep = cand[: n - filled][rng.random(len(months)) < w]
        day_offsets[filled : filled + len(keep)] = keep
        filled += len(keep)
    day_offsets.sort()  # claim numbers follow the report order
    local_hour = np.clip(rng.normal(13, 4, n), 0, 23.99)
    delay = np.minimum(rng.exponential(2.0, n), 120)
    z = rng.standard_normal(n)
    customer_of = np.minimum(rng.zipf(2.2, n) - 1, len(customers) - 1)
    customer_of = (customer_of * 7919 + rng.integers(0, len(customers), n)) % len(customers)
    u = rng.random((n, 12))
    channel_w = np.array([w for _, w in names.CHANNELS], dtype=float)
    channel_idx = rng.choice(len(names.CHANNELS), size=n, p=channel_w / channel_w.sum())
    planned: list[PlannedClaim] = []
    for i in range(n):
        line = LINES[line_idx[i]]
        report_day = start + timedelta(days=int(day_offsets[i]))
        reported_local = datetime.combine(report_day, datetime.min.time(), SHANGHAI) + timedelta(
            hours=float(local_hour[i])
        )
        incident = report_day - timedelta(days=int(delay[i]))
        claimed = _money(MEDIAN[line] * float(np.exp(SIGMA[line] * z[i])))
        cust = customers[int(customer_of[i])]
        c = PlannedClaim(
            index=i,
            customer=int(customer_of[i]),
            line=line,
            incident_date=incident,
            reported_at=reported_local.astimezone(UTC),
            claimed=max(claimed, Decimal("50.00")),
            region=cust.region,
            channel=names.CHANNELS[channel_idx[i]][0],
            provider_id=None,
        )
        inception_gap = int(u[i, 0] * 360)
        _plant(c, u[i], rng)
        if not c.pattern:
            c.effective_from = incident - timedelta(days=inception_gap)
        c.effective_to = c.effective_from + timedelta(days=364)
        if u[i, 1] < 0.015 and not c.pattern:  # incident outside the policy period
            c.effective_from, c.effective_to = incident + timedelta(days=5), incident + timedelta(days=369)
        c.sum_insured = Decimal(SUM_INSURED[line])
        c.deductible = Decimal(DEDUCTIBLES[line][int(u[i, 2] * len(DEDUCTIBLES[line]))])
        c.coinsurance = Decimal(("0", "0.1", "0.2")[int(u[i, 3] * 3)]) if line == "health" else Decimal("0")
        c.premium = (c.sum_insured * Decimal("0.004")).quantize(CENT)
        if c.provider_id is None:
            c.provider_id = _provider(line, rng)
        _script(c, rng, end)
        planned.append(c)
    return DemoData(customers=customers, claims=planned, end=end)


def _provider(line: str, rng: np.random.Generator) -> int | None:
    if line == "health":
        return int(rng.integers(1, len(names.HOSPITALS) + 1))
    if line == "auto":
        return 100 + int(rng.integers(1, len(names.GARAGES) + 1))
    if line == "property":
        return 200 + int(rng.integers(1, len(names.ADJUSTERS) + 1))
    return None


def _plant(c: PlannedClaim, u: np.ndarray, rng: np.random.Generator) -> None:
    """Fraud patterns: (a) early + night + round auto claims; (b) a health ring at a few hospitals;
    (c) large property losses just before expiry."""
    if c.line == "auto" and u[4] < 0.04:
        c.fraud, c.pattern = True, "auto_early_night_round"
        c.effective_from = c.incident_date - timedelta(days=int(rng.integers(1, 25)))
        night = float(rng.choice([22.5, 23.2, 0.5, 1.5, 2.7, 4.1]))
        day = c.reported_at.astimezone(SHANGHAI).date()
        c.reported_at = (
            datetime.combine(day, datetime.min.time(), SHANGHAI) + timedelta(hours=night)
        ).astimezone(UTC)
        c.incident_date = min(c.incident_date, c.reported_at.astimezone(SHANGHAI).date())
        c.claimed = Decimal(int(rng.integers(8, 40)) * 1000)
    elif c.line == "health" and u[4] < 0.05:
        c.fraud, c.pattern = True, "health_provider_ring"
        c.provider_id = int(rng.integers(1, 4))  # three hospitals carry the ring
        c.effective_from = c.incident_date - timedelta(days=int(rng.integers(30, 300)))
        c.claimed = (c.claimed * Decimal("1.8")).quantize(CENT)
    elif c.line == "property" and u[4] < 0.06:
        c.fraud, c.pattern = True, "property_near_expiry_large"
        c.effective_from = c.incident_date - timedelta(days=int(rng.integers(350, 364)))
        c.claimed = Decimal(int(rng.integers(60, 95)) * 10000)


def _hours(rng: np.random.Generator, median: float, sigma: float = 0.8) -> timedelta:
    return timedelta(hours=float(median * np.exp(sigma * rng.standard_normal())))


def _script(c: PlannedClaim, rng: np.random.Generator, end: date) -> None:
    """The claim's history, cut off at `end` (claims reported lately are still open)."""
    cutoff = datetime.combine(end, datetime.min.time(), SHANGHAI).astimezone(UTC) + timedelta(days=1)
    handlers = [s[0] for s in STAFF if s[1] == "handler"]
    reviewers = [s[0] for s in STAFF if s[1] == "reviewer"]
    approvers = [s[0] for s in STAFF if s[1] == "approver"]
    finance = [s[0] for s in STAFF if s[1] == "finance"]
    hi = int(rng.integers(0, len(handlers)))
    handler, reviewer = handlers[hi], reviewers[hi % len(reviewers)]
    slow = 1.0 + 0.25 * hi  # some handlers are slower: visible in the workload report
    t = c.reported_at
    steps: list[PlannedStep] = []

    def add(action: Action, delta: timedelta, user: str | None, note: str = "") -> None:
        nonlocal t
        t = t + delta
        steps.append(PlannedStep(action, t, user, note))

    r = rng.random(8)
    if r[0] < 0.02 and not c.fraud:
        add(Action.REJECT, _hours(rng, 20 * slow), handler)
        c.steps = steps
        _cut(c, cutoff)
        return
    add(Action.ACCEPT, _hours(rng, 6 * slow), handler)
    c.handler = handler
    if r[1] < 0.03 and not c.fraud:
        add(Action.WITHDRAW, _hours(rng, 72), handler, "客户撤案")
        c.steps = steps
        _cut(c, cutoff)
        return
    clean_small = c.claimed <= 5000 and not c.fraud
    if clean_small and r[2] < 0.35:
        add(Action.START_REVIEW, _hours(rng, 4), handler)
        c.straight_through = True
        _decide(c, rng, t, None)
    else:
        if r[3] < 0.3:
            add(Action.REQUEST_DOCUMENTS, _hours(rng, 12 * slow), handler, "请补充材料")
            add(Action.START_REVIEW, _hours(rng, 96), reviewer)
        else:
            add(Action.START_REVIEW, _hours(rng, 24 * slow), reviewer)
        investigate = r[4] < (0.75 if c.fraud else 0.07)
        if investigate:
            add(Action.START_INVESTIGATION, _hours(rng, 12), reviewer)
            add(Action.FINISH_INVESTIGATION, _hours(rng, 24 * 14, 0.5), reviewer)
        t = t + _hours(rng, 60 * slow)
        _decide(c, rng, t, reviewer)
    steps.append(PlannedStep(Action.DECIDE, t, c.decided_by))
    if c.outcome == "denied":
        add(Action.CLOSE, _hours(rng, 24), handler)
        if r[5] < 0.08 and not c.fraud:  # appeal: reopened, overturned and paid
            add(Action.REOPEN, _hours(rng, 24 * 20), reviewer, "客户申诉")
            c.reopened = True
            t = t + _hours(rng, 72)
            c.outcome, c.reasons = None, []
            _decide(c, rng, t, reviewer, force_pay=True)
            steps.append(PlannedStep(Action.DECIDE, t, c.decided_by))
        else:
            c.steps = steps
            _cut(c, cutoff)
            return
    if c.approved and c.approved > 50000 and c.decided_by is not None:
        c.requires_approval = True
        add(Action.APPROVE, _hours(rng, 36), approvers[int(rng.integers(0, 2))])
        c.approved_by, c.approved_at = steps[-1].user, steps[-1].at
    else:
        steps.append(PlannedStep(Action.RELEASE, t, c.decided_by))
    payer = finance[int(rng.integers(0, 2))]
    add(Action.PAY, _hours(rng, 40), payer)
    c.paid_at, c.paid_by = t, payer
    add(Action.CLOSE, _hours(rng, 12), handler)
    c.steps = steps
    _cut(c, cutoff)


def _decide(
    c: PlannedClaim, rng: np.random.Generator, at: datetime, user: str | None, force_pay: bool = False
) -> None:
    terms = PolicyTerms(c.effective_from, c.effective_to, c.sum_insured, c.deductible, c.coinsurance)
    c.decided_by, c.decided_at = user, at
    r = rng.random(3)
    if not terms.in_force(c.incident_date):
        c.outcome, c.approved, c.assessed, c.reasons = (
            "denied",
            Decimal("0.00"),
            c.claimed,
            ["POLICY_NOT_IN_FORCE"],
        )
        return
    if c.fraud and not force_pay and r[0] < 0.8:
        c.outcome, c.approved, c.assessed, c.reasons = (
            "denied",
            Decimal("0.00"),
            c.claimed,
            ["FRAUD_SUSPECTED"],
        )
        return
    if not force_pay and not c.straight_through and r[0] < 0.08:
        reasons = DENIAL_REASONS[c.line]
        c.outcome, c.approved, c.assessed = "denied", Decimal("0.00"), c.claimed
        c.reasons = [reasons[int(r[1] * len(reasons))]]
        return
    partial = not c.straight_through and r[2] < 0.15
    c.assessed = (
        (c.claimed * Decimal(str(round(0.5 + 0.45 * r[1], 2)))).quantize(CENT) if partial else c.claimed
    )
    amount, gross = payable(c.assessed, terms)
    if amount <= 0:
        c.outcome, c.approved, c.reasons = "denied", Decimal("0.00"), ["BELOW_DEDUCTIBLE"]
        return
    c.approved = amount
    c.outcome = "partial" if partial or amount < gross else "approved"
    c.reasons = (["AMOUNT_ADJUSTED"] if partial else []) + (["LIMIT_REACHED"] if amount < gross else [])


def _cut(c: PlannedClaim, cutoff: datetime) -> None:
    """Keep only what happened before the demo's end; later decisions and payments did not happen."""
    kept = [s for s in c.steps if s.at < cutoff]
    c.steps = kept
    done = {s.action for s in kept}
    decides = sum(1 for s in kept if s.action is Action.DECIDE)
    if Action.DECIDE not in done or (c.reopened and decides < 2):
        c.outcome = c.approved = c.assessed = None
        c.reasons, c.decided_at = [], None
        c.straight_through = False
    if Action.APPROVE not in done:
        c.approved_by = c.approved_at = None
    if Action.PAY not in done:
        c.paid_at = c.paid_by = None
    if c.reopened and Action.REOPEN not in done:
        c.reopened = False
