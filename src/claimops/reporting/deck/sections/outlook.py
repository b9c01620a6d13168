"""总结与展望: the period in a few sentences, and next period's priorities drawn from its figures."""

from __future__ import annotations

from claimops.i18n import t
from claimops.reporting import narrative as n
from claimops.reporting.deck.model import Bullets, Slide
from claimops.reporting.deck.registry import Figures


def slides(figures: Figures, provided: bool, /) -> list[Slide]:
    s, lang = figures.summary, figures.lang
    summary = [n.summary(s, lang), n.summary_paid(s, lang), n.summary_timing(s, lang)]
    summary += [b for b in (n.sla(s, lang), n.straight_through(s, lang), n.backlog(s, lang)) if b]
    ahead = n.outlook(s, lang) or [t("report.s.outlook_none", lang)]
    return [
        Slide(t("report.slide.summary", lang), [Bullets(summary)]),
        Slide(t("report.slide.outlook", lang), [Bullets(ahead)]),
    ]
