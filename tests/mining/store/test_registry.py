"""Model registry: versions per kind, one current per kind (in the database too), artifact round trip."""

from __future__ import annotations

import importlib
import sys
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sklearn.linear_model import LinearRegression
from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from claimops.config import Settings
from claimops.db import Base
from claimops.errors import NotFound, ValidationFailed
from claimops.migrate import downgrade, upgrade
from claimops.mining.estimators.forecast import Forecaster
from claimops.mining.service.training import fit_kind
from claimops.mining.store import registry
from claimops.mining.store.models import MiningModel
from claimops.mining.store.registry import MOVED_MODULES, ArtifactError
from factories import synthetic_claims


def fitted(seed: int) -> LinearRegression:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(50, 3))
    return LinearRegression().fit(X, X @ np.array([1.0, -2.0, 0.5]) + rng.normal(0, 0.1, 50))


def save(session: Session, settings: Settings, kind: str = "risk", **kw: Any) -> MiningModel:
    args: dict[str, Any] = {
        "kind": kind,
        "estimator": fitted(kw.pop("seed", 0)),
        "metrics": {"auc": 0.81},
        "params": {"C": 1.0},
        "training_from": date(2025, 1, 1),
        "training_to": date(2025, 12, 31),
        "n_samples": 50,
        "trained_by": "manager",
        "settings": settings,
    }
    args.update(kw)
    return registry.save(session, **args)


def current_rows(session: Session, kind: str) -> int:
    return (
        session.scalar(select(func.count()).where(MiningModel.kind == kind, MiningModel.current.is_(True)))
        or 0
    )


def test_versions_increase_per_kind_and_only_the_latest_is_current(
    session: Session, settings: Settings
) -> None:
    first = save(session, settings, seed=1)
    second = save(session, settings, seed=2, metrics={"auc": np.float64(0.84), "brier": float("nan")})
    forecast = save(session, settings, kind="forecast")
    assert (first.version, second.version, forecast.version) == (1, 2, 1)
    session.expire_all()
    assert not first.current and second.current and forecast.current
    assert current_rows(session, "risk") == 1 and current_rows(session, "forecast") == 1
    assert [m.version for m in registry.history(session, "risk")] == [2, 1]
    assert second.metrics == {"auc": 0.84, "brier": None}  # JSON-safe: numpy → float, NaN → null
    assert second.params == {"C": 1.0} and second.n_samples == 50 and second.trained_by == "manager"
    assert (second.training_from, second.training_to) == (date(2025, 1, 1), date(2025, 12, 31))
    assert second.created_at.tzinfo is not None

    found = registry.current(session, "risk", settings)
    assert found is not None
    row, estimator = found
    assert row.id == second.id
    np.testing.assert_array_equal(estimator.coef_, fitted(2).coef_)
    path = settings.data_dir / "models" / row.artifact
    assert path.is_file() and path.parent == settings.data_dir / "models"
    assert not list(path.parent.glob("*.tmp"))  # written atomically: no temporary files left
    assert registry.current(session, "settlement", settings) is None


def test_set_current_rolls_back_to_an_earlier_version(session: Session, settings: Settings) -> None:
    save(session, settings, seed=1)
    save(session, settings, seed=2)
    registry.set_current(session, "risk", 1)
    session.expire_all()
    found = registry.current(session, "risk", settings)
    assert found is not None and found[0].version == 1
    np.testing.assert_array_equal(found[1].coef_, fitted(1).coef_)
    assert current_rows(session, "risk") == 1
    with pytest.raises(NotFound) as err:
        registry.set_current(session, "risk", 9)
    assert err.value.code == "MODEL_NOT_FOUND"


def test_the_database_refuses_a_second_current_version(session: Session, settings: Settings) -> None:
    row = save(session, settings)
    twin = MiningModel(
        kind="risk",
        version=row.version + 1,
        trained_by="x",
        training_from=row.training_from,
        training_to=row.training_to,
        n_samples=1,
        metrics={},
        params={},
        artifact="none.joblib",
        artifact_sha256="0" * 64,
        current=True,
    )
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(twin)
        session.flush()
    with pytest.raises(IntegrityError), session.begin_nested():  # nor a repeated version number
        twin2 = MiningModel(**{**_columns(twin), "version": row.version, "current": False})
        session.add(twin2)
        session.flush()
    assert current_rows(session, "risk") == 1


def _columns(row: MiningModel) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in inspect(MiningModel).column_attrs if c.key != "id"}


def test_too_little_data_is_not_saved(session: Session, settings: Settings) -> None:
    files = set((settings.data_dir / "models").glob("*"))
    with pytest.raises(ValidationFailed) as err:
        save(session, settings, n_samples=0)
    assert err.value.code == "NOT_ENOUGH_DATA"
    with pytest.raises(ValidationFailed) as err:
        save(session, settings, n_samples=20, min_samples=30)
    assert err.value.code == "NOT_ENOUGH_DATA"
    assert registry.history(session, "risk") == []
    assert set((settings.data_dir / "models").glob("*")) == files


def test_bad_kind_and_dates_are_refused(session: Session, settings: Settings) -> None:
    for kw in (
        {"kind": "Risk Model"},
        {"kind": "../x"},
        {"training_from": date(2026, 1, 1)},
        {"trained_by": " "},
    ):
        with pytest.raises(ValidationFailed) as err:
            save(session, settings, **kw)
        assert err.value.code == "BAD_MODEL"


def test_a_changed_or_missing_artifact_is_not_loaded(session: Session, settings: Settings) -> None:
    row = save(session, settings)
    path: Path = settings.data_dir / "models" / row.artifact
    path.write_bytes(path.read_bytes() + b"\0")
    with pytest.raises(ArtifactError, match="changed"):
        registry.current(session, "risk", settings)
    path.unlink()
    with pytest.raises(ArtifactError, match="missing"):
        registry.current(session, "risk", settings)
    row.artifact = "../secret.key"
    session.flush()
    with pytest.raises(ArtifactError, match="outside"):
        registry.current(session, "risk", settings)


def test_a_fitted_forecaster_round_trips(session: Session, settings: Settings) -> None:
    rng = np.random.default_rng(0)
    t = np.arange(40)
    model = Forecaster(horizon=3, candidates=["ETS(A,A,A)"], max_origins=3).fit(
        100 + t + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1, 40)
    )
    save(
        session,
        settings,
        kind="forecast",
        estimator=model,
        metrics=model.to_dict()["backtest"],
        params=model.get_params(),
        n_samples=model.n_obs_,
    )
    found = registry.current(session, "forecast", settings)
    assert found is not None
    assert found[0].metrics["seasonal_naive"]["n_points"] == 9
    assert found[1].forecast_.equals(model.forecast_) and found[1].method_ == model.method_


def test_a_model_saved_before_mining_was_layered_still_loads_and_scores(
    session: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    fitted_risk = fit_kind("risk", synthetic_claims(1000, seed=1))
    # Pickle it as the flat modules did: every class under its module's old name.
    for old, new in MOVED_MODULES.items():
        module = importlib.import_module(new)
        monkeypatch.setitem(sys.modules, old, module)
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == new:
                monkeypatch.setattr(value, "__module__", old)
    row = save(session, settings, estimator=fitted_risk.estimator)
    monkeypatch.undo()
    artifact = (settings.data_dir / "models" / row.artifact).read_bytes()
    assert b"claimops.mining.training" in artifact and b"claimops.mining.service" not in artifact

    found = registry.current(session, "risk", settings)
    assert found is not None
    bundle = found[1]
    assert type(bundle) is type(fitted_risk.estimator)
    features = bundle.builder.transform(synthetic_claims(50, seed=2)).features
    assert np.array_equal(bundle.model.score(features), fitted_risk.estimator.model.score(features))
    assert not any(old in sys.modules for old in MOVED_MODULES)


def test_migration_0002_matches_the_model_and_downgrades(empty_engine: Engine) -> None:
    url = empty_engine.url.render_as_string(hide_password=False)
    with empty_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert [d for d in diff if "mining_models" in repr(d)] == []
    downgrade(url, "0001")
    empty_engine.dispose()
    assert "mining_models" not in inspect(empty_engine).get_table_names()
    upgrade(url)
    empty_engine.dispose()
    assert "mining_models" in inspect(empty_engine).get_table_names()
