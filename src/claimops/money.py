"""Money is Decimal CNY with two places, rounded half up (四舍五入), never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_money(value: Decimal | int | str) -> Decimal:
    """Quantize to cents. Floats are refused: they carry binary rounding errors."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    try:
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc


def money_or_zero(value: object) -> Decimal:
    """For database aggregates: None -> 0; SQLite floats are converted through their repr."""
    if value is None:
        return ZERO
    if isinstance(value, float):
        return to_money(repr(value))
    return to_money(value)  # type: ignore[arg-type]


def format_cny(value: Decimal, *, lang: str = "zh") -> str:
    return f"¥{value:,.2f}" if lang == "zh" else f"CNY {value:,.2f}"


def to_wan(value: Decimal) -> Decimal:
    """万元, as the work-summary deck states amounts."""
    return (value / Decimal(10000)).quantize(CENT, rounding=ROUND_HALF_UP)
