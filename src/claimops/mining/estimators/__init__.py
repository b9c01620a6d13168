"""Pure, scikit-learn style estimators: parameters in ``__init__``, ``fit`` returns ``self``, learned
attributes end with ``_``. They take frames (see :mod:`claimops.mining.data.frames`) and read no
database, no models module and no clock; :mod:`claimops.mining.data` builds their inputs.
"""

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
