"""Message catalogues: every label and sentence shown to people lives in i18n/<lang>/*.toml.

Each language folder holds one file per area (core, web, reports...); they merge into one catalogue.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


def _flatten(prefix: str, node: dict[str, Any], out: dict[str, str]) -> None:
    for key, value in node.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(full, value, out)
        else:
            out[full] = str(value)


@cache
def catalogue(lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    folder = resources.files("claimops.i18n").joinpath(lang)
    origin: dict[str, str] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            part: dict[str, str] = {}
            _flatten("", tomllib.loads(entry.read_text(encoding="utf-8")), part)
            # two areas defining one key would leave one of them showing the other's words
            if clash := sorted(k for k in part if k in origin):
                raise ValueError(f"{lang}/{entry.name} redefines {clash[0]} of {lang}/{origin[clash[0]]}")
            origin.update(dict.fromkeys(part, entry.name))
            out.update(part)
    return out


def normalize_lang(lang: str | None) -> str:
    if lang and lang.lower().startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: Any) -> str:
    """Translate; a missing key falls back to Chinese, then to the key itself (visible, not silent)."""
    text = catalogue(normalize_lang(lang)).get(key) or catalogue(DEFAULT_LANGUAGE).get(key) or key
    return text.format(**params) if params else text


def has(key: str, lang: str = DEFAULT_LANGUAGE) -> bool:
    return key in catalogue(normalize_lang(lang))
