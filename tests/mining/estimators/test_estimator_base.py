"""What every estimator shares: the parameter protocol, one NotFittedError, no database."""

from __future__ import annotations

import inspect
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
import sklearn.exceptions
from sklearn.base import clone

import claimops.mining.estimators as estimators
from claimops.mining.estimators import (
    AssociationRules,
    ChainLadder,
    CleaningPipeline,
    Estimator,
    FeatureBuilder,
    Forecaster,
    FrequentItemsets,
    Itemizer,
    NotFittedError,
    OutcomeModel,
    RiskModel,
    Segmenter,
)
from claimops.mining.estimators.quality import FlagAmountOutliers
from factories import synthetic_claims

ESTIMATORS = [
    cls
    for _, cls in inspect.getmembers(estimators, inspect.isclass)
    if issubclass(cls, Estimator) and cls is not Estimator
]


def test_every_estimator_class_shares_the_base() -> None:
    names = {cls.__name__ for cls in ESTIMATORS}
    assert {"ChainLadder", "Forecaster", "FeatureBuilder", "RiskModel", "OutcomeModel"} <= names
    assert {"DataQuality", "CleaningPipeline", "Itemizer", "FrequentItemsets", "AssociationRules"} <= names
    assert {"Segmenter", "ClaimSegments", "CustomerSegments"} <= names


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_parameters_round_trip_through_sklearn_clone(cls: type[Estimator]) -> None:
    model = cls("settlement") if cls is OutcomeModel else cls()
    params = model.get_params()
    assert list(params) == list(inspect.signature(cls.__init__).parameters)[1:]
    twin = clone(model)
    assert type(twin) is cls and twin is not model and twin.get_params() == params
    assert repr(model) == f"{cls.__name__}({', '.join(f'{k}={v!r}' for k, v in params.items())})"
    with pytest.raises(ValueError, match="no parameter 'nonsense'"):
        model.set_params(nonsense=1)


def test_set_params_returns_the_estimator() -> None:
    model = ChainLadder()
    assert model.set_params(sigma="log-linear") is model and model.get_params() == {"sigma": "log-linear"}


def _claims() -> pd.DataFrame:
    return synthetic_claims(40, seed=3)


UNFITTED: dict[str, Callable[[], Any]] = {
    "ChainLadder.summary": lambda: ChainLadder().summary(),
    "Forecaster.to_dict": lambda: Forecaster().to_dict(),
    "FeatureBuilder.transform": lambda: FeatureBuilder().transform(_claims()),
    "RiskModel.score": lambda: RiskModel().score(pd.DataFrame()),
    "OutcomeModel.predict": lambda: OutcomeModel("settlement").predict(pd.DataFrame()),
    "Segmenter.predict": lambda: Segmenter(numeric=["x"]).predict(pd.DataFrame({"x": [1.0]})),
    "CleaningPipeline.transform": lambda: CleaningPipeline().transform(_claims()),
    "FlagAmountOutliers.apply": lambda: FlagAmountOutliers().apply(_claims()),
    "Itemizer.transform": lambda: Itemizer().transform(pd.DataFrame()),
    "AssociationRules.fit(unfitted itemsets)": lambda: AssociationRules().fit(FrequentItemsets()),
}


@pytest.mark.parametrize("call", list(UNFITTED.values()), ids=list(UNFITTED))
def test_results_before_fit_raise_the_one_not_fitted_error(call: Callable[[], Any]) -> None:
    with pytest.raises(NotFittedError, match="not fitted yet"):
        call()


def test_the_not_fitted_error_is_scikit_learns() -> None:
    # so that one except clause catches ours and those of the scikit-learn models inside
    assert NotFittedError is sklearn.exceptions.NotFittedError
    assert issubclass(NotFittedError, ValueError | AttributeError)
    assert np.isfinite(ChainLadder().fit([[1.0, 2.0], [1.0, np.nan], [1.0, np.nan]]).total_ibnr_)


def test_importing_one_estimator_loads_no_other() -> None:
    code = (
        "import sys, claimops.mining.estimators.rules\n"
        "print('claimops.mining.estimators.segments' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_importing_the_estimators_loads_no_database_code() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "import claimops.mining.estimators as package\n"
        "for info in pkgutil.iter_modules(package.__path__):\n"
        "    importlib.import_module(f'{package.__name__}.{info.name}')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy'\n"
        "             or (m.startswith('claimops.') and m.endswith('.models'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
