"""Pure, scikit-learn style estimators: parameters in ``__init__``, ``fit`` returns ``self``, learned
attributes end with ``_``. They take frames (see :mod:`claimops.mining.data.frames`) and read no
database, no models module and no clock; :mod:`claimops.mining.data` builds their inputs.

The names below load their module on first use, so that importing one estimator does not import the
libraries of all the others (a process that only mines rules keeps fewer objects alive).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from claimops.mining.estimators.base import Estimator, NotFittedError, require_fitted
    from claimops.mining.estimators.features import FeatureBuilder, FeatureTable, build_features
    from claimops.mining.estimators.forecast import Forecaster
    from claimops.mining.estimators.predictions import OutcomeModel
    from claimops.mining.estimators.quality import CleaningPipeline, DataQuality, QualityReport
    from claimops.mining.estimators.reserving import ChainLadder
    from claimops.mining.estimators.risk import RiskModel
    from claimops.mining.estimators.rules import AssociationRules, FrequentItemsets, Itemizer
    from claimops.mining.estimators.segments import ClaimSegments, CustomerSegments, Segmenter

__all__ = [
    "AssociationRules",
    "ChainLadder",
    "ClaimSegments",
    "CleaningPipeline",
    "CustomerSegments",
    "DataQuality",
    "Estimator",
    "FeatureBuilder",
    "FeatureTable",
    "Forecaster",
    "FrequentItemsets",
    "Itemizer",
    "NotFittedError",
    "OutcomeModel",
    "QualityReport",
    "RiskModel",
    "Segmenter",
    "build_features",
    "require_fitted",
]

_MODULES = {
    "AssociationRules": "rules",
    "ChainLadder": "reserving",
    "ClaimSegments": "segments",
    "CleaningPipeline": "quality",
    "CustomerSegments": "segments",
    "DataQuality": "quality",
    "Estimator": "base",
    "FeatureBuilder": "features",
    "FeatureTable": "features",
    "Forecaster": "forecast",
    "FrequentItemsets": "rules",
    "Itemizer": "rules",
    "NotFittedError": "base",
    "OutcomeModel": "predictions",
    "QualityReport": "quality",
    "RiskModel": "risk",
    "Segmenter": "segments",
    "build_features": "features",
    "require_fitted": "base",
}


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_MODULES[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
