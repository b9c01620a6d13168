"""Customers (names, ID numbers, phones) and their policies (terms, periods, premiums)."""

from __future__ import annotations

import numpy as np

from claimops.demo import names
from claimops.demo.calendar import _ymd
from claimops.demo.claims import _amounts, _channel_p, _chars, _digit_codes, _numbers, _pick
from claimops.demo.model import (
    CHANNELS,
    COINSURANCE_BP,
    DAY,
    DEDUCTIBLE,
    HEALTH,
    HOUR,
    PREMIUM,
    REGIONS,
    SHANGHAI_OFFSET,
    SUM_INSURED,
    Arr,
    Cols,
)


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character of an 18-digit resident ID number."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


# An 8 x 8 grey baseline JPEG: what a photo or scan placeholder holds, after a comment naming it.


def _customers(rng: np.random.Generator, region: Arr, male: Arr, end_day: int) -> Cols:
    """Names, 18-digit resident ID numbers with valid check digits, phones, birth dates."""
    n = len(region)
    sw = np.array([w for _, w in names.SURNAMES])
    surnames = np.array([x for x, _ in names.SURNAMES])
    gm = np.array(names.GIVEN_MALE + names.GIVEN_NEUTRAL)
    gf = np.array(names.GIVEN_FEMALE + names.GIVEN_NEUTRAL)
    surname = surnames[rng.choice(len(sw), size=n, p=sw / sw.sum())]
    g1 = np.where(male, gm[rng.integers(0, len(gm), n)], gf[rng.integers(0, len(gf), n)])
    g2 = np.where(male, gm[rng.integers(0, len(gm), n)], gf[rng.integers(0, len(gf), n)])
    g2 = np.where(rng.random(n) < 0.72, g2, "")
    name = np.strings.add(np.strings.add(surname, g1), g2)

    age_days = (np.clip(rng.normal(41, 12, n), 18, 80) * 365.25).astype(np.int64)
    birth = (end_day - age_days).astype(np.int32)
    cities = names.CITIES
    city_region = np.array([REGIONS.index(c[0]) for c in cities])
    city_prefix = np.array([int(c[3]) for c in cities], dtype=np.int64)
    order = np.argsort(city_region, kind="stable")
    city_region, city_prefix = city_region[order], city_prefix[order]
    starts = np.searchsorted(city_region, np.arange(len(REGIONS)))
    counts = np.bincount(city_region, minlength=len(REGIONS))
    own = np.array([int(p) for _, p, _ in names.REGIONS], dtype=np.int64)
    pick = starts[region] + (rng.random(n) * np.maximum(counts[region], 1)).astype(np.int64)
    prefix = np.where(counts[region] > 0, city_prefix[np.minimum(pick, len(city_prefix) - 1)], own[region])
    ymd = _ymd(birth)
    seq = 2 * rng.integers(0, 500, n) + male  # the 17th digit is odd for men, even for women
    body = prefix * 10**11 + ymd * 1000 + seq
    while True:  # resident ID numbers are unique: redraw the sequence digits of any repeat
        _, first = np.unique(body, return_index=True)
        dup = np.ones(n, dtype=bool)
        dup[first] = False
        if not dup.any():
            break
        seq[dup] = 2 * rng.integers(0, 500, int(dup.sum())) + male[dup]
        body[dup] = prefix[dup] * 10**11 + ymd[dup] * 1000 + seq[dup]
    weights = np.array((7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), dtype=np.int64)
    digits = (body[:, None] // 10 ** np.arange(16, -1, -1, dtype=np.int64)) % 10
    check = np.array([ord(x) for x in "10X98765432"], dtype=np.uint32)[(digits @ weights) % 11]
    id_number = _chars(_digit_codes(body, 17), check[:, None])
    prefixes = np.array([[ord(x) for x in p] for p in names.PHONE_PREFIXES], dtype=np.uint32)
    phone = _chars(prefixes[rng.integers(0, len(prefixes), n)], _digit_codes(rng.integers(0, 10**8, n), 8))
    return {
        "name": name,
        "id_number": id_number,
        "phone": phone,
        "region": region,
        "gender": np.where(male, "M", "F"),
        "birth_date": birth,
    }


def _first(group: Arr, values: Arr, n: int) -> Arr:
    out = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(out, group, values)
    return out


def _policies(rng: np.random.Generator, sk: Cols) -> Cols:
    """One-year policies. A customer's claims on one line within a policy year share its policy;
    planted patterns and claims outside cover get a policy of their own. Sets the claimed amounts
    (they depend on the sum insured) and sk["policy"]."""
    n = len(sk["line"])
    line, customer, inc = sk["line"], sk["customer"].astype(np.int64), sk["incident_date"].astype(np.int64)
    pattern, nif = sk["pattern"], sk["not_in_force"]
    n_cust = int(customer.max()) + 1
    anniversary = rng.integers(0, 365, size=(n_cust, 4))
    a = anniversary[customer, line]
    start = inc - (inc - a) % 365
    key = ((customer * 4 + line) * 100_000 + start).astype(np.int64)
    u = rng.random((n, 4))
    own = (pattern == 1) | (pattern == 3) | nif
    # (a) bought days before the staged accident; (c) close to expiry; outside cover: bought after
    # the incident (before the report) or lapsed before it
    start = np.where(pattern == 1, inc - (u[:, 0] * 30).astype(np.int64), start)
    start = np.where(pattern == 3, inc + (u[:, 0] * 14).astype(np.int64) - 364, start)
    after = nif & (sk["delay"] >= 1) & (u[:, 1] < 0.5)
    start = np.where(after, inc + 1 + (u[:, 0] * sk["delay"]).astype(np.int64), start)
    lapsed = nif & ~after
    start = np.where(lapsed, inc - 365 - 1 - (u[:, 0] * 90).astype(np.int64), start)
    key = np.where(own, -(np.arange(n) + 1), key)
    ring = sk["ring"]
    if (ring >= 0).any():  # each ring holds one health policy bought a while before its first claim
        first_inc = np.full(int(ring.max()) + 1, np.iinfo(np.int64).max)
        np.minimum.at(first_inc, ring[ring >= 0], inc[ring >= 0])
        ring_start = first_inc - rng.integers(20, 200, len(first_inc))
        start = np.where(ring >= 0, ring_start[np.clip(ring, 0, None)], start)
        key = np.where(ring >= 0, -(n + 1 + ring), key)

    keys, first, policy = np.unique(key, return_index=True, return_inverse=True)
    p_start = start[first]
    order = np.lexsort((keys, p_start))  # policies numbered by inception
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = np.arange(len(keys))
    policy = rank[policy].astype(np.int32)
    first = first[order]
    m = len(first)
    p_line, p_start = line[first], start[first]
    si = np.zeros(m, dtype=np.int64)
    ded = np.zeros(m, dtype=np.int64)
    bp = np.zeros(m, dtype=np.int64)
    for ln in range(4):
        sel = p_line == ln
        k = int(sel.sum())
        si[sel] = _pick(rng, SUM_INSURED[ln], k) * 100
        ded[sel] = _pick(rng, DEDUCTIBLE[ln], k) * 100
        bp[sel] = _pick(rng, COINSURANCE_BP[ln], k)
    ded = np.where((p_line == HEALTH) & (si == 200_000_000), 1_000_000, ded)
    is_ring_policy = sk["ring"][first] >= 0
    si = np.where(is_ring_policy, np.maximum(si, 10_000_000), si)
    base = np.array([b for b, _ in PREMIUM])[p_line]
    share = np.array([s for _, s in PREMIUM])[p_line]
    premium = np.round((base * 100 + si * share) * rng.uniform(0.85, 1.15, m), -2).astype(np.int64)
    first_report = _first(policy, sk["reported_at"], m)
    created = np.minimum(
        (p_start - rng.integers(1, 31, m)) * DAY + 10 * HOUR - SHANGHAI_OFFSET, first_report - HOUR
    )
    sk["policy"] = policy
    _amounts(rng, sk, si[policy])
    # claims sharing a policy never exceed its sum insured together (so their settlements are
    # independent of each other's timing); a policy's only claim may run into the limit
    count = np.bincount(policy, minlength=m)
    shared = count[policy] > 1
    total = np.bincount(policy, weights=sk["claimed"], minlength=m)
    cap = (si * 95) // 100
    over = shared & (total[policy] > cap[policy])
    scaled = (sk["claimed"] * cap[policy]) // np.maximum(total[policy], 1).astype(np.int64)
    sk["claimed"] = np.where(over, np.maximum(scaled, 100), sk["claimed"]).astype(np.int64)
    sk["single_policy"] = ~shared
    channel = rng.choice(len(CHANNELS), size=m, p=_channel_p()).astype(np.int8)
    sk["channel"] = np.where(rng.random(n) < 0.65, channel[policy], sk["channel"]).astype(np.int8)
    return {
        "policy_number": _numbers("PL", p_start, np.arange(m)),
        "customer": customer[first].astype(np.int32),
        "line": p_line,
        "effective_from": p_start.astype(np.int32),
        "effective_to": (p_start + 364).astype(np.int32),
        "sum_insured": si,
        "deductible": ded,
        "coinsurance_bp": bp,
        "premium": premium,
        "channel": channel,
        "created_at": created,
    }
