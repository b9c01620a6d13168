"""理赔流程梳理与优化: the five steps with their measured times, bottleneck and SLA, decisions and backlog."""

from __future__ import annotations

from decimal import Decimal

from claimops.i18n import t
from claimops.reporting import narrative as n
from claimops.reporting.deck.facts import Facts
from claimops.reporting.deck.model import Bullets, Chart, Flow, KeyFigures, Series, Slide, Step, Table
from claimops.reporting.deck.registry import Figures
from claimops.reporting.deck.sections import common as c
from claimops.reporting.deck.sections.common import fig
from claimops.reporting.summary import PeriodSummary

AGES = ("0-7", "8-30", "31-90", "90+")


def slides(figures: Figures, provided: bool, /) -> list[Slide]:
    s, lang = figures.summary, figures.lang
    return [_flow(s, figures.facts, lang), _bottleneck(s, lang), _decisions(s, lang)]


def _days(value: float | None, lang: str) -> str:
    return t("report.unit.n_days", lang, days=n.fmt_days(value)) if value is not None else "—"


def _flow(s: PeriodSummary, f: Facts, lang: str) -> Slide:
    """报案与受理 → 理赔申请 → 材料审核 → 理赔决定 → 赔款支付, and the table of stage times behind it."""
    st = s.stage_avg_days
    inv = st.get("investigation")
    steps = [
        Step(
            t("report.step.report", lang), _days(st.get("acceptance"), lang), t("report.step.report_d", lang)
        ),
        Step(
            t("report.step.application", lang),
            f"{n.fmt_pct(f.documents_requested_pct)}%" if f.documents_requested_pct is not None else "—",
            t("report.step.application_d", lang),
        ),
        Step(
            t("report.step.review", lang),
            _days(st.get("review"), lang),
            t("report.step.review_d", lang)
            + (t("report.step.review_inv", lang, days=n.fmt_days(inv)) if inv is not None else ""),
        ),
        Step(
            t("report.step.decision", lang),
            t("report.unit.n_claims", lang, n=n.fmt_int(s.decisions)),
            t(
                "report.step.decision_d",
                lang,
                stp=n.fmt_pct(s.straight_through_rate_pct),
                denial=n.fmt_pct(s.denial_rate_pct),
            ),
        ),
        Step(
            t("report.step.payment", lang), _days(st.get("payment"), lang), t("report.step.payment_d", lang)
        ),
    ]
    table = Table(
        [t(f"report.table.{c}", lang) for c in ("stage", "steps", "current", "previous", "claims", "change")],
        [
            [
                n.stage_name(stage, lang),
                t(f"report.stage_steps.{stage}", lang),
                n.fmt_days(st.get(stage)),
                n.fmt_days(s.stage_avg_days_previous.get(stage)),
                n.fmt_int(s.stage_counts.get(stage, 0)),
                n.change(s.stage_avg_days_change_pct.get(stage), lang, kind="duration")
                if st.get(stage) is not None
                else t("report.s.no_completed", lang),
            ]
            for stage in n.STAGES
        ],
        numeric=(2, 3, 4),
        note=t("report.table.stage_note", lang),
    )
    return Slide(t("report.slide.flow", lang), [Flow(steps), table])


def _bottleneck(s: PeriodSummary, lang: str) -> Slide:
    bullets = [b for b in (n.bottleneck(s, lang), n.stage_changes(s, lang), n.handling(s, lang)) if b]
    if sla := n.sla(s, lang):
        bullets.append(sla)
    rows = [
        [
            n.stage_name(stage, lang),
            str(s.sla_days[stage]),
            n.fmt_int(s.stage_counts.get(stage, 0)),
            f"{n.fmt_pct(pct)}%" if (pct := s.sla_compliance_pct.get(stage)) is not None else "—",
        ]
        for stage in n.STAGES
    ]
    return Slide(
        t("report.slide.bottleneck", lang),
        [
            Bullets(bullets),
            Table(
                [t(f"report.table.{c}", lang) for c in ("stage", "sla_days", "claims", "sla_pct")],
                rows,
                numeric=(1, 2, 3),
                title=t("report.table.sla_title", lang),
            ),
        ],
    )


def _decisions(s: PeriodSummary, lang: str) -> Slide:
    sentences = (
        n.straight_through(s, lang),
        n.decisions(s, lang),
        n.denial_reasons(s, lang),
        n.backlog(s, lang),
    )
    slide = Slide(
        t("report.slide.decisions", lang),
        [
            KeyFigures(
                [
                    fig("decisions", n.fmt_int(s.decisions), "claims", lang=lang),
                    fig("stp", n.fmt_pct(s.straight_through_rate_pct), "pct", lang=lang),
                    fig("denial", n.fmt_pct(s.denial_rate_pct), "pct", lang=lang),
                    c.backlog(s, lang),
                ]
            ),
            Bullets([b for b in sentences if b]),
        ],
    )
    if s.backlog_open:
        slide.blocks.append(
            Chart(
                "backlog",
                "column",
                t("report.chart.backlog", lang),
                [t(f"report.age.{a}", lang) for a in AGES],
                [Series(t("report.chart.claims", lang), [Decimal(s.backlog_by_age.get(a, 0)) for a in AGES])],
            )
        )
    return slide
