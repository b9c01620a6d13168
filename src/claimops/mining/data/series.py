"""Series frames to forecast: claims reported and amounts paid per Shanghai month, summed in the database.

Counts are claims by report month, paid amounts are payments by payment month (Shanghai months, as in
the KPI reports); :mod:`claimops.mining.estimators.forecast` fits them.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from claimops.claims.models import Claim
from claimops.clock import start_of_local_day
from claimops.errors import ValidationFailed
from claimops.mining.data.frames import period_label
from claimops.payments.models import Payment
from claimops.policies.lines import LINES
from claimops.reporting.sql import local_month

__all__ = ["SEASON", "Freq", "load_frames", "monthly_series", "to_quarterly"]

Freq = Literal["month", "quarter"]
SEASON = {"month": 12, "quarter": 4}


def _month_start(label: str) -> date:
    return date(int(label[:4]), int(label[5:7]), 1)


def monthly_series(
    session: Session,
    *,
    line: str | None = None,
    months: int | None = None,
    through: str | None = None,
) -> pd.DataFrame:
    """Claims reported and amounts paid per Shanghai month, aggregated in the database.

    Parameters
    ----------
    session : Session
    line : str, optional
        A line of business (``auto``, ``health``, ``property``, ``other``); all lines when omitted.
    months : int, optional
        Keep only the last ``months`` months.
    through : str, optional
        Last month to include, ``"YYYY-MM"`` (later claims and payments are ignored; months without
        any are zeros). Default: the last month with a claim or payment — pass the last *complete*
        month in production, or the current, partial month pulls the forecast down.

    Returns
    -------
    DataFrame
        Index: monthly ``PeriodIndex`` named ``month``, every month from the first with data (the
        line's first claim or payment) to ``through``. Columns: ``claims`` (int, by report month, all
        reported claims) and ``paid`` (float CNY, by payment month). Empty if there is no data.
    """
    if line is not None and line not in {str(x) for x in LINES}:
        raise ValidationFailed(
            f"unknown line {line!r}; use one of {', '.join(str(x) for x in LINES)}", code="UNKNOWN_LINE"
        )
    if months is not None and months < 1:
        raise ValidationFailed("months must be at least 1", code="BAD_OPTION")
    end = None
    if through is not None:
        last = _parse_month(through)
        end = start_of_local_day((last + 1).to_timestamp().date())

    m_claim = local_month(session, Claim.reported_at)
    claims_q = select(m_claim, func.count(Claim.id)).group_by(m_claim)
    m_paid = local_month(session, Payment.paid_at)
    paid_q = (
        select(m_paid, func.sum(Payment.amount)).join(Claim, Claim.id == Payment.claim_id).group_by(m_paid)
    )
    if line is not None:
        claims_q = claims_q.where(Claim.line == line)
        paid_q = paid_q.where(Claim.line == line)
    if end is not None:
        claims_q = claims_q.where(Claim.reported_at < end)
        paid_q = paid_q.where(Payment.paid_at < end)
    counts = {str(k): int(v) for k, v in session.execute(claims_q).all()}
    paid = {str(k): float(v or 0) for k, v in session.execute(paid_q).all()}

    labels = sorted(set(counts) | set(paid))
    if not labels:
        empty = pd.DataFrame(
            {"claims": pd.Series([], dtype="int64"), "paid": pd.Series([], dtype="float64")},
            index=pd.PeriodIndex([], freq="M", name="month"),
        )
        return empty
    first = pd.Period(labels[0], freq="M")
    last_period = _parse_month(through) if through is not None else pd.Period(labels[-1], freq="M")
    index = pd.period_range(first, last_period, freq="M", name="month")
    keys = [period_label(p) for p in index]
    frame = pd.DataFrame(
        {
            "claims": np.array([counts.get(k, 0) for k in keys], dtype=np.int64),
            "paid": np.array([paid.get(k, 0.0) for k in keys], dtype=np.float64),
        },
        index=index,
    )
    if months is not None:
        frame = frame.iloc[-months:]
    return frame


def _parse_month(text: str) -> pd.Period:
    try:
        if len(text) != 7 or text[4] != "-":
            raise ValueError(text)
        _month_start(text)
    except ValueError:
        raise ValidationFailed(f"month {text!r} must be YYYY-MM", code="BAD_OPTION") from None
    return pd.Period(text, freq="M")


def to_quarterly(frame: pd.DataFrame) -> pd.DataFrame:
    """Sum a monthly frame (as from ``monthly_series``) into calendar quarters.

    Only complete quarters are kept: a partial first or last quarter would look like a drop.
    """
    if not len(frame):
        return frame.set_axis(pd.PeriodIndex([], freq="Q", name="quarter"), axis=0)
    quarters = frame.index.asfreq("Q")
    grouped = frame.groupby(quarters)
    summed = grouped.sum()
    complete = grouped.size() == 3
    summed = summed[complete.to_numpy()]
    summed.index = pd.PeriodIndex(summed.index, freq="Q", name="quarter")
    return summed


def load_frames(
    session: Session,
    *,
    line: str | None = None,
    freq: Freq = "month",
    through: str | None = None,
    months: int | None = None,
) -> dict[str, pd.DataFrame]:
    """The series to forecast, per line: ``line`` alone, or ``"all"`` and then each line.

    Monthly frames as from ``monthly_series`` (``through`` and ``months`` as there), or complete
    quarters (``to_quarterly``).
    """
    if freq not in SEASON:
        raise ValidationFailed(f"freq must be month or quarter, got {freq!r}", code="BAD_OPTION")
    names: list[str | None] = [line] if line is not None else [None, *(str(x) for x in LINES)]
    frames = {}
    for name in names:
        frame = monthly_series(session, line=name, through=through, months=months)
        frames[name or "all"] = to_quarterly(frame) if freq == "quarter" else frame
    return frames
