"""Chain-ladder reserves with Mack (1993) standard errors, scikit-learn style.

Mack, T. (1993) "Distribution-free calculation of the standard error of chain ladder reserve
estimates", ASTIN Bulletin 23(2). Formula numbers below refer to that paper.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from claimops.errors import ValidationFailed
from claimops.mining.triangle import Triangle


class ChainLadder:
    """Volume-weighted chain ladder with Mack's standard errors.

    Parameters
    ----------
    sigma : {"mack", "log-linear"}
        How to estimate the last development period's sigma: Mack's extrapolation (default here,
        as in the paper) or a log-linear regression on the development age (chainladder's and R's
        ChainLadder default).
    """

    def __init__(self, sigma: str = "mack") -> None:
        if sigma not in ("mack", "log-linear"):
            raise ValidationFailed("sigma is 'mack' or 'log-linear'", code="BAD_OPTION")
        self.sigma = sigma

    def fit(self, tri: Triangle) -> ChainLadder:
        c = tri.values
        n = tri.n
        if n < 3:
            raise ValidationFailed("a triangle needs at least 3 origin periods", code="NOT_ENOUGH_DATA")
        f = np.ones(n - 1)
        sigma2 = np.full(n - 1, np.nan)
        sums = np.zeros(n - 1)
        for k in range(n - 1):
            rows = slice(0, n - 1 - k)
            sums[k] = np.sum(c[rows, k])
            f[k] = np.sum(c[rows, k + 1]) / sums[k] if sums[k] > 0 else 1.0  # (1); nothing to develop: 1
            m = n - 1 - k
            if m > 1:
                base = c[rows, k]
                ratios = np.divide(c[rows, k + 1], base, out=np.full_like(base, f[k]), where=base > 0)
                sigma2[k] = np.sum(base * (ratios - f[k]) ** 2) / (m - 1)  # (3)
        sigma2[-1] = self._last_sigma2(sigma2)
        full = c.copy()
        for k in range(n - 1):
            todo = np.isnan(full[:, k + 1])
            full[todo, k + 1] = full[todo, k] * f[k]
        latest = tri.latest()
        last = tri.latest_index()
        ultimate = full[:, -1]
        ibnr = ultimate - latest
        mse = np.zeros(n)
        cov_terms = np.zeros(n)
        for i in range(n):
            for k in range(last[i], n - 1):
                if full[i, k] <= 0 or sums[k] <= 0:
                    continue  # no exposure: no estimation error to add
                term = sigma2[k] / f[k] ** 2
                mse[i] += term * (1 / full[i, k] + 1 / sums[k])  # (7)
                cov_terms[i] += 2 * term / sums[k]
            mse[i] *= ultimate[i] ** 2
        total_mse = float(np.sum(mse))
        for i in range(n):
            later = float(np.sum(ultimate[i + 1 :]))
            total_mse += ultimate[i] * later * cov_terms[i]  # total reserve, corollary to theorem 3
        self.origins_ = tri.origins
        self.ldf_, self.sigma2_ = f, sigma2
        self.cdf_ = np.cumprod(f[::-1])[::-1]
        self.latest_, self.ultimate_, self.ibnr_ = latest, ultimate, ibnr
        self.mack_se_ = np.sqrt(mse)
        self.total_ibnr_ = float(np.sum(ibnr))
        self.total_mack_se_ = float(np.sqrt(total_mse))
        return self

    def _last_sigma2(self, sigma2: np.ndarray) -> float:
        known = sigma2[:-1]
        if len(known) < 2:  # three origins: one estimated sigma, nothing to extrapolate from
            return float(known[-1]) if len(known) else 0.0
        good = np.flatnonzero(known > 0)
        if self.sigma == "mack" or len(good) < 2:
            a, b = known[-2], known[-1]
            return 0.0 if a <= 0 else float(min(b**2 / a, min(a, b)))
        slope, intercept = np.polyfit(good.astype(float), np.log(np.sqrt(known[good])), 1)
        return float(np.exp(intercept + slope * (len(sigma2) - 1)) ** 2)

    def to_dict(self) -> dict[str, Any]:
        origins = [
            {
                "origin": o,
                "latest": round(float(lat), 2),
                "ultimate": round(float(u), 2),
                "reserve": round(float(r), 2),
                "mack_se": round(float(se), 2),
                "cv": None if r == 0 else round(float(se / r), 4),
            }
            for o, lat, u, r, se in zip(
                self.origins_, self.latest_, self.ultimate_, self.ibnr_, self.mack_se_, strict=True
            )
        ]
        return {
            "method": "chain-ladder",
            "sigma": self.sigma,
            "total_reserve": round(self.total_ibnr_, 2),
            "total_mack_se": round(self.total_mack_se_, 2),
            "ldf": [round(float(x), 6) for x in self.ldf_],
            "origins": origins,
        }
