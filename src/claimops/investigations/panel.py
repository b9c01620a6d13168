"""The investigations panel of the manager dashboard (registered in claimops.dashboard_panels)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from claimops.i18n import t
from claimops.investigations import queries
from claimops.reporting import narrative as n
from claimops.reporting.kpis import Filters
from claimops.reporting.panels import Figure, Panel, Row
from claimops.reporting.periods import Period


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{n.fmt_pct(value * 100)}%"


def _label(kind: str, key: str, lang: str) -> str:
    return t(f"mining.item.line.{key}", lang) if kind == "line" else t(f"investigations.trigger.{key}", lang)


def investigations_panel(session: Session, period: Period, filters: Filters, lang: str, /) -> Panel | None:
    k = queries.kpis(session, period, filters)
    if not k.total.opened and not k.total.closed:
        return None
    total = k.total
    figures = (
        Figure(t("investigations.kpi.opened", lang), n.fmt_int(total.opened)),
        Figure(t("investigations.kpi.closed", lang), n.fmt_int(total.closed)),
        Figure(t("investigations.kpi.hit_rate", lang), _rate(total.hit_rate)),
        Figure(t("investigations.kpi.amount_saved", lang), f"¥{n.fmt_num(total.amount_saved, 2)}"),
    )
    rows = tuple(
        Row(
            (
                _label(kind, g.key, lang),
                n.fmt_int(g.opened),
                n.fmt_int(g.closed),
                _rate(g.hit_rate),
                f"¥{n.fmt_num(g.amount_saved, 2)}",
            )
        )
        for kind, groups in (("line", k.by_line), ("trigger", k.by_trigger))
        for g in groups
    )
    header = (
        t("investigations.kpi.group", lang),
        t("investigations.kpi.opened", lang),
        t("investigations.kpi.closed", lang),
        t("investigations.kpi.hit_rate", lang),
        t("investigations.kpi.amount_saved", lang),
    )
    return Panel(
        key="investigations",
        title=t("investigations.title", lang),
        figures=figures,
        rows=rows,
        header=header,
        note=t("investigations.kpi.note", lang),
    )
