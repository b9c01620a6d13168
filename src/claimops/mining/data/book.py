"""Paid and incurred loss triangles of claimops' own book, for chain-ladder reserving.

Origin is the quarter of the incident (Shanghai calendar), development the quarters since (1 = the
incident quarter itself), valued at the end of a quarter. For each claim and quarter end:

- paid: payments released up to then;
- incurred: paid plus the case reserve then: the approved amount of the latest decision not yet paid
  (a denial reserves 0), or the claimed amount while undecided; a claim rejected at intake or withdrawn
  before a decision reserves 0 from then on. A claim not yet reported counts nothing, so the incurred
  triangle also develops through late reports (the IBNR proper).

Amounts are floats of CNY: reserves are estimates for planning, nothing here is paid out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from claimops.claims.lifecycle import Status
from claimops.claims.models import Claim, ClaimEvent, Decision
from claimops.errors import ValidationFailed
from claimops.mining.data.triangle import MIN_ORIGINS, Triangle
from claimops.payments.models import Payment

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
SHANGHAI = timedelta(hours=8)
NEVER = np.iinfo(np.int64).max // 2
KINDS = ("paid", "incurred")


@dataclass(frozen=True)
class BookTriangles:
    """Both triangles of one book (or line), with the valuation they describe."""

    valuation: date  # the last day of the last development quarter
    origins: list[str]  # "2025-Q3", oldest first
    paid: Triangle
    incurred: Triangle
    claims: int


def quarter_index(d: date) -> int:
    return d.year * 4 + (d.month - 1) // 3


def quarter_label(index: int) -> str:
    return f"{index // 4}-Q{index % 4 + 1}"


def quarter_end(index: int) -> date:
    year, q = divmod(index + 1, 4)
    return date(year, q * 3 + 1, 1) - timedelta(days=1)


def last_complete_quarter(today: date) -> int:
    return quarter_index(today) - 1


def _local_quarters(stamps: pd.Series) -> IntArray:
    local = pd.to_datetime(stamps, utc=True).dt.tz_convert(None) + SHANGHAI
    return np.asarray(local.dt.year * 4 + (local.dt.month - 1) // 3, dtype=np.int64)


def _date_quarters(days: pd.Series) -> IntArray:
    d = pd.to_datetime(days)
    return np.asarray(d.dt.year * 4 + (d.dt.month - 1) // 3, dtype=np.int64)


def _frames(session: Session, line: str | None) -> dict[str, pd.DataFrame]:
    claims = select(Claim.id, Claim.incident_date, Claim.reported_at, Claim.claimed_amount)
    if line:
        claims = claims.where(Claim.line == line)
    ids = claims.with_only_columns(Claim.id).scalar_subquery()
    stop = (
        select(ClaimEvent.claim_id, ClaimEvent.at)
        .where(ClaimEvent.to_status.in_([Status.REJECTED, Status.WITHDRAWN]))
        .where(ClaimEvent.claim_id.in_(ids))
    )
    decisions = select(Decision.claim_id, Decision.decided_at, Decision.approved_amount).where(
        Decision.claim_id.in_(ids)
    )
    payments = select(Payment.claim_id, Payment.paid_at, Payment.amount).where(Payment.claim_id.in_(ids))
    out = {}
    for name, stmt in (("claims", claims), ("stop", stop), ("decisions", decisions), ("payments", payments)):
        out[name] = pd.DataFrame(session.execute(stmt).all(), columns=list(stmt.selected_columns.keys()))
    return out


def _cny(values: pd.Series) -> FloatArray:
    return np.asarray(values.astype(float), dtype=np.float64)


def book_triangles(
    session: Session,
    *,
    valuation_quarter: int,
    origins: int = 12,
    line: str | None = None,
) -> BookTriangles:
    """The paid and incurred triangles of the last `origins` incident quarters up to the valuation.

    Raises ``ValidationFailed(code="NOT_ENOUGH_DATA")`` when fewer than three origin quarters hold a
    claim: chain ladder needs development to learn from.
    """
    f = _frames(session, line)
    first = valuation_quarter - origins + 1
    c = f["claims"]
    if c.empty:
        raise ValidationFailed("there are no claims to build a loss triangle from", code="NOT_ENOUGH_DATA")
    origin = _date_quarters(c["incident_date"])
    reported = _local_quarters(c["reported_at"])
    keep = (origin >= first) & (origin <= valuation_quarter) & (reported <= valuation_quarter)
    held = np.unique(origin[keep])
    if len(held) < MIN_ORIGINS:
        raise ValidationFailed(
            f"a loss triangle needs claims in at least {MIN_ORIGINS} incident quarters up to "
            f"{quarter_label(valuation_quarter)}; found {len(held)}",
            code="NOT_ENOUGH_DATA",
        )
    pos = pd.Series(np.arange(len(c)), index=c["id"].to_numpy())
    n_quarters = valuation_quarter - first + 1
    # per claim × valuation quarter (columns: first … valuation), then summed into the triangle
    paid = _cumulative(f["payments"], "paid_at", "amount", pos, first, n_quarters, len(c))
    stop_q = np.full(len(c), NEVER, dtype=np.int64)
    if not f["stop"].empty:
        s = f["stop"]
        np.minimum.at(stop_q, pos[s["claim_id"].to_numpy()].to_numpy(), _local_quarters(s["at"]))
    reserve = _case_reserves(f["decisions"], pos, first, n_quarters, len(c))
    q = first + np.arange(n_quarters)
    undecided = np.isnan(reserve)
    claimed = _cny(c["claimed_amount"])[:, None] * np.ones(n_quarters)
    open_claim = (reported[:, None] <= q[None, :]) & (stop_q[:, None] > q[None, :])
    case = np.where(undecided, np.where(open_claim, claimed, 0.0), np.maximum(reserve - paid, 0.0))
    case = np.where(reported[:, None] <= q[None, :], case, 0.0)
    incurred = paid + case
    labels = [quarter_label(first + i) for i in range(n_quarters)]
    return BookTriangles(
        valuation=quarter_end(valuation_quarter),
        origins=labels,
        paid=_triangle(paid, origin, keep, first, n_quarters, labels),
        incurred=_triangle(incurred, origin, keep, first, n_quarters, labels),
        claims=int(keep.sum()),
    )


def _cumulative(
    frame: pd.DataFrame, at: str, amount: str, pos: pd.Series, first: int, width: int, n: int
) -> FloatArray:
    """Per claim, the running total of `amount` at the end of each quarter first … first+width-1."""
    out = np.zeros((n, width))
    if not frame.empty:
        col = _local_quarters(frame[at]) - first
        upto = col < width  # after the valuation: not yet known
        rows = pos[frame["claim_id"].to_numpy()[upto]].to_numpy()
        np.add.at(out, (rows, np.maximum(col[upto], 0)), _cny(frame[amount])[upto])
    return np.cumsum(out, axis=1)


def _case_reserves(frame: pd.DataFrame, pos: pd.Series, first: int, width: int, n: int) -> FloatArray:
    """Approved amount of each claim's latest decision at each quarter end; NaN while undecided."""
    out = np.full((n, width), np.nan)
    if frame.empty:
        return out
    d = frame.assign(q=_local_quarters(frame["decided_at"]), row=pos[frame["claim_id"].to_numpy()].to_numpy())
    d = d.sort_values(["row", "decided_at"])
    approved = _cny(d["approved_amount"])
    rows, qs = d["row"].to_numpy(), d["q"].to_numpy() - first
    for k in range(width):  # quarters are few; claims are vectorised
        seen = qs <= k
        last = pd.Series(approved[seen]).groupby(rows[seen]).last()
        out[last.index.to_numpy(), k] = last.to_numpy()
    return out


def _triangle(
    per_claim: FloatArray, origin: IntArray, keep: BoolArray, first: int, width: int, labels: list[str]
) -> Triangle:
    """Sum claims by origin; cell (i, j) is origin i valued j quarters after it (NaN past the valuation)."""
    by_calendar = np.zeros((width, width))
    np.add.at(by_calendar, origin[keep] - first, per_claim[keep])
    values = np.full((width, width), np.nan)
    for i in range(width):
        values[i, : width - i] = by_calendar[i, i:]
    return Triangle(origins=list(labels), values=values)


def valuation_for(today: date | datetime) -> int:
    """The quarter a reserve run values at: the last complete one."""
    day = today.date() if isinstance(today, datetime) else today
    return last_complete_quarter(day)
