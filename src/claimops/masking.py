"""One masking policy for personal data wherever it is shown, exported or logged.

Every mask keeps the original's length and layout: separators (spaces, dashes, brackets, a leading
plus) stay where they are, and every other character is either the original's or `*`. What may stay
visible depends on the shape of the value, never more than:

- resident ID: 18 characters → region (6) and the last 4 (110101********1234); 15 → region and the
  last 3, so the birth date is hidden in both;
- other ID documents of 8–14 characters (passports, Hong Kong/Macau/Taiwan permits, HK ID cards):
  the first and the last two (E******78);
- phones: a mobile keeps the carrier prefix and the last 4 (138****5678); a landline its area code
  and the last 2 (010-******78); a local number without area code the last 2; an optional +86/0086
  country code stays;
- bank accounts: the last 4, and only when there are more than 8 characters;
- names: the family name and, from three characters on, the last character (张*三, 王*);
- anything shorter or of no known shape: nothing.

At least 4 characters of a phone and 5 of an ID document are always hidden.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

STAR = "*"
SEPARATORS = frozenset(" -()+./")
NAME_SEPARATORS = frozenset(" ·.-")


def _mask(value: str, head: int, tail: int, separators: frozenset[str] = SEPARATORS) -> str:
    """Keep the first `head` and last `tail` significant characters; star the rest."""
    significant = sum(1 for c in value if c not in separators)
    keep_from = significant - tail
    out, seen = [], 0
    for c in value:
        if c in separators:
            out.append(c)
            continue
        out.append(c if seen < head or seen >= keep_from else STAR)
        seen += 1
    return "".join(out)


def _bounded(n: int, head: int, tail: int, hidden: int) -> tuple[int, int]:
    """Shrink what is shown until at least `hidden` of `n` characters are masked."""
    while head + tail > max(n - hidden, 0):
        if head:
            head -= 1
        else:
            tail -= 1
    return head, tail


def _significant(value: str, separators: frozenset[str] = SEPARATORS) -> str:
    return "".join(c for c in value if c not in separators)


def mask_id_number(value: str | None) -> str:
    """Resident IDs (18 or 15), passports and permits (8–14), anything else fully masked."""
    if not value:
        return ""
    n = len(_significant(value))
    if n >= 16:
        head, tail = 6, 4
    elif n == 15:
        head, tail = 6, 3
    elif n >= 8:
        head, tail = 1, 2
    else:
        head, tail = 0, 0
    return _mask(value, *_bounded(n, head, tail, 5))


def _country_code(value: str, digits: str) -> int:
    if value.lstrip().startswith("+86"):
        return 2
    if digits.startswith("0086"):
        return 4
    if digits.startswith("86") and len(digits) == 13:
        return 2
    return 0


def mask_phone(value: str | None) -> str:
    """Mobile 138****5678, landline 010-******78, local *****67; +86/0086 kept."""
    if not value:
        return ""
    digits = _significant(value)
    cc = _country_code(value, digits)
    national = digits[cc:]
    if len(national) == 11 and national.startswith("1"):
        head, tail = cc + 3, 4
    elif national.startswith("0") and 10 <= len(national) <= 12:
        head, tail = cc + (3 if national[1:2] in ("1", "2") else 4), 2
    elif len(national) >= 7:
        head, tail = cc, 2
    else:
        head, tail = 0, 0
    return _mask(value, *_bounded(len(digits), head, tail, 4))


def mask_account(value: str | None) -> str:
    """Bank account: only the last four, and those only for a full-length account."""
    if not value:
        return ""
    n = len(_significant(value))
    return _mask(value, 0, 4 if n > 8 else 0)


def mask_name(value: str | None) -> str:
    """张*三 / 王* / J*******h: family name and, from three characters on, the last one kept."""
    if not value:
        return ""
    n = len(_significant(value, NAME_SEPARATORS))
    head, tail = (0, 0) if n < 2 else (1, 0) if n == 2 else (1, 1)
    return _mask(value, head, tail, NAME_SEPARATORS)


# Free text (log lines, error messages): the identifiers that can be recognised by their shape. A run
# of 12 or more digits may be an ID or an account: it gets the account mask, the stricter one.
_EDGE_L, _EDGE_R = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
_TEXT_PATTERNS: list[tuple[re.Pattern[str], Callable[[str | None], str]]] = [
    (re.compile(_EDGE_L + r"\d{17}[Xx]" + _EDGE_R), mask_id_number),
    (re.compile(_EDGE_L + r"\d{12,}" + _EDGE_R), mask_account),
    (
        re.compile(r"(?<![0-9A-Za-z+])(?:\+86[- ]?|0086[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}" + _EDGE_R),
        mask_phone,
    ),
    (re.compile(_EDGE_L + r"0\d{2,3}-\d{7,8}" + _EDGE_R), mask_phone),
    (re.compile(_EDGE_L + r"[A-Z]{1,2}\d{7,8}" + _EDGE_R), mask_id_number),
]


def mask_text(text: str) -> str:
    """Mask every ID number, phone and account number recognisable in free text."""
    for pattern, mask in _TEXT_PATTERNS:
        text = pattern.sub(lambda m, mask=mask: mask(m.group(0)), text)  # type: ignore[misc]
    return text


def _mask_arg(arg: Any) -> Any:
    return mask_text(arg) if isinstance(arg, str) else arg


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    """Mask a log record's message and string arguments in place (their structure kept: uvicorn's
    access formatter unpacks the arguments)."""
    if isinstance(record.msg, str):
        record.msg = mask_text(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(_mask_arg(a) for a in record.args)
    elif isinstance(record.args, dict):
        record.args = {k: _mask_arg(v) for k, v in record.args.items()}
    if record.exc_info and not record.exc_text:
        record.exc_text = mask_text(logging.Formatter().formatException(record.exc_info))
    return record


class MaskingFilter(logging.Filter):
    """For handlers configured outside claimops (`handler.addFilter(MaskingFilter())`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record)
        return True


_installed = False


def install_log_masking() -> None:
    """Mask every log record of the process when it is made, whatever logger or handler it goes to."""
    global _installed
    if _installed:
        return
    make = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return mask_record(make(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _installed = True
