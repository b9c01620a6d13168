"""Forecasting use cases: fit a ``Forecaster`` to each line's series and shape the JSON result.

``forecast_frames`` touches no database; ``forecast_lines`` reads the series first (see
:mod:`claimops.mining.data.series`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from claimops.errors import ValidationFailed
from claimops.mining.data.frames import period_label
from claimops.mining.data.series import SEASON, Freq, load_frames
from claimops.mining.estimators.forecast import Forecaster

__all__ = ["TARGETS", "UNITS", "forecast_frames", "forecast_lines"]

TARGETS = ("claims", "paid")
UNITS = {"claims": "claims", "paid": "CNY"}


def forecast_frames(
    frames: dict[str, pd.DataFrame], *, horizon: int = 6, freq: Freq = "month", **params: Any
) -> dict[str, Any]:
    """Fit a ``Forecaster`` to each frame's ``claims`` and ``paid`` (see ``forecast_lines``).

    With one frame, too little data raises; with several, such a series gets an ``error`` entry and
    only all of them failing raises.
    """
    if freq not in SEASON:
        raise ValidationFailed(f"freq must be month or quarter, got {freq!r}", code="BAD_OPTION")
    strict = len(frames) == 1
    out: list[dict[str, Any]] = []
    errors: list[str] = []
    labels = [period_label(frame.index[-1]) for frame in frames.values() if len(frame)]
    for name, frame in frames.items():
        for target in TARGETS:
            entry: dict[str, Any] = {"line": name, "target": target, "unit": UNITS[target]}
            try:
                model = Forecaster(horizon=horizon, season_length=SEASON[freq], **params).fit(frame[target])
            except ValidationFailed as exc:
                if exc.code != "NOT_ENOUGH_DATA" or strict:
                    raise
                entry["error"] = {"code": exc.code, "message": exc.message}
                errors.append(f"{name}/{target}: {exc.message}")
            else:
                entry.update(model.to_dict(decimals=2))
            out.append(entry)
    if all("error" in entry for entry in out):
        unit = "months" if freq == "month" else "quarters"
        need = Forecaster(horizon=horizon, season_length=SEASON[freq]).min_length
        raise ValidationFailed(
            f"not enough data to forecast any line: need at least {need} {unit} of history",
            code="NOT_ENOUGH_DATA",
            details=errors,
        )
    return {"freq": freq, "horizon": horizon, "through": max(labels) if labels else None, "series": out}


def forecast_lines(
    session: Session,
    *,
    line: str | None = None,
    horizon: int = 6,
    freq: Freq = "month",
    through: str | None = None,
    months: int | None = None,
    **params: Any,
) -> dict[str, Any]:
    """Forecast claim counts and paid amounts for one line, or for all lines and each line.

    Parameters
    ----------
    session : Session
    line : str, optional
        One line; when omitted, ``"all"`` (every line together) and then each line.
    horizon : int
        Periods ahead.
    freq : {"month", "quarter"}
        Forecast months (season 12) or calendar quarters (season 4).
    through : str, optional
        Last month of data, ``"YYYY-MM"`` (see ``monthly_series``).
    months : int, optional
        Use only the last ``months`` months of history (e.g. to leave out a partial first month).
    **params
        Further ``Forecaster`` parameters.

    Returns
    -------
    dict
        ``freq``, ``horizon``, ``through`` (last period of history) and ``series``: one entry per line
        and target (``claims``, ``paid``) with ``Forecaster.to_dict()``'s fields, or an ``error`` (code
        and message) for a line with too little data when all lines are forecast.

    Raises
    ------
    ValidationFailed
        ``NOT_ENOUGH_DATA`` if the asked line — or, for all lines, every line — has too little data.

    Notes
    -----
    The fitting takes seconds; callers holding a write transaction (SQLite begins IMMEDIATE) should
    ``load_frames`` inside it and ``forecast_frames`` after it, as the CLI does.
    """
    frames = load_frames(session, line=line, freq=freq, through=through, months=months)
    return forecast_frames(frames, horizon=horizon, freq=freq, **params)
