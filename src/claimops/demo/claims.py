"""Claims before their histories: when they are reported, on which policy, what they claim, who
provides the service, and the planted fraud patterns; claim numbers."""

from __future__ import annotations

import numpy as np

from claimops.demo import names
from claimops.demo.calendar import _day_weights, _ymd
from claimops.demo.model import (
    AMOUNT,
    AUTO,
    CHANNELS,
    DAY,
    DESCRIPTIONS,
    HEALTH,
    HOUR,
    HOUR_WEIGHTS,
    LINE_SHARE,
    NIGHT_HOURS,
    PROPERTY,
    REGIONS,
    RING_HOSPITALS,
    RING_SHARE,
    SHANGHAI_OFFSET,
    Arr,
    Cols,
    _c,
)


def _pick(rng: np.random.Generator, table: tuple[list[int], list[float]], n: int) -> Arr:
    options, p = table
    return _c(options)[rng.choice(len(options), size=n, p=np.asarray(p) / np.sum(p))]


def _skeleton(rng: np.random.Generator, n: int, start_day: int, end_day: int) -> Cols:
    """Who claims what, when, for how much, and which claims carry a planted fraud pattern."""
    ring_sizes = _ring_sizes(rng, int(round(n * RING_SHARE)) if n >= 100 else 0)
    n_ring = int(ring_sizes.sum())
    n_reg = n - n_ring
    n_days = end_day - start_day + 1

    # regular claims
    p_line = (LINE_SHARE * n - np.array([0, n_ring, 0, 0])) / n_reg
    p_line = np.clip(p_line, 0, None) / np.clip(p_line, 0, None).sum()
    line = rng.choice(4, size=n_reg, p=p_line).astype(np.int8)
    weights = _day_weights(start_day, end_day)
    report_day = np.empty(n_reg, dtype=np.int64)
    for ln in range(4):
        sel = line == ln
        report_day[sel] = start_day + rng.choice(
            n_days, size=int(sel.sum()), p=weights[ln] / weights[ln].sum()
        )
    n_pool = max(2 * n_reg, 1)
    activity = rng.gamma(1.5, size=n_pool)
    customer = rng.choice(n_pool, size=n_reg, p=activity / activity.sum()).astype(np.int64)
    rw = np.array([w for _, _, w in names.REGIONS], dtype=float)
    cust_region = rng.choice(len(REGIONS), size=n_pool, p=rw / rw.sum()).astype(np.int16)
    u = rng.random((n_reg, 8))
    pattern = np.zeros(n_reg, dtype=np.int8)
    pattern[(line == AUTO) & (u[:, 0] < 0.026)] = 1
    pattern[(line == PROPERTY) & (u[:, 0] < 0.05)] = 3
    hour = rng.choice(24, size=n_reg, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    fa = pattern == 1
    hour[fa] = rng.choice(NIGHT_HOURS, size=int(fa.sum()))
    second = hour * HOUR + rng.integers(0, HOUR, n_reg)
    delay = _delays(rng, line, u[:, 1])
    delay[fa] = (u[fa, 1] < 0.3).astype(np.int64)  # staged accidents are reported at once

    # planted pattern (b): one customer, one hospital, several health claims days apart
    ring_cust_region, ring_hosp, ring_day, ring_second, ring_delay, ring_id = _rings(
        rng, ring_sizes, start_day, end_day
    )
    n_rings = len(ring_sizes)

    line = np.concatenate([line, np.full(n_ring, HEALTH, dtype=np.int8)])
    report_day = np.concatenate([report_day, ring_day])
    second = np.concatenate([second, ring_second])
    delay = np.concatenate([delay, ring_delay])
    customer = np.concatenate([customer, n_pool + ring_id])
    pattern = np.concatenate([pattern, np.full(n_ring, 2, dtype=np.int8)])
    ring = np.concatenate([np.full(n_reg, -1), ring_id])
    cust_region = np.concatenate([cust_region, ring_cust_region])
    special_u = np.concatenate([u[:, 2], np.ones(n_ring)])
    reported_at = report_day * DAY + second - SHANGHAI_OFFSET

    order = np.argsort(reported_at, kind="stable")  # claim numbers follow the report order
    line, report_day, delay, customer = line[order], report_day[order], delay[order], customer[order]
    pattern, ring, reported_at, special_u = pattern[order], ring[order], reported_at[order], special_u[order]

    # keep only customers who claim, numbered in order of their first claim
    used, first_idx, inverse = np.unique(customer, return_index=True, return_inverse=True)
    rank = np.empty(len(used), dtype=np.int64)
    rank[np.argsort(first_idx, kind="stable")] = np.arange(len(used))
    customer = rank[inverse].astype(np.int32)
    region_by_customer = np.empty(len(used), dtype=np.int16)
    region_by_customer[rank] = cust_region[used]
    region = region_by_customer[customer]

    provider = _providers(rng, line, region)
    if n_rings:
        provider = np.where(ring >= 0, ring_hosp[np.clip(ring, 0, None)], provider).astype(np.int32)
    not_in_force = (pattern == 0) & (special_u < 0.008)
    channel = rng.choice(len(CHANNELS), size=n, p=_channel_p()).astype(np.int8)
    description = rng.integers(0, 100, n) % np.array([len(d) for d in DESCRIPTIONS])[line]
    male = rng.random(len(used)) < 0.52
    return {
        "line": line,
        "reported_at": reported_at,
        "incident_date": (report_day - delay).astype(np.int32),
        "delay": delay,
        "customer": customer,
        "region": region,
        "provider": provider,
        "pattern": pattern,
        "ring": ring,
        "not_in_force": not_in_force,
        "channel": channel,
        "description": description.astype(np.int8),
        "_cust_region": region_by_customer,
        "_cust_male": male,
    }


def _channel_p() -> Arr:
    w = np.array([w for _, w in names.CHANNELS], dtype=float)
    return np.asarray(w / w.sum())


def _ring_sizes(rng: np.random.Generator, target: int) -> Arr:
    if target < 3:
        return np.zeros(0, dtype=np.int64)
    sizes = rng.integers(3, 7, size=target // 3 + 1)
    cum = np.cumsum(sizes)
    k = int(np.searchsorted(cum, target, side="right"))
    sizes = sizes[:k].copy()
    rest = target - int(sizes.sum())
    if rest >= 3 or len(sizes) == 0:
        sizes = np.append(sizes, rest)
    elif rest:
        sizes[-1] += rest
    return sizes.astype(np.int64)


def _rings(
    rng: np.random.Generator, sizes: Arr, start_day: int, end_day: int
) -> tuple[Arr, Arr, Arr, Arr, Arr, Arr]:
    """Per ring claim: (customer region per ring, hospital per ring, report day, second, delay, ring)."""
    n_rings, total = len(sizes), int(sizes.sum())
    hospitals = np.array([p[0] for p in names.PROVIDERS if p[1] == "hospital"])
    hosp_region = np.array([REGIONS.index(p[3]) for p in names.PROVIDERS if p[1] == "hospital"])
    centres = rng.choice(len(hospitals), size=RING_HOSPITALS, replace=False)
    ring_centre = centres[rng.integers(0, RING_HOSPITALS, n_rings)]
    ring_id = np.repeat(np.arange(n_rings), sizes)
    gaps = rng.integers(3, 21, total)
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]]) if n_rings else np.zeros(0, dtype=np.int64)
    gaps[first] = 0
    cum = np.cumsum(gaps)
    offset = cum - np.repeat(cum[first], sizes) if n_rings else cum
    span = max(end_day - start_day - 130, 1)
    ring_start = start_day + rng.integers(0, span, n_rings)
    day = np.repeat(ring_start, sizes) + offset
    second = rng.integers(9 * HOUR, 17 * HOUR, total)
    delay = rng.integers(1, 6, total)
    return (
        hosp_region[ring_centre].astype(np.int16),
        hospitals[ring_centre].astype(np.int32),
        day.astype(np.int64),
        second.astype(np.int64),
        delay.astype(np.int64),
        ring_id.astype(np.int64),
    )


def _delays(rng: np.random.Generator, line: Arr, u: Arr) -> Arr:
    """Days from the incident to the report; a few per cent are reported late (> 30 days)."""
    n = len(line)
    geo = rng.geometric(np.array([0.45, 0.12, 0.3, 0.2])[line]) - 1
    same_day = rng.random(n) < np.array([0.55, 0.1, 0.35, 0.2])[line]
    delay = np.where(same_day, 0, geo)
    late = u < 0.025
    delay = np.where(late, rng.integers(31, 121, n), np.minimum(delay, 30))
    return delay.astype(np.int64)


def _providers(rng: np.random.Generator, line: Arr, region: Arr) -> Arr:
    """A hospital (health) or garage (auto) in the claimant's region, an adjuster (property)."""
    out = np.full(len(line), -1, dtype=np.int32)
    for ln, kind in ((HEALTH, "hospital"), (AUTO, "garage"), (PROPERTY, "adjuster")):
        rows = [p for p in names.PROVIDERS if p[1] == kind]
        ids = np.array([p[0] for p in rows], dtype=np.int32)
        reg = np.array([REGIONS.index(p[3]) for p in rows])
        order = np.argsort(reg, kind="stable")
        ids, reg = ids[order], reg[order]
        starts = np.searchsorted(reg, np.arange(len(REGIONS)))
        counts = np.bincount(reg, minlength=len(REGIONS))
        sel = np.flatnonzero(line == ln)
        r = region[sel]
        u = rng.random(len(sel))
        local = counts[r] > 0
        pick = np.where(
            local,
            starts[r] + (u * np.maximum(counts[r], 1)).astype(np.int64),
            (u * len(ids)).astype(np.int64),
        )
        out[sel] = ids[np.minimum(pick, len(ids) - 1)]
    return out


def _amounts(rng: np.random.Generator, sk: Cols, si: Arr) -> None:
    """Claimed amounts in cents: lognormal by line, some rounded; planted patterns as described."""
    line, pattern = sk["line"], sk["pattern"]
    n = len(line)
    median = np.array([m for m, _ in AMOUNT])[line]
    sigma = np.array([s for _, s in AMOUNT])[line]
    yuan = median * np.exp(sigma * rng.standard_normal(n))
    cents = np.maximum(np.round(yuan * 100), 20_000).astype(np.int64)
    round_ = rng.random(n) < 0.08
    cents = np.where(round_, np.maximum((cents + 5_000) // 10_000 * 10_000, 10_000), cents)
    cents = np.minimum(cents, si * 13 // 10)
    u = rng.random(n)
    cents = np.where(pattern == 1, (8 + (u * 38).astype(np.int64)) * 100_000, cents)  # round thousands
    large = (si * (55 + (u * 40).astype(np.int64)) // 100) // 100_000 * 100_000
    cents = np.where(pattern == 3, large, cents)  # 55-95 % of the sum insured
    ring = sk["ring"]
    if (ring >= 0).any():
        ring_base = np.exp(np.log(12_000) + 0.5 * rng.standard_normal(int(ring.max()) + 1)) * 100
        similar = ring_base[np.clip(ring, 0, None)] * (0.85 + 0.3 * u) // 1_000 * 1_000
        cents = np.where(ring >= 0, similar.astype(np.int64), cents)
    sk["claimed"] = cents.astype(np.int64)


def _digit_codes(values: Arr, width: int) -> Arr:
    """Zero-padded decimal digits of non-negative ints as (n, width) code points."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return ((values.astype(np.int64)[:, None] // powers) % 10 + ord("0")).astype(np.uint32)


def _chars(*parts: Arr) -> Arr:
    """Fixed-width strings from blocks of code points (one row per string)."""
    codes = np.ascontiguousarray(np.concatenate([np.atleast_2d(p) for p in parts], axis=1), dtype=np.uint32)
    return codes.view(f"<U{codes.shape[1]}")[:, 0]


def _numbers(prefix: str, days: Arr, seq: Arr) -> Arr:
    """prefix + yyyymmdd + an 8-digit sequence number (from 1)."""
    head = np.tile(np.array([ord(x) for x in prefix], dtype=np.uint32), (len(seq), 1))
    return _chars(head, _digit_codes(_ymd(days.astype(np.int64)), 8), _digit_codes(seq + 1, 8))


def _claim_numbers(reported_at: Arr) -> Arr:
    """CL + local report date + an 8-digit sequence in report order: unique."""
    local_day = (reported_at + SHANGHAI_OFFSET) // DAY
    return _numbers("CL", local_day, np.arange(len(reported_at)))
