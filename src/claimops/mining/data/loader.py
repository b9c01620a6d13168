"""Claims frames for mining, read from the database with SQL (SQLite and PostgreSQL).

One row per claim: the claim joined with its policy, its customer, its stage timings, its decisions,
its payments and its documents, built as a SQLAlchemy Core select and read with ``pandas.read_sql`` in
chunks. Estimators never touch the database: they take the frames built here (or frames of the same
shape built by hand in tests and benchmarks).

Money columns stay ``Decimal`` (object dtype) in the frame, exactly as stored; the feature table
converts them to floats of CNY (see :mod:`claimops.mining.estimators.features`). Dates are ``datetime64``
(calendar days, no time zone); timestamps are ``datetime64[…, UTC]``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    Boolean,
    Integer,
    String,
    and_,
    case,
    column,
    false,
    func,
    inspect,
    or_,
    select,
    table,
    type_coerce,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from claimops.claims.checklist import doc_types
from claimops.claims.models import Claim, ClaimEvent, ClaimTiming, Decision
from claimops.clock import start_of_local_day
from claimops.customers.models import Customer
from claimops.db import Money
from claimops.documents.models import Document
from claimops.errors import ValidationFailed
from claimops.mining.data.frames import KEY_COLUMNS
from claimops.payments.models import Payment
from claimops.policies.lines import LINES
from claimops.policies.models import Policy

CHUNKSIZE = 100_000

# The demo loader's ground-truth table (its own MetaData, not part of the application schema): read when
# it exists, declared here lightly so that mining does not depend on the demo package.
GROUND_TRUTH = table(
    "demo_ground_truth",
    column("claim_id", Integer),
    column("fraud", Boolean),
    column("pattern", String),
)

# Investigations and providers are read by table name, so that mining imports neither domain (both sit
# above it): an investigation's conclusion is the fraud label; a provider's name is what rules quote.
INVESTIGATIONS = table(
    "investigations", column("claim_id", Integer), column("conclusion", String), column("status", String)
)
PROVIDERS = table("providers", column("id", Integer), column("name", String))

DATE_COLUMNS = ("incident_date", "effective_from", "effective_to", "birth_date")
TIMESTAMP_COLUMNS = ("reported_at", "accepted_at", "decided_at", "paid_at", "completed_at")
MONEY_COLUMNS = (
    "claimed_amount",
    "assessed_loss",
    "approved_amount",
    "approved_total",
    "paid_amount",
    "sum_insured",
    "deductible",
    "premium",
    "payments_total",
)
STRING_COLUMNS = (
    "claim_number",
    "line",
    "region",
    "channel",
    "status",
    "outcome",
    "policy_channel",
    "gender",
    "id_number",
    "fraud_pattern",
    "provider",
)
COUNT_COLUMNS = ("decisions_count", "payments_count", "docs_received", "required_docs_received")

Bind = Engine | Connection | Session


def claims_select(
    *,
    since: date | None = None,
    until: date | None = None,
    lines: Sequence[str] | None = None,
    id_number: bool = False,
    ground_truth: bool = False,
) -> Select[Any]:
    """The claims-frame query: one row per claim, ordered by claim id.

    Parameters
    ----------
    since, until : date, optional
        Claims reported on or after ``since`` and before ``until`` (Shanghai calendar days).
    lines : sequence of str, optional
        Only these lines of business.
    id_number : bool
        Add the customer's resident ID number (personal data: only for data-quality checks).
    ground_truth : bool
        Left-join the demo ground-truth table (``fraud``, ``fraud_pattern``); it must exist.
    """
    latest = select(func.max(Decision.id)).group_by(Decision.claim_id)
    decisions = (
        select(
            Decision.claim_id.label("claim_id"),
            func.min(Decision.decided_at).label("decided_at"),
            func.count().label("decisions_count"),
            # a supplementary decision after a reopening carries the new approved total: the latest counts
            type_coerce(func.sum(case((Decision.id.in_(latest), Decision.approved_amount))), Money()).label(
                "approved_total"
            ),
        )
        .group_by(Decision.claim_id)
        .subquery("d")
    )
    payments = (
        select(
            Payment.claim_id.label("claim_id"),
            func.count().label("payments_count"),
            type_coerce(func.sum(Payment.amount), Money()).label("payments_total"),
            func.min(Payment.paid_at).label("paid_at"),
        )
        .group_by(Payment.claim_id)
        .subquery("pay")
    )
    concluded = (
        select(
            INVESTIGATIONS.c.claim_id.label("claim_id"),
            func.max(case((INVESTIGATIONS.c.conclusion == "fraud_confirmed", 1), else_=0)).label("confirmed"),
            func.count(INVESTIGATIONS.c.conclusion).label("conclusions"),
        )
        .group_by(INVESTIGATIONS.c.claim_id)
        .subquery("conc")
    )
    investigated = (
        select(ClaimEvent.claim_id.label("claim_id"))
        .where(ClaimEvent.to_status == "investigating")
        .group_by(ClaimEvent.claim_id)
        .subquery("inv")
    )
    required = or_(
        false(),
        *(and_(Claim.line == line.value, Document.doc_type.in_(doc_types(line)[0])) for line in LINES),
    )
    documents = (
        select(
            Document.claim_id.label("claim_id"),
            func.count(Document.doc_type.distinct()).label("docs_received"),
            func.count(case((required, Document.doc_type)).distinct()).label("required_docs_received"),
        )
        .join(Claim, Claim.id == Document.claim_id)
        .group_by(Document.claim_id)
        .subquery("doc")
    )
    cols: list[Any] = [
        Claim.id.label("claim_id"),
        Claim.claim_number,
        Claim.policy_id,
        Claim.customer_id,
        Claim.line,
        Claim.region,
        Claim.channel,
        Claim.status,
        Claim.outcome,
        Claim.incident_date,
        Claim.reported_at,
        Claim.claimed_amount,
        Claim.assessed_loss,
        Claim.approved_amount,
        Claim.paid_amount,
        Claim.provider_id,
        PROVIDERS.c.name.label("provider"),
        Claim.reopen_count,
        Claim.straight_through,
        Policy.effective_from,
        Policy.effective_to,
        Policy.sum_insured,
        Policy.deductible,
        Policy.premium,
        Policy.channel.label("policy_channel"),
        Customer.birth_date,
        Customer.gender,
        ClaimTiming.accepted_at,
        ClaimTiming.completed_at,
        ClaimTiming.handling_s,
        ClaimTiming.investigation_s,
        decisions.c.decided_at,
        func.coalesce(decisions.c.decisions_count, 0).label("decisions_count"),
        decisions.c.approved_total,
        (investigated.c.claim_id.is_not(None) | concluded.c.claim_id.is_not(None)).label("investigated"),
        func.coalesce(concluded.c.confirmed, 0).label("fraud_confirmed"),
        func.coalesce(concluded.c.conclusions, 0).label("conclusions"),
        func.coalesce(payments.c.payments_count, 0).label("payments_count"),
        payments.c.payments_total,
        payments.c.paid_at,
        func.coalesce(documents.c.docs_received, 0).label("docs_received"),
        func.coalesce(documents.c.required_docs_received, 0).label("required_docs_received"),
    ]
    if id_number:
        cols.append(Customer.id_number)
    stmt = (
        select(*cols)
        .select_from(Claim)
        .join(Policy, Policy.id == Claim.policy_id)
        .join(Customer, Customer.id == Claim.customer_id)
        .outerjoin(ClaimTiming, ClaimTiming.claim_id == Claim.id)
        .outerjoin(decisions, decisions.c.claim_id == Claim.id)
        .outerjoin(payments, payments.c.claim_id == Claim.id)
        .outerjoin(investigated, investigated.c.claim_id == Claim.id)
        .outerjoin(concluded, concluded.c.claim_id == Claim.id)
        .outerjoin(PROVIDERS, PROVIDERS.c.id == Claim.provider_id)
        .outerjoin(documents, documents.c.claim_id == Claim.id)
    )
    if ground_truth:
        stmt = stmt.add_columns(
            GROUND_TRUTH.c.fraud, GROUND_TRUTH.c.pattern.label("fraud_pattern")
        ).outerjoin(GROUND_TRUTH, GROUND_TRUTH.c.claim_id == Claim.id)
    if since is not None:
        stmt = stmt.where(Claim.reported_at >= start_of_local_day(since))
    if until is not None:
        stmt = stmt.where(Claim.reported_at < start_of_local_day(until))
    if lines:
        stmt = stmt.where(Claim.line.in_(list(lines)))
    return stmt.order_by(Claim.id)


def _connection(bind: Bind) -> tuple[Connection, bool]:
    """A connection and whether we opened it (and so must close it)."""
    if isinstance(bind, Session):
        return bind.connection(), False
    if isinstance(bind, Engine):
        return bind.connect(), True
    return bind, False


def has_ground_truth(bind: Bind) -> bool:
    """Whether the demo ground-truth table exists in the database."""
    conn, owned = _connection(bind)
    try:
        return bool(inspect(conn).has_table(GROUND_TRUTH.name))
    finally:
        if owned:
            conn.close()


def iter_claims(
    bind: Bind,
    *,
    since: date | None = None,
    until: date | None = None,
    lines: Sequence[str] | None = None,
    id_number: bool = False,
    ground_truth: bool | None = None,
    chunksize: int = CHUNKSIZE,
) -> Iterator[pd.DataFrame]:
    """The claims frame in chunks of at most ``chunksize`` rows (streamed from the server on PostgreSQL).

    ``ground_truth=None`` joins the demo ground truth when its table exists. Other parameters as in
    :func:`claims_select`.
    """
    conn, owned = _connection(bind)
    try:
        truth = has_ground_truth(conn) if ground_truth is None else ground_truth
        stmt = claims_select(since=since, until=until, lines=lines, id_number=id_number, ground_truth=truth)
        stmt = stmt.execution_options(stream_results=True, max_row_buffer=chunksize)
        names = [c.name for c in stmt.selected_columns]
        labelled = has_conclusions(conn)
        empty = True
        for chunk in pd.read_sql(stmt, conn, chunksize=chunksize, coerce_float=False):
            if len(chunk):
                empty = False
                yield _normalise(chunk, labelled)
        if empty:
            frame = pd.DataFrame({name: pd.Series([], dtype=object) for name in names})
            yield _normalise(frame.astype({"fraud_confirmed": "int64", "conclusions": "int64"}), labelled)
    finally:
        if owned:
            conn.close()


def load_claims(
    bind: Bind,
    *,
    since: date | None = None,
    until: date | None = None,
    lines: Sequence[str] | None = None,
    id_number: bool = False,
    ground_truth: bool | None = None,
    chunksize: int = CHUNKSIZE,
) -> pd.DataFrame:
    """The claims frame, one row per claim, ordered by ``claim_id`` (a plain RangeIndex).

    Parameters
    ----------
    bind : Engine, Connection or Session
        Where to read; a Session reads through its own connection (sees its uncommitted work).
    since, until, lines, id_number
        See :func:`claims_select`.
    ground_truth : bool, optional
        Join ``demo_ground_truth`` (columns ``fraud``, ``fraud_pattern``); None: when the table exists.
    chunksize : int
        Rows per ``read_sql`` chunk.

    Returns
    -------
    DataFrame
        Columns as declared by :data:`claimops.mining.data.frames.CLAIMS_FRAME`.
    """
    chunks = list(
        iter_claims(
            bind,
            since=since,
            until=until,
            lines=lines,
            id_number=id_number,
            ground_truth=ground_truth,
            chunksize=chunksize,
        )
    )
    frame = chunks[0] if len(chunks) == 1 else pd.concat(chunks, ignore_index=True)
    return frame.reset_index(drop=True)


def load_customers(bind: Bind) -> pd.DataFrame:
    """Customers with their ID numbers (for the duplicate-customer check), ordered by id.

    Columns: ``customer_id``, ``id_number``, ``region``, ``gender``, ``birth_date``. ID numbers are
    personal data: keep this frame inside the data-quality step.
    """
    stmt = select(
        Customer.id.label("customer_id"),
        Customer.id_number,
        Customer.region,
        Customer.gender,
        Customer.birth_date,
    ).order_by(Customer.id)
    conn, owned = _connection(bind)
    try:
        frame = pd.read_sql(stmt, conn, coerce_float=False)
    finally:
        if owned:
            conn.close()
    frame["birth_date"] = pd.to_datetime(frame["birth_date"])
    frame["customer_id"] = frame["customer_id"].astype("int64")
    return frame


def report_time_claims(session: Session) -> pd.DataFrame:
    """The claims frame with only what the models read (known at report) and the status: no joins to
    decisions, payments or documents, so it reads about four times faster than the full frame."""
    stmt = (
        select(
            Claim.id.label("claim_id"),
            Claim.claim_number,
            Claim.policy_id,
            Claim.customer_id,
            Claim.line,
            Claim.region,
            Claim.channel,
            Claim.status,
            Claim.incident_date,
            Claim.reported_at,
            Claim.claimed_amount,
            Claim.provider_id,
            PROVIDERS.c.name.label("provider"),
            Policy.effective_from,
            Policy.effective_to,
            Policy.sum_insured,
            Customer.birth_date,
            Customer.gender,
        )
        .join(Policy, Policy.id == Claim.policy_id)
        .join(Customer, Customer.id == Claim.customer_id)
        .outerjoin(PROVIDERS, PROVIDERS.c.id == Claim.provider_id)
        .order_by(Claim.id)
    )
    frame = pd.read_sql(stmt, session.connection(), coerce_float=False)
    return _normalise(frame).reset_index(drop=True)


def _normalise(frame: pd.DataFrame, from_investigations: bool = False) -> pd.DataFrame:
    """Portable dtypes: the drivers return dates, aware datetimes, Decimals and ints differently."""
    out = frame.copy()
    for name in DATE_COLUMNS:
        if name in out:
            out[name] = pd.to_datetime(out[name]).astype("datetime64[s]")
    for name in TIMESTAMP_COLUMNS:
        if name in out:
            out[name] = pd.to_datetime(out[name], utc=True).astype("datetime64[us, UTC]")
    for name in ("claim_id", "policy_id", "customer_id", "reopen_count", *COUNT_COLUMNS):
        if name in out:
            out[name] = out[name].astype("int64")
    for name in ("provider_id", "handling_s", "investigation_s"):
        if name in out:
            out[name] = pd.array(out[name], dtype="Int64")
    for name in ("investigated", "straight_through"):
        if name in out:
            out[name] = out[name].astype(bool)
    if "conclusions" in out:
        out = _fraud_label(out, from_investigations)
    if "fraud" in out:
        out["fraud"] = out["fraud"].astype("boolean")
    for name in MONEY_COLUMNS:
        if name in out:
            out[name] = out[name].astype(object)
    for name in STRING_COLUMNS:
        if name in out:
            out[name] = out[name].astype("str")
    return out


def _fraud_label(frame: pd.DataFrame, from_investigations: bool) -> pd.DataFrame:
    """``fraud`` from investigation conclusions (confirmed fraud; a claim without one is not known to be
    fraud) once any conclusion exists in the book; until then the demo's planted truth where it exists."""
    confirmed = frame.pop("fraud_confirmed").astype("int64").to_numpy() > 0
    frame.pop("conclusions")
    if from_investigations:
        frame["fraud"] = confirmed
    return frame


def has_conclusions(bind: Bind) -> bool:
    """Whether any investigation in the database has a conclusion (then those are the fraud labels)."""
    conn, owned = _connection(bind)
    try:
        found = conn.execute(
            select(INVESTIGATIONS.c.claim_id).where(INVESTIGATIONS.c.conclusion.is_not(None)).limit(1)
        ).first()
        return found is not None
    finally:
        if owned:
            conn.close()


def select_claims(
    frame: pd.DataFrame,
    *,
    since: date | None = None,
    until: date | None = None,
    lines: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The rows of a claims frame that :func:`claims_select` would pick (Shanghai report days, lines)."""
    keep = pd.Series(True, index=frame.index)
    if (since is not None or until is not None) and "reported_at" in frame:
        reported = pd.to_datetime(frame["reported_at"], utc=True)
        if since is not None:
            keep &= reported >= pd.Timestamp(start_of_local_day(since))
        if until is not None:
            keep &= reported < pd.Timestamp(start_of_local_day(until))
    if lines and "line" in frame:
        keep &= frame["line"].isin(list(lines))
    return frame if bool(keep.all()) else frame.loc[keep].reset_index(drop=True)


def read_claims_csv(path: str | Path) -> pd.DataFrame:
    """A claims frame from a CSV file with the loader's column names (UTF-8, header row).

    Dates parse as calendar days, timestamps as UTC (ISO 8601; naive values are taken as UTC), amounts
    as floats of CNY (analytics only), ids and counts as integers, ``investigated``/``fraud`` as
    booleans (true/false, 1/0). Other columns stay text.

    Raises
    ------
    ValidationFailed
        ``BAD_FILE`` when the file cannot be read; ``BAD_FRAME`` naming the missing columns, or the
        column and an example of a value that does not parse.
    """
    source = Path(path)
    try:
        raw = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ValidationFailed(f"{source.name}: cannot read as CSV ({exc})", code="BAD_FILE") from exc
    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [c for c in KEY_COLUMNS if c not in raw]
    if missing:
        raise ValidationFailed(
            f"{source.name}: missing column(s) {', '.join(missing)}",
            code="BAD_FRAME",
            details={"missing": missing},
        )
    text = raw.apply(lambda col: col.str.strip()).replace("", None)
    out = pd.DataFrame(index=text.index)
    for name in text.columns:
        col = text[name]
        try:
            if name in DATE_COLUMNS:
                out[name] = pd.to_datetime(col, format="ISO8601").astype("datetime64[s]")
            elif name in TIMESTAMP_COLUMNS:
                out[name] = pd.to_datetime(col, format="ISO8601", utc=True).astype("datetime64[us, UTC]")
            elif name in MONEY_COLUMNS or name in ("handling_s", "investigation_s", "satisfaction"):
                out[name] = pd.to_numeric(col).astype(np.float64)
            elif name in (
                "claim_id",
                "policy_id",
                "customer_id",
                "provider_id",
                "reopen_count",
                *COUNT_COLUMNS,
            ):
                out[name] = pd.array(pd.to_numeric(col), dtype="Int64")
            elif name in ("investigated", "straight_through", "fraud", "dispute"):
                out[name] = col.str.lower().map(_BOOLEAN).astype("boolean")
                if out[name].isna().sum() > col.isna().sum():
                    raise ValueError(f"not a boolean: {col[out[name].isna() & col.notna()].iloc[0]!r}")
            else:
                out[name] = col.astype("str")
        except (ValueError, TypeError) as exc:
            raise ValidationFailed(f"{source.name}: column {name}: {exc}", code="BAD_FRAME") from exc
    for name in ("claim_id", "policy_id", "customer_id", "reopen_count", *COUNT_COLUMNS):
        if name in out and not out[name].isna().any():
            out[name] = out[name].astype("int64")
    return out


_BOOLEAN = {
    "true": True,
    "false": False,
    "1": True,
    "0": False,
    "t": True,
    "f": False,
    "yes": True,
    "no": False,
}
