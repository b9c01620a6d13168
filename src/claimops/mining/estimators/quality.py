"""Data quality (数据预处理): a report of what is wrong in a claims frame, and recorded cleaning steps.

:class:`DataQuality` counts, per check, the rows with missing values, duplicates, impossible or
out-of-order dates, amounts beyond the policy's limits or below zero, and amount outliers by line
(robust z-score on log amounts, or Tukey's IQR fences). It changes nothing.

:class:`CleaningPipeline` then applies named, repeatable steps (drop, fix or flag), each recorded with
its name, the rows it affected and the reason, so that a report can show what was done to the data
before mining. Amounts are compared as floats of CNY (analytics only; nothing here is paid out).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from claimops.i18n import t
from claimops.mining.data.frames import KEY_COLUMNS, RAW_CLAIMS, validate
from claimops.mining.estimators.base import Estimator, require_fitted
from claimops.mining.estimators.features import SHANGHAI, cny, parse_id_numbers

__all__ = [
    "CHECKS",
    "CleaningPipeline",
    "CleaningStep",
    "ClearOutOfOrderTimes",
    "DataQuality",
    "DropDuplicateClaims",
    "DropIncidentAfterReport",
    "DropMissingKeys",
    "DropNegativeAmounts",
    "FillBlankCategories",
    "FlagAmountOutliers",
    "FlagDuplicateIncidents",
    "QualityIssue",
    "QualityReport",
    "StepRecord",
    "default_steps",
    "missing_values",
    "outlier_bounds",
    "quality_report",
    "valid_id_numbers",
]

BoolArray = npt.NDArray[np.bool_]
OutlierMethod = Literal["robust_z", "iqr"]

MONEY = (
    "claimed_amount",
    "assessed_loss",
    "approved_amount",
    "approved_total",
    "paid_amount",
    "sum_insured",
    "deductible",
)
# check -> category, in report order
CHECKS: dict[str, str] = {
    "duplicate_claim_id": "duplicate",
    "duplicate_policy_incident": "duplicate",
    "duplicate_customer_id": "duplicate",
    "invalid_id_number": "invalid",
    "incident_after_report": "date",
    "report_after_decision": "date",
    "payment_before_decision": "date",
    "incident_outside_policy": "date",
    "policy_period_reversed": "date",
    "negative_amount": "amount",
    "claimed_over_sum_insured": "amount",
    "paid_over_sum_insured": "amount",
    "paid_over_approved": "amount",
    "amount_outlier": "outlier",
}
ROBUST_Z_SCALE = 0.6745  # Φ⁻¹(0.75): makes the MAD of a normal sample estimate its σ
ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
ID_CHECK = np.array(list("10X98765432"))


@dataclass(frozen=True)
class QualityIssue:
    """Rows failing one check.

    Attributes
    ----------
    check : str
        Check name (a key of :data:`CHECKS`).
    category : str
        duplicate, invalid, date, amount or outlier.
    rows : int
        Rows failing the check.
    share : float
        ``rows`` over the rows of the frame.
    examples : list of int
        The first few claim ids (or customer ids for a customers frame).
    """

    check: str
    category: str
    rows: int
    share: float
    examples: list[int] = field(default_factory=list)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """Plain values, with the check's label in ``lang``."""
        return {
            "check": self.check,
            "category": self.category,
            "label": t(f"mining.quality.{self.check}", lang),
            "rows": self.rows,
            "share": self.share,
            "examples": list(self.examples),
        }


@dataclass(frozen=True, eq=False)
class QualityReport:
    """What :class:`DataQuality` found.

    Attributes
    ----------
    n_rows : int
    missing : DataFrame
        Per column: ``missing`` (count; blank text counts as missing) and ``share``, most missing first.
    issues : list of QualityIssue
        One per check that ran, in :data:`CHECKS` order (rows may be 0).
    skipped : list of str
        Checks that could not run because the frame lacks their columns.
    outlier_bounds : DataFrame
        Per group: ``low`` and ``high`` amount bounds (CNY), ``n`` amounts used.
    """

    n_rows: int
    missing: pd.DataFrame
    issues: list[QualityIssue]
    skipped: list[str]
    outlier_bounds: pd.DataFrame

    def issue(self, check: str) -> QualityIssue:
        """The issue of one check (KeyError if it was skipped or is unknown)."""
        for item in self.issues:
            if item.check == check:
                return item
        raise KeyError(check)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """JSON-ready report."""
        return {
            "n_rows": self.n_rows,
            "missing": [
                {"column": str(col), "missing": int(row["missing"]), "share": float(row["share"])}
                for col, row in self.missing.iterrows()
            ],
            "issues": [issue.to_dict(lang) for issue in self.issues],
            "skipped": list(self.skipped),
            "outlier_bounds": [
                {"group": str(g), "low": float(r["low"]), "high": float(r["high"]), "n": int(r["n"])}
                for g, r in self.outlier_bounds.iterrows()
            ],
        }


def missing_values(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing values per column (NaN/None/NaT, and blank strings in text columns), most first."""
    counts = {}
    for name in frame.columns:
        col = frame[name]
        missing = col.isna()
        if pd.api.types.is_string_dtype(col.dtype) or col.dtype == object:
            missing = missing | col.astype("str").str.strip().eq("").fillna(False).astype(bool)
        counts[name] = int(missing.sum())
    out = pd.DataFrame({"missing": pd.Series(counts, dtype=np.int64)})
    out["share"] = out["missing"] / max(len(frame), 1)
    return out.sort_values("missing", ascending=False, kind="stable")


def outlier_bounds(
    values: pd.Series,
    groups: pd.Series | None = None,
    *,
    method: OutlierMethod = "robust_z",
    threshold: float = 3.5,
    iqr_factor: float = 1.5,
    log_scale: bool = True,
) -> pd.DataFrame:
    """Outlier bounds per group: robust z-score (|0.6745 (x − median) / MAD| > threshold) or IQR fences.

    Computed on ``log1p`` of the amounts when ``log_scale`` (claim amounts are skewed), over the values
    that are ≥ 0; the bounds are returned on the amount scale. A group whose spread is 0 gets infinite
    bounds (nothing is an outlier).

    Returns
    -------
    DataFrame
        Index: group; columns ``low``, ``high``, ``n``.
    """
    x = values.astype(np.float64)
    keys = groups.astype("str").fillna("") if groups is not None else pd.Series("", index=values.index)
    ok = x.notna() & (x >= 0)
    scaled = np.log1p(x[ok]) if log_scale else x[ok]
    grouped = scaled.groupby(keys[ok].to_numpy(), sort=True)
    if method == "robust_z":
        center = grouped.median()
        dev = (scaled - keys[ok].map(center).to_numpy()).abs()
        mad = dev.groupby(keys[ok].to_numpy(), sort=True).median()
        half = threshold * mad / ROBUST_Z_SCALE
        low, high = center - half, center + half
        spread = mad
    elif method == "iqr":
        q1, q3 = grouped.quantile(0.25), grouped.quantile(0.75)
        iqr = q3 - q1
        low, high = q1 - iqr_factor * iqr, q3 + iqr_factor * iqr
        spread = iqr
    else:
        raise ValueError(f"unknown outlier method {method!r}: robust_z or iqr")
    low = low.where(spread > 0, -np.inf)
    high = high.where(spread > 0, np.inf)
    if log_scale:
        low, high = np.expm1(low), np.expm1(high)
    out = pd.DataFrame({"low": low, "high": high, "n": grouped.size()})
    out.index.name = "group"
    return out


def _outside(values: pd.Series, groups: pd.Series | None, bounds: pd.DataFrame) -> BoolArray:
    x = values.astype(np.float64).to_numpy()
    keys = groups.astype("str").fillna("") if groups is not None else pd.Series("", index=values.index)
    low = keys.map(bounds["low"]).astype(np.float64).to_numpy()
    high = keys.map(bounds["high"]).astype(np.float64).to_numpy()
    with np.errstate(invalid="ignore"):
        # negative amounts have a check of their own and no log: they are not outliers as well
        out: BoolArray = (x >= 0) & ((x < low) | (x > high))
    return out


def _local_days(stamps: pd.Series) -> npt.NDArray[Any]:
    index = pd.DatetimeIndex(stamps)
    if index.tz is None:
        index = index.tz_localize("UTC")
    days: npt.NDArray[Any] = index.tz_convert(SHANGHAI).tz_localize(None).to_numpy().astype("datetime64[D]")
    return days


def _utc(stamps: pd.Series) -> pd.Series:
    return pd.to_datetime(stamps, utc=True)


def valid_id_numbers(ids: pd.Series) -> pd.Series:
    """Whether each value is an 18-digit resident ID with a real birth date and a right check digit."""
    text = ids.astype("str").str.strip().str.upper()
    shaped = (text.str.len() == 18) & text.str[:17].str.isdigit().fillna(False).astype(bool)
    valid = shaped & parse_id_numbers(ids)["birth_date"].notna()
    if not valid.any():
        return valid.astype(bool)
    body = text[valid].to_numpy(dtype="U18")
    chars = body.view("U1").reshape(len(body), 18)
    ok = ID_CHECK[(chars[:, :17].astype(np.int64) @ ID_WEIGHTS) % 11] == chars[:, 17]
    out = valid.copy()
    out[valid] = ok
    return out.astype(bool)


class DataQuality(Estimator):
    """Data-quality checks over a claims frame (or a customers frame with ``id_number``).

    Parameters
    ----------
    outlier_method : {"robust_z", "iqr"}
        Robust z-score (median and MAD) or Tukey's IQR fences, per ``group_by``.
    z_threshold : float
        Robust z-score beyond which an amount is an outlier (Iglewicz and Hoaglin suggest 3.5).
    iqr_factor : float
        Fence distance in IQRs for the IQR method.
    outlier_column : str
        Amount column checked for outliers.
    group_by : str or None
        Column whose groups get their own bounds (lines differ by an order of magnitude).
    log_scale : bool
        Compute outlier bounds on log amounts.
    examples : int
        Example ids kept per check.

    Attributes
    ----------
    report_ : QualityReport
    flags_ : DataFrame
        One boolean column per check that ran, aligned with the frame's rows.
    bounds_ : DataFrame
        Outlier bounds per group.

    Examples
    --------
    >>> import pandas as pd
    >>> claims = pd.DataFrame({
    ...     "claim_id": [1, 2, 2, 3], "policy_id": [10, 11, 11, 12], "customer_id": [100, 101, 101, 102],
    ...     "line": ["auto", "auto", "auto", "health"],
    ...     "incident_date": pd.to_datetime(["2025-03-01", "2025-03-02", "2025-03-02", "2025-03-09"]),
    ...     "reported_at": pd.to_datetime(["2025-03-02", "2025-03-04", "2025-03-04", "2025-03-04"], utc=True),
    ...     "claimed_amount": [5000.0, 1200.0, 1200.0, -10.0],
    ... })
    >>> report = DataQuality().fit(claims).report_
    >>> {issue.check: issue.rows for issue in report.issues if issue.rows}
    {'duplicate_claim_id': 2, 'incident_after_report': 1, 'negative_amount': 1}

    (Both rows of claim 2 count; claim 3 happened after it was reported and claims a negative amount.)
    """

    def __init__(
        self,
        *,
        outlier_method: OutlierMethod = "robust_z",
        z_threshold: float = 3.5,
        iqr_factor: float = 1.5,
        outlier_column: str = "claimed_amount",
        group_by: str | None = "line",
        log_scale: bool = True,
        examples: int = 5,
    ) -> None:
        self.outlier_method = outlier_method
        self.z_threshold = z_threshold
        self.iqr_factor = iqr_factor
        self.outlier_column = outlier_column
        self.group_by = group_by
        self.log_scale = log_scale
        self.examples = examples

    def fit(self, X: pd.DataFrame, y: Any = None) -> DataQuality:
        """Run every check whose columns ``X`` has; ``X`` is not changed."""
        frame = X if "claim_id" not in X else validate(X, RAW_CLAIMS)
        flags: dict[str, BoolArray] = {}
        skipped: list[str] = []

        def run(check: str, needs: Sequence[str], compute: Any) -> None:
            if all(c in frame for c in needs):
                flags[check] = np.asarray(compute(), dtype=bool)
            else:
                skipped.append(check)

        has = frame.columns
        run("duplicate_claim_id", ["claim_id"], lambda: frame["claim_id"].duplicated(keep=False).to_numpy())
        run("duplicate_policy_incident", ["policy_id", "incident_date"], lambda: self._dup_incident(frame))
        run("duplicate_customer_id", ["customer_id", "id_number"], lambda: self._dup_customer(frame))
        run("invalid_id_number", ["id_number"], lambda: self._invalid_ids(frame))
        run(
            "incident_after_report",
            ["incident_date", "reported_at"],
            lambda: (
                frame["incident_date"].to_numpy(dtype="datetime64[D]") > _local_days(frame["reported_at"])
            ),
        )
        run(
            "report_after_decision",
            ["reported_at", "decided_at"],
            lambda: (_utc(frame["reported_at"]) > _utc(frame["decided_at"])).to_numpy(),
        )
        run(
            "payment_before_decision",
            ["paid_at", "decided_at"],
            lambda: (_utc(frame["paid_at"]) < _utc(frame["decided_at"])).to_numpy(),
        )
        run(
            "incident_outside_policy",
            ["incident_date", "effective_from", "effective_to"],
            lambda: (
                (frame["incident_date"] < frame["effective_from"])
                | (frame["incident_date"] > frame["effective_to"])
            ).to_numpy(),
        )
        run(
            "policy_period_reversed",
            ["effective_from", "effective_to"],
            lambda: (frame["effective_to"] < frame["effective_from"]).to_numpy(),
        )
        money = [c for c in MONEY if c in has]
        run(
            "negative_amount",
            money[:1] or ["claimed_amount"],
            lambda: np.any([cny(frame[c]).to_numpy() < 0 for c in money], axis=0),
        )
        run(
            "claimed_over_sum_insured",
            ["claimed_amount", "sum_insured"],
            lambda: cny(frame["claimed_amount"]) > cny(frame["sum_insured"]),
        )
        run(
            "paid_over_sum_insured",
            ["paid_amount", "sum_insured"],
            lambda: cny(frame["paid_amount"]) > cny(frame["sum_insured"]),
        )
        # all decisions together (a reopened claim is paid the first and the supplementary approval)
        approved = "approved_total" if "approved_total" in has else "approved_amount"
        run(
            "paid_over_approved",
            ["paid_amount", approved],
            lambda: cny(frame["paid_amount"]) > cny(frame[approved]),
        )
        groups = frame[self.group_by] if self.group_by and self.group_by in has else None
        if self.outlier_column in has:
            values = cny(frame[self.outlier_column])
            self.bounds_ = outlier_bounds(
                values,
                groups,
                method=self.outlier_method,
                threshold=self.z_threshold,
                iqr_factor=self.iqr_factor,
                log_scale=self.log_scale,
            )
            flags["amount_outlier"] = _outside(values, groups, self.bounds_)
        else:
            self.bounds_ = pd.DataFrame({"low": [], "high": [], "n": []}).rename_axis("group")
            skipped.append("amount_outlier")

        self.flags_ = pd.DataFrame(flags, index=frame.index)
        ids = frame["claim_id"] if "claim_id" in has else frame.get("customer_id", pd.Series(frame.index))
        n = len(frame)
        issues = []
        for check, category in CHECKS.items():
            if check not in flags:
                continue
            mask = flags[check]
            example_ids = ids.to_numpy()[mask][: self.examples]
            issues.append(
                QualityIssue(
                    check=check,
                    category=category,
                    rows=int(mask.sum()),
                    share=float(mask.sum() / n) if n else 0.0,
                    examples=[int(v) for v in example_ids if pd.notna(v)],
                )
            )
        self.report_ = QualityReport(
            n_rows=n,
            missing=missing_values(frame),
            issues=issues,
            skipped=skipped,
            outlier_bounds=self.bounds_,
        )
        return self

    @staticmethod
    def _dup_incident(frame: pd.DataFrame) -> BoolArray:
        """Rows sharing policy and incident date with another claim (a repeated claim row counts once)."""
        first = ~frame["claim_id"].duplicated() if "claim_id" in frame else pd.Series(True, index=frame.index)
        keys = frame.loc[first, ["policy_id", "incident_date"]]
        dup = keys.duplicated(keep=False).reindex(frame.index, fill_value=False)
        out: BoolArray = dup.to_numpy(dtype=bool)
        return out

    @staticmethod
    def _dup_customer(frame: pd.DataFrame) -> BoolArray:
        """Rows whose ID number (trimmed, upper-case) belongs to more than one customer id."""
        ids = frame["id_number"].astype("str").str.strip().str.upper()
        known = ids.notna() & ids.ne("")
        customers = frame["customer_id"].where(known).groupby(ids.where(known)).transform("nunique")
        out: BoolArray = (customers > 1).fillna(False).to_numpy(dtype=bool)
        return out

    @staticmethod
    def _invalid_ids(frame: pd.DataFrame) -> BoolArray:
        ids = frame["id_number"]
        present = ids.notna() & ids.astype("str").str.strip().ne("")
        out: BoolArray = (present & ~valid_id_numbers(ids)).to_numpy(dtype=bool)
        return out


def quality_report(X: pd.DataFrame, **params: Any) -> QualityReport:
    """``DataQuality(**params).fit(X).report_``."""
    return DataQuality(**params).fit(X).report_


# --- cleaning ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepRecord:
    """One applied cleaning step: what it did and to how many rows."""

    name: str
    action: str
    rows_affected: int
    rows_before: int
    rows_after: int
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """Plain values with the step's label and reason in ``lang``."""
        return {
            "name": self.name,
            "action": self.action,
            "label": t(f"mining.clean.{self.name}.label", lang, **self.params),
            "reason": t(f"mining.clean.{self.name}.reason", lang, **self.params),
            "rows_affected": self.rows_affected,
            "rows_before": self.rows_before,
            "rows_after": self.rows_after,
        }


class CleaningStep(Estimator):
    """A named cleaning step: ``action`` is ``drop`` (rows), ``fix`` (values) or ``flag`` (a new column)."""

    name = "step"
    action = "fix"

    def params(self) -> dict[str, Any]:
        """Parameters quoted in the step's reason."""
        return {}

    def fit(self, X: pd.DataFrame) -> CleaningStep:
        """Learn what the step needs from the data (most steps need nothing)."""
        return self

    def apply(self, X: pd.DataFrame) -> tuple[pd.DataFrame, int]:
        """The cleaned frame and the number of rows affected."""
        raise NotImplementedError


class _DropStep(CleaningStep):
    action = "drop"

    def mask(self, X: pd.DataFrame) -> BoolArray:
        raise NotImplementedError

    def apply(self, X: pd.DataFrame) -> tuple[pd.DataFrame, int]:
        drop = self.mask(X)
        return X.loc[~drop], int(drop.sum())


class DropDuplicateClaims(_DropStep):
    """Drop repeated rows of the same claim id, keeping the first."""

    name = "drop_duplicate_claims"

    def mask(self, X: pd.DataFrame) -> BoolArray:
        out: BoolArray = X["claim_id"].duplicated(keep="first").to_numpy(dtype=bool)
        return out


class DropMissingKeys(_DropStep):
    """Drop rows missing a key fact (ids, line, incident date, report time, claimed amount)."""

    name = "drop_missing_keys"

    def __init__(self, columns: Sequence[str] = KEY_COLUMNS) -> None:
        self.columns = tuple(columns)

    def params(self) -> dict[str, Any]:
        return {"columns": ", ".join(self.columns)}

    def mask(self, X: pd.DataFrame) -> BoolArray:
        present = [c for c in self.columns if c in X]
        if not present:
            return np.zeros(len(X), dtype=bool)
        blank = X[present].isna().any(axis=1)
        if "line" in present:
            blank |= X["line"].astype("str").str.strip().eq("").fillna(True).astype(bool)
        out: BoolArray = blank.to_numpy(dtype=bool)
        return out


class DropIncidentAfterReport(_DropStep):
    """Drop claims whose incident date is after the (Shanghai) day they were reported."""

    name = "drop_incident_after_report"

    def mask(self, X: pd.DataFrame) -> BoolArray:
        incident = X["incident_date"].to_numpy(dtype="datetime64[D]")
        out: BoolArray = incident > _local_days(X["reported_at"])
        return out


class DropNegativeAmounts(_DropStep):
    """Drop claims with a negative claimed (or other) amount."""

    name = "drop_negative_amounts"

    def __init__(self, columns: Sequence[str] = ("claimed_amount",)) -> None:
        self.columns = tuple(columns)

    def params(self) -> dict[str, Any]:
        return {"columns": ", ".join(self.columns)}

    def mask(self, X: pd.DataFrame) -> BoolArray:
        out = np.zeros(len(X), dtype=bool)
        for name in self.columns:
            if name in X:
                out |= (cny(X[name]) < 0).to_numpy(dtype=bool)
        return out


class ClearOutOfOrderTimes(CleaningStep):
    """Clear a decision time before the report and a payment time before the decision (set to NaT)."""

    name = "clear_out_of_order_times"
    action = "fix"

    def apply(self, X: pd.DataFrame) -> tuple[pd.DataFrame, int]:
        out = X.copy()
        touched = np.zeros(len(X), dtype=bool)
        if "decided_at" in out and "reported_at" in out:
            bad = (_utc(out["decided_at"]) < _utc(out["reported_at"])).to_numpy(dtype=bool)
            out.loc[bad, "decided_at"] = pd.NaT
            touched |= bad
        if "paid_at" in out and "decided_at" in out:
            bad = (_utc(out["paid_at"]) < _utc(out["decided_at"])).to_numpy(dtype=bool)
            out.loc[bad, "paid_at"] = pd.NaT
            touched |= bad
        return out, int(touched.sum())


class FillBlankCategories(CleaningStep):
    """Fill blank region and channel with an explicit "unknown" level (a level of its own for mining)."""

    name = "fill_blank_categories"
    action = "fix"

    def __init__(self, columns: Sequence[str] = ("region", "channel"), value: str = "未知") -> None:
        self.columns = tuple(columns)
        self.value = value

    def params(self) -> dict[str, Any]:
        return {"columns": ", ".join(self.columns), "value": self.value}

    def apply(self, X: pd.DataFrame) -> tuple[pd.DataFrame, int]:
        out = X.copy()
        touched = np.zeros(len(X), dtype=bool)
        for name in self.columns:
            if name in out:
                text = out[name].astype("str")
                blank = (text.isna() | text.str.strip().eq("")).fillna(True).to_numpy(dtype=bool)
                out[name] = text.where(~blank, self.value)
                touched |= blank
        return out, int(touched.sum())


class FlagDuplicateIncidents(CleaningStep):
    """Flag (column ``duplicate_incident``) claims sharing policy and incident date with another claim."""

    name = "flag_duplicate_incidents"
    action = "flag"

    def apply(self, X: pd.DataFrame) -> tuple[pd.DataFrame, int]:
        out = X.copy()
        flag = out[["policy_id", "incident_date"]].duplicated(keep=False).to_numpy(dtype=bool)
        out["duplicate_incident"] = flag
        return out, int(flag.sum())


class FlagAmountOutliers(CleaningStep):
    """Flag (column ``amount_outlier``) claimed amounts outside their line's bounds learned in ``fit``."""

    name = "flag_amount_outliers"
    action = "flag"

    def __init__(
        self,
        method: OutlierMethod = "robust_z",
        threshold: float = 3.5,
        iqr_factor: float = 1.5,
        column: str = "claimed_amount",
        group_by: str | None = "line",
    ) -> None:
        self.method = method
        self.threshold = threshold
        self.iqr_factor = iqr_factor
        self.column = column
        self.group_by = group_by

    def params(self) -> dict[str, Any]:
        limit = self.threshold if self.method == "robust_z" else self.iqr_factor
        return {"method": self.method, "threshold": limit, "column": self.column}

    def _groups(self, X: pd.DataFrame) -> pd.Series | None:
        return X[self.group_by] if self.group_by and self.group_by in X else None

    def fit(self, X: pd.DataFrame) -> FlagAmountOutliers:
        self.bounds_ = outlier_bounds(
            cny(X[self.column]),
            self._groups(X),
            method=self.method,
            threshold=self.threshold,
            iqr_factor=self.iqr_factor,
        )
        return self

    def apply(self, X: pd.DataFrame) -> tuple[pd.DataFrame, int]:
        require_fitted(self, "bounds_")
        out = X.copy()
        flag = _outside(cny(out[self.column]), self._groups(out), self.bounds_)
        out["amount_outlier"] = flag
        return out, int(flag.sum())


def default_steps() -> list[CleaningStep]:
    """The standard cleaning for claims mining, in order."""
    return [
        DropDuplicateClaims(),
        DropMissingKeys(),
        DropIncidentAfterReport(),
        DropNegativeAmounts(),
        ClearOutOfOrderTimes(),
        FillBlankCategories(),
        FlagDuplicateIncidents(),
        FlagAmountOutliers(),
    ]


class CleaningPipeline(Estimator):
    """Named cleaning steps applied in order, each recorded (name, action, rows affected, reason).

    Parameters
    ----------
    steps : sequence of CleaningStep, optional
        Defaults to :func:`default_steps`. The given steps are not changed: ``fit`` works on copies.

    Attributes
    ----------
    steps_ : list of CleaningStep
        The fitted steps (each fitted on the output of the steps before it).
    log_ : list of StepRecord
        What the last ``fit`` or ``transform`` did, step by step.
    rows_in_, rows_out_ : int
        Rows before and after the last run.
    """

    def __init__(self, steps: Sequence[CleaningStep] | None = None) -> None:
        self.steps = steps

    def fit(self, X: pd.DataFrame, y: Any = None) -> CleaningPipeline:
        """Fit each step on the data as the steps before it leave it."""
        self.fit_transform(X)
        return self

    def fit_transform(self, X: pd.DataFrame, y: Any = None) -> pd.DataFrame:
        """Fit the steps and return the cleaned frame."""
        validate(X, RAW_CLAIMS)
        steps = copy.deepcopy(list(self.steps) if self.steps is not None else default_steps())
        return self._run(X, steps, fit=True)

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Apply the fitted steps to ``X`` (repeatable: the same input gives the same output and log)."""
        require_fitted(self, "steps_")
        validate(X, RAW_CLAIMS)
        return self._run(X, self.steps_, fit=False)

    def _run(self, X: pd.DataFrame, steps: list[CleaningStep], *, fit: bool) -> pd.DataFrame:
        frame = X
        log: list[StepRecord] = []
        for step in steps:
            if fit:
                step.fit(frame)
            before = len(frame)
            frame, affected = step.apply(frame)
            log.append(StepRecord(step.name, step.action, affected, before, len(frame), step.params()))
        self.steps_ = steps
        self.log_ = log
        self.rows_in_ = len(X)
        self.rows_out_ = len(frame)
        return frame.reset_index(drop=True)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """What was done, for the report: rows in and out and each step's record."""
        require_fitted(self, "log_")
        return {
            "rows_in": self.rows_in_,
            "rows_out": self.rows_out_,
            "steps": [record.to_dict(lang) for record in self.log_],
        }
