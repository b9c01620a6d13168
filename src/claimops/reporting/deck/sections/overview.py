"""理赔工作概况: claims by line, amounts paid, time per stage, and the twelve-month trend."""

from __future__ import annotations

from decimal import Decimal

from claimops.i18n import t
from claimops.reporting import narrative as n
from claimops.reporting.deck.model import Bullets, Chart, KeyFigures, Series, Slide
from claimops.reporting.deck.registry import Figures
from claimops.reporting.deck.sections import common as c
from claimops.reporting.deck.sections.common import fig
from claimops.reporting.summary import PeriodSummary


def slides(figures: Figures, provided: bool, /) -> list[Slide]:
    s, lang = figures.summary, figures.lang
    return [_claims(s, lang), _amounts(s, lang), _timing(s, lang), _trend(s, lang)]


def _this(lang: str) -> str:
    return t("report.chart.this_period", lang)


def _claims(s: PeriodSummary, lang: str) -> Slide:
    slide = Slide(
        t("report.slide.claims", lang),
        [
            KeyFigures(
                [
                    fig("received", n.fmt_int(s.claims_received), "claims", lang=lang),
                    c.accepted(s, lang),
                    fig("rejected", n.fmt_int(s.claims_rejected), "claims", lang=lang),
                    fig("withdrawn", n.fmt_int(s.claims_withdrawn), "claims", lang=lang),
                ]
            ),
            Bullets(
                [n.accepted(s, lang), n.accepted_yoy(s, lang), n.received(s, lang), n.distribution(s, lang)]
            ),
        ],
    )
    if counted := n.lines_by_count(s):  # a pie of shares: lines without claims have no slice
        slide.blocks.append(
            Chart(
                "by_line",
                "pie",
                t("report.chart.by_line", lang),
                [n.line_name(ln, lang) for ln in counted],
                [Series(_this(lang), [Decimal(s.by_line[ln].count) for ln in counted])],
            )
        )
    return slide


def _amounts(s: PeriodSummary, lang: str) -> Slide:
    payouts = n.payouts(s, lang)
    slide = Slide(
        t("report.slide.amounts", lang),
        [
            KeyFigures(
                [
                    c.paid(s, lang),
                    fig("payments", n.fmt_int(s.payments_count), "payments", lang=lang),
                    fig("avg_payout", n.fmt_wan(s.avg_payout), "wan", lang=lang),
                    fig("max_payout", n.fmt_wan(s.max_payout), "wan", lang=lang),
                ]
            ),
            Bullets(
                [n.paid(s, lang), n.paid_yoy(s, lang), n.paid_by_line(s, lang)]
                + ([payouts] if payouts else [])
            ),
        ],
    )
    if s.paid_total:
        lines = list(s.by_line)
        slide.blocks.append(
            Chart(
                "paid_by_line",
                "column",
                t("report.chart.paid_by_line", lang),
                [n.line_name(ln, lang) for ln in lines],
                [Series(_this(lang), [n.wan(s.by_line[ln].paid) for ln in lines])],
                places=2,
            )
        )
    return slide


def _timing(s: PeriodSummary, lang: str) -> Slide:
    bottleneck = s.bottleneck_stage
    slide = Slide(
        t("report.slide.timing", lang),
        [
            KeyFigures(
                [
                    c.handling(s, lang),
                    fig("completed", n.fmt_int(s.claims_completed), "claims", lang=lang),
                    fig(
                        "bottleneck",
                        n.stage_name(bottleneck, lang) if bottleneck else "—",
                        "",
                        t("report.fig.avg_days", lang, days=n.fmt_days(s.stage_avg_days[bottleneck]))
                        if bottleneck
                        else "",
                        lang=lang,
                    ),
                ]
            ),
            Bullets([n.stages(s, lang), n.handling(s, lang)]),
        ],
    )
    current = [_dec(s.stage_avg_days.get(st)) for st in n.STAGES]
    previous = [_dec(s.stage_avg_days_previous.get(st)) for st in n.STAGES]
    if any(v is not None for v in current + previous):
        slide.blocks.append(
            Chart(
                "stages",
                "column",
                t("report.chart.stages", lang),
                [n.stage_name(st, lang) for st in n.STAGES],
                [Series(_this(lang), current), Series(t("report.chart.previous_period", lang), previous)],
                places=2,
            )
        )
    return slide


def _trend(s: PeriodSummary, lang: str) -> Slide:
    months = [r.month for r in s.trend]
    return Slide(
        t("report.slide.trend", lang, months=len(months)),
        [
            Bullets([n.trend_peak(s, lang) or t("report.s.trend_none", lang, months=len(months))]),
            Chart(
                "trend_claims",
                "line",
                t("report.chart.trend_claims", lang),
                months,
                [Series(t("report.chart.claims", lang), [Decimal(r.claims) for r in s.trend])],
            ),
            Chart(
                "trend_paid",
                "line",
                t("report.chart.trend_paid", lang),
                months,
                [Series(t("report.chart.paid", lang), [n.wan(r.paid) for r in s.trend])],
                places=2,
            ),
        ],
    )


def _dec(days: float | None) -> Decimal | None:
    return None if days is None else n.dec(days)
