"""Seeded, reproducible demo data as numpy columns (no Python object per claim, so millions fit).

`generate()` draws customers, policies and claims over several years up to `end`, scripts every
claim's history as a row of lifecycle *slots* (which steps happen and how long each takes), cuts the
histories at the end of `end` (Shanghai) so recent claims stay open, and settles decisions with the
integer-cent form of `settlement.settle`. Nothing here touches a database: the bulk loader
(demo/bulk.py) checks every event against the state machine and every amount against the real
settlement functions before it writes. Fraud patterns are planted; their ground truth is returned in
its own columns (`DemoData.truth`) and loaded into its own table.

Each kind of data has its module: model.py (encodings, reference tables, staff, DemoData),
calendar.py, claims.py (claims before their histories, fraud patterns), policies.py (customers and
policies), histories.py (lifecycle scripts, decision amounts), events.py (events, decisions,
payments), documents.py. This module puts them together and re-exports what the loader reads.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from claimops.demo.claims import _claim_numbers, _skeleton
from claimops.demo.documents import DOC_SHA256, DOC_SIZE, placeholder
from claimops.demo.histories import _lifecycle
from claimops.demo.model import (
    ACTIONS,
    AUTHORITY,
    AUTO,
    BANK,
    CHANNELS,
    DAY,
    DENIED,
    DESCRIPTIONS,
    DOC_TYPES,
    HEALTH,
    IMAGE_DOCS,
    LINES,
    METHODS,
    N_NONE,
    NOTES,
    OPTIONAL_ASKED,
    OUTCOMES,
    PARTIAL,
    PATTERNS,
    PROVIDER_IDS,
    PROVIDER_NAMES,
    REASONS,
    REGIONS,
    REQUIRED,
    SHANGHAI_OFFSET,
    STAFF,
    STATUSES,
    STP_LIMIT,
    Arr,
    Cols,
    DemoData,
    day_number,
    to_date,
)
from claimops.demo.policies import _customers, _first, _policies

__all__ = [
    "ACTIONS",
    "AUTHORITY",
    "AUTO",
    "Arr",
    "BANK",
    "CHANNELS",
    "Cols",
    "DAY",
    "DENIED",
    "DESCRIPTIONS",
    "DOC_SHA256",
    "DOC_SIZE",
    "DOC_TYPES",
    "DemoData",
    "HEALTH",
    "IMAGE_DOCS",
    "LINES",
    "METHODS",
    "NOTES",
    "N_NONE",
    "OPTIONAL_ASKED",
    "OUTCOMES",
    "PARTIAL",
    "PATTERNS",
    "PROVIDER_IDS",
    "PROVIDER_NAMES",
    "REASONS",
    "REGIONS",
    "REQUIRED",
    "SHANGHAI_OFFSET",
    "STAFF",
    "STATUSES",
    "STP_LIMIT",
    "generate",
    "placeholder",
    "to_date",
]


def generate(claims: int = 5000, seed: int = 42, end: date | None = None, years: int = 3) -> DemoData:
    """The demo book: `claims` claims reported over `years` years up to `end` (default today)."""
    if claims < 1:
        raise ValueError("claims must be at least 1")
    end = end or date.today()
    rng = np.random.default_rng(seed)
    end_day = day_number(end)
    start_day = end_day - years * 365 + 1
    cutoff = (end_day + 1) * DAY - SHANGHAI_OFFSET
    sk = _skeleton(rng, claims, start_day, end_day)
    customers = _customers(rng, sk.pop("_cust_region"), sk.pop("_cust_male"), end_day)
    policies = _policies(rng, sk)
    customers["created_at"] = _first(policies["customer"], policies["created_at"], len(customers["name"]))
    life = _lifecycle(rng, sk, policies, cutoff, start_day)
    claims_cols = {
        "claim_number": _claim_numbers(sk["reported_at"]),
        "policy": sk["policy"],
        "customer": sk["customer"],
        "line": sk["line"],
        "region": sk["region"],
        "channel": sk["channel"],
        "incident_date": sk["incident_date"],
        "reported_at": sk["reported_at"],
        "description": sk["description"],
        "claimed": sk["claimed"],
        "provider": sk["provider"],
        **life.pop("claims"),
    }
    truth = {"fraud": sk["pattern"] > 0, "pattern": sk["pattern"]}
    return DemoData(
        seed=seed,
        end=end,
        cutoff=cutoff,
        customers=customers,
        policies=policies,
        claims=claims_cols,
        events=life["events"],
        decisions=life["decisions"],
        payments=life["payments"],
        documents=life["documents"],
        truth=truth,
    )
