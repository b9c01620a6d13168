"""What every mining estimator shares: scikit-learn's parameter protocol and one ``NotFittedError``.

The convention (scikit-learn's): ``__init__`` stores each parameter unchanged under its own name and
does nothing else; ``fit`` learns attributes whose names end with ``_`` and returns ``self``; asking for
a result before ``fit`` raises :class:`NotFittedError`. Estimators read no database and no clock: a
loader (:mod:`claimops.mining.data`) builds the frames they take.

``Estimator`` implements the protocol itself rather than subclassing scikit-learn's ``BaseEstimator``:
that class is untyped, and under strict mypy every estimator derived from it would become ``Any``.
``sklearn.base.clone`` works on these estimators all the same (it needs only ``get_params``).
"""

from __future__ import annotations

import inspect
from typing import Any, Self

from sklearn.exceptions import NotFittedError

__all__ = ["Estimator", "NotFittedError", "require_fitted"]


class Estimator:
    """Base of the claimops estimators: ``get_params``, ``set_params`` and a repr naming every parameter.

    Examples
    --------
    >>> class Scaler(Estimator):
    ...     def __init__(self, factor: float = 2.0) -> None:
    ...         self.factor = factor
    >>> Scaler().set_params(factor=3.0)
    Scaler(factor=3.0)
    >>> Scaler().get_params()
    {'factor': 2.0}
    """

    @classmethod
    def _param_names(cls) -> list[str]:
        """The constructor's parameter names, in the order it declares them."""
        if cls.__init__ is object.__init__:
            return []
        names = []
        for param in list(inspect.signature(cls.__init__).parameters.values())[1:]:
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                raise TypeError(f"{cls.__name__}.__init__ must name its parameters (no *args or **kwargs)")
            names.append(param.name)
        return names

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Constructor parameters; with ``deep``, also those of parameters that are estimators."""
        out: dict[str, Any] = {}
        for name in self._param_names():
            value = getattr(self, name)
            out[name] = value
            if deep and isinstance(value, Estimator):
                out.update({f"{name}__{k}": v for k, v in value.get_params(deep=True).items()})
        return out

    def set_params(self, **params: Any) -> Self:
        """Set constructor parameters; an unknown name raises ``ValueError``."""
        known = self._param_names()
        for name, value in params.items():
            if name not in known:
                raise ValueError(f"{type(self).__name__} has no parameter {name!r}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params(deep=False).items())
        return f"{type(self).__name__}({args})"


def require_fitted(estimator: object, *attributes: str) -> None:
    """Raise :class:`NotFittedError` unless ``estimator`` has every attribute (set by ``fit``)."""
    missing = [a for a in attributes if not hasattr(estimator, a)]
    if missing:
        raise NotFittedError(
            f"{type(estimator).__name__} is not fitted yet: call fit() first (missing {', '.join(missing)})"
        )
