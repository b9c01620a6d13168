"""Masking of personal data wherever it is shown or logged."""

from __future__ import annotations


def mask_id_number(value: str | None) -> str:
    """110101********1234 style: region prefix and last four kept."""
    if not value:
        return ""
    if len(value) <= 8:
        return value[:1] + "*" * (len(value) - 2) + value[-1:] if len(value) > 2 else "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """138****5678."""
    if not value:
        return ""
    digits = value.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_account(value: str | None) -> str:
    """Bank account: only the last four digits."""
    if not value:
        return ""
    tail = value[-4:] if len(value) > 4 else ""
    return "*" * max(len(value) - 4, 4) + tail


def mask_name(value: str | None) -> str:
    """张*三 / 王* : family name and last character kept."""
    if not value:
        return ""
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
