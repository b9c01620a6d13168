"""Small helpers the section builders share: labelled figures, the no-data slide, the scope in words."""

from __future__ import annotations

from claimops.i18n import t
from claimops.reporting import narrative as n
from claimops.reporting.deck.model import Figure, Notice, Slide
from claimops.reporting.kpis import Filters
from claimops.reporting.summary import PeriodSummary


def fig(label: str, value: str, unit: str = "", note: str = "", *, lang: str) -> Figure:
    return Figure(t(f"report.fig.{label}", lang), value, t(f"report.unit.{unit}", lang) if unit else "", note)


# Headline figures that more than one slide shows, each with its change on the previous period.


def accepted(s: PeriodSummary, lang: str) -> Figure:
    change = n.change(s.claims_accepted_change_pct, lang)
    return fig("accepted", n.fmt_int(s.claims_accepted), "claims", change, lang=lang)


def paid(s: PeriodSummary, lang: str) -> Figure:
    return fig("paid", n.fmt_wan(s.paid_total), "wan", n.change(s.paid_total_change_pct, lang), lang=lang)


def handling(s: PeriodSummary, lang: str) -> Figure:
    change = n.change(s.avg_handling_days_change_pct, lang, kind="duration")
    return fig("handling", n.fmt_days(s.avg_handling_days), "days", change, lang=lang)


def backlog(s: PeriodSummary, lang: str) -> Figure:
    return fig("backlog", n.fmt_int(s.backlog_open), "claims", lang=lang)


def missing(key: str, lang: str) -> Slide:
    """The slide of a section for which claimops holds no data yet."""
    return Slide(t(f"report.section.{key}", lang), [no_data(key, lang)])


def no_data(key: str, lang: str) -> Notice:
    return Notice(t(f"report.missing.{key}", lang), t(f"report.missing.{key}_detail", lang))


def scope(flt: Filters | None, lang: str) -> str:
    """The filters in words; "" for the whole book."""
    if flt is None:
        return ""
    parts = []
    if flt.line:
        parts.append(t("report.scope.line", lang, value=n.line_name(flt.line, lang)))
    if flt.region:
        parts.append(t("report.scope.region", lang, value=flt.region))
    if flt.channel:
        parts.append(t("report.scope.channel", lang, value=flt.channel))
    return t("report.sep", lang).join(parts)
