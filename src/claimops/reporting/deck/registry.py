"""The deck's sections as an object that is passed in: which sections, in which order, and who adds
slides to them.

Reporting writes its own slides from the period's figures (a `SectionBuilder`, pure); another domain
(mining today; partners, surveys and training next) adds slides from its own data by registering a
`SectionProvider` for a section. The application's edges assemble the registry
(`claimops.deck_sections`) and hand it to `build`; reporting itself names no other domain.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.orm import Session

from claimops.i18n import has, t
from claimops.reporting.deck.facts import Facts
from claimops.reporting.deck.model import Section, Slide
from claimops.reporting.kpis import Filters
from claimops.reporting.periods import Period
from claimops.reporting.summary import PeriodSummary


@dataclass(frozen=True)
class Figures:
    """What reporting's own section builders read."""

    summary: PeriodSummary
    facts: Facts
    lang: str
    filters: Filters | None = None


class SectionBuilder(Protocol):
    """Reporting's own slides for a section, from the figures only. `provided`: another domain added
    slides to the section, so the section need not say that claimops holds no such data."""

    def __call__(self, figures: Figures, provided: bool, /) -> list[Slide]: ...


class SectionProvider(Protocol):
    """A domain's slides for one section, or None when it has nothing for the period."""

    def __call__(self, session: Session, period: Period, lang: str, /) -> Section | None: ...


class FilteredSectionProvider(Protocol):
    """A provider whose slides narrow to the deck's filters (line, region, channel, insurer)."""

    def __call__(
        self, session: Session, period: Period, lang: str, filters: Filters | None, /
    ) -> Section | None: ...


@dataclass
class _Entry:
    builder: SectionBuilder | None
    open: bool  # other domains may add slides
    providers: list[SectionProvider] = field(default_factory=list)
    filtered: list[FilteredSectionProvider] = field(default_factory=list)


class SectionRegistry:
    """Sections in the deck's order, each with reporting's builder and the domains' providers."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self._entries)

    def add_section(
        self,
        key: str,
        builder: SectionBuilder | None = None,
        *,
        open_to_domains: bool = False,
        before: str | None = None,
    ) -> None:
        """A section of the outline, at the end or `before` another. A section a domain adds for itself
        (no builder) is open to its slides; its title is the catalogue's report.section.<key>, or the
        provider's own when the catalogue has none."""
        if key in self._entries:
            raise ValueError(f"section {key!r} is already in the deck")
        if before is not None and before not in self._entries:
            raise ValueError(f"no section {before!r} to put {key!r} before")
        entry = _Entry(builder, open_to_domains or builder is None)
        if before is None:
            self._entries[key] = entry
            return
        entries = list(self._entries.items())
        at = self.keys.index(before)
        self._entries = dict([*entries[:at], (key, entry), *entries[at:]])

    def add_slides(self, key: str, provider: SectionProvider) -> None:
        """A domain's slides for section `key`, after reporting's own and earlier providers'."""
        self._open(key).providers.append(provider)

    def add_filtered_slides(self, key: str, provider: FilteredSectionProvider) -> None:
        """As `add_slides`, for a provider that is handed the deck's filters; its slides come after
        those of the section's plain providers."""
        self._open(key).filtered.append(provider)

    def _open(self, key: str) -> _Entry:
        entry = self._entries.get(key)
        if entry is None or not entry.open:
            open_keys = ", ".join(k for k, e in self._entries.items() if e.open)
            raise ValueError(f"section {key!r} takes no slides from other domains; one of {open_keys}")
        return entry

    def provided(
        self, session: Session, period: Period, lang: str, filters: Filters | None = None
    ) -> dict[str, Section]:
        """Every provider's slides for the period, merged per section (the first provider's title)."""
        out: dict[str, Section] = {}
        for key, entry in self._entries.items():
            found = [p(session, period, lang) for p in entry.providers]
            found += [p(session, period, lang, filters) for p in entry.filtered]
            for section in found:
                if section is None or not section.slides:
                    continue
                if key in out:
                    out[key].slides.extend(section.slides)
                else:
                    out[key] = Section(key, section.title, list(section.slides))
        return out

    def sections(self, figures: Figures, provided: Mapping[str, Section]) -> list[Section]:
        """The deck's sections from the figures and the providers' slides (pure); empty ones are left out."""
        lang = figures.lang
        out = []
        for key, entry in self._entries.items():
            extra = provided.get(key)
            own = entry.builder(figures, extra is not None) if entry.builder else []
            slides = own + (extra.slides if extra else [])
            if not slides:
                continue
            name = f"report.section.{key}"
            title = extra.title if extra and extra.title and not has(name, lang) else t(name, lang)
            out.append(Section(key, title, slides))
        return out
