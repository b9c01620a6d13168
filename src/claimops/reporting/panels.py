"""The dashboard's panels from other domains, as an object that is passed in.

Reporting draws the claims figures itself; partners, customers and the team add a panel each by
registering a `PanelProvider`. The application's composition root (`claimops.dashboard_panels`) names
them; reporting names no other domain, like the deck's `SectionRegistry`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.orm import Session

from claimops.reporting.kpis import Filters
from claimops.reporting.periods import Period


@dataclass(frozen=True)
class Figure:
    """One number on a panel, already formatted for the page's language, with the list behind it.
    `flag` marks a figure that needs attention (for example "warn" for overdue items)."""

    label: str
    value: str
    href: str | None = None
    flag: str | None = None


@dataclass(frozen=True)
class Row:
    """A line of a panel's small table (for example open disputes per stage)."""

    cells: tuple[str, ...]
    href: str | None = None


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    figures: tuple[Figure, ...]
    rows: tuple[Row, ...] = ()
    header: tuple[str, ...] = ()
    link: str | None = None  # the domain's own page for the period
    link_label: str | None = None
    note: str | None = None  # a caveat such as the sample size


class ChoicesProvider(Protocol):
    """(value, label) pairs for one of the dashboard's filters that another domain owns (insurers)."""

    def __call__(self, session: Session, /) -> list[tuple[int, str]]: ...


class PanelProvider(Protocol):
    """A domain's panel for the period and the dashboard's filters, or None when it has no data."""

    def __call__(self, session: Session, period: Period, filters: Filters, lang: str, /) -> Panel | None: ...


@dataclass
class PanelRegistry:
    _providers: dict[str, PanelProvider] = field(default_factory=dict)
    insurers: ChoicesProvider | None = None  # the insurer filter's choices, from the partners domain

    def add(self, key: str, provider: PanelProvider) -> None:
        if key in self._providers:
            raise ValueError(f"dashboard panel {key!r} registered twice")
        self._providers[key] = provider

    def keys(self) -> list[str]:
        return list(self._providers)

    def insurer_choices(self, session: Session) -> list[tuple[int, str]]:
        return self.insurers(session) if self.insurers else []

    def build(self, session: Session, period: Period, filters: Filters, lang: str) -> list[Panel]:
        return [p for p in self._each(session, period, filters, lang) if p is not None]

    def _each(self, session: Session, period: Period, filters: Filters, lang: str) -> Iterator[Panel | None]:
        for provider in self._providers.values():
            yield provider(session, period, filters, lang)
