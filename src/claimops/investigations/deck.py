"""Investigation KPIs as a slide of the deck's mining section (registered in claimops.deck_sections)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from claimops.i18n import t
from claimops.investigations import queries
from claimops.investigations.panel import _label, _rate
from claimops.reporting import narrative as n
from claimops.reporting.deck.model import Figure, KeyFigures, Section, Slide, Table
from claimops.reporting.periods import Period


def investigations_section(session: Session, period: Period, lang: str, /) -> Section | None:
    k = queries.kpis(session, period)
    if not k.total.opened and not k.total.closed:
        return None
    total = k.total
    figures = KeyFigures(
        [
            Figure(t("investigations.kpi.opened", lang), n.fmt_int(total.opened)),
            Figure(t("investigations.kpi.closed", lang), n.fmt_int(total.closed)),
            Figure(t("investigations.kpi.hit_rate", lang), _rate(total.hit_rate)),
            Figure(
                t("investigations.kpi.amount_saved", lang),
                n.fmt_wan(total.amount_saved),
                unit=t("investigations.wan", lang),
            ),
        ]
    )
    header = [
        t("investigations.kpi.group", lang),
        t("investigations.kpi.opened", lang),
        t("investigations.kpi.closed", lang),
        t("investigations.kpi.hit_rate", lang),
        t("investigations.kpi.amount_saved", lang),
    ]
    rows = [
        [
            _label(kind, g.key, lang),
            n.fmt_int(g.opened),
            n.fmt_int(g.closed),
            _rate(g.hit_rate),
            n.fmt_wan(g.amount_saved),
        ]
        for kind, groups in (("line", k.by_line), ("trigger", k.by_trigger))
        for g in groups
    ]
    table = Table(header=header, rows=rows, numeric=(1, 2, 3, 4), note=t("investigations.kpi.note", lang))
    slide = Slide(t("investigations.deck.title", lang), [figures, table])
    return Section(key="mining", title=t("investigations.deck.title", lang), slides=[slide])
