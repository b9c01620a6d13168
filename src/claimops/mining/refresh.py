"""Refreshing the stored analyses that the mining pages and the deck read.

Each analysis reads in its own short transaction, computes outside it (SQLite holds a write lock for
the whole of a transaction) and stores its result in another; one that has too little data is stored
as ``not_enough_data`` with the reason, so the pages say why instead of showing nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from claimops.claims.lines import LINES
from claimops.errors import ValidationFailed
from claimops.mining import book
from claimops.mining.forecast import forecast_frames, load_frames
from claimops.mining.models import MiningResult
from claimops.mining.reserving import ChainLadder
from claimops.mining.results import save_result

HISTORY_MONTHS = 24  # months of actuals stored next to a forecast, for its chart


@dataclass
class Outcome:
    payload: dict[str, Any]
    n_rows: int = 0
    data_from: date | None = None
    data_to: date | None = None
    params: dict[str, Any] = field(default_factory=dict)


Compute = Callable[[], Outcome]
Analysis = Callable[[Session, date], Compute]  # reads with the session, returns the computation


def reserves(session: Session, today: date, *, origins: int = 12, sigma: str = "mack") -> Compute:
    """Chain ladder with Mack standard errors on the book's paid and incurred triangles, per line."""
    valuation = book.valuation_for(today)
    triangles: dict[str, book.BookTriangles | ValidationFailed] = {}
    for name in ("all", *(str(x) for x in LINES)):
        try:
            triangles[name] = book.book_triangles(
                session, valuation_quarter=valuation, origins=origins, line=None if name == "all" else name
            )
        except ValidationFailed as exc:
            if name == "all":
                raise
            triangles[name] = exc

    def compute() -> Outcome:
        lines: dict[str, Any] = {}
        for name, tri in triangles.items():
            if isinstance(tri, ValidationFailed):
                lines[name] = {"error": {"code": tri.code, "message": tri.message}}
                continue
            lines[name] = {"claims": tri.claims, "origins": tri.origins}
            for kind in book.KINDS:
                triangle = getattr(tri, kind)
                fitted = ChainLadder(sigma=sigma).fit(triangle).to_dict(decimals=2)
                lines[name][kind] = {**fitted, "triangle": triangle.values.round(2).tolist()}
        whole = triangles["all"]
        assert isinstance(whole, book.BookTriangles)
        return Outcome(
            payload={"valuation": whole.valuation, "quarter": book.quarter_label(valuation), "lines": lines},
            n_rows=whole.claims,
            data_from=book.quarter_end(valuation - origins) + timedelta(days=1),
            data_to=whole.valuation,
            params={"origins": origins, "sigma": sigma, "origin": "incident quarter"},
        )

    return compute


def forecast(session: Session, today: date, *, horizon: int = 6, **params: Any) -> Compute:
    """Claims and payments per line for the next months, back-tested against seasonal naive.

    ``params`` go to each ``Forecaster`` (e.g. fewer candidates or back-test origins).
    """
    first_of_month = today.replace(day=1)
    through = date.fromordinal(first_of_month.toordinal() - 1).strftime("%Y-%m")  # last complete month
    frames = load_frames(session, freq="month", through=through)

    def compute() -> Outcome:
        result = forecast_frames(frames, horizon=horizon, freq="month", **params)
        history = {
            name: {
                "periods": [str(p) for p in frame.index[-HISTORY_MONTHS:]],
                "claims": [float(x) for x in frame["claims"].iloc[-HISTORY_MONTHS:]],
                "paid": [float(x) for x in frame["paid"].iloc[-HISTORY_MONTHS:]],
            }
            for name, frame in frames.items()
        }
        whole = frames["all"]
        return Outcome(
            payload={**result, "history": history},
            n_rows=int(whole["claims"].sum()) if len(whole) else 0,
            data_from=whole.index[0].start_time.date() if len(whole) else None,
            data_to=whole.index[-1].end_time.date() if len(whole) else None,
            params={"horizon": horizon, "freq": "month", **params},
        )

    return compute


ANALYSES: dict[str, Analysis] = {"reserves": reserves, "forecast": forecast}


def refresh(
    engine: Engine, *, created_by: str, today: date, kinds: Sequence[str] | None = None
) -> list[MiningResult]:
    """Run each analysis and store its result; returns the stored rows (detached, loaded)."""
    unknown = [k for k in kinds or () if k not in ANALYSES]
    if unknown:
        raise ValidationFailed(
            f"unknown analysis {', '.join(unknown)}; choose from {', '.join(ANALYSES)}", code="BAD_OPTION"
        )
    stored = []
    for kind in kinds or tuple(ANALYSES):
        started = time.perf_counter()
        try:
            with Session(engine) as read:
                compute = ANALYSES[kind](read, today)
            outcome = compute()
        except ValidationFailed as exc:
            status, message, outcome = "not_enough_data", exc.message, Outcome(payload={})
            if exc.code != "NOT_ENOUGH_DATA":
                status = "failed"
        else:
            status, message = "ok", ""
        with Session(engine, expire_on_commit=False) as write, write.begin():
            stored.append(
                save_result(
                    write,
                    kind=kind,
                    created_by=created_by,
                    payload=outcome.payload,
                    status=status,
                    message=message,
                    data_from=outcome.data_from,
                    data_to=outcome.data_to,
                    n_rows=outcome.n_rows,
                    seconds=time.perf_counter() - started,
                    params=outcome.params,
                )
            )
    return stored
