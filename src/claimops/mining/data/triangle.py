"""Loss triangles from long data (origin, development, value), with the checks reserving needs.

A triangle is a cumulative array, origins × development lags, NaN after each origin's latest
value. Long data gives development either as a lag (1, 2, 3 … or 12, 24, … months) or as a
calendar period (a year or date on or after the origin), as in the `chainladder` sample files.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from functools import reduce
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from claimops.errors import ValidationFailed

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Label = int | str

MIN_ORIGINS = 3


@dataclass(frozen=True, eq=False)
class Triangle:
    """Cumulative values, origins × development lags; NaN after each origin's latest value.

    Attributes
    ----------
    origins : list of int or str
        Origin labels, oldest first (years stay ints, dates become ISO strings).
    values : ndarray of shape (n_origins, n_lags)
        Cumulative amounts; column 0 is the first development period.
    """

    origins: list[Label]
    values: FloatArray

    @property
    def n(self) -> int:
        """Number of origin periods."""
        return int(self.values.shape[0])

    @property
    def n_lags(self) -> int:
        """Number of development periods."""
        return int(self.values.shape[1])

    def latest_index(self) -> IntArray:
        """Column of each origin's latest value."""
        return latest_index(self.values)

    def latest(self) -> FloatArray:
        """Each origin's latest cumulative value (the diagonal)."""
        return self.values[np.arange(self.n), self.latest_index()]


def latest_index(values: FloatArray) -> IntArray:
    """Column of each row's last non-NaN value (rows must start at column 0 and have no gaps)."""
    counts: IntArray = np.sum(~np.isnan(values), axis=1, dtype=np.int64)
    return counts - 1


def check_array(values: Any) -> FloatArray:
    """Validate a cumulative triangle given as an array: 2-D, ≥ 3 origins, finite, no gaps in a row."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 2:
        raise ValidationFailed(
            f"a triangle is a 2-D array (origins × lags), got {arr.ndim}-D", code="BAD_TRIANGLE"
        )
    if arr.shape[0] < MIN_ORIGINS:
        raise ValidationFailed(
            f"a triangle needs at least {MIN_ORIGINS} origin periods, got {arr.shape[0]}",
            code="NOT_ENOUGH_DATA",
        )
    if np.isinf(arr).any():
        raise ValidationFailed("the triangle holds infinite values", code="NOT_A_NUMBER")
    observed = ~np.isnan(arr)
    count = observed.sum(axis=1)
    contiguous = observed == (np.arange(arr.shape[1]) < count[:, None])
    for i in np.flatnonzero(count == 0):
        raise ValidationFailed(f"origin row {i} has no values", code="TRIANGLE_GAP")
    for i in np.flatnonzero(~contiguous.all(axis=1)):
        k = int(np.flatnonzero(~contiguous[i])[0])
        raise ValidationFailed(f"origin row {i} has no value at lag index {k}", code="TRIANGLE_GAP")
    return arr


# --- periods -----------------------------------------------------------------------------------

Kind = Literal["number", "date", "label"]


@dataclass(frozen=True)
class _Periods:
    kind: Kind
    number: IntArray  # the integer, or year*12 + month-1 for dates; 0 for labels
    labels: list[Label]  # one per row, for messages and origin names
    unreadable: str | None = None  # for labels: the first value that is neither number nor date


def _parse(values: pd.Series, column: str) -> _Periods:
    """Integers (lags, years), dates (parsed once per distinct value) or, failing both, labels."""
    if values.isna().any():
        row = int(np.flatnonzero(values.isna().to_numpy())[0]) + 1
        raise ValidationFailed(f"data row {row}: column {column!r} is empty", code="NOT_A_NUMBER")
    if pd.api.types.is_bool_dtype(values):
        raise ValidationFailed(f"column {column!r} holds true/false, not periods", code="BAD_PERIOD")
    if pd.api.types.is_datetime64_any_dtype(values):
        stamps = pd.DatetimeIndex(values)
        months = np.asarray(stamps.year * 12 + stamps.month - 1, dtype=np.int64)
        return _Periods("date", months, [str(d.date()) for d in stamps])
    numeric = pd.to_numeric(values, errors="coerce") if not pd.api.types.is_numeric_dtype(values) else values
    if not numeric.isna().any():
        floats = numeric.to_numpy(dtype=np.float64)
        if not np.isfinite(floats).all() or (floats != np.round(floats)).any():
            bad = values.iloc[int(np.flatnonzero(~np.isfinite(floats) | (floats != np.round(floats)))[0])]
            raise ValidationFailed(
                f"column {column!r}: {bad!r} is not a whole lag, year or date", code="BAD_PERIOD"
            )
        ints = floats.astype(np.int64)
        return _Periods("number", ints, [int(v) for v in ints])
    distinct = pd.unique(values.astype(str))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dateutil fallback and quarter-string deprecation notices
        parsed = pd.to_datetime(pd.Series(distinct), errors="coerce", format="mixed")
    text = values.astype(str).tolist()
    if parsed.isna().any():
        first = str(distinct[int(np.flatnonzero(parsed.isna().to_numpy())[0])])
        return _Periods("label", np.zeros(len(values), dtype=np.int64), list(text), first)
    month_of = dict(zip(distinct, (parsed.dt.year * 12 + parsed.dt.month - 1).tolist(), strict=True))
    return _Periods("date", np.array([month_of[t] for t in text], dtype=np.int64), list(text))


def _gcd(values: IntArray) -> int:
    steps = np.diff(np.unique(values))
    return int(reduce(math.gcd, steps.tolist(), 0)) or 1


@dataclass(frozen=True)
class _Cells:
    origin_key: IntArray  # row index into `origins`
    lag: IntArray  # column index, 0-based
    origins: list[Label]
    calendar: FloatArray | None  # calendar position of each origin's first period, in lag steps
    positions: FloatArray  # each origin's place in the sequence of origin periods (0, 1, 2 …)
    describe: str  # how development was read, for messages


def _locate(org: _Periods, dev: _Periods, origin: str, development: str) -> _Cells:
    """Map each row to (origin row, lag column), reading development as a lag or a calendar period."""
    if dev.kind == "label":
        raise ValidationFailed(
            f"column {development!r}: {dev.unreadable!r} is not a lag, year or date", code="BAD_PERIOD"
        )
    if org.kind == "label" and dev.kind == "date":
        raise ValidationFailed(
            f"column {origin!r} must hold years or dates when {development!r} holds dates",
            code="BAD_PERIOD",
        )
    # Origin rows: sort by the parsed value (labels: as text), keep the first label seen for each.
    if org.kind == "label":
        names = sorted(set(org.labels), key=str)
        index = {name: i for i, name in enumerate(names)}
        key = np.array([index[v] for v in org.labels], dtype=np.int64)
        origins: list[Label] = list(names)
        origin_number = np.zeros(len(names), dtype=np.int64)
    else:
        uniq, first, key = np.unique(org.number, return_index=True, return_inverse=True)
        origins = [org.labels[int(i)] for i in first]
        origin_number = uniq.astype(np.int64)
        key = key.astype(np.int64)

    if org.kind == "date" and dev.kind == "number" and (dev.number >= org.number // 12).all():
        dev = _Periods("date", dev.number * 12, dev.labels)  # years on or after dated origins
    if dev.kind == "date":
        # Calendar: both in months (a year as an origin means its January). A development date is
        # the period it falls in, so the lag is the number of development periods since the origin
        # began: ceil(age / grain) - 1.
        o_month = org.number if org.kind == "date" else org.number * 12
        age = dev.number - o_month + 1
        if (age < 1).any():
            row = int(np.flatnonzero(age < 1)[0])
            raise ValidationFailed(
                f"data row {row + 1}: development {dev.labels[row]} is before origin {org.labels[row]}",
                code="BAD_PERIOD",
            )
        grain = _gcd(dev.number) if len(np.unique(dev.number)) > 1 else 12
        lag = (-(-age // grain) - 1).astype(np.int64)
        origin_month = origin_number if org.kind == "date" else origin_number * 12
        calendar = (origin_month - origin_month.min()) / grain
        if (calendar != np.round(calendar)).any():
            raise ValidationFailed(
                f"origin periods in {origin!r} are finer than the development periods in {development!r}",
                code="BAD_PERIOD",
            )
        return _Cells(key, lag, origins, calendar.astype(np.float64), calendar, "calendar dates")

    # Numeric development: calendar periods (years) when every development is on or after its origin
    # and the first development differs between origins; otherwise lags, which start at the same
    # value for every origin.
    if org.kind == "number" and (dev.number >= org.number).all():
        first_dev = np.full(len(origins), np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(first_dev, key, dev.number)
        if len(np.unique(first_dev)) > 1 or len(origins) == 1:
            offset = dev.number - org.number
            step = _gcd(np.append(offset, 0))
            where = ((origin_number - origin_number.min()) / step).astype(np.float64)
            return _Cells(key, (offset // step).astype(np.int64), origins, where, where, "calendar periods")
    step = _gcd(dev.number)
    lag = ((dev.number - dev.number.min()) // step).astype(np.int64)
    if org.kind == "label":
        positions = np.arange(len(origins), dtype=np.float64)
    else:
        positions = ((origin_number - origin_number.min()) // _gcd(origin_number)).astype(np.float64)
    return _Cells(key, lag, origins, None, positions, "lags")


# --- building ----------------------------------------------------------------------------------


def from_long(
    frame: pd.DataFrame,
    *,
    origin: str,
    development: str,
    value: str,
    cumulative: bool = True,
    allow_negative: bool = True,
) -> Triangle:
    """Build a cumulative triangle from long data.

    Parameters
    ----------
    frame : DataFrame
        One row per origin and development period.
    origin, development, value : str
        Column names. Development is a lag (1, 2, … or 12, 24, … months) or a calendar period
        (a year or date on or after the origin); which one is detected from the data.
    cumulative : bool
        Whether values are cumulative; if False they are incremental and are accumulated.
    allow_negative : bool
        Accept negative incremental development (salvage and subrogation on paid data). If False,
        a negative increment raises ``ValidationFailed`` with code ``NEGATIVE_DEVELOPMENT``.

    Returns
    -------
    Triangle

    Raises
    ------
    ValidationFailed
        Missing columns, non-numeric values, duplicate cells, a missing cell before the latest
        diagonal, negative development when disallowed, or fewer than 3 origins.

    Examples
    --------
    Development given as calendar years, incremental amounts:

    >>> long = pd.DataFrame({
    ...     "year": [2020, 2020, 2020, 2021, 2021, 2022],
    ...     "paid_in": [2020, 2021, 2022, 2021, 2022, 2022],
    ...     "paid": [100.0, 50.0, 15.0, 110.0, 66.0, 120.0],
    ... })
    >>> tri = from_long(long, origin="year", development="paid_in", value="paid", cumulative=False)
    >>> tri.origins, tri.values.tolist()
    ([2020, 2021, 2022], [[100.0, 150.0, 165.0], [110.0, 176.0, nan], [120.0, nan, nan]])
    """
    missing = [c for c in (origin, development, value) if c not in frame.columns]
    if missing:
        raise ValidationFailed(
            f"missing column(s) {', '.join(repr(c) for c in missing)}; "
            f"the data has {', '.join(repr(str(c)) for c in frame.columns) or 'no columns'}",
            code="MISSING_COLUMNS",
            details={"missing": missing, "columns": [str(c) for c in frame.columns]},
        )
    if len(frame) == 0:
        raise ValidationFailed("the data has no rows", code="NOT_ENOUGH_DATA")
    raw = frame[value]
    amounts = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(amounts)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        cell = raw.iloc[row]
        problem = "is empty" if pd.isna(cell) else f"is not a number ({str(cell)!r})"
        raise ValidationFailed(f"data row {row + 1}: {value!r} {problem}", code="NOT_A_NUMBER")
    org = _parse(frame[origin], origin)
    dev = _parse(frame[development], development)
    cells = _locate(org, dev, origin, development)
    n = len(cells.origins)
    if n < MIN_ORIGINS:
        raise ValidationFailed(
            f"a triangle needs at least {MIN_ORIGINS} origin periods, got {n}", code="NOT_ENOUGH_DATA"
        )
    if (cells.lag < 0).any():
        row = int(np.flatnonzero(cells.lag < 0)[0])
        raise ValidationFailed(
            f"data row {row + 1}: development {dev.labels[row]} is before origin {org.labels[row]}",
            code="BAD_PERIOD",
        )
    m = int(cells.lag.max()) + 1
    flat = cells.origin_key * m + cells.lag
    order = np.argsort(flat, kind="stable")
    repeated = np.flatnonzero(np.diff(flat[order]) == 0)
    if len(repeated):
        row = int(order[repeated[0] + 1])
        raise ValidationFailed(
            f"origin {org.labels[row]}, development {dev.labels[row]} appears more than once",
            code="DUPLICATE_CELL",
        )
    arr = np.full((n, m), np.nan)
    arr[cells.origin_key, cells.lag] = amounts
    _check_gaps(arr, cells)
    increments = arr if not cumulative else np.concatenate([arr[:, :1], np.diff(arr, axis=1)], axis=1)
    if not cumulative:
        arr = np.where(np.isnan(arr), np.nan, np.nancumsum(arr, axis=1))
    if not allow_negative and (np.nan_to_num(increments) < 0).any():
        i, k = (int(x) for x in np.argwhere(np.nan_to_num(increments) < 0)[0])
        raise ValidationFailed(
            f"origin {cells.origins[i]}: incremental development {increments[i, k]:g} at lag {k + 1} "
            "is negative",
            code="NEGATIVE_DEVELOPMENT",
        )
    return Triangle(list(cells.origins), arr)


def _check_gaps(arr: FloatArray, cells: _Cells) -> None:
    """Every cell from the first lag to the latest diagonal must be there.

    Calendar data fixes the diagonal: the latest calendar period. With lags it is inferred: each
    newer origin period is taken to have `step` fewer lags, the most common positive difference
    between consecutive origins' latest lags (1 for a square triangle, 4 for annual origins with
    quarterly lags; 0, a full rectangle, when no origin has fewer lags than an older one).
    """
    observed = ~np.isnan(arr)
    m = arr.shape[1]
    last = m - 1 - np.argmax(observed[:, ::-1], axis=1)
    if cells.calendar is not None:
        calendar = cells.calendar
    else:
        drops = -np.diff(last) / np.maximum(np.diff(cells.positions), 1.0)
        drops = drops[drops > 0]
        if len(drops):
            values, counts = np.unique(np.round(drops), return_counts=True)
            step = float(values[np.argmax(counts)])
        else:
            step = 0.0
        calendar = cells.positions * step
    valuation = float(np.max(calendar + last))
    expected = np.minimum(valuation - calendar, m - 1).astype(np.int64)
    holes = (np.arange(m) <= expected[:, None]) & ~observed
    if holes.any():
        i, k = (int(x) for x in np.argwhere(holes)[0])
        count = int(holes.sum())
        more = f" ({count} missing cells in all)" if count > 1 else ""
        raise ValidationFailed(
            f"origin {cells.origins[i]} has no value at development lag {k + 1}, before the latest "
            f"diagonal (lag {int(expected[i]) + 1}; development read as {cells.describe}){more}",
            code="TRIANGLE_GAP",
            details={"origin": cells.origins[i], "lag": k + 1, "missing": count},
        )
