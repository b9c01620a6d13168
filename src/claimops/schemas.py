"""Shared Pydantic types: money in and out as strings of Decimal, never float; bounded dates."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, PlainSerializer, ValidationError

from claimops.errors import InvalidInput
from claimops.money import to_money

M = TypeVar("M", bound=BaseModel)

MAX_ID = 2_147_483_647  # ids are 32-bit integers on PostgreSQL and stay within them on SQLite


class InputError(ValueError):
    """A validator's refusal with a stable code (pages show web.input.<code>); the API shows the message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _no_float(value: Any) -> Any:
    # A JSON number arrives as float; go through its text so 0.1 stays 0.1.
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bool):
        raise InputError("not_a_number", "must be an amount, not a boolean")
    return value


def _amount(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise InputError("not_a_number", "must be a finite amount")
    if value < 0:
        raise InputError("negative", "must not be negative")
    if value >= Decimal("1e12"):
        raise InputError("too_large", "is too large")
    if value != value.quantize(Decimal("0.01")):
        raise InputError("decimals", "must have at most two decimal places")
    return to_money(value)


MoneyIn = Annotated[Decimal, BeforeValidator(_no_float), AfterValidator(_amount)]
MoneyOut = Annotated[Decimal, PlainSerializer(lambda v: str(v), return_type=str)]


# Any date we take in (filters, periods, policy terms, reports) lies in these years: wide enough for
# any real claim, and a year or a day either side is still a date (9999-12-31 has no next day, and
# 0001-01-01 in Shanghai is the year before in UTC).
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
DATE_RANGE_ERROR = f"must be between {FIRST_DAY} and {LAST_DAY}"


def in_date_range(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def _day(value: date) -> date:
    if not in_date_range(value):
        raise InputError("date_range", DATE_RANGE_ERROR)
    return value


def _instant(value: datetime) -> datetime:
    _day(value.date())
    return value


def _iso_day(value: Any) -> Any:
    # Lax parsing would read a number as seconds since 1970 (`?reported_to=0` is 1970-01-01).
    if isinstance(value, (int, float)) or (isinstance(value, str) and not _ISO_DAY.fullmatch(value)):
        raise InputError("date_parsing", "must be a date as YYYY-MM-DD")
    return value


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
Day = Annotated[date, BeforeValidator(_iso_day), AfterValidator(_day)]
Instant = Annotated[datetime, AfterValidator(_instant)]


def parse(model: type[M], data: Mapping[str, Any]) -> M:
    """`data` as a `model`, or InvalidInput (422) naming each field: {"fields": [{"field", "message"}]}."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        errors = exc.errors()
        fields = [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in errors]
        summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields[:5])
        # the schema's name lets a page label a field whose name means different things in two forms
        named = [{**e, "schema": model.__name__} for e in errors]
        raise InvalidInput(f"invalid input: {summary}", errors=named, details={"fields": fields}) from None
