"""Claims' histories as lifecycle slots: which steps happen, who takes them and when, the
decisions' amounts by the integer-cent settlement rule, approvers; cut at the demo's "now"."""

from __future__ import annotations

import numpy as np

from claimops.demo import names
from claimops.demo.events import _rows
from claimops.demo.model import (
    ACTIONS,
    ADMIN,
    APPROVED,
    APPROVERS,
    AUTHORITY,
    AUTO,
    BANK,
    CHANNELS,
    DAY,
    DENIAL_REASONS,
    DENIED,
    DIRECT,
    FINANCE,
    HANDLER_SPEED,
    HANDLERS,
    HEALTH,
    HOUR,
    LIFE_BLOCK,
    MANAGER,
    MINUTE,
    NSLOT,
    PARTIAL,
    PARTIAL_REASONS,
    PRE_DECISION_SLOTS,
    REASONS,
    REGION_SPEED,
    REVIEWER_SPEED,
    REVIEWERS,
    SHANGHAI_OFFSET,
    STP_LIMIT,
    SYSTEM,
    A,
    Arr,
    Cols,
)


def _lifecycle(rng: np.random.Generator, sk: Cols, pol: Cols, cutoff: int, start_day: int) -> dict[str, Cols]:
    """Script and cut every claim's history in blocks; concatenate the blocks' rows."""
    n = len(sk["line"])
    policy = sk["policy"]
    inc = sk["incident_date"]
    ctx = {
        "line": sk["line"],
        "region": sk["region"],
        "channel": sk["channel"],
        "reported_at": sk["reported_at"],
        "incident_date": inc,
        "delay": sk["delay"],
        "claimed": sk["claimed"],
        "pattern": sk["pattern"],
        "provider": sk["provider"],
        "single_policy": sk["single_policy"],
        "sum_insured": pol["sum_insured"][policy],
        "deductible": pol["deductible"][policy],
        "coinsurance_bp": pol["coinsurance_bp"][policy],
        "effective_from": pol["effective_from"][policy],
        "effective_to": pol["effective_to"][policy],
        "prior_year": _prior_year(sk["customer"], sk["reported_at"]),
        "handler": _handlers(rng, sk["region"]),
        "reviewer": _reviewers(rng, sk["line"]),
    }
    stp_start = (start_day * DAY - SHANGHAI_OFFSET) + int(
        0.4 * (cutoff - (start_day * DAY - SHANGHAI_OFFSET))
    )
    parts: list[dict[str, Cols]] = []
    for lo in range(0, n, LIFE_BLOCK):
        hi = min(lo + LIFE_BLOCK, n)
        block = {k: v[lo:hi] for k, v in ctx.items()}
        parts.append(_script(rng, block, lo, cutoff, stp_start))
    out: dict[str, Cols] = {}
    n_dec = 0
    n_pay = 0
    for part in parts:
        ev = part["events"]
        is_dec = ev["action"] == ACTIONS.index(A.DECIDE)
        is_pay = ev["action"] == ACTIONS.index(A.PAY)
        ev["ref"] = np.where(is_dec, ev["ref"] + n_dec, np.where(is_pay, ev["ref"] + n_pay, ev["ref"]))
        part["payments"]["decision"] = part["payments"]["decision"] + n_dec
        n_dec += len(part["decisions"]["claim"])
        n_pay += len(part["payments"]["claim"])
    for table in ("claims", "events", "decisions", "payments", "documents"):
        out[table] = {k: np.concatenate([p[table][k] for p in parts]) for k in parts[0][table]}
    return out


def _prior_year(customer: Arr, reported_at: Arr) -> Arr:
    """The customer's other claims reported in the 365 days before (the FREQUENT_CLAIMANT rule)."""
    order = np.lexsort((reported_at, customer))
    key = (customer[order].astype(np.int64) << 32) | reported_at[order]
    lower = np.searchsorted(key, (customer[order].astype(np.int64) << 32) | (reported_at[order] - 365 * DAY))
    out = np.empty(len(customer), dtype=np.int64)
    out[order] = np.arange(len(customer)) - lower
    return out


def _handlers(rng: np.random.Generator, region: Arr) -> Arr:
    """Handlers mostly cover fixed regions."""
    n = len(region)
    by_region = HANDLERS[region % len(HANDLERS)]
    other = HANDLERS[rng.integers(0, len(HANDLERS), n)]
    return np.where(rng.random(n) < 0.85, by_region, other).astype(np.int16)


def _reviewers(rng: np.random.Generator, line: Arr) -> Arr:
    """Reviewers by line: two for auto, one for health, one for property and the rest."""
    n = len(line)
    r = np.array([0, 2, 3, 3])[line] + np.where(line == AUTO, rng.integers(0, 2, n), 0)
    return np.asarray(REVIEWERS[r].astype(np.int16))


def _lognormal(
    rng: np.random.Generator, n: int, median: float | Arr, sigma: float, lo: float, hi: float
) -> Arr:
    return np.clip(median * np.exp(sigma * rng.standard_normal(n)), lo, hi)


def settle_cents(
    outcome: Arr,
    assessed: Arr,
    in_force: Arr,
    deductible: Arr,
    bp: Arr,
    remaining: Arr,
    codes: Arr,
) -> tuple[Arr, Arr, Arr]:
    """`settlement.settle` in integer cents for arrays: (outcome, approved, codes) where codes is an
    (n, 3) array of reason indexes (-1 empty) to which the system's reasons are appended."""
    net = np.maximum(assessed - deductible, 0)
    gross = (net * (10_000 - bp) + 5_000) // 10_000  # × (1 − rate), rounded half up to cents
    amount = np.minimum(gross, np.maximum(remaining, 0))
    out = outcome.copy()
    codes = codes.copy()
    pays = in_force & (outcome != DENIED)
    zero = pays & (amount <= 0)
    limited = pays & ~zero & (amount < gross)
    out[~in_force | zero] = DENIED
    out[limited] = PARTIAL
    approved = np.where(pays & ~zero, amount, 0)
    _append_code(codes, ~in_force, REASONS.index("POLICY_NOT_IN_FORCE"))
    _append_code(codes, zero & (gross > 0), REASONS.index("LIMIT_EXHAUSTED"))
    _append_code(codes, zero & (gross <= 0), REASONS.index("BELOW_DEDUCTIBLE"))
    _append_code(codes, limited, REASONS.index("LIMIT_REACHED"))
    return out, approved.astype(np.int64), codes


def _append_code(codes: Arr, where: Arr, code: int) -> None:
    has = (codes == code).any(axis=1)
    free = np.argmax(codes < 0, axis=1)
    rows = np.flatnonzero(where & ~has)
    codes[rows, free[rows]] = code


def _snap(t: Arr, u: Arr) -> Arr:
    """Staff work office hours (08:30-18:30 Shanghai): later moves to the next morning."""
    sod = (t + SHANGHAI_OFFSET) % DAY
    morning = 8 * HOUR + 30 * MINUTE
    early = sod < morning
    late = sod > 18 * HOUR + 30 * MINUTE
    jitter = (u * 2 * HOUR).astype(np.int64)
    return np.where(early, t - sod + morning + jitter, np.where(late, t - sod + DAY + morning + jitter, t))


def _script(rng: np.random.Generator, c: Cols, offset: int, cutoff: int, stp_start: int) -> dict[str, Cols]:
    """Histories of one block of claims: choices, durations, settlement, then the cut at `cutoff`."""
    m = len(c["line"])
    line, pattern, claimed = c["line"], c["pattern"], c["claimed"]
    u = rng.random((m, 24))
    inc = c["incident_date"]
    in_force = (c["effective_from"] <= inc) & (inc <= c["effective_to"])
    fa, fb, fc = pattern == 1, pattern == 2, pattern == 3

    rejected = (pattern == 0) & (u[:, 0] < np.where(in_force, 0.018, 0.35))
    ok = ~rejected
    withdrawn = ok & (u[:, 1] < np.where(fa | fc, 0.1, 0.03))
    p_inv = np.array([0.04, 0.05, 0.1, 0.03])[line] + np.where(claimed > 10_000_000, 0.2, 0.0)
    p_inv = np.where(fa, 0.85, np.where(fc, 0.7, np.where(fb, 0.3, p_inv)))
    inv = ok & (u[:, 2] < p_inv)
    inv_early = inv & (u[:, 3] < 0.5)
    docs1 = ok & (u[:, 4] < np.array([0.22, 0.35, 0.3, 0.2])[line])
    since_inception = inc - c["effective_from"]
    stp = (
        ok
        & ~withdrawn
        & ~docs1
        & ~inv
        & in_force
        & (pattern == 0)
        & (claimed <= STP_LIMIT)
        & (since_inception >= 30)
        & (c["delay"] <= 30)
        & (c["prior_year"] < 3)
        & (c["reported_at"] >= stp_start)
        & (u[:, 6] < 0.6)
    )
    docs2 = ok & ~stp & (u[:, 5] < 0.07)

    # what the decider asks for, then what the settlement rule makes of it
    late = c["delay"] > 30
    r = u[:, 7]
    den = np.where(late, r < 0.3, r < 0.06)
    par = ~den & (r < np.where(late, 0.44, 0.2))
    den = np.where(fa, np.where(inv, r < 0.85, r < 0.1), den)
    par = np.where(fa, ~den & (r > 0.7), par)
    den = np.where(fc, np.where(inv, r < 0.7, r < 0.1), den)
    par = np.where(fc, ~den & (r > 0.5), par)
    den = np.where(fb, np.where(inv, r < 0.6, r < 0.05), den)
    par = np.where(fb, ~den & (r > 0.85), par)
    den &= ~stp
    par &= ~stp
    requested = np.where(den, DENIED, np.where(par, PARTIAL, APPROVED)).astype(np.int8)
    codes = np.full((m, 3), -1, dtype=np.int8)
    deny_code = _lookup(DENIAL_REASONS, line, u[:, 8])
    deny_code = np.where(late, REASONS.index("LATE_REPORT"), deny_code)
    deny_code = np.where(fa, REASONS.index("FRAUD_SUSPECTED"), deny_code)
    deny_code = np.where(
        fb,
        np.where(u[:, 8] < 0.5, REASONS.index("FRAUD_SUSPECTED"), REASONS.index("DUPLICATE_CLAIM")),
        deny_code,
    )
    deny_code = np.where(
        fc,
        np.where(u[:, 8] < 0.6, REASONS.index("FRAUD_SUSPECTED"), REASONS.index("MISREPRESENTATION")),
        deny_code,
    )
    partial_code = np.array([REASONS.index(x) for x in PARTIAL_REASONS])[
        (u[:, 9] * len(PARTIAL_REASONS)).astype(int)
    ]
    codes[:, 0] = np.where(in_force, np.where(den, deny_code, np.where(par, partial_code, -1)), -1)
    adjusted = claimed * (5_000 + (u[:, 10] * 4_500).astype(np.int64)) // 10_000
    assessed1 = np.where(par, adjusted, claimed)
    outcome1, approved1, codes1 = settle_cents(
        requested, assessed1, in_force, c["deductible"], c["coinsurance_bp"], c["sum_insured"], codes
    )
    pays1 = outcome1 != DENIED
    small = (claimed <= 1_000_000) & ~inv & (u[:, 11] < 0.7)
    decider1 = np.where(stp, SYSTEM, np.where(small, c["handler"], c["reviewer"])).astype(np.int16)
    needs1 = pays1 & ((approved1 > AUTHORITY[decider1]) | (assessed1 > claimed))
    approver1 = _approver(approved1, u[:, 12])

    # reopenings: appeals against denials, supplementary claims after payment (own policy only, with
    # room left under the sum insured: the new total adds to what was paid)
    appeal = ~pays1 & in_force & (u[:, 13] < 0.08)
    supplement = pays1 & c["single_policy"] & (approved1 < c["sum_insured"]) & (u[:, 13] < 0.005)
    reopen = appeal | supplement
    overturn = appeal & (u[:, 14] < 0.55)
    requested2 = np.where(
        supplement, APPROVED, np.where(overturn, np.where(u[:, 15] < 0.6, APPROVED, PARTIAL), DENIED)
    ).astype(np.int8)
    codes2 = np.full((m, 3), -1, dtype=np.int8)
    codes2[:, 0] = np.where(
        requested2 == PARTIAL, partial_code, np.where(requested2 == DENIED, codes1[:, 0], -1)
    )
    extra = claimed * (1_000 + (u[:, 16] * 3_000).astype(np.int64)) // 10_000
    assessed2 = np.where(  # a supplementary decision assesses the whole loss, the first part and the extra
        supplement,
        assessed1 + extra,
        np.where(
            requested2 == PARTIAL, claimed * (6_000 + (u[:, 16] * 3_500).astype(np.int64)) // 10_000, claimed
        ),
    )
    # the new total is set against what the claim was paid, which is not counted again against the
    # limit (a single-policy claim: nothing else is paid on its policy)
    paid_before2 = np.where(supplement, approved1, 0)
    outcome2, approved2, codes2 = settle_cents(
        requested2, assessed2, in_force, c["deductible"], c["coinsurance_bp"], c["sum_insured"], codes2
    )
    pays2 = outcome2 != DENIED
    payable2 = np.maximum(approved2 - paid_before2, 0)
    decider2 = c["reviewer"]
    needs2 = (payable2 > 0) & ((approved2 > AUTHORITY[decider2]) | (assessed2 > claimed))
    approver2 = _approver(approved2, u[:, 17])
    provider = c["provider"]
    direct = (provider >= 0) & (((line == HEALTH) & (u[:, 18] < 0.35)) | ((line == AUTO) & (u[:, 18] < 0.45)))
    method = np.where(direct, DIRECT, BANK).astype(np.int8)
    payer = FINANCE[(u[:, 19] * len(FINANCE)).astype(int)]

    # which slots happen
    P = np.zeros((m, NSLOT), dtype=bool)
    P[:, 0] = True
    P[:, 1] = rejected
    P[:, 2] = ok
    P[:, 3] = docs1
    P[:, 4] = inv_early
    P[:, 5] = ok & ~inv_early
    P[:, 6] = inv & ~inv_early
    P[:, 7] = inv
    P[:, 8] = docs2
    P[:, 9] = docs2
    if withdrawn.any():  # withdrawn at a random point before the decision
        W = P[:, PRE_DECISION_SLOTS] & withdrawn[:, None]
        stop = (u[:, 20] * W.sum(axis=1)).astype(np.int64)
        rank = np.cumsum(W, axis=1) - 1
        P[:, PRE_DECISION_SLOTS] &= ~(W & (rank > stop[:, None]))
    P[:, 10] = withdrawn
    decided = ok & ~withdrawn
    P[:, 11] = decided
    P[:, 12] = decided & pays1
    P[:, 13] = decided & pays1
    P[:, 14] = decided
    P[:, 15] = decided & reopen
    P[:, 16] = P[:, 15]
    P[:, 17] = P[:, 15] & (payable2 > 0)
    P[:, 18] = P[:, 17]
    P[:, 19] = P[:, 15]

    # who does each step
    h, rv = c["handler"], c["reviewer"]
    staff_channel = np.isin(c["channel"], [CHANNELS.index(x) for x in names.STAFF_CHANNELS])
    ACT = np.empty((m, NSLOT), dtype=np.int16)
    ACT[:] = rv[:, None]
    for k in (1, 2, 3, 5, 10, 14, 19):
        ACT[:, k] = h
    ACT[:, 0] = np.where(staff_channel, h, SYSTEM)
    ACT[:, 11] = decider1
    ACT[:, 12] = np.where(needs1, approver1, decider1)
    ACT[:, 13] = payer
    ACT[:, 17] = np.where(needs2, approver2, decider2)
    ACT[:, 18] = payer

    # how long each step takes (seconds), with handler, reviewer and region effects
    f_h = HANDLER_SPEED[np.searchsorted(HANDLERS, h)] * REGION_SPEED[c["region"]]
    f_r = REVIEWER_SPEED[np.searchsorted(REVIEWERS, rv)]
    D = np.zeros((m, NSLOT), dtype=np.int64)
    ln = rng  # short name: the duration draws below are long lines
    D[:, 1] = _lognormal(ln, m, 8 * HOUR, 0.8, 10 * MINUTE, 4 * DAY) * f_h
    D[:, 2] = np.minimum(_lognormal(ln, m, 4 * HOUR, 0.9, 5 * MINUTE, 2 * DAY) * f_h, 2 * DAY)
    D[:, 3] = _lognormal(ln, m, 40 * MINUTE, 1.0, 2 * MINUTE, DAY)
    pre = np.where(
        docs1,
        _lognormal(ln, m, 3 * DAY, 0.7, 4 * HOUR, 30 * DAY),
        _lognormal(ln, m, 8 * HOUR, 0.9, 10 * MINUTE, 5 * DAY) * f_h,
    )
    pre = np.where(stp, _lognormal(ln, m, HOUR, 0.8, 5 * MINUTE, DAY), pre)
    D[:, 4] = pre
    D[:, 5] = pre
    D[:, 6] = _lognormal(ln, m, DAY, 0.7, HOUR, 7 * DAY) * f_r
    D[:, 7] = _lognormal(ln, m, 14 * DAY, 0.35, 7 * DAY, 28 * DAY)
    D[:, 8] = _lognormal(ln, m, 2 * DAY, 0.7, HOUR, 10 * DAY) * f_r
    D[:, 9] = _lognormal(ln, m, 4 * DAY, 0.6, 6 * HOUR, 30 * DAY)
    D[:, 10] = _lognormal(ln, m, 3 * DAY, 1.0, HOUR, 40 * DAY)
    review_median = np.array([2.5, 3.5, 5.0, 2.0])[line] * DAY
    review = _lognormal(ln, m, review_median, 0.7, 2 * HOUR, 40 * DAY)
    D[:, 11] = np.where(stp, 0, review * np.where(decider1 == h, f_h, f_r))
    D[:, 12] = np.where(needs1, _lognormal(ln, m, DAY, 0.8, 30 * MINUTE, 7 * DAY), 0)
    D[:, 13] = _lognormal(ln, m, 2 * DAY, 0.45, DAY, 5 * DAY)
    D[:, 14] = np.where(
        pays1,
        _lognormal(ln, m, 6 * HOUR, 1.0, 5 * MINUTE, 5 * DAY),
        _lognormal(ln, m, DAY, 0.8, HOUR, 10 * DAY),
    )
    D[:, 15] = _lognormal(ln, m, 20 * DAY, 0.6, 2 * DAY, 120 * DAY)
    D[:, 16] = _lognormal(ln, m, 7 * DAY, 0.6, DAY, 40 * DAY) * f_r
    D[:, 17] = np.where(needs2, _lognormal(ln, m, DAY, 0.8, 30 * MINUTE, 7 * DAY), 0)
    D[:, 18] = _lognormal(ln, m, 2 * DAY, 0.45, DAY, 5 * DAY)
    D[:, 19] = np.where(
        pays2,
        _lognormal(ln, m, 6 * HOUR, 1.0, 5 * MINUTE, 5 * DAY),
        _lognormal(ln, m, DAY, 0.8, HOUR, 10 * DAY),
    )
    jitter = rng.random((m, NSLOT))
    T = np.empty((m, NSLOT), dtype=np.int64)
    t = c["reported_at"].astype(np.int64).copy()
    T[:, 0] = t
    system_step = stp[:, None] & np.isin(np.arange(NSLOT), [11, 12])[None, :]
    for k in range(1, NSLOT):
        cand = t + D[:, k]
        cand = np.where(system_step[:, k] | (D[:, k] == 0), cand, _snap(cand, jitter[:, k]))
        T[:, k] = cand
        t = np.where(P[:, k], cand, t)

    keep = P & (T < cutoff)
    script: Cols = dict(  # noqa: C408
        in_force=in_force,
        stp=stp,
        docs1_missing=1 + (u[:, 21] < 0.4),
        docs2_code=(u[:, 22] * 3).astype(np.int64),
        outcome1=outcome1,
        assessed1=assessed1,
        approved1=approved1,
        codes1=codes1,
        decider1=decider1,
        needs1=needs1,
        outcome2=outcome2,
        assessed2=assessed2,
        approved2=approved2,
        paid_before2=paid_before2,
        codes2=codes2,
        decider2=decider2,
        needs2=needs2,
        method=method,
        payer=payer,
        appeal=appeal,
        uploads_by_staff=staff_channel,
        bank=(u[:, 23] * len(names.BANKS)).astype(np.int64),
        account=rng.integers(0, 10**15, m),
    )
    return _rows(c, offset, keep, T, ACT, script)


def _lookup(table: tuple[tuple[str, ...], ...], line: Arr, u: Arr) -> Arr:
    """A reason index drawn per claim from its line's list."""
    width = len(table[0])
    grid = np.array([[REASONS.index(x) for x in row] for row in table])
    return grid[line, np.minimum((u * width).astype(np.int64), width - 1)]


def _approver(amount: Arr, u: Arr) -> Arr:
    """Approvers up to their authority, above it the manager, above that the admin."""
    ap = APPROVERS[(u * len(APPROVERS)).astype(int)]
    return np.where(
        amount <= AUTHORITY[APPROVERS[0]], ap, np.where(amount <= AUTHORITY[MANAGER], MANAGER, ADMIN)
    ).astype(np.int16)
