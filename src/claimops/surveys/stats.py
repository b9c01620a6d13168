"""Survey arithmetic (pure): CSAT, NPS, means, and their confidence intervals.

- CSAT is the share of answers of 4 or 5 on the overall 1–5 scale; its interval is Wilson's score
  interval (Wilson 1927), which stays inside [0, 1] and behaves on small samples.
- NPS is %promoters (9–10) minus %detractors (0–6), in points; its interval is the normal one with the
  variance of a difference of two multinomial shares, (p₊ + p₋ − (p₊ − p₋)²) / n.
- Dimension means get Student's t interval.
Below SMALL_SAMPLE answers a result says so (`small`), whatever its interval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats as _stats

Z95 = 1.959963984540054
SMALL_SAMPLE = 30


@dataclass(frozen=True)
class Estimate:
    value: float | None
    low: float | None
    high: float | None
    n: int

    @property
    def small(self) -> bool:
        return self.n < SMALL_SAMPLE


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    if n == 0:
        raise ValueError("no observations")
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def csat(overall: Sequence[int]) -> Estimate:
    n = len(overall)
    if n == 0:
        return Estimate(None, None, None, 0)
    good = sum(1 for s in overall if s >= 4)
    low, high = wilson(good, n)
    return Estimate(good / n, low, high, n)


def nps(scores: Sequence[int]) -> Estimate:
    n = len(scores)
    if n == 0:
        return Estimate(None, None, None, 0)
    promoters = sum(1 for s in scores if s >= 9) / n
    detractors = sum(1 for s in scores if s <= 6) / n
    value = promoters - detractors
    variance = (promoters + detractors - value * value) / n
    half = Z95 * math.sqrt(max(variance, 0.0))
    return Estimate(100 * value, 100 * max(-1.0, value - half), 100 * min(1.0, value + half), n)


def mean_interval(values: Sequence[float]) -> Estimate:
    n = len(values)
    if n == 0:
        return Estimate(None, None, None, 0)
    mean = sum(values) / n
    if n == 1:
        return Estimate(mean, None, None, 1)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = float(_stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    return Estimate(mean, mean - half, mean + half, n)


@dataclass(frozen=True)
class Comparison:
    before: Estimate
    after: Estimate
    change: float | None
    p_value: float | None

    @property
    def beyond_noise(self) -> bool:
        return self.p_value is not None and self.p_value < 0.05


def compare_means(before: Sequence[float], after: Sequence[float]) -> Comparison:
    """Welch's t-test of the two periods' means."""
    b, a = mean_interval(before), mean_interval(after)
    if b.n < 2 or a.n < 2 or b.value is None or a.value is None:
        return Comparison(b, a, None if b.value is None or a.value is None else a.value - b.value, None)
    result = _stats.ttest_ind(list(after), list(before), equal_var=False)
    p = float(result.pvalue)
    return Comparison(b, a, a.value - b.value, None if math.isnan(p) else p)


def compare_shares(before: Sequence[int], after: Sequence[int]) -> Comparison:
    """CSAT before and after: two-proportion z-test (pooled)."""
    b, a = csat(before), csat(after)
    if b.n == 0 or a.n == 0 or b.value is None or a.value is None:
        return Comparison(b, a, None, None)
    pooled = (b.value * b.n + a.value * a.n) / (b.n + a.n)
    se = math.sqrt(pooled * (1 - pooled) * (1 / b.n + 1 / a.n))
    if se == 0:
        return Comparison(b, a, a.value - b.value, None)
    z = (a.value - b.value) / se
    return Comparison(b, a, a.value - b.value, float(2 * _stats.norm.sf(abs(z))))
