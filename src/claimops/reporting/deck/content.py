"""The deck as a language-neutral content model: sections, slides, sentences, charts, tables.

Renderers (pptx, html, markdown) only lay it out. Sections for which claimops holds no data say so;
no figure is ever invented. Other packages can add sections through `register_section`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from claimops.config import Settings
from claimops.i18n import t
from claimops.reporting import narrative as n
from claimops.reporting.facts import facts
from claimops.reporting.kpis import Filters
from claimops.reporting.periods import Period
from claimops.reporting.summary import jsonable, period_summary

STAGES = ("acceptance", "investigation", "review", "payment")
SECTIONS = ("intro", "overview", "process", "mining", "partners", "satisfaction", "team", "outlook")


@dataclass
class Chart:
    kind: str  # pie, column, line
    title: str
    categories: list[str]
    series: list[tuple[str, list[float]]]


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


@dataclass
class Slide:
    title: str
    bullets: list[str] = field(default_factory=list)
    chart: Chart | None = None
    table: Table | None = None


@dataclass
class Section:
    key: str
    title: str
    slides: list[Slide]


@dataclass
class Deck:
    title: str
    subtitle: str
    generated: str
    lang: str
    sections: list[Section]
    data: dict[str, Any]


SectionProvider = Callable[[Session, Period, str], Section | None]
_providers: dict[str, SectionProvider] = {}


def register_section(key: str, provider: SectionProvider) -> None:
    """Mining, partners, surveys and training fill their sections by registering a provider."""
    _providers[key] = provider


def build(
    session: Session, period: Period, settings: Settings, lang: str = "zh", flt: Filters | None = None
) -> Deck:
    data: dict[str, Any] = jsonable(period_summary(session, period, settings, flt))
    f = facts(session, period)
    sec = {k: t(f"report.section.{k}", lang) for k in SECTIONS}
    sections = [
        Section(
            "intro",
            sec["intro"],
            [
                Slide(
                    sec["intro"],
                    [t("report.s.intro", lang, period=period.label, start=data["start"], end=data["end"])],
                )
            ],
        ),
        Section("overview", sec["overview"], _overview(data, lang)),
        Section("process", sec["process"], _process(data, f, lang)),
        _section("mining", session, period, lang)
        or Section(
            "mining",
            sec["mining"],
            [
                Slide(
                    sec["mining"],
                    [
                        t(
                            "report.s.data_volume",
                            lang,
                            claims=n.num(f.claims),
                            policies=n.num(f.policies),
                            customers=n.num(f.customers),
                            events=n.num(f.events),
                            documents=n.num(f.documents),
                        ),
                        t("report.s.data_variety", lang),
                        t("report.s.mining_none", lang),
                    ],
                )
            ],
        ),
        _section("partners", session, period, lang)
        or Section(
            "partners",
            sec["partners"],
            [
                Slide(
                    sec["partners"],
                    [
                        t("report.s.direct", lang, n=n.num(f.direct_payments), amount=n.wan(f.direct_amount)),
                        t("report.no_data", lang, what=t("report.what.partners", lang)),
                    ],
                )
            ],
        ),
        _section("satisfaction", session, period, lang)
        or Section(
            "satisfaction",
            sec["satisfaction"],
            [Slide(sec["satisfaction"], [t("report.no_data", lang, what=t("report.what.surveys", lang))])],
        ),
        _section("team", session, period, lang) or Section("team", sec["team"], [_team(data, lang)]),
        Section("outlook", sec["outlook"], [_outlook(data, lang)]),
    ]
    return Deck(
        title=t("report.title", lang),
        subtitle=t("report.subtitle", lang, period=period.label, start=data["start"], end=data["end"]),
        generated=t("report.generated", lang, date=date.today().isoformat()),
        lang=lang,
        sections=sections,
        data=data,
    )


def _section(key: str, session: Session, period: Period, lang: str) -> Section | None:
    provider = _providers.get(key)
    return provider(session, period, lang) if provider else None


def _overview(data: dict[str, Any], lang: str) -> list[Slide]:
    s = n.overview(data, lang)
    lines = list(data["by_line"])
    labels = [n.line_label(ln, lang) for ln in lines]
    stage_labels = [t(f"stage.{st}", lang) for st in STAGES]
    return [
        Slide(
            t("report.section.overview", lang) + " · " + t("report.chart.by_line", lang),
            s["accepted"] + s["distribution"],
            Chart(
                "pie",
                t("report.chart.by_line", lang),
                labels,
                [
                    (
                        t("report.chart.this_period", lang),
                        [float(data["by_line"][ln]["count"]) for ln in lines],
                    )
                ],
            ),
        ),
        Slide(
            t("report.section.overview", lang) + " · " + t("report.chart.paid_by_line", lang),
            s["paid"] + s["paid_lines"],
            Chart(
                "column",
                t("report.chart.paid_by_line", lang),
                labels,
                [
                    (
                        t("report.chart.this_period", lang),
                        [float(n.wan(data["by_line"][ln]["paid"]).replace(",", "")) for ln in lines],
                    )
                ],
            ),
        ),
        Slide(
            t("report.section.overview", lang) + " · " + t("report.chart.stages", lang),
            s["stages"] + s["handling"],
            Chart(
                "column",
                t("report.chart.stages", lang),
                stage_labels,
                [
                    (
                        t("report.chart.this_period", lang),
                        [float(data["stage_avg_days"][st] or 0) for st in STAGES],
                    ),
                    (
                        t("report.chart.prev_period", lang),
                        [float(data["stage_avg_days_previous"][st] or 0) for st in STAGES],
                    ),
                ],
            ),
        ),
        Slide(
            t("report.chart.trend", lang),
            [],
            Chart(
                "line",
                t("report.chart.trend", lang),
                [r["month"] for r in data["trend"]],
                [
                    (t("report.chart.trend_claims", lang), [float(r["claims"]) for r in data["trend"]]),
                    (
                        t("report.chart.trend_paid", lang),
                        [float(n.wan(r["paid"]).replace(",", "")) for r in data["trend"]],
                    ),
                ],
            ),
        ),
    ]


def _process(data: dict[str, Any], f: Any, lang: str) -> list[Slide]:
    st = data["stage_avg_days"]
    steps = [
        [t("report.s.step_report", lang, days=n.num(st["acceptance"], 2))],
        [t("report.s.step_application", lang, pct=n.num(f.documents_requested_pct, 1))],
        [
            t(
                "report.s.step_review",
                lang,
                days=n.num(st["review"], 2),
                inv=n.num(f.investigated),
                inv_days=n.num(st["investigation"], 2),
            )
        ],
        [
            t(
                "report.s.step_decision",
                lang,
                n=n.num(data["decisions"]),
                stp=n.num(data["straight_through_rate_pct"], 1),
                denial=n.num(data["denial_rate_pct"], 1),
            )
        ],
        [t("report.s.step_payment", lang, days=n.num(st["payment"], 2), n=n.num(data["payments_count"]))],
    ]
    names = (
        ["报案与受理", "理赔申请", "材料审核", "理赔决定", "赔款支付"]
        if lang == "zh"
        else ["Report and acceptance", "Application", "Document review", "Decision", "Payment"]
    )
    table = Table(
        [t("report.table.step", lang), t("report.table.measure", lang)],
        [[nm, s[0].split("：", 1)[-1].split(": ", 1)[-1]] for nm, s in zip(names, steps, strict=True)],
    )
    bullets = []
    if data["bottleneck_stage"]:
        b = data["bottleneck_stage"]
        bullets.append(t("report.s.bottleneck", lang, stage=t(f"stage.{b}", lang), days=n.num(st[b], 2)))
    for stage in STAGES:
        pct = data["stage_avg_days_change_pct"][stage]
        bullets.append(
            t(
                "report.s.stage_change",
                lang,
                stage=t(f"stage.{stage}", lang),
                change=n.change(pct, lang, duration=True, key="report.s.handling_change"),
            )
        )
    sla = [
        t(
            "report.s.sla",
            lang,
            stage=t(f"stage.{s}", lang),
            pct=n.num(data["sla_compliance_pct"][s], 1),
            days=data["sla_days"][s],
        )
        for s in STAGES
        if data["sla_compliance_pct"][s] is not None
    ]
    measures = [
        t(
            "report.s.stp",
            lang,
            n=n.num(data["decisions"]),
            stp=n.num(data["straight_through"]),
            rate=n.num(data["straight_through_rate_pct"], 1),
            denial=n.num(data["denial_rate_pct"], 1),
        )
    ]
    if data["top_denial_reasons"]:
        sep = "、" if lang == "zh" else ", "
        reasons = sep.join(
            f"{t('reason.' + r['code'], lang)} {n.num(r['share'], 1)}%" for r in data["top_denial_reasons"]
        )
        measures.append(t("report.s.denial_top", lang, reasons=reasons))
    old = data["backlog_by_age"].get("31-90", 0) + data["backlog_by_age"].get("90+", 0)
    measures.append(t("report.s.backlog", lang, n=n.num(data["backlog_open"]), old=n.num(old)))
    title = t("report.section.process", lang)
    return [Slide(title, bullets, table=table), Slide(title + " · SLA", sla + measures)]


def _team(data: dict[str, Any], lang: str) -> Slide:
    handlers = data["handlers"]
    bullets = []
    if handlers:
        avg = sum(h["claims"] for h in handlers) / len(handlers)
        bullets.append(t("report.s.handlers", lang, n=len(handlers), avg=n.num(avg, 1)))
    bullets.append(t("report.no_data", lang, what=t("report.what.training", lang)))
    table = Table(
        [
            t("report.table.handler", lang),
            t("report.table.claims", lang),
            t("report.table.completed", lang),
            t("report.table.avg_days", lang),
        ],
        [
            [
                h["name"] or h["username"],
                n.num(h["claims"]),
                n.num(h["completed"]),
                n.num(h["avg_handling_days"], 2),
            ]
            for h in handlers[:10]
        ],
    )
    return Slide(t("report.section.team", lang), bullets, table=table if handlers else None)


def _outlook(data: dict[str, Any], lang: str) -> Slide:
    bullets = [n.summary_sentence(data, lang), n.overview(data, lang)["paid"][0]]
    st = data["stage_avg_days"]
    if data["bottleneck_stage"]:
        b = data["bottleneck_stage"]
        bullets.append(
            t("report.s.outlook_bottleneck", lang, stage=t(f"stage.{b}", lang), days=n.num(st[b], 2))
        )
    sla = {s: v for s, v in data["sla_compliance_pct"].items() if v is not None}
    if sla:
        worst = min(sla, key=lambda s: sla[s])
        bullets.append(
            t("report.s.outlook_sla", lang, stage=t(f"stage.{worst}", lang), pct=n.num(sla[worst], 1))
        )
    old = data["backlog_by_age"].get("31-90", 0) + data["backlog_by_age"].get("90+", 0)
    if old:
        bullets.append(t("report.s.outlook_backlog", lang, n=n.num(old)))
    if data["straight_through_rate_pct"] is not None:
        bullets.append(t("report.s.outlook_stp", lang, rate=n.num(data["straight_through_rate_pct"], 1)))
    return Slide(t("report.section.outlook", lang), bullets)
