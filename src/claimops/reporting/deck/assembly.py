"""The deck of a period: query the figures and the registered domains' slides, then compose (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy.orm import Session

from claimops.clock import local_date, utcnow
from claimops.config import Settings
from claimops.i18n import t
from claimops.reporting import narrative as n
from claimops.reporting.deck.facts import facts
from claimops.reporting.deck.model import Deck, Section
from claimops.reporting.deck.registry import Figures, SectionRegistry
from claimops.reporting.deck.sections.common import scope
from claimops.reporting.kpis import Filters
from claimops.reporting.periods import Period
from claimops.reporting.summary import period_summary


def build(
    session: Session,
    period: Period,
    settings: Settings,
    *,
    sections: SectionRegistry,
    lang: str = "zh",
    filters: Filters | None = None,
    today: date | None = None,
) -> Deck:
    """Query the figures (summary, facts) and the domains' slides, then compose them in `sections`' order."""
    figures = Figures(
        period_summary(session, period, settings, filters), facts(session, period, filters), lang, filters
    )
    return compose(
        figures,
        sections=sections,
        provided=sections.provided(session, period, lang, filters),
        today=today or local_date(utcnow()),
    )


def compose(
    figures: Figures,
    *,
    sections: SectionRegistry,
    provided: Mapping[str, Section] | None = None,
    today: date,
) -> Deck:
    """The deck from figures and already provided slides only (pure)."""
    s, lang = figures.summary, figures.lang
    name = n.period_name(s.period, lang)
    return Deck(
        lang=lang,
        title=t("report.title", lang),
        period=name,
        subtitle=t("report.subtitle", lang, period=name, start=s.start, end=s.end),
        generated=t("report.generated", lang, date=today.isoformat()),
        scope=scope(figures.filters, lang),
        sections=sections.sections(figures, provided or {}),
    )
