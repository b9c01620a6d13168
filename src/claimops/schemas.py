"""Shared Pydantic types: money in and out as strings of Decimal, never float."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, PlainSerializer

from claimops.money import to_money


def _no_float(value: Any) -> Any:
    # A JSON number arrives as float; go through its text so 0.1 stays 0.1.
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bool):
        raise ValueError("must be an amount, not a boolean")
    return value


def _amount(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("must be a finite amount")
    if value < 0:
        raise ValueError("must not be negative")
    if value >= Decimal("1e12"):
        raise ValueError("is too large")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("must have at most two decimal places")
    return to_money(value)


MoneyIn = Annotated[Decimal, BeforeValidator(_no_float), AfterValidator(_amount)]
MoneyOut = Annotated[Decimal, PlainSerializer(lambda v: str(v), return_type=str)]
