"""When claims happen: months, dates and the weight of each day (season, weekday, festivals)."""

from __future__ import annotations

import numpy as np

from claimops.demo.model import AUTO, GROWTH, HEALTH, SEASON, SPRING_FESTIVAL, WEEKEND, Arr, day_number


def _months(days: Arr) -> Arr:
    """Month 0..11 of day numbers."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12


def _ymd(days: Arr) -> Arr:
    """yyyymmdd as int64 of day numbers."""
    d = days.astype("datetime64[D]")
    m = d.astype("datetime64[M]")
    y = m.astype("datetime64[Y]").astype(np.int64) + 1970
    return np.asarray(y * 10000 + (m.astype(np.int64) % 12 + 1) * 100 + (d - m).astype(np.int64) + 1)


def _day_weights(start_day: int, end_day: int) -> Arr:
    """Relative report volume per line (rows) and day (columns)."""
    days = np.arange(start_day, end_day + 1)
    w = SEASON[:, _months(days)]
    w = w * np.where(((days + 3) % 7) >= 5, WEEKEND[:, None], 1.0)
    w = w * np.exp(GROWTH * (days - start_day) / 365.0)[None, :]
    for cny in SPRING_FESTIVAL.values():
        off = days - day_number(cny)
        w[AUTO] *= np.where((off >= -12) & (off < 0), 1.5, np.where((off >= 0) & (off < 7), 0.85, 1.0))
        w[HEALTH] *= np.where((off >= 0) & (off < 7), 0.6, np.where((off >= 7) & (off < 21), 1.2, 1.0))
    return np.asarray(w)
