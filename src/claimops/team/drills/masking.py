"""A closed claim made fit for training (pure): every personal value of its customer and payees
replaced, in the fields and in the free text, then anything shaped like an ID, phone or account masked.

Names get a stand-in (客户甲, 收款人乙…), identifiers their masked form; the free text is scrubbed of
the same values as they were written, with and without separators, before the shape-based pass."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from claimops.masking import mask_account, mask_id_number, mask_name, mask_phone, mask_text

STAND_INS = "甲乙丙丁戊己庚辛壬癸"
_SEPARATORS = re.compile(r"[\s\-()+./]")


def stand_in(kind: str, index: int) -> str:
    """客户甲, 客户乙, … (kind: 客户, 收款人)."""
    return (
        kind
        + STAND_INS[index % len(STAND_INS)]
        + ("" if index < len(STAND_INS) else str(index // len(STAND_INS)))
    )


def replacements(
    *,
    names: Iterable[tuple[str, str]] = (),  # (name, stand-in)
    id_numbers: Iterable[str] = (),
    phones: Iterable[str] = (),
    accounts: Iterable[str] = (),
) -> dict[str, str]:
    """Every personal value (as written and without separators) -> what replaces it."""
    out: dict[str, str] = {}

    def add(value: str, masked: str) -> None:
        value = value.strip()
        if len(value) < 2:
            return
        out[value] = masked
        bare = _SEPARATORS.sub("", value)
        if len(bare) >= 2:
            out.setdefault(bare, masked)

    for name, substitute in names:
        add(name, substitute)
    for v in id_numbers:
        add(v, mask_id_number(v))
    for v in phones:
        add(v, mask_phone(v))
    for v in accounts:
        add(v, mask_account(v))
    return out


def scrub(text: str, secrets: Mapping[str, str]) -> str:
    """The text with every known personal value replaced (longest first), then shapes masked."""
    for value in sorted(secrets, key=len, reverse=True):
        text = text.replace(value, secrets[value])
    return mask_text(text)


def masked_name(name: str) -> str:
    return mask_name(name)
