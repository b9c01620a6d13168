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
import pandas as pd
from sqlalchemy.orm import Session

from claimops.config import Settings
from claimops.errors import ValidationFailed
from claimops.mining.data.loader import load_claims
from claimops.mining.estimators.features import FeatureBuilder, FeatureTable
from claimops.mining.estimators.predictions import TARGETS, OutcomeModel, outcome_metrics, outcome_target
from claimops.mining.estimators.risk import RiskModel, check_enough, risk_metrics, risk_target, time_split
from claimops.mining.store import registry
from claimops.mining.store.models import MiningModel

TRAINABLE = ("risk", *TARGETS)
MIN_TEST_POSITIVES = 5


@dataclass
class RiskBundle:
    """What the registry stores for ``risk``: the fitted feature builder and the model."""

    builder: FeatureBuilder
    model: RiskModel


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
    builder = FeatureBuilder().fit(frame)
    table = builder.transform(frame)
    if kind == "risk":
        return _fit_risk(builder, table, frame, capacity=capacity, test_share=test_share)
    return _fit_outcome(kind, builder, table, frame, test_share=test_share)


def _fit_risk(
    builder: FeatureBuilder, table: FeatureTable, frame: pd.DataFrame, *, capacity: float, test_share: float
) -> Fitted:
    data = risk_target(table.labels, frame["status"])
    usable = data.usable
    features, y = table.features[usable], data.y[usable]
    reported = frame["reported_at"][usable]
    model = RiskModel()
    check_enough(
        len(y), int(y.sum()), min_rows=model.min_rows, min_positives=model.min_positives, what="(all claims)"
    )
    test = time_split(reported, test_share)
    check_enough(
        int(test.sum()),
        int(y[test].sum()),
        min_rows=1,
        min_positives=MIN_TEST_POSITIVES,
        what="hold-out (the latest claims)",
    )
    held_out = RiskModel().fit(features[~test], y[~test])
    metrics = risk_metrics(y[test], held_out.score(features[test]), capacity=capacity)
    metrics.update(_split_facts(reported, test, data.target))
    final = RiskModel().fit(features, y)
    return _fitted("risk", RiskBundle(builder, final), metrics, final.get_params(), reported, model.min_rows)


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
