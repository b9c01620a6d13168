"""A claims book with planted fraud patterns of its own, made without the demo generator: for tests and
docs/models.md that ask whether rules and models find patterns they were not built around.

Patterns (each claim's fraud probability is the largest that applies, base 2 %):
- ``provider_night``: two repair shops (修理厂07, 修理厂13) on claims reported between 00:00 and 04:00
  Shanghai time: 55 %.
- ``repeat_claimant``: a group of customers who claim again and again within weeks; their second and
  later claims within 30 days: 50 %.
- ``early_round``: an incident within 30 days of inception with a round amount: 30 %.
- ``property_ratio``: property claims of at least 80 % of the sum insured: 35 %.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SHOPS = [f"修理厂{i:02d}" for i in range(1, 31)]
HOSPITALS = [f"医院{i:02d}" for i in range(1, 16)]
NIGHT_SHOPS = ("修理厂07", "修理厂13")


def make_book(n: int = 6_000, seed: int = 11, start: str = "2024-01-01", days: int = 730) -> pd.DataFrame:
    """A claims frame (the loader's columns, fraud as the label) with the patterns above."""
    rng = np.random.default_rng(seed)
    n_customers = max(n // 3, 10)
    repeaters = rng.choice(n_customers, size=max(n_customers // 30, 2), replace=False)
    customer = rng.integers(0, n_customers, size=n)
    t0 = pd.Timestamp(start, tz="Asia/Shanghai")
    offset_s = rng.integers(0, days * 86_400, size=n)
    # repeat claimants: 8 % of the claims go to them, bunched within a few weeks of each other
    bunch = rng.random(n) < 0.08
    customer[bunch] = rng.choice(repeaters, size=int(bunch.sum()))
    anchor = {int(c): int(rng.integers(0, (days - 60) * 86_400)) for c in repeaters}
    offset_s[bunch] = [anchor[int(c)] + int(rng.integers(0, 45 * 86_400)) for c in customer[bunch]]
    line = rng.choice(["auto", "health", "property"], size=n, p=[0.55, 0.3, 0.15])
    provider = np.where(
        line == "auto",
        rng.choice(SHOPS, size=n),
        np.where(line == "health", rng.choice(HOSPITALS, size=n), None),
    )
    # night reports (00–04): 8 % of the claims, 45 % of those at the two night shops
    night = rng.random(n) < np.where(np.isin(provider, NIGHT_SHOPS), 0.45, 0.08)
    day_start = offset_s - offset_s % 86_400
    offset_s[night] = day_start[night] + rng.integers(0, 4 * 3600, size=int(night.sum()))
    reported = t0 + pd.to_timedelta(offset_s, unit="s")
    delay = np.minimum(rng.exponential(3, size=n).astype(int), 60)
    incident = (reported.tz_localize(None).normalize() - pd.to_timedelta(delay, unit="D")).astype(
        "datetime64[s]"
    )
    policy_age = rng.integers(0, 365, size=n)
    effective_from = (incident - pd.to_timedelta(policy_age, unit="D")).astype("datetime64[s]")
    effective_to = (effective_from + pd.Timedelta(days=364)).astype("datetime64[s]")
    sum_insured = rng.choice([50_000.0, 100_000.0, 200_000.0, 500_000.0], size=n)
    round_ = rng.random(n) < 0.25
    amount = np.round(rng.lognormal(8.5, 1.0, size=n), 2)
    amount = np.where(round_, np.maximum(np.round(amount, -3), 1000.0), amount)
    big = (line == "property") & (rng.random(n) < 0.15)
    amount = np.where(big, sum_insured * rng.uniform(0.8, 1.0, size=n), np.minimum(amount, sum_insured * 0.7))
    order = np.argsort(np.asarray(reported.asi8), kind="stable")
    frame = pd.DataFrame(
        {
            "claim_id": np.arange(1, n + 1),
            "customer_id": customer + 1,
            "reported_at": reported.tz_convert("UTC"),
            "line": line,
            "provider": provider,
            "incident_date": incident,
            "effective_from": effective_from,
            "effective_to": effective_to,
            "sum_insured": sum_insured,
            "claimed_amount": np.round(amount, 2),
            "policy_age": policy_age,
            "round": round_,
        }
    ).iloc[order]
    frame["claim_id"] = np.arange(1, n + 1)
    frame["policy_id"] = frame["claim_id"] + 100_000
    frame["region"] = rng.choice(["北京", "上海", "广州", "成都"], size=n)
    frame["channel"] = rng.choice(["phone", "app", "agent"], size=n)
    frame["status"] = "closed"
    born = pd.Timestamp("1960-01-01") + pd.to_timedelta(rng.integers(0, 40 * 365, size=n_customers), unit="D")
    frame["birth_date"] = born[frame["customer_id"].to_numpy() - 1].astype("datetime64[s]")
    frame["gender"] = np.where(frame["customer_id"] % 2 == 0, "F", "M")
    # the patterns
    local_hour = frame["reported_at"].dt.tz_convert("Asia/Shanghai").dt.hour.to_numpy()
    p = np.full(n, 0.02)
    patterns = np.full(n, "", dtype=object)

    def plant(mask: np.ndarray, prob: float, name: str) -> None:
        higher = mask & (prob > p)
        p[higher] = prob
        patterns[higher] = name

    plant(frame["provider"].isin(NIGHT_SHOPS).to_numpy() & (local_hour < 4), 0.55, "provider_night")
    seconds = frame["reported_at"].astype("int64").to_numpy() // 10**9
    cust = frame["customer_id"].to_numpy()
    previous = pd.Series(seconds).groupby(cust).shift(1).to_numpy()
    is_repeater = np.isin(cust, repeaters + 1)
    plant(is_repeater & (seconds - np.nan_to_num(previous, nan=-1e18) <= 30 * 86_400), 0.5, "repeat_claimant")
    plant((frame["policy_age"].to_numpy() < 30) & frame["round"].to_numpy(), 0.3, "early_round")
    ratio = frame["claimed_amount"].to_numpy() / frame["sum_insured"].to_numpy()
    plant((frame["line"].to_numpy() == "property") & (ratio >= 0.8), 0.35, "property_ratio")
    fraud = rng.random(n) < p
    frame["fraud"] = pd.array(fraud, dtype="boolean")
    frame["fraud_pattern"] = np.where(fraud, patterns, "")
    codes = pd.factorize(frame["provider"])[0] + 1  # missing providers factorize to -1, so 0 here
    frame["provider_id"] = pd.array(np.where(codes > 0, codes, np.nan), dtype="Float64").astype("Int64")
    return frame.drop(columns=["policy_age", "round"]).reset_index(drop=True)
