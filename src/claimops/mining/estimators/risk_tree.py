"""Claim risk score, second candidate: gradient-boosted trees with exact per-claim reasons (TreeSHAP).

Why a second candidate: the logistic score adds up one effect per feature, so a pattern that lives in a
combination (a provider at night, a customer's third claim in a month) reaches it only through the
main effects. Boosted trees find such interactions. Their reasons are exact too: TreeSHAP (the
``shap`` package) splits each claim's log-odds, minus the average claim's, into one share per input,
and the shares add up to the model's own output (a test checks it). Shares are told per reason group,
as for the logistic model, so a reviewer reads the same plain sentences.

Inputs: the logistic model's report-time inputs, the report hour, the provider (the ``max_levels``
most frequent providers one-hot, others none) and the claim-frequency windows of the feature table.
Training chooses between the two on the time-ordered hold-out (claimops.mining.service.training).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier

from claimops.errors import ValidationFailed
from claimops.mining.estimators.base import Estimator, require_fitted
from claimops.mining.estimators.risk import (
    CATEGORIES,
    FLAGS,
    GROUPS,
    NUMERIC,
    REASON_PREFIX,
    _codes,
    _present,
    _reason,
    check_enough,
)

__all__ = ["TREE_GROUPS", "TreeRiskModel"]

FloatArray = npt.NDArray[np.float64]
WINDOW = re.compile(r"^prior_(claims|same_line)_(\d+)d$")
TREE_CATEGORIES = (*CATEGORIES, "provider")
TREE_GROUPS: dict[str, tuple[str, ...]] = {
    **GROUPS,
    "provider": ("provider",),
    "hour": ("report_hour",),
    "frequency": (),  # the window columns, known once fitted
}


class TreeRiskModel(Estimator):
    """HistGradientBoosting on report-time features; probabilities and TreeSHAP reasons.

    Parameters
    ----------
    max_iter, learning_rate, max_leaf_nodes, min_samples_leaf, l2_regularization
        Passed to :class:`sklearn.ensemble.HistGradientBoostingClassifier` (no early stopping, so the
        fit does not depend on a random validation split).
    max_levels : int
        Providers one-hot encoded: the most frequent ones, each with at least ``min_level_count`` claims.
    min_rows, min_positives : int
        ``fit`` refuses fewer training claims or positives (``NOT_ENOUGH_DATA``).
    n_reasons : int
        Reasons returned per claim.
    n_threads : int, optional
        OpenMP threads for fitting and scoring (None: the library's default, every core). One by
        default: on a shared machine OpenMP's busy-waiting threads made a fit twenty times slower.

    Attributes
    ----------
    columns_ : list of str
        Design columns (``feature`` or ``feature=level``).
    levels_ : dict of str to list of str
    windows_ : list of str
        Claim-frequency columns used.
    model_ : HistGradientBoostingClassifier
    """

    def __init__(
        self,
        *,
        max_iter: int = 200,
        learning_rate: float = 0.08,
        max_leaf_nodes: int = 15,
        min_samples_leaf: int = 40,
        l2_regularization: float = 1.0,
        max_levels: int = 40,
        min_level_count: int = 20,
        min_rows: int = 200,
        min_positives: int = 20,
        n_reasons: int = 3,
        n_threads: int | None = 1,
    ) -> None:
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.max_levels = max_levels
        self.min_level_count = min_level_count
        self.min_rows = min_rows
        self.min_positives = min_positives
        self.n_reasons = n_reasons
        self.n_threads = n_threads

    def fit(self, X: pd.DataFrame, y: Any) -> TreeRiskModel:
        target = np.asarray(y, dtype=bool)
        check_enough(
            len(target),
            int(target.sum()),
            min_rows=self.min_rows,
            min_positives=self.min_positives,
            what="training set",
        )
        if int((~target).sum()) < self.min_positives:
            raise ValidationFailed(
                f"not enough data for the risk model: only {int((~target).sum())} negative claims",
                code="NOT_ENOUGH_DATA",
            )
        if not isinstance(X, pd.DataFrame):
            raise ValidationFailed("the tree model is fitted on a feature table", code="BAD_FRAME")
        self.windows_ = [str(c) for c in X.columns if WINDOW.match(str(c))]
        self.levels_: dict[str, list[str]] = {}
        for name in TREE_CATEGORIES:
            values = (
                pd.Series(X[name]).astype(object).dropna().astype(str)
                if name in X
                else pd.Series([], dtype=str)
            )
            counts = values.value_counts()
            if name == "provider":
                counts = counts[counts >= self.min_level_count].head(self.max_levels)
            self.levels_[name] = sorted(counts.index.tolist())
        self.columns_ = [name for name, *_ in NUMERIC] + list(FLAGS) + ["report_hour", *self.windows_]
        self.columns_ += [f"{name}={level}" for name in TREE_CATEGORIES for level in self.levels_[name]]
        design = self._design(_columns(X, self.windows_))
        with _threads(self.n_threads):
            self.model_ = self._classifier().fit(design, target)
        self._group_index()
        self.n_samples_ = len(target)
        self.n_positive_ = int(target.sum())
        return self

    def _classifier(self) -> HistGradientBoostingClassifier:
        return HistGradientBoostingClassifier(
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=self.l2_regularization,
            early_stopping=False,
            random_state=0,
        )

    def decision_function(self, X: pd.DataFrame | Mapping[str, Any]) -> FloatArray:
        require_fitted(self, "model_")
        design = self._design(_columns(X, self.windows_))
        with _threads(getattr(self, "n_threads", 1)):
            out: FloatArray = self.model_.decision_function(design)
        return np.asarray(out, dtype=np.float64)

    def score(self, X: pd.DataFrame | Mapping[str, Any]) -> FloatArray:
        """The risk probability of each claim."""
        out: FloatArray = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return out

    def predict_proba(self, X: pd.DataFrame | Mapping[str, Any]) -> FloatArray:
        p = self.score(X)
        return np.column_stack([1 - p, p])

    def shap_values(self, X: pd.DataFrame | Mapping[str, Any]) -> tuple[FloatArray, float]:
        """Per design column, each claim's share of the log-odds (TreeSHAP), and the expected log-odds:
        ``shares.sum(axis=1) + expected == decision_function(X)``."""
        require_fitted(self, "model_")
        import shap

        design = self._design(_columns(X, self.windows_))
        if not len(design):
            return np.zeros((0, len(self.columns_))), 0.0
        explainer = getattr(self, "_explainer", None)
        if explainer is None:
            explainer = shap.TreeExplainer(self.model_)
            self._explainer = explainer
        values = np.asarray(explainer.shap_values(design), dtype=np.float64)
        expected = float(np.ravel(explainer.expected_value)[0])
        return values.reshape(values.shape[0], -1), expected

    def contributions(self, X: pd.DataFrame | Mapping[str, Any]) -> FloatArray:
        """``(n, groups)``: each reason group's share of the log-odds against the average claim."""
        values, _ = self.shap_values(X)
        out: FloatArray = values @ self.group_matrix_
        return out

    def reasons(self, X: pd.DataFrame | Mapping[str, Any]) -> list[list[dict[str, Any]]]:
        """Top reasons of each claim, as :meth:`RiskModel.reasons` (groups above 0.05 in log-odds)."""
        cols = _columns(X, self.windows_)
        contrib = self.contributions(X)
        order = np.argsort(-contrib, axis=1, kind="stable")
        ranked = np.take_along_axis(contrib, order, axis=1)
        names = list(TREE_GROUPS)
        out: list[list[dict[str, Any]]] = []
        for i in range(contrib.shape[0]):
            found: list[dict[str, Any]] = []
            for g, share in zip(order[i].tolist(), ranked[i].tolist(), strict=True):
                if share <= 0.05 or len(found) >= self.n_reasons:
                    break
                reason = self._reason(names[g], cols, i)
                if reason is not None:
                    found.append(reason)
            out.append(found)
        return out

    def _reason(self, group: str, cols: Mapping[str, Any], i: int) -> dict[str, Any] | None:
        key = f"{REASON_PREFIX}.{group}"
        if group == "provider":
            value = cols["provider"][i]
            return {"key": key, "params": {"value": str(value)}} if _present(value) else None
        if group == "hour":
            value = cols["report_hour"][i]
            return {"key": key, "params": {"value": int(value)}} if _present(value) else None
        if group == "frequency":
            shortest = sorted(
                (int(m[2]), name)
                for name in self.windows_
                if (m := WINDOW.match(name)) and m[1] == "claims" and _present(cols[name][i])
            )
            for days, name in shortest:
                if float(cols[name][i]) > 0:
                    return {"key": key, "params": {"window": days, "value": int(cols[name][i])}}
            return None
        return _reason(group, cols, i)

    def _design(self, cols: Mapping[str, Any]) -> FloatArray:
        parts: list[FloatArray] = [
            np.asarray(cols[name], dtype=np.float64).reshape(-1) for name, *_ in NUMERIC
        ]
        parts += [np.asarray(cols[name], dtype=np.float64).reshape(-1) for name in FLAGS]
        parts.append(np.asarray(cols["report_hour"], dtype=np.float64).reshape(-1))
        parts += [np.asarray(cols[name], dtype=np.float64).reshape(-1) for name in self.windows_]
        n = len(parts[0])
        dense = np.column_stack(parts) if parts else np.zeros((n, 0))
        blocks = [dense]
        for name in TREE_CATEGORIES:
            levels = self.levels_[name]
            codes = _codes(cols[name], levels)
            onehot = np.zeros((n, len(levels)))
            seen = codes >= 0
            onehot[np.flatnonzero(seen), codes[seen]] = 1.0
            blocks.append(onehot)
        return np.hstack(blocks)

    def _group_index(self) -> None:
        feature_of = [c.split("=", 1)[0] for c in self.columns_]
        groups = {**TREE_GROUPS, "frequency": tuple(self.windows_)}
        matrix = np.zeros((len(self.columns_), len(groups)))
        for g, members in enumerate(groups.values()):
            for j, feature in enumerate(feature_of):
                if feature in members:
                    matrix[j, g] = 1.0
        self.group_matrix_ = matrix

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_explainer", None)  # rebuilt on first use; not part of the stored model
        return state


_controller: Any = None


def _threads(n: int | None) -> Any:
    """A context that limits OpenMP threads to ``n`` (no limit for None); the controller is made once."""
    global _controller
    if n is None:
        return contextlib.nullcontext()
    if _controller is None:
        from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]

        _controller = ThreadpoolController()
    return _controller.limit(limits=n, user_api="openmp")


def _columns(X: pd.DataFrame | Mapping[str, Any], windows: list[str]) -> dict[str, Any]:
    names = [*(n for n, *_ in NUMERIC), *FLAGS, *TREE_CATEGORIES, "report_hour", *windows]
    missing = [name for name in names if name not in X and name != "provider"]
    if missing:
        raise ValidationFailed(f"risk model inputs missing: {', '.join(missing)}", code="BAD_FRAME")
    out: dict[str, Any] = {}
    if isinstance(X, pd.DataFrame):
        n = len(X)
        for name in names:
            if name not in X:
                out[name] = np.full(n, None, dtype=object)
            elif name in TREE_CATEGORIES:
                s = X[name]
                out[name] = (
                    s.array if isinstance(s.dtype, pd.CategoricalDtype) else s.astype(object).to_numpy()
                )
            elif name in FLAGS:
                out[name] = X[name].astype("boolean").fillna(False).to_numpy(dtype=np.float64)
            else:
                out[name] = X[name].to_numpy(dtype=np.float64, na_value=np.nan)
        return out
    for name in names:
        value = X[name] if name in X else None
        out[name] = np.atleast_1d(np.asarray(value, dtype=object))
    for name in FLAGS:
        out[name] = np.array([bool(v) if _present(v) else False for v in out[name]], dtype=np.float64)
    for name in (*(n for n, *_ in NUMERIC), "report_hour", *windows):
        out[name] = np.array([float(v) if _present(v) else np.nan for v in out[name]], dtype=np.float64)
    return out
