"""The claims feature table: one row per claim, built with vectorised pandas/numpy (no per-row loops).

Features describe what was known when the claim was reported (line, region, channel, timing of the
incident within the policy, reporting delay and hour, amount, documents, the customer's history);
labels describe how the claim ended (denied, investigated, large loss, paid amount, handling days and,
in demo data, planted fraud). The two are kept in separate frames so that no outcome leaks into a
model's inputs.

Amounts: the database returns money as ``Decimal``; here it becomes ``float64`` CNY. Analytics works
on floats: nothing computed from the feature table is paid out, so the exact Decimal arithmetic that
settlement uses does not apply.

Times: ``reported_at`` is a UTC instant (naive values are taken as UTC); the report day and hour are
those of Asia/Shanghai. Dates (incident, policy period, birth) are calendar days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from claimops.claims.checklist import doc_types
from claimops.mining.data.frames import CLAIMS_FRAME, FEATURE_TABLE, LABELS, validate
from claimops.mining.estimators.base import Estimator, require_fitted
from claimops.policies.lines import LINES

__all__ = [
    "CATEGORICAL_FEATURES",
    "FEATURES",
    "FLAG_FEATURES",
    "LABEL_COLUMNS",
    "SHANGHAI",
    "FeatureBuilder",
    "FeatureTable",
    "amount_band_names",
    "build_features",
    "cny",
    "parse_id_numbers",
    "prior_counts",
]

SHANGHAI = "Asia/Shanghai"
DAY_S = 86_400
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# the fixed columns; the claim-frequency windows add prior_claims_<w>d and prior_same_line_<w>d
FEATURES = tuple(name for name, col in FEATURE_TABLE.columns.items() if not col.regex)
CATEGORICAL_FEATURES = ("line", "region", "channel", "amount_band", "customer_gender", "provider")
FLAG_FEATURES = (
    "round_amount",
    "early_claim",
    "near_expiry",
    "late_report",
    "night_report",
    "docs_incomplete",
    "frequent_claimant",
)
LABEL_COLUMNS = ("denied", "investigated", "large_loss", "paid_amount", "handling_days")


@dataclass(frozen=True, eq=False)
class FeatureTable:
    """Features and outcome labels of the same claims, both indexed by ``claim_id``.

    Attributes
    ----------
    features : DataFrame
        Inputs, as declared by :data:`claimops.mining.data.frames.FEATURE_TABLE`.
    labels : DataFrame
        Outcomes, as declared by :data:`claimops.mining.data.frames.LABELS`.
    keys : DataFrame
        Identifiers that are neither features nor outcomes: ``customer_id``, ``policy_id``.
    params : dict
        The builder's parameters (thresholds that item labels quote, e.g. ``early_claim_days``).
    """

    features: pd.DataFrame
    labels: pd.DataFrame
    keys: pd.DataFrame = field(default_factory=pd.DataFrame)
    params: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.features)

    def frame(self) -> pd.DataFrame:
        """Keys, features and labels side by side (for profiles and itemising, not for model inputs)."""
        return self.keys.join(self.features, how="right").join(self.labels)


def cny(values: Any) -> pd.Series:
    """Amounts as float64 CNY: ``Decimal``, int, float or None (NaN) in; a float Series out."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if pd.api.types.is_float_dtype(series.dtype) and not isinstance(series.dtype, pd.ArrowDtype):
        return series.astype(np.float64)
    if series.dtype == object:
        return pd.Series(
            series.to_numpy(dtype=object).astype(np.float64), index=series.index, name=series.name
        )
    return series.astype("Float64").astype(np.float64)


def parse_id_numbers(ids: pd.Series) -> pd.DataFrame:
    """Birth date and gender from 18-digit PRC resident ID numbers, vectorised.

    Returns
    -------
    DataFrame
        ``birth_date`` (datetime64, NaT when the number is not a valid 18-digit ID or its date is not a
        calendar day) and ``gender`` ("M" odd / "F" even 17th digit, missing when invalid); same index.
    """
    text = ids.astype("str").str.strip().str.upper()
    body = text.str[:17]
    shaped = (text.str.len() == 18) & body.str.isdigit().fillna(False).astype(bool)
    born = pd.to_datetime(text.str[6:14].where(shaped), format="%Y%m%d", errors="coerce")
    digit = pd.to_numeric(text.str[16].where(shaped), errors="coerce")
    gender = pd.Series(np.where(digit % 2 == 1, "M", "F"), index=ids.index, dtype="str")
    gender = gender.where(shaped & digit.notna() & born.notna())
    return pd.DataFrame({"birth_date": born.where(shaped).astype("datetime64[s]"), "gender": gender})


def prior_counts(groups: Any, times: Any, window: int) -> IntArray:
    """For each row, the rows of the same group whose time lies in ``[t - window, t)``.

    Sort by (group, time) once, put both in one monotone integer key and binary-search each row's window
    (the ``merge_asof`` idea, O(n log n), no Python loop). Rows at exactly the same time do not count
    each other. A missing group (NaN) gets 0.

    Parameters
    ----------
    groups : array-like
        Group of each row (customer id, or customer × provider).
    times : array-like of int
        Time of each row as an integer (e.g. seconds).
    window : int
        Window length, in the units of ``times``.
    """
    codes, _ = pd.factorize(pd.Series(groups), use_na_sentinel=True)
    t = np.asarray(times, dtype=np.int64)
    n = len(t)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    g = codes.astype(np.int64) + 1  # the missing group becomes 0, counted and then dropped below
    order = np.lexsort((t, g))
    ts = t[order] - t.min()
    span = int(ts.max()) + int(window) + 1
    if (int(g.max()) + 1) * span >= 2**62:
        raise OverflowError("too many groups × time span for a 64-bit key: use a coarser time unit")
    key = g[order] * span + ts
    start = np.searchsorted(key, key - window, side="left")
    first = np.searchsorted(key, key, side="left")
    out = np.empty(n, dtype=np.int64)
    out[order] = first - start
    out[codes < 0] = 0
    return out


def _days(later: npt.NDArray[Any], earlier: npt.NDArray[Any]) -> FloatArray:
    """Whole days between two datetime64[D] arrays, NaN where either is missing."""
    diff = (later - earlier).astype("timedelta64[D]")
    out: FloatArray = diff.astype(np.float64)
    out[np.isnat(diff)] = np.nan
    return out


def _date_days(frame: pd.DataFrame, name: str) -> npt.NDArray[Any]:
    if name not in frame:
        return np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[D]")
    days: npt.NDArray[Any] = frame[name].to_numpy(dtype="datetime64[D]")
    return days


def _text_or_na(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame:
        return pd.Series(pd.NA, index=frame.index, dtype="str")
    values = frame[name].astype("str")
    return values.where(values.str.strip() != "")


class FeatureBuilder(Estimator):
    """Build the feature table from a claims frame (``fit`` learns categories and large-loss thresholds).

    Parameters
    ----------
    early_claim_days : int
        ``early_claim``: the incident within this many days of the policy's inception.
    late_report_days : int
        ``late_report``: reported more than this many days after the incident.
    near_expiry_days : int
        ``near_expiry``: the incident within this many days before the policy's expiry.
    night_start_hour, night_end_hour : int
        ``night_report``: reported at or after ``night_start_hour`` or before ``night_end_hour``
        (Shanghai time).
    prior_window_days : int
        ``prior_claims``: the customer's claims reported in this many days before the claim.
    frequent_claims : int
        ``frequent_claimant``: at least this many prior claims.
    frequency_windows : sequence of int
        Days of each claim-frequency window: ``prior_claims_<w>d`` counts the customer's claims (any
        line) reported in the ``w`` days before the claim, ``prior_same_line_<w>d`` those of its line.
    amount_bands : sequence of float
        Band edges of the claimed amount in CNY; a band includes its lower edge.
    large_loss_quantile : float
        ``large_loss`` label: the loss (assessed, else claimed) at or above this quantile of the claimed
        amounts of the claim's line in the fitted data.
    large_loss_amount : float, optional
        A fixed large-loss threshold in CNY for every line instead of the quantile.

    Attributes
    ----------
    categories_ : dict of str to list of str
        Levels of ``line``, ``region`` and ``channel`` seen in ``fit`` (others become missing).
    large_loss_threshold_ : dict of str to float
        Large-loss threshold per line, CNY.
    feature_names_ : list of str
    label_names_ : list of str
    n_samples_ : int

    Examples
    --------
    >>> import pandas as pd
    >>> claims = pd.DataFrame({
    ...     "claim_id": [1, 2, 3], "policy_id": [10, 11, 12], "customer_id": [100, 101, 100],
    ...     "line": ["auto", "auto", "health"],
    ...     "incident_date": pd.to_datetime(["2025-03-01", "2025-03-02", "2025-03-05"]),
    ...     "reported_at": pd.to_datetime(
    ...         ["2025-02-28 18:00", "2025-03-04 01:30", "2025-03-05 02:00"], utc=True),
    ...     "claimed_amount": [5000.0, 1200.0, 800.0],
    ... })
    >>> table = FeatureBuilder().fit_transform(claims)
    >>> table.features[["days_to_report", "report_hour", "night_report", "prior_claims"]]
              days_to_report  report_hour  night_report  prior_claims
    claim_id
    1                    0.0            2          True             0
    2                    2.0            9         False             0
    3                    0.0           10         False             1

    (Claim 1 was reported at 02:00 Shanghai time on its incident day; claim 3 is customer 100's second.)
    """

    def __init__(
        self,
        *,
        early_claim_days: int = 30,
        late_report_days: int = 30,
        near_expiry_days: int = 7,
        night_start_hour: int = 22,
        night_end_hour: int = 6,
        prior_window_days: int = 365,
        frequent_claims: int = 3,
        frequency_windows: Sequence[int] = (30, 90),
        amount_bands: Sequence[float] = (1_000, 5_000, 20_000, 100_000),
        large_loss_quantile: float = 0.95,
        large_loss_amount: float | None = None,
    ) -> None:
        self.early_claim_days = early_claim_days
        self.late_report_days = late_report_days
        self.near_expiry_days = near_expiry_days
        self.night_start_hour = night_start_hour
        self.night_end_hour = night_end_hour
        self.prior_window_days = prior_window_days
        self.frequent_claims = frequent_claims
        self.frequency_windows = frequency_windows
        self.amount_bands = amount_bands
        self.large_loss_quantile = large_loss_quantile
        self.large_loss_amount = large_loss_amount

    def fit(self, X: pd.DataFrame, y: Any = None) -> FeatureBuilder:
        """Learn the category levels and the large-loss thresholds from a claims frame."""
        frame = validate(X, CLAIMS_FRAME)
        lines = _text_or_na(frame, "line")
        seen = set(lines.dropna().unique().tolist())
        self.categories_ = {
            "line": [str(line) for line in LINES if str(line) in seen]
            + sorted(seen - {str(x) for x in LINES}),
            "region": sorted(_text_or_na(frame, "region").dropna().unique().tolist()),
            "channel": sorted(_text_or_na(frame, "channel").dropna().unique().tolist()),
            "provider": sorted(_text_or_na(frame, "provider").dropna().unique().tolist()),
        }
        amounts = cny(frame["claimed_amount"])
        if self.large_loss_amount is not None:
            self.large_loss_threshold_ = dict.fromkeys(
                self.categories_["line"], float(self.large_loss_amount)
            )
        else:
            q = amounts.groupby(lines.to_numpy(), sort=False).quantile(self.large_loss_quantile)
            self.large_loss_threshold_ = {str(k): float(v) for k, v in q.items()}
        self.feature_names_ = [*FEATURES, *self.window_columns()]
        self.label_names_ = [
            *LABEL_COLUMNS,
            *(c for c in ("fraud", "fraud_pattern", "dispute", "satisfaction") if c in frame),
        ]
        self.n_samples_ = len(frame)
        return self

    def window_columns(self) -> list[str]:
        """The claim-frequency columns of the windows, any line first."""
        days = [int(w) for w in getattr(self, "frequency_windows", ())]  # () in builders pickled before
        return [f"prior_claims_{w}d" for w in days] + [f"prior_same_line_{w}d" for w in days]

    def fit_transform(self, X: pd.DataFrame, y: Any = None) -> FeatureTable:
        """``fit`` then ``transform`` on the same claims."""
        return self.fit(X).transform(X)

    def transform(self, X: pd.DataFrame) -> FeatureTable:
        """The feature table of the claims in ``X`` (a claims frame, see ``CLAIMS_FRAME``).

        Returns
        -------
        FeatureTable
            Indexed by ``claim_id``, rows in the order of ``X``.
        """
        require_fitted(self, "categories_", "large_loss_threshold_")
        frame = validate(X, CLAIMS_FRAME)
        index = pd.Index(frame["claim_id"].to_numpy(dtype=np.int64), name="claim_id")
        n = len(frame)
        f: dict[str, Any] = {}

        line = _text_or_na(frame, "line")
        f["line"] = pd.Categorical(line, categories=self.categories_["line"])
        f["region"] = pd.Categorical(_text_or_na(frame, "region"), categories=self.categories_["region"])
        f["channel"] = pd.Categorical(_text_or_na(frame, "channel"), categories=self.categories_["channel"])
        providers = self.categories_.get("provider", [])
        named = _text_or_na(frame, "provider")
        f["provider"] = pd.Categorical(named.where(named.isin(providers)), categories=providers)
        provider = frame["provider_id"] if "provider_id" in frame else pd.Series(pd.NA, index=frame.index)
        f["provider_id"] = pd.array(
            provider.to_numpy(dtype="float64", na_value=np.nan), dtype="Float64"
        ).astype("Int64")

        amount = cny(frame["claimed_amount"]).to_numpy()
        f["claimed_amount"] = amount
        edges = np.asarray(self.amount_bands, dtype=np.float64)
        band_names = amount_band_names(edges)
        f["amount_band"] = pd.Categorical.from_codes(np.searchsorted(edges, amount, side="right"), band_names)
        f["round_amount"] = (amount >= 1000) & (np.mod(amount, 1000) == 0)
        sum_insured = cny(frame["sum_insured"]).to_numpy() if "sum_insured" in frame else np.full(n, np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            f["claim_ratio"] = np.where(sum_insured > 0, amount / sum_insured, np.nan)

        incident = _date_days(frame, "incident_date")
        age_days = _days(incident, _date_days(frame, "effective_from"))
        to_expiry = _days(_date_days(frame, "effective_to"), incident)
        f["policy_age_days"] = age_days
        f["days_to_expiry"] = to_expiry
        f["early_claim"] = (age_days >= 0) & (age_days < self.early_claim_days)
        f["near_expiry"] = (to_expiry >= 0) & (to_expiry < self.near_expiry_days)

        reported = pd.DatetimeIndex(frame["reported_at"])
        if reported.tz is None:
            reported = reported.tz_localize("UTC")
        local = reported.tz_convert(SHANGHAI)
        hour = local.hour.to_numpy().astype(np.int8)
        delay = _days(local.tz_localize(None).to_numpy().astype("datetime64[D]"), incident)
        f["days_to_report"] = delay
        f["late_report"] = delay > self.late_report_days
        f["report_hour"] = hour
        f["night_report"] = (hour >= self.night_start_hour) | (hour < self.night_end_hour)

        required = pd.Series({str(x): len(doc_types(x)[0]) for x in LINES})
        need = line.map(required).astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
        f["docs_required"] = np.nan_to_num(need, nan=0).astype(np.int64)
        if "required_docs_received" in frame:
            got = frame["required_docs_received"].to_numpy(dtype=np.float64, na_value=np.nan)
            with np.errstate(divide="ignore", invalid="ignore"):
                completeness = np.where(need > 0, np.minimum(got / need, 1.0), np.nan)
        else:
            completeness = np.full(n, np.nan)
        f["doc_completeness"] = completeness
        f["docs_incomplete"] = completeness < 1.0

        seconds = _seconds(reported)
        window = self.prior_window_days * DAY_S
        customer = frame["customer_id"].to_numpy()
        prior = prior_counts(customer, seconds, window)
        f["prior_claims"] = prior
        f["same_provider_prior"] = prior_counts(_pairs(customer, f["provider_id"]), seconds, window)
        f["frequent_claimant"] = prior >= self.frequent_claims
        same_line = _pairs(customer, line.to_numpy(dtype=object, na_value=np.nan))
        for w in (int(w) for w in getattr(self, "frequency_windows", ())):
            f[f"prior_claims_{w}d"] = prior_counts(customer, seconds, w * DAY_S)
            f[f"prior_same_line_{w}d"] = prior_counts(same_line, seconds, w * DAY_S)

        born, gender = self._birth_and_gender(frame)
        birth = born.to_numpy(dtype="datetime64[D]")
        f["customer_age"] = _whole_years(birth, incident)
        f["customer_gender"] = pd.Categorical(gender, categories=["F", "M"])

        features = pd.DataFrame(f, index=index)[[*FEATURES, *self.window_columns()]]
        labels = self._labels(frame, index, amount, line)
        features = validate(features, FEATURE_TABLE)
        labels = validate(labels, LABELS)
        keys = pd.DataFrame(
            {
                "customer_id": frame["customer_id"].to_numpy(dtype=np.int64),
                "policy_id": frame["policy_id"].to_numpy(dtype=np.int64),
            },
            index=index,
        )
        return FeatureTable(features=features, labels=labels, keys=keys, params=self.get_params())

    def _birth_and_gender(self, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
        born = (
            frame["birth_date"].astype("datetime64[s]")
            if "birth_date" in frame
            else pd.Series(pd.NaT, index=frame.index, dtype="datetime64[s]")
        )
        gender = _text_or_na(frame, "gender")
        if "id_number" in frame:
            parsed = parse_id_numbers(frame["id_number"])
            born = born.fillna(parsed["birth_date"])
            gender = gender.fillna(parsed["gender"])
        return born, gender.where(gender.isin(["F", "M"]))

    def _labels(
        self, frame: pd.DataFrame, index: pd.Index, amount: FloatArray, line: pd.Series
    ) -> pd.DataFrame:
        n = len(frame)
        outcome = _text_or_na(frame, "outcome")
        status = _text_or_na(frame, "status")
        denied = (outcome == "denied").fillna(False) | (status == "rejected").fillna(False)
        if "investigated" in frame:
            investigated = frame["investigated"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        else:
            investigated = (status == "investigating").fillna(False).to_numpy(dtype=bool)
        loss = cny(frame["assessed_loss"]).to_numpy() if "assessed_loss" in frame else np.full(n, np.nan)
        loss = np.where(np.isnan(loss), amount, loss)
        threshold = line.map(pd.Series(self.large_loss_threshold_, dtype=np.float64))
        limit = threshold.astype("Float64").to_numpy(dtype=np.float64, na_value=np.inf)
        paid = cny(frame["paid_amount"]).to_numpy() if "paid_amount" in frame else np.full(n, np.nan)
        handling = (
            frame["handling_s"].to_numpy(dtype=np.float64, na_value=np.nan) / DAY_S
            if "handling_s" in frame
            else np.full(n, np.nan)
        )
        out: dict[str, Any] = {
            "denied": denied.to_numpy(dtype=bool),
            "investigated": investigated,
            "large_loss": loss >= limit,
            "paid_amount": paid,
            "handling_days": handling,
        }
        if "fraud" in frame:
            out["fraud"] = frame["fraud"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        if "dispute" in frame:
            out["dispute"] = frame["dispute"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        if "fraud_pattern" in frame:
            out["fraud_pattern"] = frame["fraud_pattern"].astype("str").fillna("").to_numpy()
        if "satisfaction" in frame:
            out["satisfaction"] = frame["satisfaction"].to_numpy(dtype=np.float64, na_value=np.nan)
        return pd.DataFrame(out, index=index)


def _pairs(customer: npt.NDArray[Any], provider: Any) -> FloatArray:
    """One number per (customer, provider) pair, NaN without a provider."""
    cust, _ = pd.factorize(customer)
    prov, providers = pd.factorize(pd.Series(provider), use_na_sentinel=True)
    pair: FloatArray = cust.astype(np.float64) * max(len(providers), 1) + prov
    pair[prov < 0] = np.nan
    return pair


def _seconds(stamps: pd.DatetimeIndex) -> IntArray:
    return np.asarray(stamps.as_unit("s").asi8, dtype=np.int64)


def _whole_years(birth: npt.NDArray[Any], on: npt.NDArray[Any]) -> FloatArray:
    """Age in whole years on each day (a birthday counts from its day), NaN when unknown or impossible."""
    by, bm, bd = _ymd(birth)
    oy, om, od = _ymd(on)
    years = oy - by - ((om * 100 + od) < (bm * 100 + bd))
    out = years.astype(np.float64)
    out[np.isnat(birth) | np.isnat(on) | (years < 0) | (years > 130)] = np.nan
    return out


def _ymd(days: npt.NDArray[Any]) -> tuple[IntArray, IntArray, IntArray]:
    safe = np.where(np.isnat(days), np.datetime64("2000-01-01"), days).astype("datetime64[D]")
    years = safe.astype("datetime64[Y]")
    months = safe.astype("datetime64[M]")
    y = years.astype(np.int64) + 1970
    m = (months - years.astype("datetime64[M]")).astype(np.int64) + 1
    d = (safe - months.astype("datetime64[D]")).astype(np.int64) + 1
    return y, m, d


def amount_band_names(edges: Sequence[float] | FloatArray) -> list[str]:
    """Band labels for edges ``(1000, 5000)``: ``<1000``, ``1000-5000``, ``>=5000``."""
    values = [f"{float(e):g}" for e in edges]
    if not values:
        return ["all"]
    middle = [f"{a}-{b}" for a, b in zip(values, values[1:], strict=False)]
    return [f"<{values[0]}", *middle, f">={values[-1]}"]


def build_features(X: pd.DataFrame, **params: Any) -> FeatureTable:
    """``FeatureBuilder(**params).fit_transform(X)``."""
    return FeatureBuilder(**params).fit_transform(X)
