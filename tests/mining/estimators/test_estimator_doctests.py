"""The docstring examples of the estimators and of the pure frame modules run and show what they say."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import claimops.mining.estimators as estimators

PURE_DATA = ("claimops.mining.data.frames", "claimops.mining.data.triangle")
MODULES = sorted(
    [f"{estimators.__name__}.{info.name}" for info in pkgutil.iter_modules(estimators.__path__)]
    + list(PURE_DATA)
)
# Where an estimator (or a frame builder) shows its use, the example must be there and run.
WITH_EXAMPLES = {
    *(f"claimops.mining.estimators.{name}" for name in ("base", "features", "forecast", "quality")),
    *(f"claimops.mining.estimators.{name}" for name in ("reserving", "rules", "segments")),
    *PURE_DATA,
}


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed (output above)"
    if name in WITH_EXAMPLES:
        assert result.attempted > 0
