"""The password policy (pure): long enough, not a common password, not the user name."""

from __future__ import annotations

from functools import cache
from importlib import resources

MIN_LENGTH = 12
# Trailing years, counters and punctuation do not make a common word uncommon: password2026!
_DECORATION = "0123456789!@#$%^&*()-_=+.,;:?~ "


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("claimops.users").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def password_problem(password: str, *, username: str = "", min_length: int = MIN_LENGTH) -> str | None:
    """Why the password is refused, or None when it may be used."""
    if len(password) < min_length:
        return f"the password must have at least {min_length} characters"
    lowered = password.lower()
    base = lowered.strip(_DECORATION)
    common = common_passwords()
    if lowered in common or (len(base) >= 4 and base in common):
        return "the password is too common; choose another"
    if len(set(lowered)) < 5:
        return "the password is too simple; use more different characters"
    if username and len(username) >= 3 and username.lower() in lowered:
        return "the password must not contain the user name"
    return None
