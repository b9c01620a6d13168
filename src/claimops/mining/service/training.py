"""Training the risk, handling-time and settlement models: load, fit, evaluate on a time-ordered
hold-out, store in the registry with the metrics and the training-data range.

``fit_kind`` works on a claims frame and touches no database, so a command can read in one short
transaction, fit outside it and store in another (SQLite holds its write lock for a whole transaction).
Too little data raises ``ValidationFailed(code="NOT_ENOUGH_DATA")`` before anything is stored, so the
current version stays current.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy.orm import Session

from claimops.config import Settings
from claimops.errors import ValidationFailed
from claimops.mining.data.loader import load_claims
from claimops.mining.estimators.features import FeatureBuilder, FeatureTable
from claimops.mining.estimators.predictions import TARGETS, OutcomeModel, outcome_metrics, outcome_target
from claimops.mining.estimators.risk import RiskModel, check_enough, risk_metrics, risk_target, time_split
from claimops.mining.estimators.risk_tree import TreeRiskModel
from claimops.mining.store import registry
from claimops.mining.store.models import MiningModel

TRAINABLE = ("risk", *TARGETS)
MIN_TEST_POSITIVES = 5
# The risk candidates, simplest first. A later one is chosen only if its hold-out ROC AUC beats the
# simplest by at least MARGIN: below that the difference is within what another hold-out would change,
# and the logistic score is calibrated, cheaper and its reasons are one product.
CANDIDATES: dict[str, type[RiskModel] | type[TreeRiskModel]] = {"logistic": RiskModel, "gbm": TreeRiskModel}
MARGIN = 0.005


@dataclass
class RiskBundle:
    """What the registry stores for ``risk``: the fitted feature builder and the model."""

    builder: FeatureBuilder
    model: RiskModel | TreeRiskModel


@dataclass
class OutcomeBundle:
    """What the registry stores for ``handling_time`` and ``settlement``."""

    builder: FeatureBuilder
    model: OutcomeModel


@dataclass
class Fitted:
    kind: str
    estimator: RiskBundle | OutcomeBundle
    metrics: dict[str, Any]
    params: dict[str, Any]
    training_from: date
    training_to: date
    n_samples: int
    min_samples: int


def fit_kind(kind: str, frame: pd.DataFrame, *, capacity: float = 0.05, test_share: float = 0.2) -> Fitted:
    """Fit ``kind`` on a claims frame: evaluate on the latest ``test_share`` of claims (trained on the
    earlier ones), then refit on all of them for use.

    Parameters
    ----------
    kind : str
        ``"risk"``, ``"handling_time"`` or ``"settlement"``.
    frame : DataFrame
        A claims frame (:func:`claimops.mining.data.loader.load_claims`).
    capacity : float
        Share of claims the investigators can look at (risk metrics at that capacity).
    test_share : float
        Share of claims, the latest by report time, held out for evaluation.
    """
    if kind not in TRAINABLE:
        raise ValidationFailed(f"cannot train {kind!r}: one of {', '.join(TRAINABLE)}", code="BAD_MODEL")
    if not 0 < capacity < 1 or not 0 < test_share < 1:
        raise ValidationFailed("capacity and test_share must lie between 0 and 1", code="BAD_MODEL")
    if len(frame) == 0:
        raise ValidationFailed(f"not enough data for the {kind} model: no claims", code="NOT_ENOUGH_DATA")
    if kind != "risk" and "status" not in frame:
        raise ValidationFailed(
            f"the {kind} model learns from finished claims: the claims frame has no status column",
            code="BAD_FRAME",
            details={"missing": ["status"]},
        )
    if kind == "risk":
        _require_labels(frame)
    builder = FeatureBuilder().fit(frame)
    table = builder.transform(frame)
    if kind == "risk":
        return _fit_risk(builder, table, frame, capacity=capacity, test_share=test_share)
    return _fit_outcome(kind, builder, table, frame, test_share=test_share)


@dataclass
class RiskSplit:
    """The time-ordered split of the claims a risk model can learn from, with their features.

    The hold-out features come from a builder fitted on the earlier claims only, and every feature of a
    claim counts only claims reported before it (``prior_counts``), so no later claim informs an earlier
    claim's features.
    """

    features: pd.DataFrame
    y: npt.NDArray[np.bool_]
    test: npt.NDArray[np.bool_]
    reported: pd.Series
    target: str


def risk_split(frame: pd.DataFrame, test_share: float) -> RiskSplit:
    """Usable claims, their labels and the hold-out (the latest ``test_share`` by report time)."""
    _require_labels(frame)
    builder = FeatureBuilder().fit(frame)
    data = risk_target(builder.transform(frame).labels, frame["status"] if "status" in frame else None)
    usable = data.usable
    reported = frame["reported_at"][usable]
    check_enough(
        len(reported), int(data.y[usable].sum()), min_rows=200, min_positives=20, what="(all claims)"
    )
    test = time_split(reported, test_share)
    train_rows = frame.loc[usable].loc[~test]
    earlier = FeatureBuilder().fit(train_rows)  # levels and thresholds from the earlier claims only
    features = earlier.transform(frame).features[usable]
    return RiskSplit(features, data.y[usable], test, reported, data.target)


def _require_labels(frame: pd.DataFrame) -> None:
    if "fraud" not in frame and "status" not in frame:
        raise ValidationFailed(
            "the claims frame has neither a fraud label (investigation conclusions) nor a status column "
            "to tell finished claims: the risk model has nothing to learn from",
            code="BAD_FRAME",
            details={"missing": ["fraud", "status"]},
        )


def _fit_risk(
    builder: FeatureBuilder, table: FeatureTable, frame: pd.DataFrame, *, capacity: float, test_share: float
) -> Fitted:
    split = risk_split(frame, test_share)
    test, y = split.test, split.y
    check_enough(
        int(test.sum()),
        int(y[test].sum()),
        min_rows=1,
        min_positives=MIN_TEST_POSITIVES,
        what="hold-out (the latest claims)",
    )
    compared: dict[str, dict[str, Any]] = {}
    for name, kind in CANDIDATES.items():
        held_out = kind().fit(split.features[~test], y[~test])
        compared[name] = risk_metrics(y[test], held_out.score(split.features[test]), capacity=capacity)
    chosen, why = choose(compared)
    metrics = dict(compared[chosen])
    metrics.update(_split_facts(split.reported, test, split.target))
    metrics["model"] = chosen
    metrics["candidates"] = {name: _summary(m) for name, m in compared.items()}
    metrics["selection"] = {"margin": MARGIN, "metric": "roc_auc", "chosen": chosen, "why": why}
    final = CANDIDATES[chosen]().fit(table.features.loc[split.features.index], y)
    return _fitted(
        "risk", RiskBundle(builder, final), metrics, final.get_params(), split.reported, final.min_rows
    )


def choose(compared: dict[str, dict[str, Any]]) -> tuple[str, str]:
    """The candidate to make current and why: the simplest, unless another's hold-out ROC AUC is higher
    by at least ``MARGIN`` (then the best of those)."""
    names = list(compared)
    base = names[0]
    base_auc = compared[base]["roc_auc"] or 0.0
    better = [n for n in names[1:] if (compared[n]["roc_auc"] or 0.0) >= base_auc + MARGIN]
    if not better:
        return base, (
            f"{base}: no other candidate's hold-out ROC AUC beats its {base_auc:.3f} by {MARGIN} or more"
        )
    best = max(better, key=lambda n: compared[n]["roc_auc"] or 0.0)
    auc = compared[best]["roc_auc"]
    return best, f"{best}: hold-out ROC AUC {auc:.3f} against {base_auc:.3f} for {base} (margin {MARGIN})"


def _summary(m: dict[str, Any]) -> dict[str, Any]:
    """What the comparison shows of a candidate: ranking, at capacity, and calibration."""
    gaps = [abs(b["mean_predicted"] - b["observed_rate"]) * b["n"] for b in m["reliability"]]
    keys = (
        "roc_auc",
        "precision_at_capacity",
        "recall_at_capacity",
        "lift_at_capacity",
        "brier",
        "brier_base_rate",
    )
    return {
        **{k: m[k] for k in keys},
        "calibration_error": sum(gaps) / m["n"] if m["n"] else None,  # decile-weighted |predicted − observed|
    }


def _fit_outcome(
    kind: str, builder: FeatureBuilder, table: FeatureTable, frame: pd.DataFrame, *, test_share: float
) -> Fitted:
    y, known = outcome_target(kind, table.labels, frame["status"])
    usable = known.astype(bool)
    features, target = table.features[usable], y[usable]
    reported = frame["reported_at"][usable]
    model = OutcomeModel(kind)
    if len(target) < model.min_rows:
        model.fit(features, target)  # raises NOT_ENOUGH_DATA with the counts
    test = time_split(reported, test_share)
    held_out = OutcomeModel(kind).fit(features[~test], target[~test])
    metrics = outcome_metrics(
        target[test], held_out.predict(features[test]), held_out.baseline(features[test])
    )
    metrics.update(_split_facts(reported, test, kind))
    metrics["unit"] = "days" if kind == "handling_time" else "CNY"
    final = OutcomeModel(kind).fit(features, target)
    return _fitted(kind, OutcomeBundle(builder, final), metrics, final.get_params(), reported, model.min_rows)


def _split_facts(reported: pd.Series, test: Any, target: str) -> dict[str, Any]:
    days = _local_days(reported)
    return {
        "target": target,
        "n_train": int((~test).sum()),
        "n_test": int(test.sum()),
        "train_from": days[~test].min() if (~test).any() else None,
        "train_to": days[~test].max() if (~test).any() else None,
        "test_from": days[test].min() if test.any() else None,
        "test_to": days[test].max() if test.any() else None,
    }


def _local_days(reported: pd.Series) -> Any:
    stamps = pd.DatetimeIndex(reported)
    if stamps.tz is None:
        stamps = stamps.tz_localize("UTC")
    return np.asarray(stamps.tz_convert("Asia/Shanghai").date, dtype=object)


def _fitted(
    kind: str,
    estimator: RiskBundle | OutcomeBundle,
    metrics: dict[str, Any],
    params: dict[str, Any],
    reported: pd.Series,
    min_samples: int,
) -> Fitted:
    days = _local_days(reported)
    return Fitted(
        kind=kind,
        estimator=estimator,
        metrics=metrics,
        params={**params, **{f"features.{k}": v for k, v in estimator.builder.get_params().items()}},
        training_from=days.min(),
        training_to=days.max(),
        n_samples=len(days),
        min_samples=min_samples,
    )


def store(
    session: Session, fitted: Fitted, *, trained_by: str, settings: Settings, now: datetime | None = None
) -> MiningModel:
    """Save a fitted model as the next, current version of its kind."""
    return registry.save(
        session,
        kind=fitted.kind,
        estimator=fitted.estimator,
        metrics=fitted.metrics,
        params=fitted.params,
        training_from=fitted.training_from,
        training_to=fitted.training_to,
        n_samples=fitted.n_samples,
        trained_by=trained_by,
        settings=settings,
        min_samples=fitted.min_samples,
        now=now,
    )


def train(
    *,
    session: Session,
    kind: str,
    settings: Settings,
    trained_by: str,
    capacity: float = 0.05,
    test_share: float = 0.2,
    now: datetime | None = None,
) -> MiningModel:
    """Load every claim, fit ``kind``, store it; the new version becomes current."""
    frame = load_claims(session)
    fitted = fit_kind(kind, frame, capacity=capacity, test_share=test_share)
    return store(session, fitted, trained_by=trained_by, settings=settings, now=now)
