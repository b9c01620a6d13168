"""引言: the period, the basis of comparison, the definitions, and the four headline figures."""

from __future__ import annotations

from claimops.i18n import t
from claimops.reporting import narrative as n
from claimops.reporting.deck.model import Bullets, KeyFigures, Slide
from claimops.reporting.deck.registry import Figures
from claimops.reporting.deck.sections import common as c


def slides(figures: Figures, provided: bool, /) -> list[Slide]:
    s, lang = figures.summary, figures.lang
    name = n.period_name(s.period, lang)
    bullets = [
        t("report.s.intro", lang, period=name, start=s.start, end=s.end),
        t(
            "report.s.basis",
            lang,
            previous=n.period_name(s.previous_period.period, lang),
            year_before=n.period_name(s.year_before_period.period, lang),
        ),
        t("report.s.definitions", lang),
    ]
    if words := c.scope(figures.filters, lang):
        bullets.append(t("report.s.scope", lang, scope=words))
    headline = KeyFigures([c.accepted(s, lang), c.paid(s, lang), c.handling(s, lang), c.backlog(s, lang)])
    return [Slide(t("report.slide.intro", lang), [headline, Bullets(bullets)])]
