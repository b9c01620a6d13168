"""The work summary as a language-neutral content model: sections → slides → blocks.

The renderers (pptx, html, markdown) only lay this model out, so the three formats say the same thing.
Every figure comes from the period summary (claimops.reporting.summary) or from `facts`; a section for
which claimops holds no data says so plainly. Other packages (mining, partners, surveys, training) add
their own slides to a section by registering a `SectionProvider`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, Protocol

from sqlalchemy.orm import Session

from claimops.clock import local_date, utcnow
from claimops.config import Settings
from claimops.i18n import t
from claimops.reporting import narrative as n
from claimops.reporting.deck.facts import Facts, facts
from claimops.reporting.kpis import Filters
from claimops.reporting.periods import Period
from claimops.reporting.summary import period_summary

SECTIONS = ("intro", "overview", "process", "mining", "partners", "satisfaction", "team", "outlook")
EXTENSIBLE = ("mining", "partners", "satisfaction", "team")
STAGES = n.STAGES
STEPS = ("report", "application", "review", "decision", "payment")  # 报案与受理 → … → 赔款支付
AGES = ("0-7", "8-30", "31-90", "90+")
HANDLER_ROWS = 10


# --- the model ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bullets:
    items: list[str]


@dataclass(frozen=True)
class Notice:
    """A plain statement that claimops holds no data for something: never an invented figure."""

    text: str
    detail: str = ""


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    unit: str = ""
    note: str = ""


@dataclass(frozen=True)
class KeyFigures:
    items: list[Figure]


@dataclass(frozen=True)
class Series:
    name: str
    values: list[Decimal | None]  # Decimal until the renderer's last step


@dataclass(frozen=True)
class Chart:
    key: str  # stable name: by_line, paid_by_line, stages, trend_claims, trend_paid, backlog
    kind: str  # pie, column, line
    title: str
    categories: list[str]
    series: list[Series]
    places: int = 0  # decimals shown on labels and axes


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    numeric: tuple[int, ...] = ()  # columns aligned right
    title: str = ""
    note: str = ""


@dataclass(frozen=True)
class Step:
    name: str
    figure: str
    detail: str


@dataclass(frozen=True)
class Flow:
    steps: list[Step]


Block = Bullets | Notice | KeyFigures | Chart | Table | Flow


@dataclass
class Slide:
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Section:
    key: str
    title: str
    slides: list[Slide]


@dataclass
class Deck:
    lang: str
    title: str
    period: str  # display name: 2026年第三季度 / Q3 2026
    subtitle: str
    generated: str
    scope: str  # the filters in words; "" for the whole book
    sections: list[Section]


# --- extra sections from other packages ---------------------------------------------------------------


class SectionProvider(Protocol):
    """Returns slides for one section of the deck (its key), or None when it has nothing for the period."""

    def __call__(self, session: Session, period: Period, lang: str, /) -> Section | None: ...


_providers: dict[str, list[SectionProvider]] = {}
# Modules that register sections when imported; imported on first use, so reporting does not depend on them.
PLUGINS = ("claimops.mining.deck",)


@cache
def _load_plugins() -> None:
    for name in PLUGINS:
        importlib.import_module(name)


def register_section(key: str, provider: SectionProvider) -> Callable[[], None]:
    """Add a provider's slides to section `key`; returns a function that removes it again (for tests)."""
    if key not in EXTENSIBLE:
        raise ValueError(f"section {key!r} is not extensible; one of {', '.join(EXTENSIBLE)}")
    _providers.setdefault(key, []).append(provider)

    def unregister() -> None:
        if provider in _providers.get(key, []):
            _providers[key].remove(provider)

    return unregister


def registered(key: str) -> tuple[SectionProvider, ...]:
    return tuple(_providers.get(key, ()))


def provided(session: Session, period: Period, lang: str) -> dict[str, list[Slide]]:
    _load_plugins()
    out: dict[str, list[Slide]] = {}
    for key in EXTENSIBLE:
        for provider in registered(key):
            section = provider(session, period, lang)
            if section is not None and section.slides:
                out.setdefault(key, []).extend(section.slides)
    return out


# --- building -----------------------------------------------------------------------------------------


def build(
    session: Session,
    period: Period,
    settings: Settings,
    *,
    lang: str = "zh",
    filters: Filters | None = None,
    today: date | None = None,
) -> Deck:
    """Query the figures (summary, facts, providers), then compose the deck."""
    data = period_summary(session, period, settings, filters)
    return compose(
        data,
        facts(session, period, filters),
        lang,
        extra=provided(session, period, lang),
        filters=filters,
        today=today or local_date(utcnow()),
    )


def compose(
    data: dict[str, Any],
    f: Facts,
    lang: str,
    *,
    extra: dict[str, list[Slide]] | None = None,
    filters: Filters | None = None,
    today: date,
) -> Deck:
    """The deck from figures only (pure), in the order of the outline."""
    extra = extra or {}
    title = {k: t(f"report.section.{k}", lang) for k in SECTIONS}
    own: dict[str, list[Slide]] = {
        "intro": [_intro(data, lang, filters)],
        "overview": _overview(data, lang),
        "process": _process(data, f, lang),
        "mining": [_mining(data, f, lang, bool(extra.get("mining")))],
        "partners": [_partners(f, lang, bool(extra.get("partners")))],
        "satisfaction": [] if extra.get("satisfaction") else [_missing("satisfaction", lang)],
        "team": [_team(data, lang, bool(extra.get("team")))],
        "outlook": _outlook(data, lang),
    }
    sections = [Section(k, title[k], own[k] + extra.get(k, [])) for k in SECTIONS]
    name = n.period_name(data["period"], lang)
    return Deck(
        lang=lang,
        title=t("report.title", lang),
        period=name,
        subtitle=t("report.subtitle", lang, period=name, start=data["start"], end=data["end"]),
        generated=t("report.generated", lang, date=today.isoformat()),
        scope=_scope(filters, lang),
        sections=sections,
    )


def _scope(flt: Filters | None, lang: str) -> str:
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


def _missing(key: str, lang: str) -> Slide:
    """The slide of a section for which claimops holds no data yet."""
    return Slide(
        t(f"report.section.{key}", lang),
        [Notice(t(f"report.missing.{key}", lang), t(f"report.missing.{key}_detail", lang))],
    )


def _d(value: Any) -> Decimal | None:
    return None if value is None else n.dec(value)


def _fig(label: str, value: str, unit: str = "", note: str = "", *, lang: str) -> Figure:
    return Figure(t(f"report.fig.{label}", lang), value, t(f"report.unit.{unit}", lang) if unit else "", note)


# --- 引言 -----------------------------------------------------------------------------------------------


def _intro(data: dict[str, Any], lang: str, flt: Filters | None) -> Slide:
    name = n.period_name(data["period"], lang)
    bullets = [
        t("report.s.intro", lang, period=name, start=data["start"], end=data["end"]),
        t(
            "report.s.basis",
            lang,
            previous=n.period_name(data["previous_period"]["period"], lang),
            year_before=n.period_name(data["year_before_period"]["period"], lang),
        ),
        t("report.s.definitions", lang),
    ]
    if scope := _scope(flt, lang):
        bullets.append(t("report.s.scope", lang, scope=scope))
    figures = KeyFigures(
        [
            _fig(
                "accepted",
                n.fmt_int(data["claims_accepted"]),
                "claims",
                n.change(data["claims_accepted_change_pct"], lang),
                lang=lang,
            ),
            _fig(
                "paid",
                n.fmt_wan(data["paid_total"]),
                "wan",
                n.change(data["paid_total_change_pct"], lang),
                lang=lang,
            ),
            _fig(
                "handling",
                n.fmt_days(data["avg_handling_days"]),
                "days",
                n.change(data["avg_handling_days_change_pct"], lang, kind="duration"),
                lang=lang,
            ),
            _fig("backlog", n.fmt_int(data["backlog_open"]), "claims", lang=lang),
        ]
    )
    return Slide(t("report.slide.intro", lang), [figures, Bullets(bullets)])


# --- 理赔工作概况 -----------------------------------------------------------------------------------------


def _overview(data: dict[str, Any], lang: str) -> list[Slide]:
    by_line = data["by_line"]
    lines = list(by_line)
    counted = n.lines_by_count(data)
    this, prev = t("report.chart.this_period", lang), t("report.chart.previous_period", lang)

    claims = Slide(
        t("report.slide.claims", lang),
        [
            KeyFigures(
                [
                    _fig("received", n.fmt_int(data["claims_received"]), "claims", lang=lang),
                    _fig(
                        "accepted",
                        n.fmt_int(data["claims_accepted"]),
                        "claims",
                        n.change(data["claims_accepted_change_pct"], lang),
                        lang=lang,
                    ),
                    _fig("rejected", n.fmt_int(data["claims_rejected"]), "claims", lang=lang),
                    _fig("withdrawn", n.fmt_int(data["claims_withdrawn"]), "claims", lang=lang),
                ]
            ),
            Bullets(
                [
                    n.accepted(data, lang),
                    n.accepted_yoy(data, lang),
                    n.received(data, lang),
                    n.distribution(data, lang),
                ]
            ),
        ],
    )
    if counted:  # a pie of shares: lines without claims have no slice
        claims.blocks.append(
            Chart(
                "by_line",
                "pie",
                t("report.chart.by_line", lang),
                [n.line_name(ln, lang) for ln in counted],
                [Series(this, [Decimal(by_line[ln]["count"]) for ln in counted])],
            )
        )

    payouts = n.payouts(data, lang)
    amounts = Slide(
        t("report.slide.amounts", lang),
        [
            KeyFigures(
                [
                    _fig(
                        "paid",
                        n.fmt_wan(data["paid_total"]),
                        "wan",
                        n.change(data["paid_total_change_pct"], lang),
                        lang=lang,
                    ),
                    _fig("payments", n.fmt_int(data["payments_count"]), "payments", lang=lang),
                    _fig("avg_payout", n.fmt_wan(data["avg_payout"]), "wan", lang=lang),
                    _fig("max_payout", n.fmt_wan(data["max_payout"]), "wan", lang=lang),
                ]
            ),
            Bullets(
                [n.paid(data, lang), n.paid_yoy(data, lang), n.paid_by_line(data, lang)]
                + ([payouts] if payouts else [])
            ),
        ],
    )
    if n.dec(data["paid_total"]):
        amounts.blocks.append(
            Chart(
                "paid_by_line",
                "column",
                t("report.chart.paid_by_line", lang),
                [n.line_name(ln, lang) for ln in lines],
                [Series(this, [n.wan(by_line[ln]["paid"]) for ln in lines])],
                places=2,
            )
        )

    bottleneck = data["bottleneck_stage"]
    timing = Slide(
        t("report.slide.timing", lang),
        [
            KeyFigures(
                [
                    _fig(
                        "handling",
                        n.fmt_days(data["avg_handling_days"]),
                        "days",
                        n.change(data["avg_handling_days_change_pct"], lang, kind="duration"),
                        lang=lang,
                    ),
                    _fig("completed", n.fmt_int(data["claims_completed"]), "claims", lang=lang),
                    _fig(
                        "bottleneck",
                        n.stage_name(bottleneck, lang) if bottleneck else "—",
                        "",
                        t("report.fig.avg_days", lang, days=n.fmt_days(data["stage_avg_days"][bottleneck]))
                        if bottleneck
                        else "",
                        lang=lang,
                    ),
                ]
            ),
            Bullets([n.stages(data, lang), n.handling(data, lang)]),
        ],
    )
    current = [_d(data["stage_avg_days"].get(st)) for st in STAGES]
    previous = [_d(data["stage_avg_days_previous"].get(st)) for st in STAGES]
    if any(v is not None for v in current + previous):
        timing.blocks.append(
            Chart(
                "stages",
                "column",
                t("report.chart.stages", lang),
                [n.stage_name(st, lang) for st in STAGES],
                [Series(this, current), Series(prev, previous)],
                places=2,
            )
        )

    months = [r["month"] for r in data["trend"]]
    peak = n.trend_peak(data, lang)
    trend = Slide(
        t("report.slide.trend", lang, months=len(months)),
        [
            Bullets([peak or t("report.s.trend_none", lang, months=len(months))]),
            Chart(
                "trend_claims",
                "line",
                t("report.chart.trend_claims", lang),
                months,
                [Series(t("report.chart.claims", lang), [Decimal(r["claims"]) for r in data["trend"]])],
            ),
            Chart(
                "trend_paid",
                "line",
                t("report.chart.trend_paid", lang),
                months,
                [Series(t("report.chart.paid", lang), [n.wan(r["paid"]) for r in data["trend"]])],
                places=2,
            ),
        ],
    )
    return [claims, amounts, timing, trend]


# --- 理赔流程梳理与优化 -------------------------------------------------------------------------------------


def _days_figure(value: Any, lang: str) -> str:
    return t("report.unit.n_days", lang, days=n.fmt_days(value)) if value is not None else "—"


def _process(data: dict[str, Any], f: Facts, lang: str) -> list[Slide]:
    st = data["stage_avg_days"]
    inv = st.get("investigation")
    steps = [
        Step(
            t("report.step.report", lang),
            _days_figure(st.get("acceptance"), lang),
            t("report.step.report_d", lang),
        ),
        Step(
            t("report.step.application", lang),
            f"{n.fmt_pct(f.documents_requested_pct)}%" if f.documents_requested_pct is not None else "—",
            t("report.step.application_d", lang),
        ),
        Step(
            t("report.step.review", lang),
            _days_figure(st.get("review"), lang),
            t("report.step.review_d", lang)
            + (t("report.step.review_inv", lang, days=n.fmt_days(inv)) if inv is not None else ""),
        ),
        Step(
            t("report.step.decision", lang),
            t("report.unit.n_claims", lang, n=n.fmt_int(data["decisions"])),
            t(
                "report.step.decision_d",
                lang,
                stp=n.fmt_pct(data["straight_through_rate_pct"]),
                denial=n.fmt_pct(data["denial_rate_pct"]),
            ),
        ),
        Step(
            t("report.step.payment", lang),
            _days_figure(st.get("payment"), lang),
            t("report.step.payment_d", lang),
        ),
    ]
    counts = data.get("stage_counts", {})
    table = Table(
        [t(f"report.table.{c}", lang) for c in ("stage", "steps", "current", "previous", "claims", "change")],
        [
            [
                n.stage_name(s, lang),
                t(f"report.stage_steps.{s}", lang),
                n.fmt_days(st.get(s)),
                n.fmt_days(data["stage_avg_days_previous"].get(s)),
                n.fmt_int(counts.get(s, 0)),
                n.change(data["stage_avg_days_change_pct"].get(s), lang, kind="duration")
                if st.get(s) is not None
                else t("report.s.no_completed", lang),
            ]
            for s in STAGES
        ],
        numeric=(2, 3, 4),
        note=t("report.table.stage_note", lang),
    )
    flow = Slide(t("report.slide.flow", lang), [Flow(steps), table])

    bullets = [
        b for b in (n.bottleneck(data, lang), n.stage_changes(data, lang), n.handling(data, lang)) if b
    ]
    sla_rows = [
        [
            n.stage_name(s, lang),
            str(data["sla_days"][s]),
            n.fmt_int(counts.get(s, 0)),
            f"{n.fmt_pct(data['sla_compliance_pct'][s])}%"
            if data["sla_compliance_pct"].get(s) is not None
            else "—",
        ]
        for s in STAGES
    ]
    sla_text = n.sla(data, lang)
    bottleneck = Slide(
        t("report.slide.bottleneck", lang),
        [
            Bullets(bullets + ([sla_text] if sla_text else [])),
            Table(
                [t(f"report.table.{c}", lang) for c in ("stage", "sla_days", "claims", "sla_pct")],
                sla_rows,
                numeric=(1, 2, 3),
                title=t("report.table.sla_title", lang),
            ),
        ],
    )

    decisions = [
        b
        for b in (
            n.straight_through(data, lang),
            n.decisions(data, lang),
            n.denial_reasons(data, lang),
            n.backlog(data, lang),
        )
        if b
    ]
    ages = data["backlog_by_age"]
    outcome = Slide(
        t("report.slide.decisions", lang),
        [
            KeyFigures(
                [
                    _fig("decisions", n.fmt_int(data["decisions"]), "claims", lang=lang),
                    _fig("stp", n.fmt_pct(data["straight_through_rate_pct"]), "pct", lang=lang),
                    _fig("denial", n.fmt_pct(data["denial_rate_pct"]), "pct", lang=lang),
                    _fig("backlog", n.fmt_int(data["backlog_open"]), "claims", lang=lang),
                ]
            ),
            Bullets(decisions),
        ],
    )
    if data["backlog_open"]:
        outcome.blocks.append(
            Chart(
                "backlog",
                "column",
                t("report.chart.backlog", lang),
                [t(f"report.age.{a}", lang) for a in AGES],
                [Series(t("report.chart.claims", lang), [Decimal(int(ages.get(a, 0))) for a in AGES])],
            )
        )
    return [flow, bottleneck, outcome]


# --- 数据分析、协作单位、团队 -------------------------------------------------------------------------


def _mining(data: dict[str, Any], f: Facts, lang: str, provided: bool) -> Slide:
    blocks: list[Block] = [
        Bullets(
            [
                t(
                    "report.s.data_volume",
                    lang,
                    claims=n.fmt_int(f.claims_total),
                    policies=n.fmt_int(f.policies_total),
                    customers=n.fmt_int(f.customers_total),
                    documents=n.fmt_int(f.documents_total),
                ),
                t("report.s.data_variety", lang),
                t("report.s.data_period", lang, n=n.fmt_int(f.claims_reported)),
            ]
            + ([] if data["top_denial_reasons"] else [t("report.s.no_denials", lang)])
        )
    ]
    if data["top_denial_reasons"]:
        blocks.append(
            Table(
                [t(f"report.table.{c}", lang) for c in ("reason", "count", "share")],
                [
                    [t(f"reason.{r['code']}", lang), n.fmt_int(r["count"]), f"{n.fmt_pct(r['share'])}%"]
                    for r in data["top_denial_reasons"]
                ],
                numeric=(1, 2),
                title=t("report.table.reasons_title", lang),
            )
        )
    if not provided:
        blocks.append(Notice(t("report.missing.mining", lang), t("report.missing.mining_detail", lang)))
    return Slide(t("report.slide.mining", lang), blocks)


def _partners(f: Facts, lang: str, provided: bool) -> Slide:
    blocks: list[Block] = [
        KeyFigures(
            [
                _fig(
                    "provider_claims",
                    n.fmt_int(f.provider_claims),
                    "claims",
                    t("report.fig.share_of_reported", lang, pct=n.fmt_pct(f.provider_claims_pct))
                    if f.provider_claims_pct is not None
                    else "",
                    lang=lang,
                ),
                _fig("providers", n.fmt_int(f.providers), "providers", lang=lang),
                _fig("direct_payments", n.fmt_int(f.direct_payments), "payments", lang=lang),
                _fig("direct_amount", n.fmt_wan(f.direct_amount), "wan", lang=lang),
            ]
        ),
        Bullets(
            [
                t(
                    "report.s.partners",
                    lang,
                    n=n.fmt_int(f.provider_claims),
                    providers=n.fmt_int(f.providers),
                ),
                t(
                    "report.s.direct",
                    lang,
                    n=n.fmt_int(f.direct_payments),
                    amount=n.fmt_wan(f.direct_amount),
                ),
            ]
        ),
    ]
    if not provided:
        blocks.append(Notice(t("report.missing.partners", lang), t("report.missing.partners_detail", lang)))
    return Slide(t("report.slide.partners", lang), blocks)


def _team(data: dict[str, Any], lang: str, provided: bool) -> Slide:
    rows = data["handlers"]
    blocks: list[Block] = []
    text = n.handlers(data, lang)
    blocks.append(Bullets([text] if text else [t("report.s.no_handlers", lang)]))
    if rows:
        blocks.append(
            Table(
                [t(f"report.table.{c}", lang) for c in ("handler", "accepted", "completed", "avg_days")],
                [
                    [
                        h["name"] or h["username"],
                        n.fmt_int(h["claims"]),
                        n.fmt_int(h["completed"]),
                        n.fmt_days(h["avg_handling_days"]),
                    ]
                    for h in rows[:HANDLER_ROWS]
                ],
                numeric=(1, 2, 3),
                title=t("report.table.handlers_title", lang),
                note=t("report.table.handlers_note", lang, n=len(rows), shown=HANDLER_ROWS)
                if len(rows) > HANDLER_ROWS
                else "",
            )
        )
    if not provided:
        blocks.append(Notice(t("report.missing.team", lang), t("report.missing.team_detail", lang)))
    return Slide(t("report.slide.team", lang), blocks)


# --- 总结与展望 ---------------------------------------------------------------------------------------------


def _outlook(data: dict[str, Any], lang: str) -> list[Slide]:
    summary = [n.summary(data, lang), n.summary_paid(data, lang), n.summary_timing(data, lang)]
    summary += [b for b in (n.sla(data, lang), n.straight_through(data, lang), n.backlog(data, lang)) if b]
    ahead = n.outlook(data, lang) or [t("report.s.outlook_none", lang)]
    return [
        Slide(t("report.slide.summary", lang), [Bullets(summary)]),
        Slide(t("report.slide.outlook", lang), [Bullets(ahead)]),
    ]


def all_text(deck: Deck) -> list[str]:
    """Every sentence and label of the deck, in order (for checks that the formats agree)."""
    out = [deck.title, deck.period, deck.subtitle]
    for section in deck.sections:
        out.append(section.title)
        for slide in section.slides:
            out.append(slide.title)
            for block in slide.blocks:
                if isinstance(block, Bullets):
                    out += block.items
                elif isinstance(block, Notice):
                    out += [block.text, block.detail]
                elif isinstance(block, KeyFigures):
                    out += [f"{fig.label} {fig.value}{fig.unit} {fig.note}" for fig in block.items]
                elif isinstance(block, Table):
                    out += block.header + [c for row in block.rows for c in row]
                elif isinstance(block, Chart):
                    out += [block.title, *block.categories]
                elif isinstance(block, Flow):
                    out += [f"{s.name} {s.figure} {s.detail}" for s in block.steps]
    return [s for s in out if s]
