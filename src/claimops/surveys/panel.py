"""The dashboard's satisfaction panel: the period's scores with their intervals, NPS, response rate,
the weakest dimension, the top themes and the open improvement actions, each linked to its list."""

from __future__ import annotations

from urllib.parse import urlencode

from sqlalchemy.orm import Session

from claimops.clock import local_date, utcnow
from claimops.config import get_settings
from claimops.i18n import t
from claimops.reporting.kpis import Filters
from claimops.reporting.panels import Figure, Panel, Row
from claimops.reporting.periods import Period
from claimops.surveys import service
from claimops.surveys.rules import SCALES
from claimops.surveys.stats import Estimate

DIMENSIONS = SCALES[1:]  # the weakest is sought among these; overall is their summary
TOP_THEMES = 3


def _show(v: float, kind: str) -> str:
    if kind == "nps":
        return f"{round(v):+d}"  # whole points, and never "-0"
    if kind == "share":
        return f"{100 * v:.1f}%"
    return f"{v:.2f}"


def _figure(name: str, e: Estimate, href: str, kind: str = "mean") -> Figure:
    """The estimate as the figure's value; its 95% interval and n in the label above it."""
    ci = f" [{_show(e.low, kind)}–{_show(e.high, kind)}]" if e.low is not None and e.high is not None else ""
    return Figure(f"{name}{ci} · n={e.n}", "—" if e.value is None else _show(e.value, kind), href)


def satisfaction_panel(session: Session, period: Period, filters: Filters, lang: str, /) -> Panel | None:
    scope = filters
    r = service.results(
        session=session,
        start=period.start_utc,
        end=period.end_utc,
        by="channel",
        settings=get_settings(),
        scope=scope,
    )
    today = local_date(utcnow())
    open_actions = service.list_actions(session=session, view="open")
    overdue = [a for a in open_actions if a.due_date < today]
    o = r.overall
    if o.responses == 0 and not o.invitations and not open_actions:
        return None
    within = {
        "start": period.start.isoformat(),
        "end": period.last_day.isoformat(),
        **{k: str(v) for k in ("line", "region", "channel", "insurer_id") if (v := getattr(scope, k))},
    }

    def responses(**extra: str) -> str:
        return "/surveys/responses?" + urlencode({**within, **extra})

    def surveys(anchor: str = "", **extra: str) -> str:
        return "/surveys?" + urlencode({**within, **extra}) + anchor

    figures = [_figure(t(f"survey.{d}", lang), o.dimensions[d], responses(sort=d)) for d in SCALES]
    figures.insert(1, _figure(t("survey.csat", lang), o.csat, responses(sort="overall"), "share"))
    figures.append(_figure("NPS", o.nps, responses(sort="nps"), "nps"))
    rate, invited = "—", t("survey.response_rate", lang)
    if o.response_rate is not None and o.invitations:
        answered = round(o.response_rate * o.invitations)  # answers to invitations (reviews are none)
        rate, invited = f"{100 * o.response_rate:.1f}%", f"{invited} · {answered}/{o.invitations}"
    figures.append(Figure(invited, rate, surveys(by="channel")))
    scored = [(o.dimensions[d].value, d) for d in DIMENSIONS if o.dimensions[d].value is not None]
    if scored:
        value, weakest = min(scored)
        label = f"{t(f'survey.{weakest}', lang)} {value:.2f}"
        figures.append(Figure(t("survey.weakest", lang), label, responses(sort=weakest)))
    figures.append(
        Figure(t("survey.open_actions", lang), str(len(open_actions)), surveys("#actions", actions="open"))
    )
    figures.append(
        Figure(
            t("survey.overdue_actions", lang),
            str(len(overdue)),
            surveys("#actions", actions="overdue"),
            flag="warn" if overdue else None,
        )
    )
    rows = tuple(
        Row(
            (
                t(f"survey.theme.{th.theme}", lang),
                f"{th.mentions} ({100 * th.share:.0f}%)",
                "—" if th.mean_overall is None else f"{th.mean_overall:.2f}",
                ", ".join(t(f"survey.stage.{s}", lang) for s in list(th.slow_stages)[:1]) or "—",
            ),
            responses(theme=th.theme),
        )
        for th in r.themes[:TOP_THEMES]
    )
    notes = [t("survey.ci_note", lang)]
    if o.small:
        notes.append(t("survey.small_sample", lang))
    if scope.active:
        notes.append(t("survey.scope_note", lang))
    return Panel(
        key="satisfaction",
        title=t("survey.panel_title", lang),
        figures=tuple(figures),
        rows=rows,
        header=(
            t("survey.themes", lang),
            t("survey.deck.mentions", lang),
            t("survey.overall", lang),
            t("survey.deck.slow_stage", lang),
        ),
        link=surveys(),
        link_label=t("survey.title", lang),
        note=" ".join(notes),
    )
