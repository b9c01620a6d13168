"""Document checklists per line, read from checklists.toml (configuration, not code)."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from claimops.i18n import t
from claimops.policies.lines import Line


@dataclass(frozen=True)
class ChecklistItem:
    doc_type: str
    label: str
    required: bool
    received: bool


@cache
def _config() -> dict[str, dict[str, list[str]]]:
    text = resources.files("claimops.claims").joinpath("checklists.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def doc_types(line: Line | str) -> tuple[list[str], list[str]]:
    entry = _config()[str(line)]
    return list(entry["required"]), list(entry.get("optional", []))


def all_doc_types() -> set[str]:
    return {d for entry in _config().values() for d in (*entry["required"], *entry.get("optional", []))}


def checklist(line: Line | str, received: Iterable[str], lang: str = "zh") -> list[ChecklistItem]:
    got = set(received)
    required, optional = doc_types(line)
    return [ChecklistItem(d, t(f"doc.{d}", lang), d in required, d in got) for d in [*required, *optional]]


def missing(line: Line | str, received: Iterable[str]) -> list[str]:
    got = set(received)
    return [d for d in doc_types(line)[0] if d not in got]
