"""Chain-ladder reserves with Mack (1993) standard errors, as a scikit-learn-style estimator.

Mack, T. (1993) "Distribution-free calculation of the standard error of chain ladder reserve
estimates", ASTIN Bulletin 23(2), 213-225. Formula numbers in comments refer to that paper.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from claimops.errors import ValidationFailed
from claimops.mining.data.triangle import FloatArray, Label, Triangle, check_array, latest_index
from claimops.mining.estimators.base import Estimator, require_fitted

__all__ = ["SIGMA_METHODS", "ChainLadder"]

SIGMA_METHODS = ("mack", "log-linear")


class ChainLadder(Estimator):
    """Volume-weighted chain ladder with Mack's standard errors (no tail factor).

    Parameters
    ----------
    sigma : {"mack", "log-linear"}
        How to estimate σ² where it cannot be estimated (the last development period): Mack's
        extrapolation ``min(σ⁴ₙ₋₂/σ²ₙ₋₃, σ²ₙ₋₃, σ²ₙ₋₂)`` as in the paper, or a log-linear
        regression of σ on the development period, the default of the ``chainladder`` package
        and R's ChainLadder.

    Attributes
    ----------
    origins_ : list of int or str
        Origin labels.
    ldf_ : ndarray of shape (n_lags - 1,)
        Volume-weighted age-to-age factors fₖ.
    cdf_ : ndarray of shape (n_lags - 1,)
        Age-to-ultimate factors, the product of ``ldf_`` from each age on.
    sigma2_ : ndarray of shape (n_lags - 1,)
        σ²ₖ of Mack's variance assumption, with the extrapolated ones filled in.
    ldf_std_err_ : ndarray of shape (n_lags - 1,)
        Standard error of each fₖ.
    latest_, ultimate_, ibnr_ : ndarray of shape (n_origins,)
        Latest diagonal, projected ultimate and reserve (ultimate − latest) per origin.
    process_se_, parameter_se_, mack_se_ : ndarray of shape (n_origins,)
        Process, parameter and total (Mack) standard error of each origin's reserve.
    full_triangle_ : ndarray of shape (n_origins, n_lags)
        The triangle completed with the chain-ladder projection.
    total_ibnr_, total_mack_se_ : float
        Total reserve and its standard error, including the covariance between origins.

    Notes
    -----
    A development pair whose starting value is zero carries no information under Mack's variance
    assumption Var(Cₖ₊₁ | Cₖ) = σ²ₖ Cₖ; it is left out of fₖ and σ²ₖ, as the ``chainladder``
    package does. A period with no usable pair gets fₖ = 1. Negative values (salvage) stay in the
    ratio of sums; a σ² they make negative is treated as unknown and extrapolated, and negative
    projected values add no process variance. For the log-linear fit, σ = 0 periods are left out
    (log 0 is undefined; chainladder uses log 1e-320); with fewer than two positive σ the Mack
    extrapolation is used instead. There is no tail factor: the ultimate is the last lag.

    Examples
    --------
    Three origins, cumulative paid by lag; f₁ = (150 + 176) / (100 + 110), f₂ = 165 / 150:

    >>> model = ChainLadder().fit([[100, 150, 165], [110, 176, None], [120, None, None]])
    >>> model.ldf_.round(4).tolist()
    [1.5524, 1.1]
    >>> model.ibnr_.round(1).tolist()  # 176 × 1.1 − 176; 120 × f₁ × f₂ − 120
    [0.0, 17.6, 84.9]

    Long data (one row per origin and development period) becomes a triangle with
    :func:`claimops.mining.data.triangle.from_long`.
    """

    def __init__(self, sigma: str = "mack") -> None:
        self.sigma = sigma

    def fit(self, triangle: Triangle | pd.DataFrame | npt.ArrayLike) -> ChainLadder:
        """Estimate factors, reserves and Mack standard errors.

        Parameters
        ----------
        triangle : Triangle, DataFrame or array of shape (n_origins, n_lags)
            Cumulative values, NaN after each origin's latest value; a DataFrame's index names
            the origins.

        Returns
        -------
        self
        """
        if self.sigma not in SIGMA_METHODS:
            raise ValidationFailed(
                f"sigma must be one of {', '.join(SIGMA_METHODS)}, got {self.sigma!r}", code="BAD_OPTION"
            )
        origins, c = _coerce(triangle)
        n, m = c.shape
        last = latest_index(c)

        # Age-to-age factors, volume weighted: fₖ = Σⱼ Cⱼ,ₖ₊₁ / Σⱼ Cⱼₖ  (Mack 1993, (1)).
        x, y = c[:, :-1], c[:, 1:]
        used = ~np.isnan(y) & (x != 0)
        xs, ys = np.where(used, x, 0.0), np.where(used, y, 0.0)
        volume = xs.sum(axis=0)
        f = np.divide(ys.sum(axis=0), volume, out=np.ones(m - 1), where=volume != 0)

        # σ²ₖ = 1/(nₖ − 1) Σⱼ Cⱼₖ (Cⱼ,ₖ₊₁/Cⱼₖ − fₖ)²  (Mack 1993, (3)); undefined with one pair.
        ratio = np.divide(ys, xs, out=np.zeros_like(xs), where=used)
        pairs = used.sum(axis=0)
        wss = np.sum(np.where(used, xs * (ratio - f) ** 2, 0.0), axis=0)
        sigma2 = np.divide(wss, pairs - 1, out=np.full(m - 1, np.nan), where=pairs > 1)
        sigma2[sigma2 < 0] = np.nan  # negative starting values can make it negative: not a variance
        sigma2 = _fill_sigma2(sigma2, self.sigma)

        # Projection: Ĉᵢ,ₖ₊₁ = Ĉᵢₖ fₖ from each origin's latest value on (Mack 1993, (2)).
        latest = c[np.arange(n), last]
        steps = np.where(np.arange(m - 1)[None, :] >= last[:, None], f[None, :], 1.0)
        projected = np.concatenate([latest[:, None], latest[:, None] * np.cumprod(steps, axis=1)], axis=1)
        full = np.where(np.isnan(c), projected, c)
        ultimate = full[:, -1]

        # Mack 1993, (7): mse(R̂ᵢ) = Ĉᵢₙ² Σₖ σ²ₖ/fₖ² (1/Ĉᵢₖ + 1/Σⱼ Cⱼₖ), k from origin i's age on.
        # Written with Ĉᵢₙ/fₖ = Ĉᵢₖ·Aₖ (Aₖ = product of the factors after k) so that f = 0 or Ĉ = 0
        # need no division: process Ĉᵢₖ Aₖ² σ²ₖ, parameter Ĉᵢₖ² Aₖ² σ²ₖ / Σⱼ Cⱼₖ.
        after = np.append(np.cumprod(f[::-1])[::-1][1:], 1.0) if m > 1 else np.ones(0)
        future = np.arange(m - 1)[None, :] >= last[:, None]
        v = np.where(future, full[:, :-1], 0.0)
        scale = after**2 * sigma2
        param_coef = np.divide(scale, volume, out=np.zeros(m - 1), where=volume > 0)
        process_var = np.sum(scale * np.maximum(v, 0.0), axis=1)
        param_var = np.sum(param_coef * v**2, axis=1)
        # Total reserve (Mack 1993, corollary to theorem 3): Σᵢ mse(R̂ᵢ) plus, for each pair of
        # origins, 2 ĈᵢₙĈⱼₙ Σₖ σ²ₖ/fₖ² / Σₗ Cₗₖ over the periods both still develop through. Summed
        # by period, the parameter part is Σₖ coefₖ (Σᵢ Ĉᵢₖ)², which holds the pairs and the diagonal.
        total_var = float(np.sum(process_var) + np.sum(param_coef * v.sum(axis=0) ** 2))

        self.origins_: list[Label] = origins
        self.ldf_: FloatArray = f
        self.cdf_: FloatArray = np.cumprod(f[::-1])[::-1]
        self.sigma2_: FloatArray = sigma2
        self.ldf_std_err_: FloatArray = np.sqrt(
            np.divide(sigma2, volume, out=np.zeros(m - 1), where=volume > 0)
        )
        self.latest_: FloatArray = latest
        self.ultimate_: FloatArray = ultimate
        self.ibnr_: FloatArray = ultimate - latest
        self.process_se_: FloatArray = np.sqrt(process_var)
        self.parameter_se_: FloatArray = np.sqrt(param_var)
        self.mack_se_: FloatArray = np.sqrt(process_var + param_var)
        self.full_triangle_: FloatArray = full
        self.total_ibnr_: float = float(np.sum(self.ibnr_))
        self.total_mack_se_: float = float(np.sqrt(max(total_var, 0.0)))
        return self

    def summary(self) -> list[dict[str, Any]]:
        """Per-origin results: origin, latest, ultimate, ibnr, mack_se and cv (se / ibnr)."""
        self._check_fitted()
        return [
            {
                "origin": origin,
                "latest": float(latest),
                "ultimate": float(ult),
                "ibnr": float(ibnr),
                "mack_se": float(se),
                "cv": float(se / ibnr) if ibnr != 0 else None,
            }
            for origin, latest, ult, ibnr, se in zip(
                self.origins_, self.latest_, self.ultimate_, self.ibnr_, self.mack_se_, strict=True
            )
        ]

    def to_dict(self, decimals: int | None = None) -> dict[str, Any]:
        """JSON-ready results: totals, factors and per-origin figures.

        Parameters
        ----------
        decimals : int, optional
            Round amounts to this many decimals (2 for money); factors keep 6, cv 4.
        """
        self._check_fitted()

        def amount(x: float) -> float | None:
            return _finite(x, decimals)

        total = self.total_ibnr_
        return {
            "method": "chain-ladder",
            "sigma": self.sigma,
            "total_reserve": amount(total),
            "total_mack_se": amount(self.total_mack_se_),
            "total_cv": _finite(self.total_mack_se_ / total, 4) if total != 0 else None,
            "ldf": [_finite(float(x), 6) for x in self.ldf_],
            "origins": [
                {
                    "origin": row["origin"],
                    "latest": amount(row["latest"]),
                    "ultimate": amount(row["ultimate"]),
                    "reserve": amount(row["ibnr"]),
                    "mack_se": amount(row["mack_se"]),
                    "cv": None if row["cv"] is None else _finite(row["cv"], 4),
                }
                for row in self.summary()
            ],
        }

    def to_json(self, decimals: int | None = None, **dumps: Any) -> str:
        """``to_dict`` as a JSON string; keyword arguments go to ``json.dumps``."""
        return json.dumps(self.to_dict(decimals), ensure_ascii=False, **dumps)

    def _check_fitted(self) -> None:
        require_fitted(self, "ibnr_")


def _coerce(triangle: Triangle | pd.DataFrame | npt.ArrayLike) -> tuple[list[Label], FloatArray]:
    if isinstance(triangle, Triangle):
        return list(triangle.origins), check_array(triangle.values)
    if isinstance(triangle, pd.DataFrame):
        labels = [_label(v) for v in triangle.index]
        return labels, check_array(triangle.to_numpy(dtype=np.float64, na_value=np.nan))
    values = check_array(triangle)
    return list(range(values.shape[0])), values


def _label(value: Any) -> Label:
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return int(value)
    return str(value.date()) if isinstance(value, pd.Timestamp) else str(value)


def _fill_sigma2(sigma2: FloatArray, method: str) -> FloatArray:
    """Fill σ² where a development period has fewer than two usable pairs."""
    out = sigma2.copy()
    missing = np.isnan(out)
    if not missing.any():
        return out
    if method == "log-linear":
        # log σₖ = a + b·k fitted on the known positive σ, as chainladder / R ChainLadder do.
        good = np.flatnonzero(~missing & (out > 0))
        if len(good) >= 2:
            x, y = good.astype(np.float64), 0.5 * np.log(out[good])
            slope = float(np.sum((x - x.mean()) * (y - y.mean())) / np.sum((x - x.mean()) ** 2))
            intercept = float(y.mean() - slope * x.mean())
            out[missing] = np.exp(2.0 * (intercept + slope * np.flatnonzero(missing)))
            return out
    for k in np.flatnonzero(missing):
        if k >= 2:
            # Mack 1993, p. 217: σ²ₙ₋₁ = min(σ⁴ₙ₋₂/σ²ₙ₋₃, min(σ²ₙ₋₃, σ²ₙ₋₂)).
            a, b = float(out[k - 2]), float(out[k - 1])
            out[k] = min(b * b / a, a, b) if a > 0 else 0.0
        elif k == 1:
            out[k] = out[0]  # one earlier σ only: the upper bound of Mack's rule
        else:
            known = out[~np.isnan(out)]
            out[k] = float(known.max()) if len(known) else 0.0  # nothing before: the largest σ seen
    return out


def _finite(x: float, decimals: int | None) -> float | None:
    if not np.isfinite(x):
        return None
    return float(round(x, decimals)) if decimals is not None else float(x)
