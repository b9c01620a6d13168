"""Before/after comparisons that claim an effect only when the difference is more than noise (pure).

Two-proportion z-test (pooled) for shares, Welch's t-test for means; below the minimum sample size on
either side the verdict is "insufficient", and a p-value at or above alpha is "no_difference"."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

MIN_SAMPLE = 30
ALPHA = 0.05


def _normal_sf(z: float) -> float:
    return 0.5 * math.erfc(z / math.sqrt(2))


def two_proportion_z(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float]:
    """(z, two-sided p) for H0: p1 == p2, with the pooled proportion."""
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 0.0, 1.0
    z = (p2 - p1) / se
    return z, 2 * _normal_sf(abs(z))


def _t_sf(t: float, df: float) -> float:
    """Upper tail of Student's t via the regularized incomplete beta (continued fraction)."""
    x = df / (df + t * t)
    return 0.5 * _betainc(df / 2, 0.5, x)


def _betainc(a: float, b: float, x: float) -> float:
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    lbeta = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    front = math.exp(lbeta + a * math.log(x) + b * math.log(1 - x))
    if x > (a + 1) / (a + b + 2):
        return 1.0 - _betainc(b, a, 1 - x)
    # Lentz's continued fraction (Numerical Recipes 6.4)
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > 1e-300 else 1e-300)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        for num in (
            m * (b - m) * x / ((a + m2 - 1) * (a + m2)),
            -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1)),
        ):
            d = 1.0 + num * d
            d = 1.0 / (d if abs(d) > 1e-300 else 1e-300)
            c = 1.0 + num / c
            c = c if abs(c) > 1e-300 else 1e-300
            h *= d * c
        if abs(d * c - 1.0) < 1e-12:
            break
    return front * h / a


def welch_t(a: Sequence[float], b: Sequence[float]) -> tuple[float, float, float]:
    """(t, Welch–Satterthwaite df, two-sided p) for H0: mean(a) == mean(b); each needs 2+ values."""
    n1, n2 = len(a), len(b)
    m1, m2 = sum(a) / n1, sum(b) / n2
    v1 = sum((x - m1) ** 2 for x in a) / (n1 - 1)
    v2 = sum((x - m2) ** 2 for x in b) / (n2 - 1)
    se2 = v1 / n1 + v2 / n2
    if se2 == 0:
        return 0.0, float(n1 + n2 - 2), 1.0
    t = (m2 - m1) / math.sqrt(se2)
    df = se2**2 / ((v1 / n1) ** 2 / (n1 - 1) + (v2 / n2) ** 2 / (n2 - 1))
    return t, df, 2 * _t_sf(abs(t), df)


@dataclass(frozen=True)
class Comparison:
    """A share before and after; `verdict` is insufficient, no_difference, better or worse."""

    before_n: int
    before_share: float | None
    after_n: int
    after_share: float | None
    z: float | None
    p: float | None
    verdict: str
    min_sample: int = MIN_SAMPLE


def compare_shares(
    x_before: int,
    n_before: int,
    x_after: int,
    n_after: int,
    *,
    min_sample: int = MIN_SAMPLE,
    alpha: float = ALPHA,
) -> Comparison:
    """Share of good outcomes before vs after; an effect is named only when p < alpha."""
    sb = x_before / n_before if n_before else None
    sa = x_after / n_after if n_after else None
    if n_before < min_sample or n_after < min_sample:
        return Comparison(n_before, sb, n_after, sa, None, None, "insufficient", min_sample)
    z, p = two_proportion_z(x_before, n_before, x_after, n_after)
    verdict = "no_difference" if p >= alpha else ("better" if z > 0 else "worse")
    return Comparison(n_before, sb, n_after, sa, z, p, verdict, min_sample)
