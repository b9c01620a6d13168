"""Feature table for 1,000,000 synthetic claims.

Usage: python benchmarks/mining_features.py [--claims 1000000] [--float-money]
Target (claims data mining, part 1): the feature table of 1,000,000 claims in under 60 s.

The claims frame has the loader's columns and dtypes: money as Decimal objects (as the database returns
it; ``--float-money`` gives floats instead), dates as datetime64[s], timestamps in UTC, customers with
18-digit resident ID numbers (age and gender come from the ID). Time is measured for
``FeatureBuilder().fit_transform`` only, not for making the synthetic frame.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
from decimal import Decimal

import numpy as np
import pandas as pd

LINES = np.array(["auto", "health", "property", "other"])
REGIONS = np.array(["北京", "上海", "广东", "江苏", "浙江", "四川", "湖北", "山东"])
CHANNELS = np.array(["APP", "电话", "代理人", "门店", "微信"])
WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])


def id_numbers(rng: np.random.Generator, born: np.ndarray) -> np.ndarray:
    """Valid 18-digit resident IDs (ISO 7064 MOD 11-2 check digit) for the given birth days."""
    n = len(born)
    area = rng.choice([110101, 310104, 440305, 320102, 330106, 510107], size=n)
    ymd = pd.DatetimeIndex(born).strftime("%Y%m%d").to_numpy().astype("U8")
    seq = rng.integers(0, 1000, size=n)
    body = np.char.add(np.char.add(area.astype("U6"), ymd), np.char.zfill(seq.astype("U3"), 3))
    digits = body.view("U1").reshape(n, 17).astype(np.int64)
    check = np.array(list("10X98765432"))[(digits @ WEIGHTS) % 11]
    return np.char.add(body, check)


def synthetic_claims(n: int, seed: int = 7, decimal_money: bool = True) -> pd.DataFrame:
    """A claims frame of ``n`` claims shaped like the loader's (see claimops.mining.data.loader)."""
    rng = np.random.default_rng(seed)
    n_customers = max(n // 3, 1)
    customer = rng.integers(1, n_customers + 1, size=n)
    start = np.datetime64("2023-01-01")
    cust_born = start - rng.integers(18 * 365, 75 * 365, size=n_customers + 1).astype("timedelta64[D]")
    cust_id = id_numbers(rng, cust_born)
    eff_from = start + rng.integers(0, 3 * 365, size=n).astype("timedelta64[D]")
    age = np.minimum(rng.exponential(150, size=n).astype(np.int64), 364)
    incident = eff_from + age.astype("timedelta64[D]")
    delay = rng.geometric(0.4, size=n) - 1
    seconds = rng.integers(0, 86_400, size=n)
    reported = (incident + delay.astype("timedelta64[D]")).astype("datetime64[s]") + seconds.astype(
        "timedelta64[s]"
    )
    reported = reported - np.timedelta64(8, "h")  # local (Shanghai) clock -> UTC
    line = rng.choice(4, size=n, p=[0.5, 0.3, 0.15, 0.05])
    amount = np.round(rng.lognormal(8.5, 1.1, size=n), 2)
    amount = np.where(rng.random(n) < 0.2, np.round(amount, -3) + 1000, amount)
    sum_insured = rng.choice([50_000.0, 100_000.0, 200_000.0, 500_000.0], size=n)
    provider = np.where(line < 2, rng.integers(1, 3000, size=n), -1)
    denied = rng.random(n) < 0.08
    status = np.where(denied, "closed", "paid")
    paid = np.where(denied, 0.0, np.round(amount * 0.9, 2))
    frame = pd.DataFrame(
        {
            "claim_id": np.arange(1, n + 1, dtype=np.int64),
            "policy_id": customer.astype(np.int64),
            "customer_id": customer.astype(np.int64),
            "line": pd.array(LINES[line], dtype="str"),
            "region": pd.array(REGIONS[customer % len(REGIONS)], dtype="str"),
            "channel": pd.array(CHANNELS[rng.integers(0, len(CHANNELS), size=n)], dtype="str"),
            "status": pd.array(status, dtype="str"),
            "outcome": pd.array(np.where(denied, "denied", "approved"), dtype="str"),
            "incident_date": incident.astype("datetime64[s]"),
            "reported_at": pd.DatetimeIndex(reported).tz_localize("UTC").as_unit("us"),
            "claimed_amount": amount,
            "assessed_loss": amount,
            "paid_amount": paid,
            "provider_id": pd.array(np.where(provider < 0, None, provider), dtype="Int64"),
            "effective_from": eff_from.astype("datetime64[s]"),
            "effective_to": (eff_from + np.timedelta64(364, "D")).astype("datetime64[s]"),
            "sum_insured": sum_insured,
            "id_number": pd.array(cust_id[customer], dtype="str"),
            "handling_s": pd.array(rng.integers(86_400, 60 * 86_400, size=n), dtype="Int64"),
            "investigated": rng.random(n) < 0.1,
            "required_docs_received": rng.integers(2, 6, size=n),
        }
    )
    if decimal_money:
        for name in ("claimed_amount", "assessed_loss", "paid_amount", "sum_insured"):
            frame[name] = pd.Series([Decimal(f"{v:.2f}") for v in frame[name].to_numpy()], dtype=object)
    return frame


def main() -> None:
    from claimops.mining.estimators.features import FeatureBuilder

    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=1_000_000)
    ap.add_argument("--float-money", action="store_true")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, pandas {pd.__version__}")
    t0 = time.perf_counter()
    frame = synthetic_claims(args.claims, decimal_money=not args.float_money)
    print(f"synthetic frame: {len(frame):,} claims in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    table = FeatureBuilder().fit_transform(frame)
    elapsed = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    money = "float" if args.float_money else "Decimal"
    print(
        f"feature table: {len(table):,} claims × {table.features.shape[1]} features + "
        f"{table.labels.shape[1]} labels in {elapsed:.2f} s ({money} money), peak RSS {peak:,.0f} MB"
    )
    print(f"target < 60 s: {'met' if elapsed < 60 else 'MISSED'}")


if __name__ == "__main__":
    main()
