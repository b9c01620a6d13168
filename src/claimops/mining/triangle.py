"""Loss triangles from long data (origin, development, value), with the checks reserving needs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from claimops.errors import ValidationFailed


@dataclass(frozen=True)
class Triangle:
    """Cumulative values, origins × development lags; NaN below the latest diagonal."""

    origins: list[str]
    values: np.ndarray

    @property
    def n(self) -> int:
        return int(self.values.shape[0])

    def latest(self) -> np.ndarray:
        return np.array([row[~np.isnan(row)][-1] for row in self.values])

    def latest_index(self) -> np.ndarray:
        return np.array([int(np.flatnonzero(~np.isnan(row))[-1]) for row in self.values])


def _period(values: pd.Series) -> pd.Series:
    """Years or dates as integer years; lags stay as they are."""
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("int64")
    parsed = pd.to_datetime(values, errors="coerce")
    if parsed.isna().any():
        bad = values[parsed.isna()].iloc[0]
        raise ValidationFailed(f"not a year, date or lag: {bad!r}", code="BAD_TRIANGLE")
    return parsed.dt.year.astype("int64")


def from_long(
    frame: pd.DataFrame,
    *,
    origin: str,
    development: str,
    value: str,
    cumulative: bool = True,
    allow_negative: bool = True,
) -> Triangle:
    """Build the triangle. Development may be a lag (1, 2, …) or a calendar period (a year or date on
    or after the origin, as in the `chainladder` sample files)."""
    missing = [c for c in (origin, development, value) if c not in frame.columns]
    if missing:
        raise ValidationFailed(
            f"missing column(s) {', '.join(missing)}; the file has {', '.join(map(str, frame.columns))}",
            code="MISSING_COLUMNS",
        )
    values = pd.to_numeric(frame[value], errors="coerce")
    if values.isna().any():
        row = int(values.isna().to_numpy().nonzero()[0][0]) + 2
        raise ValidationFailed(f"row {row}: {value} is not a number", code="BAD_TRIANGLE")
    org = _period(frame[origin])
    dev = _period(frame[development])
    calendar = bool((dev >= org).all() and dev.min() >= org.min() and dev.max() > 100)
    lag = (dev - org) if calendar else dev - dev.min()
    if (lag < 0).any():
        raise ValidationFailed("a development period lies before its origin", code="BAD_TRIANGLE")
    long = pd.DataFrame({"origin": org, "lag": lag, "value": values.astype(float)})
    if long.duplicated(["origin", "lag"]).any():
        o, g = long[long.duplicated(["origin", "lag"])].iloc[0][["origin", "lag"]]
        raise ValidationFailed(f"origin {o}, lag {g} appears twice", code="BAD_TRIANGLE")
    grid = long.pivot(index="origin", columns="lag", values="value").sort_index()
    origins = sorted(long["origin"].unique())
    if len(origins) < 3:
        raise ValidationFailed("a triangle needs at least 3 origin periods", code="NOT_ENOUGH_DATA")
    n = len(origins)
    grid = grid.reindex(index=origins, columns=range(max(n, int(grid.columns.max()) + 1)))
    arr = grid.to_numpy(dtype=float)[:, :n]
    for i, row in enumerate(arr):
        known = np.flatnonzero(~np.isnan(row))
        if len(known) == 0 or known[0] != 0 or len(known) != known[-1] + 1:
            raise ValidationFailed(f"origin {origins[i]} has gaps in its development", code="TRIANGLE_GAP")
    if not cumulative:
        arr = np.where(np.isnan(arr), np.nan, np.nancumsum(arr, axis=1))
    steps = np.diff(arr, axis=1)
    if not allow_negative and np.nanmin(np.where(np.isnan(steps), 0, steps)) < 0:
        raise ValidationFailed("negative development where none is allowed", code="NEGATIVE_DEVELOPMENT")
    return Triangle([str(o) for o in origins], arr)
