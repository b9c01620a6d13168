"""Payment methods, with the aliases people and other systems use for them."""

from __future__ import annotations

from enum import StrEnum


class PaymentMethod(StrEnum):
    BANK_TRANSFER = "bank_transfer"
    DIRECT_TO_PROVIDER = "direct_to_provider"  # 直赔: paid straight to the hospital or garage
    OTHER = "other"


_ALIASES = {
    "bank": PaymentMethod.BANK_TRANSFER,
    "transfer": PaymentMethod.BANK_TRANSFER,
    "bank_transfer": PaymentMethod.BANK_TRANSFER,
    "银行转账": PaymentMethod.BANK_TRANSFER,
    "direct": PaymentMethod.DIRECT_TO_PROVIDER,
    "direct_payment": PaymentMethod.DIRECT_TO_PROVIDER,
    "direct_to_provider": PaymentMethod.DIRECT_TO_PROVIDER,
    "provider": PaymentMethod.DIRECT_TO_PROVIDER,
    "provider_direct": PaymentMethod.DIRECT_TO_PROVIDER,
    "直赔": PaymentMethod.DIRECT_TO_PROVIDER,
    "other": PaymentMethod.OTHER,
    "其他": PaymentMethod.OTHER,
}


def normalize_method(value: object) -> PaymentMethod:
    key = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    if key in _ALIASES:
        return _ALIASES[key]
    raise ValueError(f"unknown payment method {value!r}; one of {', '.join(m.value for m in PaymentMethod)}")
