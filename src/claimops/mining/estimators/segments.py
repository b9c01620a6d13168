"""Clustering (聚类分析) of claims and of customers over mixed numeric and categorical features.

Numeric columns are imputed with their median, optionally put on a signed log scale, and standardised;
categorical columns are one-hot encoded (times ``categorical_weight``). K-means runs for each k of a
range on a seeded sample; k is the one with the highest mean silhouette on that sample (the criterion is
stated in ``criterion_``). The final model starts from the sample's centres and is fitted on all rows.
Each segment gets a readable profile (size, share, typical line, median amount, median handling days,
denial rate, satisfaction where a column exists, and its most distinctive features), and the rows get a
2-D PCA projection for a scatter chart. The same seed gives the same segments.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.impute import SimpleImputer
from sklearn.metrics import silhouette_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from claimops.errors import ValidationFailed
from claimops.i18n import t
from claimops.mining.estimators.base import Estimator, require_fitted
from claimops.mining.estimators.features import FeatureTable

__all__ = [
    "CLAIM_CATEGORICAL",
    "CLAIM_LOG",
    "CLAIM_NUMERIC",
    "CUSTOMER_CATEGORICAL",
    "CUSTOMER_LOG",
    "CUSTOMER_NUMERIC",
    "ClaimSegments",
    "CustomerSegments",
    "Segmenter",
    "customer_table",
    "signed_log",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
MISSING = "(missing)"

CLAIM_NUMERIC = (
    "claimed_amount",
    "claim_ratio",
    "policy_age_days",
    "days_to_report",
    "doc_completeness",
    "prior_claims",
    "customer_age",
)
CLAIM_LOG = ("claimed_amount", "days_to_report", "prior_claims")
CLAIM_CATEGORICAL = ("line", "channel")
CUSTOMER_NUMERIC = ("n_claims", "total_claimed", "claimed_amount", "denied", "handling_days", "customer_age")
CUSTOMER_LOG = ("n_claims", "total_claimed", "claimed_amount")
CUSTOMER_CATEGORICAL = ("line", "customer_gender")


def signed_log(values: FloatArray) -> FloatArray:
    """sign(x) · log(1 + |x|): a log scale that keeps 0 and negative values."""
    out: FloatArray = np.sign(values) * np.log1p(np.abs(values))
    return out


class Segmenter(Estimator):
    """K-means segments over mixed features, k chosen by silhouette.

    Parameters
    ----------
    numeric : sequence of str
        Numeric (or boolean) columns; missing values take the column's median.
    categorical : sequence of str
        Categorical columns, one-hot encoded; missing is a level of its own.
    log : sequence of str
        Numeric columns put on a signed log scale before standardising (skewed amounts, counts).
    k : int, optional
        A fixed number of segments; None chooses it by silhouette over ``k_range``.
    k_range : (int, int)
        Smallest and largest k tried, inclusive.
    sample_size : int
        Rows (a seeded random sample) on which k is chosen; silhouette costs O(sample²).
    projection_size : int
        Rows kept in ``projection_`` for a scatter chart.
    categorical_weight : float
        Weight of each one-hot column relative to a standardised numeric column.
    n_init : int
        K-means restarts per k on the sample.
    random_state : int
        Seed of the sample, of k-means and of the projection sample.

    Attributes
    ----------
    k_ : int
    scores_ : dict of int to float
        Mean silhouette on the sample per k tried (empty when ``k`` was given).
    criterion_ : dict
        How k was chosen: method, k range, sample size, score.
    labels_ : ndarray of int
        Segment of each fitted row; segments are numbered by size, 0 the largest.
    profiles_ : DataFrame
        One row per segment (see :meth:`profile`).
    projection_ : DataFrame
        ``x``, ``y`` (first two principal components) and ``segment`` of up to ``projection_size``
        rows, indexed like the input.
    centers_projection_ : DataFrame
        ``x``, ``y`` of each segment's centre.
    explained_variance_ratio_ : ndarray
        Variance share of the two components.
    feature_names_ : list of str
        Columns of the encoded matrix.

    Examples
    --------
    >>> import pandas as pd
    >>> claims = pd.DataFrame({
    ...     "amount": [900.0, 1000.0, 1100.0, 1000.0, 50000.0, 52000.0, 48000.0],
    ...     "line": ["auto"] * 4 + ["property"] * 3,
    ... })
    >>> model = Segmenter(numeric=["amount"], categorical=["line"], log=["amount"], k_range=(2, 3))
    >>> model = model.fit(claims)
    >>> model.k_, model.labels_.tolist()
    (2, [0, 0, 0, 0, 1, 1, 1])
    """

    def __init__(
        self,
        *,
        numeric: Sequence[str] = (),
        categorical: Sequence[str] = (),
        log: Sequence[str] = (),
        k: int | None = None,
        k_range: tuple[int, int] = (2, 8),
        sample_size: int = 5_000,
        projection_size: int = 5_000,
        categorical_weight: float = 1.0,
        n_init: int = 10,
        random_state: int = 0,
    ) -> None:
        self.numeric = numeric
        self.categorical = categorical
        self.log = log
        self.k = k
        self.k_range = k_range
        self.sample_size = sample_size
        self.projection_size = projection_size
        self.categorical_weight = categorical_weight
        self.n_init = n_init
        self.random_state = random_state

    # -- input ---------------------------------------------------------------------------------------

    def _frame(self, X: FeatureTable | pd.DataFrame) -> pd.DataFrame:
        return X.frame() if isinstance(X, FeatureTable) else X

    def _prepare(self, frame: pd.DataFrame) -> pd.DataFrame:
        missing = [c for c in (*self.numeric, *self.categorical) if c not in frame]
        if missing:
            raise ValidationFailed(f"segments: missing column(s) {', '.join(missing)}", code="BAD_FRAME")
        if not self.numeric and not self.categorical:
            raise ValidationFailed("segments: no columns to cluster on", code="BAD_PARAM")
        out: dict[str, Any] = {}
        for name in self.numeric:
            values = pd.to_numeric(frame[name].astype("Float64"), errors="coerce").to_numpy(
                dtype=np.float64, na_value=np.nan
            )
            out[name] = signed_log(values) if name in self.log else values
        for name in self.categorical:
            out[name] = frame[name].astype("str").fillna(MISSING).to_numpy(dtype=object)
        return pd.DataFrame(out, index=frame.index)

    def _transformer(self) -> ColumnTransformer:
        parts: list[tuple[str, Any, list[str]]] = []
        if self.numeric:
            parts.append(
                ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), list(self.numeric))
            )
        if self.categorical:
            encoder = OneHotEncoder(
                handle_unknown="ignore",
                sparse_output=False,
                dtype=np.float64,
                feature_name_combiner=lambda feature, level: f"{feature}={level}",
            )
            parts.append(("cat", encoder, list(self.categorical)))
        weights = {"cat": self.categorical_weight} if self.categorical else None
        return ColumnTransformer(
            parts, transformer_weights=weights, sparse_threshold=0.0, verbose_feature_names_out=False
        )

    # -- fit -----------------------------------------------------------------------------------------

    def fit(self, X: FeatureTable | pd.DataFrame, y: Any = None) -> Segmenter:
        """Encode, choose k on a sample, fit k-means on all rows, profile and project the segments."""
        frame = self._frame(X)
        data = self._prepare(frame)
        n = len(data)
        k_min, k_max = self.k_range
        if self.k is None and not 2 <= k_min <= k_max:
            raise ValidationFailed(
                f"k_range must satisfy 2 ≤ min ≤ max, got {self.k_range}", code="BAD_PARAM"
            )
        if n < 3:
            raise ValidationFailed(f"segments need at least 3 rows, got {n}", code="NOT_ENOUGH_DATA")
        rng = np.random.default_rng(self.random_state)
        self.transformer_ = self._transformer()
        Z = np.asarray(self.transformer_.fit_transform(data), dtype=np.float64)
        self.feature_names_ = [str(name) for name in self.transformer_.get_feature_names_out()]
        sample = np.sort(rng.choice(n, size=min(n, self.sample_size), replace=False))
        Zs = Z[sample]
        self.scores_: dict[int, float] = {}
        if self.k is not None:
            best_k = int(self.k)
            seed_model = self._kmeans(best_k).fit(Zs)
            self.criterion_ = {"method": "fixed", "k": best_k}
        else:
            models: dict[int, KMeans] = {}
            for k in range(k_min, min(k_max, len(sample) - 1) + 1):
                model = self._kmeans(k).fit(Zs)
                if len(np.unique(model.labels_)) < 2:
                    continue
                models[k] = model
                self.scores_[k] = float(silhouette_score(Zs, model.labels_, random_state=self.random_state))
            if not self.scores_:
                raise ValidationFailed(
                    "segments: the data has no cluster structure to score", code="NOT_ENOUGH_DATA"
                )
            best_k = max(self.scores_, key=lambda k: (round(self.scores_[k], 12), -k))
            seed_model = models[best_k]
            self.criterion_ = {
                "method": "silhouette",
                "rule": "highest mean silhouette coefficient on the sample; ties go to the smaller k",
                "k_range": [k_min, k_max],
                "sample_size": len(sample),
                "score": self.scores_[best_k],
                "k": best_k,
            }
        final = KMeans(
            n_clusters=best_k, init=seed_model.cluster_centers_, n_init=1, random_state=self.random_state
        )
        final.fit(Z)
        raw = final.labels_.astype(np.int64)
        sizes = np.bincount(raw, minlength=best_k)
        order = np.argsort(-sizes, kind="stable")
        relabel = np.empty(best_k, dtype=np.int64)
        relabel[order] = np.arange(best_k)
        self.model_ = final
        self.relabel_ = relabel
        self.k_ = best_k
        self.labels_ = relabel[raw]
        self.cluster_centers_ = final.cluster_centers_[order]
        self._project(Z, frame.index, rng)
        self.profiles_ = self.profile(frame, self.labels_, Z)
        return self

    def _kmeans(self, k: int) -> KMeans:
        return KMeans(n_clusters=k, n_init=self.n_init, random_state=self.random_state)

    def _project(self, Z: FloatArray, index: pd.Index, rng: np.random.Generator) -> None:
        components = min(2, Z.shape[1])
        self.pca_ = PCA(n_components=components, random_state=self.random_state).fit(Z)
        keep = np.sort(rng.choice(len(Z), size=min(len(Z), self.projection_size), replace=False))
        xy = self.pca_.transform(Z[keep])
        centers = self.pca_.transform(self.cluster_centers_)
        if components < 2:
            xy = np.column_stack([xy, np.zeros(len(xy))])
            centers = np.column_stack([centers, np.zeros(len(centers))])
        self.projection_ = pd.DataFrame(
            {"x": xy[:, 0], "y": xy[:, 1], "segment": self.labels_[keep]}, index=index[keep]
        )
        self.centers_projection_ = pd.DataFrame(
            {"x": centers[:, 0], "y": centers[:, 1]}, index=pd.RangeIndex(self.k_, name="segment")
        )
        self.explained_variance_ratio_ = np.asarray(self.pca_.explained_variance_ratio_, dtype=np.float64)

    def predict(self, X: FeatureTable | pd.DataFrame) -> IntArray:
        """Segment of each row of new data (same columns as fitted)."""
        require_fitted(self, "model_")
        Z = np.asarray(self.transformer_.transform(self._prepare(self._frame(X))), dtype=np.float64)
        out: IntArray = self.relabel_[self.model_.predict(Z).astype(np.int64)]
        return out

    def fit_predict(self, X: FeatureTable | pd.DataFrame, y: Any = None) -> IntArray:
        """``fit`` and return ``labels_``."""
        labels: IntArray = self.fit(X).labels_
        return labels

    # -- profiles ------------------------------------------------------------------------------------

    def profile(self, frame: pd.DataFrame, labels: IntArray, Z: FloatArray | None = None) -> pd.DataFrame:
        """A readable profile per segment.

        Columns: ``size``, ``share``; where the frame has them: ``typical_line`` (most frequent
        ``line``), ``median_amount`` (``claimed_amount``, CNY), ``median_handling_days``
        (``handling_days``), ``denial_rate`` (mean of ``denied``), ``satisfaction`` (mean); and
        ``traits``: the three encoded features whose segment mean is furthest from the overall mean,
        as (feature, difference in standard deviations).
        """
        seg = pd.Series(labels, index=frame.index, name="segment")
        k = int(labels.max()) + 1 if len(labels) else 0
        out = pd.DataFrame(index=pd.RangeIndex(k, name="segment"))
        size = seg.value_counts().reindex(out.index, fill_value=0)
        out["size"] = size.astype(np.int64)
        out["share"] = size / max(len(seg), 1)
        if "line" in frame:
            lines = frame["line"].astype("str")
            counts = pd.crosstab(seg, lines)
            out["typical_line"] = counts.idxmax(axis=1).reindex(out.index)
        medians = {"median_amount": "claimed_amount", "median_handling_days": "handling_days"}
        for name, column in medians.items():
            if column in frame:
                values = pd.to_numeric(frame[column].astype("Float64"), errors="coerce").astype(np.float64)
                out[name] = values.groupby(seg).median().reindex(out.index)
        means = {"denial_rate": "denied", "satisfaction": "satisfaction"}
        for name, column in means.items():
            if column in frame:
                values = pd.to_numeric(frame[column].astype("Float64"), errors="coerce").astype(np.float64)
                out[name] = values.groupby(seg).mean().reindex(out.index)
        if Z is not None and len(Z):
            spread = Z.std(axis=0)
            spread[spread == 0] = 1.0
            centred = (pd.DataFrame(Z).groupby(labels).mean().to_numpy() - Z.mean(axis=0)) / spread
            names = getattr(self, "feature_names_", [str(i) for i in range(Z.shape[1])])
            traits = []
            for row in centred:
                top = np.argsort(-np.abs(row), kind="stable")[:3]
                traits.append([(names[i], round(float(row[i]), 2)) for i in top])
            out["traits"] = pd.Series(traits, index=out.index[: len(traits)], dtype=object)
        return out

    def describe_criterion(self, lang: str = "zh") -> str:
        """How k was chosen, in plain words."""
        require_fitted(self, "criterion_")
        c: dict[str, Any] = self.criterion_
        if c["method"] == "fixed":
            return t("mining.segment.fixed", lang, k=c["k"])
        return t(
            "mining.segment.criterion",
            lang,
            k=c["k"],
            k_min=c["k_range"][0],
            k_max=c["k_range"][1],
            score=f"{c['score']:.2f}",
            sample=f"{c['sample_size']:,}",
        )


class ClaimSegments(Segmenter):
    """Segments of claims, by default over amount, timing, documents, history, age, line and channel."""

    def __init__(
        self,
        *,
        numeric: Sequence[str] = CLAIM_NUMERIC,
        categorical: Sequence[str] = CLAIM_CATEGORICAL,
        log: Sequence[str] = CLAIM_LOG,
        k: int | None = None,
        k_range: tuple[int, int] = (2, 8),
        sample_size: int = 5_000,
        projection_size: int = 5_000,
        categorical_weight: float = 1.0,
        n_init: int = 10,
        random_state: int = 0,
    ) -> None:
        super().__init__(
            numeric=numeric,
            categorical=categorical,
            log=log,
            k=k,
            k_range=k_range,
            sample_size=sample_size,
            projection_size=projection_size,
            categorical_weight=categorical_weight,
            n_init=n_init,
            random_state=random_state,
        )


class CustomerSegments(Segmenter):
    """Segments of customers over :func:`customer_table` (claims count and amounts, denials, age, line)."""

    def __init__(
        self,
        *,
        numeric: Sequence[str] = CUSTOMER_NUMERIC,
        categorical: Sequence[str] = CUSTOMER_CATEGORICAL,
        log: Sequence[str] = CUSTOMER_LOG,
        k: int | None = None,
        k_range: tuple[int, int] = (2, 8),
        sample_size: int = 5_000,
        projection_size: int = 5_000,
        categorical_weight: float = 1.0,
        n_init: int = 10,
        random_state: int = 0,
    ) -> None:
        super().__init__(
            numeric=numeric,
            categorical=categorical,
            log=log,
            k=k,
            k_range=k_range,
            sample_size=sample_size,
            projection_size=projection_size,
            categorical_weight=categorical_weight,
            n_init=n_init,
            random_state=random_state,
        )

    def fit(self, X: FeatureTable | pd.DataFrame, y: Any = None) -> CustomerSegments:
        """Fit on a customer table; a :class:`FeatureTable` is first aggregated by :func:`customer_table`."""
        super().fit(customer_table(X) if isinstance(X, FeatureTable) else X)
        return self


def customer_table(X: FeatureTable | pd.DataFrame) -> pd.DataFrame:
    """One row per customer from a feature table (vectorised group-bys), indexed by ``customer_id``.

    Columns: ``n_claims``; ``total_claimed`` (CNY); ``claimed_amount`` (median per claim, CNY);
    ``claim_ratio`` (mean); ``denied`` and ``investigated`` (shares of the customer's claims);
    ``handling_days`` (median); ``line`` (the customer's most frequent line); ``customer_age`` (latest);
    ``customer_gender``; ``region``; ``satisfaction`` (mean) when present.
    """
    frame = X.frame() if isinstance(X, FeatureTable) else X
    if "customer_id" not in frame:
        raise ValidationFailed("customer_table: the frame has no customer_id", code="BAD_FRAME")
    g = frame.groupby("customer_id", sort=True)
    out = pd.DataFrame({"n_claims": g.size().astype(np.int64)})
    amount = frame["claimed_amount"].astype(np.float64)
    by = frame["customer_id"]
    out["total_claimed"] = amount.groupby(by).sum()
    out["claimed_amount"] = amount.groupby(by).median()
    for name, how in (
        ("claim_ratio", "mean"),
        ("denied", "mean"),
        ("investigated", "mean"),
        ("handling_days", "median"),
        ("customer_age", "max"),
        ("satisfaction", "mean"),
    ):
        if name in frame:
            values = pd.to_numeric(frame[name].astype("Float64"), errors="coerce").astype(np.float64)
            out[name] = values.groupby(by).agg(how)
    for name in ("line", "customer_gender", "region"):
        if name in frame:
            values = frame[name].astype("str")
            counts = values.groupby(by).value_counts()
            top = counts.groupby(level=0, sort=False).head(1).reset_index(level=1)[name]
            out[name] = top.reindex(out.index)
    return out
