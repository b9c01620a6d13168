"""Refreshing the stored analyses that the mining pages and the deck read.

Each analysis reads through a read-only connection (claimops.db.reading: on SQLite a deferred
transaction, so the claims desk keeps writing while it runs) and its result is stored in a short
transaction of its own. One with too little data is stored as ``not_enough_data`` with the reason, so
the pages say why instead of showing nothing. Texts are stored in both languages.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from claimops.claims.models import Claim
from claimops.clock import as_utc, local_date
from claimops.db import reading
from claimops.errors import ValidationFailed
from claimops.i18n import LANGUAGES
from claimops.mining.data import book
from claimops.mining.data.loader import load_claims
from claimops.mining.data.series import load_frames
from claimops.mining.estimators.reserving import ChainLadder
from claimops.mining.service import analysis
from claimops.mining.service.forecasting import forecast_frames
from claimops.mining.store.models import MiningResult
from claimops.mining.store.results import save_result
from claimops.policies.lines import LINES

HISTORY_MONTHS = 24  # months of actuals stored next to a forecast, for its chart
RULE_TARGETS = ("fraud", "denied", "investigated", "large_loss")


@dataclass
class Outcome:
    payload: dict[str, Any]
    n_rows: int = 0
    data_from: date | None = None
    data_to: date | None = None
    params: dict[str, Any] = field(default_factory=dict)


Analysis = Callable[[Connection, date], Outcome]


def reserves(conn: Connection, today: date, *, origins: int = 12, sigma: str = "mack") -> Outcome:
    """Chain ladder with Mack standard errors on the book's paid and incurred triangles, per line."""
    valuation = book.valuation_for(today)
    lines: dict[str, Any] = {}
    whole: book.BookTriangles | None = None
    with Session(bind=conn) as session:
        for name in ("all", *(str(x) for x in LINES)):
            try:
                tri = book.book_triangles(
                    session,
                    valuation_quarter=valuation,
                    origins=origins,
                    line=None if name == "all" else name,
                )
            except ValidationFailed as exc:
                if name == "all":
                    raise
                lines[name] = {"error": {"code": exc.code, "message": exc.message}}
                continue
            whole = whole or tri
            lines[name] = {"claims": tri.claims, "origins": tri.origins}
            for kind in book.KINDS:
                triangle = getattr(tri, kind)
                fitted = ChainLadder(sigma=sigma).fit(triangle).to_dict(decimals=2)
                lines[name][kind] = {**fitted, "triangle": triangle.values.round(2).tolist()}
    assert whole is not None
    return Outcome(
        payload={"valuation": whole.valuation, "quarter": book.quarter_label(valuation), "lines": lines},
        n_rows=whole.claims,
        data_from=book.quarter_end(valuation - origins) + timedelta(days=1),
        data_to=whole.valuation,
        params={"origins": origins, "sigma": sigma, "origin": "incident quarter"},
    )


def forecast(conn: Connection, today: date, *, horizon: int = 6, **params: Any) -> Outcome:
    """Claims and payments per line for the next months, back-tested against seasonal naive.

    ``params`` go to each ``Forecaster`` (e.g. fewer candidates or back-test origins).
    """
    through = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")  # last complete month
    with Session(bind=conn) as session:
        frames = load_frames(session, freq="month", through=through)
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


def _dated(conn: Connection, outcome: Outcome) -> Outcome:
    """Set the first and last report date (Shanghai) of the claims an analysis read."""
    first, last = conn.execute(select(func.min(Claim.reported_at), func.max(Claim.reported_at))).one()
    outcome.data_from = local_date(as_utc(first)) if first else None
    outcome.data_to = local_date(as_utc(last)) if last else None
    return outcome


def quality(conn: Connection, today: date) -> Outcome:
    """The data-quality report and the standard cleaning, over every claim."""
    frame = load_claims(conn, id_number=True)
    if frame.empty:
        raise ValidationFailed("there are no claims to check yet", code="NOT_ENOUGH_DATA")
    by_lang = {lang: analysis.quality_summary(frame, lang=lang) for lang in LANGUAGES}
    return _dated(conn, Outcome(payload=by_lang, n_rows=len(frame)))


def rules(conn: Connection, today: date, *, limit: int = 10) -> Outcome:
    """Association rules towards each risk outcome the data holds, ranked by lift."""
    table = analysis.feature_table(load_claims(conn), "rules")
    targets: dict[str, Any] = {}
    for target in RULE_TARGETS:
        try:
            targets[target] = {
                lang: analysis.rules_for_table(table, target, lang=lang, limit=limit) for lang in LANGUAGES
            }
        except ValidationFailed as exc:  # e.g. fraud without the demo's ground truth
            targets[target] = {"error": {"code": exc.code, "message": exc.message}}
    outcome = Outcome(payload={"targets": targets}, n_rows=len(table.features), params={"limit": limit})
    return _dated(conn, outcome)


def segments(conn: Connection, today: date) -> Outcome:
    """Segments of claims and of customers (k by silhouette): fitted once, described in each language."""
    table = analysis.feature_table(load_claims(conn), "segments")
    payload = {}
    for kind in ("claims", "customers"):
        model, n_rows = analysis.fit_segments(kind, table)
        payload[kind] = {lang: analysis.segments_summary(model, kind, n_rows, lang) for lang in LANGUAGES}
    return _dated(conn, Outcome(payload=payload, n_rows=len(table.features)))


ANALYSES: dict[str, Analysis] = {
    "quality": quality,
    "rules": rules,
    "segments": segments,
    "forecast": forecast,
    "reserves": reserves,
}


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
            with reading(engine) as conn:
                outcome = ANALYSES[kind](conn, today)
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
