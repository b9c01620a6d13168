"""Stored analysis runs: save one, read the latest of a kind, list the history."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from claimops.mining.store.models import MiningResult

STATUSES = ("ok", "not_enough_data", "failed")


def jsonable(value: Any) -> Any:
    """Plain JSON values: Decimal and numpy numbers become floats, NaN/inf become null, dates ISO."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        x = float(value)
        return x if math.isfinite(x) else None
    if hasattr(value, "item"):  # numpy scalar
        return jsonable(value.item())
    raise TypeError(f"cannot store {type(value).__name__} in an analysis result")


def save_result(
    session: Session,
    *,
    kind: str,
    created_by: str,
    payload: Mapping[str, Any],
    status: str = "ok",
    message: str = "",
    data_from: date | None = None,
    data_to: date | None = None,
    n_rows: int = 0,
    seconds: float = 0.0,
    params: Mapping[str, Any] | None = None,
) -> MiningResult:
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    row = MiningResult(
        kind=kind,
        created_by=created_by,
        status=status,
        message=message[:500],
        data_from=data_from,
        data_to=data_to,
        n_rows=n_rows,
        seconds=round(seconds, 3),
        params=jsonable(dict(params or {})),
        # through a JSON round trip, so what is read back is what was stored
        payload=json.loads(json.dumps(jsonable(dict(payload)), ensure_ascii=False)),
    )
    session.add(row)
    session.flush()
    return row


def latest(session: Session, kind: str) -> MiningResult | None:
    """The most recent run of `kind`, whatever its status."""
    stmt = (
        select(MiningResult)
        .where(MiningResult.kind == kind)
        .order_by(MiningResult.created_at.desc(), MiningResult.id.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


def history(session: Session, kind: str | None = None, limit: int = 20) -> list[MiningResult]:
    stmt = select(MiningResult).order_by(MiningResult.created_at.desc(), MiningResult.id.desc()).limit(limit)
    if kind:
        stmt = stmt.where(MiningResult.kind == kind)
    return list(session.scalars(stmt))
