"""Declared shapes of the mining frames (pandera): what the loaders give and the estimators take.

- ``RAW_CLAIMS``: a claims frame as the loader (or an import) gives it: columns and their kinds only,
  anything may be missing or wrong; the data-quality report and the cleaning pipeline take it.
- ``CLAIMS_FRAME``: a claims frame fit for features: unique claim ids and the key columns filled in.
- ``FEATURE_TABLE`` and ``LABELS``: the feature table's two halves (see
  :mod:`claimops.mining.estimators.features`).
- ``period_label``: the labels of a series frame's months and quarters.

Dtype checks accept any unit of ``datetime64`` and money either as floats or as the ``Decimal`` objects
the database returns. A frame that does not match raises :class:`claimops.errors.ValidationFailed`
whose message names each column and problem.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError, SchemaErrors

from claimops.errors import ValidationFailed

__all__ = [
    "CLAIMS_FRAME",
    "FEATURE_TABLE",
    "KEY_COLUMNS",
    "LABELS",
    "RAW_CLAIMS",
    "period_label",
    "validate",
]


def _kind(name: str, test: Callable[[pd.Series], bool]) -> pa.Check:
    return pa.Check(lambda s: bool(test(s)), element_wise=False, name=name, error=name)


def _naive_datetime(s: pd.Series) -> bool:
    return bool(pd.api.types.is_datetime64_dtype(s.dtype)) and getattr(s.dtype, "tz", None) is None


def _any_datetime(s: pd.Series) -> bool:
    return bool(pd.api.types.is_datetime64_any_dtype(s.dtype))


def _money(s: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(s.dtype):
        return False
    if pd.api.types.is_numeric_dtype(s.dtype):
        return True
    if s.dtype != object:
        return False
    kinds = s.dropna().map(type)
    return bool(kinds.isin([Decimal, float, int, np.float64]).all())


def _integer(s: pd.Series) -> bool:
    return bool(pd.api.types.is_integer_dtype(s.dtype))


def _number(s: pd.Series) -> bool:
    return bool(pd.api.types.is_numeric_dtype(s.dtype)) and not pd.api.types.is_bool_dtype(s.dtype)


def _boolean(s: pd.Series) -> bool:
    return bool(pd.api.types.is_bool_dtype(s.dtype))


def _text(s: pd.Series) -> bool:
    if isinstance(s.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(s.dtype):
        return True
    return s.dtype == object and bool(s.dropna().map(type).eq(str).all())


def _category(s: pd.Series) -> bool:
    return isinstance(s.dtype, pd.CategoricalDtype)


IS_DATE = _kind("is a date (datetime64 without time zone)", _naive_datetime)
IS_TIMESTAMP = _kind("is a timestamp (datetime64, UTC when naive)", _any_datetime)
IS_MONEY = _kind("is an amount (number or Decimal)", _money)
IS_INTEGER = _kind("is an integer", _integer)
IS_NUMBER = _kind("is a number", _number)
IS_BOOL = _kind("is a boolean", _boolean)
IS_TEXT = _kind("is text", _text)
IS_CATEGORY = _kind("is categorical", _category)


def _col(check: pa.Check, *more: pa.Check, required: bool = True, nullable: bool = True) -> pa.Column:
    return pa.Column(checks=[check, *more], required=required, nullable=nullable)


def _opt(check: pa.Check, *more: pa.Check) -> pa.Column:
    return _col(check, *more, required=False)


_OPTIONAL_CLAIM_COLUMNS: dict[str, pa.Column] = {
    "region": _opt(IS_TEXT),
    "channel": _opt(IS_TEXT),
    "status": _opt(IS_TEXT),
    "outcome": _opt(IS_TEXT),
    "assessed_loss": _opt(IS_MONEY),
    "approved_amount": _opt(IS_MONEY),
    "approved_total": _opt(IS_MONEY),
    "paid_amount": _opt(IS_MONEY),
    "effective_from": _opt(IS_DATE),
    "effective_to": _opt(IS_DATE),
    "sum_insured": _opt(IS_MONEY),
    "deductible": _opt(IS_MONEY),
    "provider_id": _opt(IS_NUMBER),
    "birth_date": _opt(IS_DATE),
    "gender": _opt(IS_TEXT, pa.Check.isin(["M", "F"])),
    "id_number": _opt(IS_TEXT),
    "accepted_at": _opt(IS_TIMESTAMP),
    "decided_at": _opt(IS_TIMESTAMP),
    "paid_at": _opt(IS_TIMESTAMP),
    "completed_at": _opt(IS_TIMESTAMP),
    "handling_s": _opt(IS_NUMBER),
    "investigated": _opt(IS_BOOL),
    "docs_received": _opt(IS_INTEGER, pa.Check.ge(0)),
    "required_docs_received": _opt(IS_INTEGER, pa.Check.ge(0)),
    "fraud": _opt(IS_BOOL),
    "dispute": _opt(IS_BOOL),
    "satisfaction": _opt(IS_NUMBER),
}

RAW_CLAIMS = pa.DataFrameSchema(
    {
        "claim_id": _col(IS_NUMBER),
        "policy_id": _col(IS_NUMBER),
        "customer_id": _col(IS_NUMBER),
        "line": _col(IS_TEXT),
        "incident_date": _col(IS_DATE),
        "reported_at": _col(IS_TIMESTAMP),
        "claimed_amount": _col(IS_MONEY),
        **_OPTIONAL_CLAIM_COLUMNS,
    },
    name="claims frame (raw)",
)
"""A claims frame as read: the columns and their kinds; values may be missing or wrong."""

CLAIMS_FRAME = pa.DataFrameSchema(
    {
        "claim_id": _col(IS_INTEGER, nullable=False),
        "policy_id": _col(IS_INTEGER, nullable=False),
        "customer_id": _col(IS_INTEGER, nullable=False),
        "line": _col(IS_TEXT, nullable=False),
        "incident_date": _col(IS_DATE, nullable=False),
        "reported_at": _col(IS_TIMESTAMP, nullable=False),
        "claimed_amount": _col(IS_MONEY, nullable=False),
        **_OPTIONAL_CLAIM_COLUMNS,
    },
    unique=["claim_id"],
    name="claims frame",
)
"""A claims frame fit for the feature table: one row per claim, keys and report facts present."""

KEY_COLUMNS = tuple(name for name, col in RAW_CLAIMS.columns.items() if col.required)
"""The columns every claims frame must have: ids, line, incident date, report time, claimed amount."""

_UNIT = pa.Check.in_range(0.0, 1.0)

FEATURE_TABLE = pa.DataFrameSchema(
    {
        "line": _col(IS_CATEGORY, nullable=False),
        "region": _col(IS_CATEGORY),
        "channel": _col(IS_CATEGORY),
        "provider_id": _col(IS_NUMBER),
        "provider": _col(IS_CATEGORY),
        "claimed_amount": _col(IS_NUMBER, pa.Check.ge(0), nullable=False),
        "amount_band": _col(IS_CATEGORY, nullable=False),
        "round_amount": _col(IS_BOOL),
        "claim_ratio": _col(IS_NUMBER, pa.Check.ge(0)),
        "policy_age_days": _col(IS_NUMBER),
        "days_to_expiry": _col(IS_NUMBER),
        "early_claim": _col(IS_BOOL),
        "near_expiry": _col(IS_BOOL),
        "days_to_report": _col(IS_NUMBER),
        "late_report": _col(IS_BOOL),
        "report_hour": _col(IS_INTEGER, pa.Check.in_range(0, 23), nullable=False),
        "night_report": _col(IS_BOOL),
        "docs_required": _col(IS_INTEGER, pa.Check.ge(0)),
        "doc_completeness": _col(IS_NUMBER, _UNIT),
        "docs_incomplete": _col(IS_BOOL),
        "prior_claims": _col(IS_INTEGER, pa.Check.ge(0)),
        "same_provider_prior": _col(IS_INTEGER, pa.Check.ge(0)),
        "frequent_claimant": _col(IS_BOOL),
        "customer_age": _col(IS_NUMBER, pa.Check.in_range(0, 130)),
        "customer_gender": _col(IS_CATEGORY),
        # the customer's claims in each of the builder's windows: any line, and the claim's own line
        r"prior_claims_\d+d": pa.Column(checks=[IS_INTEGER, pa.Check.ge(0)], regex=True, required=False),
        r"prior_same_line_\d+d": pa.Column(checks=[IS_INTEGER, pa.Check.ge(0)], regex=True, required=False),
    },
    index=pa.Index(int, name="claim_id", unique=True),
    strict=True,
    name="feature table",
)
"""The feature half of a :class:`~claimops.mining.estimators.features.FeatureTable`, indexed by claim id."""

LABELS = pa.DataFrameSchema(
    {
        "denied": _col(IS_BOOL),
        "investigated": _col(IS_BOOL),
        "large_loss": _col(IS_BOOL),
        "paid_amount": _col(IS_NUMBER, pa.Check.ge(0)),
        "handling_days": _col(IS_NUMBER, pa.Check.ge(0)),
        "fraud": _col(IS_BOOL, required=False),
        "fraud_pattern": _col(IS_TEXT, required=False),
        "dispute": _col(IS_BOOL, required=False),
        "satisfaction": _col(IS_NUMBER, required=False),
    },
    index=pa.Index(int, name="claim_id", unique=True),
    strict=True,
    name="labels",
)
"""The outcome half of a feature table: kept apart so that no outcome leaks into the features."""


def validate(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Check ``frame`` against ``schema``; all problems at once as one ValidationFailed.

    Raises
    ------
    ValidationFailed
        Code ``BAD_FRAME``; the message lists ``column: problem`` pairs, ``details`` holds them as
        dicts (column, check, rows, examples).
    """
    if not isinstance(frame, pd.DataFrame):
        raise ValidationFailed(
            f"{schema.name}: expected a pandas DataFrame, got {type(frame).__name__}", code="BAD_FRAME"
        )
    # pandera cannot report failures on a frame with a repeated index (it unstacks by index)
    checked = frame.reset_index(drop=True) if schema.index is None and not frame.index.is_unique else frame
    try:
        out = schema.validate(checked, lazy=True)
        return frame if checked is not frame else out
    except SchemaErrors as exc:
        problems = _problems(exc.failure_cases)
    except SchemaError as exc:  # pragma: no cover - lazy validation collects errors into SchemaErrors
        problems = [{"column": str(exc.schema.name), "check": str(exc), "rows": 0, "examples": []}]
    text = "; ".join(_describe(p) for p in problems)
    raise ValidationFailed(f"{schema.name}: {text}", code="BAD_FRAME", details=problems)


def _problems(cases: pd.DataFrame) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    cases = cases.astype({"column": object, "check": object}).fillna({"column": "", "check": ""})
    for (col, check), group in cases.groupby(["column", "check"], sort=False, dropna=False):
        check_text = str(check)
        column_name = str(col) if col else ""
        if check_text == "column_in_dataframe":
            column_name = str(group["failure_case"].iloc[0])
            check_text = "missing"
        elif check_text.startswith("column_in_schema"):
            column_name = str(group["failure_case"].iloc[0])
            check_text = "not allowed"
        elif check_text == "field_uniqueness" or check_text.startswith("multiple_fields_uniqueness"):
            check_text = "duplicated values"
        elif check_text == "not_nullable":
            check_text = "missing values"
        index = group["index"].dropna().tolist() if "index" in group else []
        rows = len(index)
        examples = [_plain(v) for v in group["failure_case"].head(3).tolist()] if rows else []
        out.append({"column": column_name, "check": check_text, "rows": rows, "examples": examples})
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value if isinstance(value, int | float | str | bool) or value is None else str(value)


def _describe(problem: dict[str, Any]) -> str:
    where = problem["column"] or "frame"
    text = f"{where}: {problem['check']}"
    if problem["rows"]:
        text += f" ({problem['rows']} rows, e.g. {', '.join(map(str, problem['examples']))})"
    return text


def period_label(period: pd.Period) -> str:
    """``"2026-07"`` for a month, ``"2026-Q3"`` for a quarter (as in claimops.reporting.periods).

    The labels of a series frame's periods (monthly or quarterly ``PeriodIndex``).

    >>> period_label(pd.Period("2026-07", freq="M")), period_label(pd.Period("2026Q3", freq="Q"))
    ('2026-07', '2026-Q3')
    """
    freq = period.freqstr
    if freq.startswith("M"):
        return f"{period.year}-{period.month:02d}"
    if freq.startswith("Q"):
        return f"{period.year}-Q{period.quarter}"
    return str(period)
