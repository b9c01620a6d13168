"""Sentences of the work summary, generated from the period summary's figures (pure: no database).

Every sentence reads its figures from the typed period summary (`claimops.reporting.summary`), so the deck,
the HTML and the Markdown say exactly what the KPIs say. The word for a change follows the direction:
增加/减少/持平 for counts and amounts (增长/下降 year on year), 缩短/延长 for durations, and a plain
"上期无数据，无法比较" where there is no base. Amounts are stated in 万元.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from claimops.i18n import has, t
from claimops.money import to_wan
from claimops.reporting.periods import parse_period
from claimops.reporting.summary import PeriodSummary

Number = int | float | Decimal
Basis = Literal["previous", "year"]
Kind = Literal["amount", "duration"]
STAGES = ("acceptance", "investigation", "review", "payment")
LINES = ("auto", "health", "property", "other")
OLD_BACKLOG = ("31-90", "90+")  # open for more than 30 days


# --- numbers -------------------------------------------------------------------------------------


def dec(value: Number) -> Decimal:
    """Floats go through their shortest repr, so 0.88 stays 0.88 and not 0.8800000000000000044."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def fmt_num(value: Number | None, places: int = 0) -> str:
    """1234.5 → '1,234.5' with `places` decimals, rounded half up (四舍五入) like the KPIs."""
    if value is None:
        return "—"
    q = dec(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{q:,.{places}f}"


def fmt_int(value: Number | None) -> str:
    return fmt_num(value, 0)


def fmt_pct(value: Number | None) -> str:
    """A percentage figure (5.6 means 5.6 %) with one decimal, without the sign."""
    return fmt_num(value, 1)


def fmt_days(value: Number | None) -> str:
    return fmt_num(value, 2)


def wan(amount: Number) -> Decimal:
    """CNY → 万元 with two places (claimops.money.to_wan)."""
    return to_wan(dec(amount))


def fmt_wan(amount: Number | None) -> str:
    """CNY → '1,234.56' 万元."""
    return "—" if amount is None else f"{wan(amount):,.2f}"


# --- wording -------------------------------------------------------------------------------------


def direction(pct: Number | None) -> str | None:
    """'up', 'down', 'flat' or None (no base to compare with)."""
    if pct is None:
        return None
    value = dec(pct)
    return "up" if value > 0 else "down" if value < 0 else "flat"


def change(pct: Number | None, lang: str, *, basis: Basis = "previous", kind: Kind = "amount") -> str:
    """'较上期增加5.6%' / 'up 5.6% on the previous period'; durations get 缩短/延长 (shorter/longer)."""
    way = direction(pct)
    if way is None:
        return t(f"report.change.{basis}.none", lang)
    if way == "flat":
        return t(f"report.change.{basis}.flat", lang)
    if kind == "duration":
        way = "longer" if way == "up" else "shorter"
    assert pct is not None
    return t(f"report.change.{basis}.{way}", lang, pct=fmt_pct(abs(dec(pct))))


def tn(key: str, lang: str, count: int, /, **params: Any) -> str:
    """Like `t`, with the English singular (`<key>_one`) when the count is 1."""
    if count == 1 and has(f"{key}_one", lang):
        return t(f"{key}_one", lang, **params)
    return t(key, lang, **params)


def join(parts: list[str], lang: str) -> str:
    """Clauses joined into one sentence: '…；…。' / '…; ….'"""
    return t("report.sep", lang).join(parts) + t("report.stop", lang)


def line_name(line: str, lang: str) -> str:
    return t(f"line.{line}", lang)


def stage_name(stage: str, lang: str) -> str:
    return t(f"stage.{stage}", lang)


def stage_word(stage: str, lang: str) -> str:
    """The stage's name inside a sentence (lower case in English)."""
    name = stage_name(stage, lang)
    return name.lower() if lang == "en" else name


def days_text(days: int, lang: str) -> str:
    """'30天' / '30 days', '1 day'."""
    return tn("report.unit.n_days", lang, days, days=days)


def period_name(label: str, lang: str) -> str:
    """'2026-Q3' → '2026年第三季度' / 'Q3 2026'; a date range keeps its label."""
    try:
        p = parse_period(label)
    except Exception:  # a start~end range: its label is already readable
        return label.replace("~", t("report.to", lang))
    y = p.start.year
    if p.kind == "year":
        return t("report.period.year", lang, year=y)
    if p.kind == "half":
        return t(f"report.period.h{1 if p.start.month <= 6 else 2}", lang, year=y)
    if p.kind == "quarter":
        return t(f"report.period.q{(p.start.month - 1) // 3 + 1}", lang, year=y)
    return t("report.period.month", lang, year=y, month=t(f"report.month.{p.start.month}", lang))


def lines_by_count(s: PeriodSummary) -> list[str]:
    """Lines with accepted claims, largest first (ties in the usual line order)."""
    by_line = s.by_line
    ranked = sorted(by_line, key=lambda ln: (-by_line[ln].count, _order(ln)))
    return [ln for ln in ranked if by_line[ln].count]


def lines_by_paid(s: PeriodSummary) -> list[str]:
    by_line = s.by_line
    ranked = sorted(by_line, key=lambda ln: (-dec(by_line[ln].paid), _order(ln)))
    return [ln for ln in ranked if dec(by_line[ln].paid)]


def _order(line: str) -> int:
    return LINES.index(line) if line in LINES else len(LINES)


def old_backlog(s: PeriodSummary) -> int:
    return sum(int(s.backlog_by_age.get(b, 0)) for b in OLD_BACKLOG)


# --- sentences: 理赔工作概况 -------------------------------------------------------------------------


def accepted(s: PeriodSummary, lang: str) -> str:
    """本期共受理理赔案件1,234件，较上期增加5.6%。"""
    n = s.claims_accepted
    return tn("report.s.accepted", lang, n, n=fmt_int(n), change=change(s.claims_accepted_change_pct, lang))


def accepted_yoy(s: PeriodSummary, lang: str) -> str:
    return t("report.s.accepted_yoy", lang, change=change(s.claims_accepted_yoy_pct, lang, basis="year"))


def received(s: PeriodSummary, lang: str) -> str:
    n = s.claims_received
    return tn(
        "report.s.received",
        lang,
        n,
        n=fmt_int(n),
        rejected=fmt_int(s.claims_rejected),
        withdrawn=fmt_int(s.claims_withdrawn),
    )


def distribution(s: PeriodSummary, lang: str) -> str:
    """车险案件XX件，占比XX%；健康险案件XX件，占比XX%…"""
    ranked = lines_by_count(s)
    if not ranked:
        return t("report.s.no_claims", lang)
    by_line = s.by_line
    return join(
        [
            t(
                "report.s.line_count",
                lang,
                line=line_name(ln, lang),
                n=fmt_int(by_line[ln].count),
                share=fmt_pct(by_line[ln].count_share),
            )
            for ln in ranked
        ],
        lang,
    )


def paid(s: PeriodSummary, lang: str) -> str:
    """本期总赔付金额为XX万元，较上期增加XX%。"""
    return t(
        "report.s.paid",
        lang,
        amount=fmt_wan(s.paid_total),
        change=change(s.paid_total_change_pct, lang),
    )


def paid_yoy(s: PeriodSummary, lang: str) -> str:
    return t("report.s.paid_yoy", lang, change=change(s.paid_total_yoy_pct, lang, basis="year"))


def paid_by_line(s: PeriodSummary, lang: str) -> str:
    """车险赔付金额XX万元，占比XX%；…"""
    ranked = lines_by_paid(s)
    if not ranked:
        return t("report.s.no_payments", lang)
    by_line = s.by_line
    return join(
        [
            t(
                "report.s.line_paid",
                lang,
                line=line_name(ln, lang),
                amount=fmt_wan(by_line[ln].paid),
                share=fmt_pct(by_line[ln].paid_share),
            )
            for ln in ranked
        ],
        lang,
    )


def payouts(s: PeriodSummary, lang: str) -> str | None:
    n = s.payments_count
    if not n or s.avg_payout is None:
        return None
    return tn(
        "report.s.payouts",
        lang,
        n,
        n=fmt_int(n),
        avg=fmt_wan(s.avg_payout),
        max=fmt_wan(s.max_payout),
    )


def stages(s: PeriodSummary, lang: str) -> str:
    """受理环节平均时长为XX天，调查环节平均时长为XX天，…"""
    parts = []
    for st in STAGES:
        days = s.stage_avg_days.get(st)
        key = "report.s.stage_days" if days is not None else "report.s.stage_none"
        parts.append(t(key, lang, stage=stage_name(st, lang), days=fmt_days(days)))
    return t("report.s.stages", lang, parts=t("report.comma", lang).join(parts))


def handling(s: PeriodSummary, lang: str) -> str:
    """本期理赔案件平均处理时长为XX天，较上期缩短XX%。"""
    days = s.avg_handling_days
    if days is None:
        return t("report.s.handling_none", lang)
    return t(
        "report.s.handling",
        lang,
        days=fmt_days(days),
        change=change(s.avg_handling_days_change_pct, lang, kind="duration"),
    )


def trend_peak(s: PeriodSummary, lang: str) -> str | None:
    rows = [r for r in s.trend if r.claims]
    if not rows:
        return None
    top = max(rows, key=lambda r: r.claims)
    return tn(
        "report.s.trend_peak",
        lang,
        top.claims,
        months=len(s.trend),
        month=top.month,
        n=fmt_int(top.claims),
    )


# --- sentences: 理赔流程 -------------------------------------------------------------------------------


def bottleneck(s: PeriodSummary, lang: str) -> str | None:
    st = s.bottleneck_stage
    if not st:
        return None
    return t("report.s.bottleneck", lang, stage=stage_word(st, lang), days=fmt_days(s.stage_avg_days[st]))


def stage_change(s: PeriodSummary, stage: str, lang: str) -> str:
    """审核环节平均3.67天，较上期缩短10.0%"""
    days = s.stage_avg_days.get(stage)
    name = stage_name(stage, lang)
    if days is None:
        return t("report.s.stage_change_none", lang, stage=name)
    pct = s.stage_avg_days_change_pct.get(stage)
    return t(
        "report.s.stage_change",
        lang,
        stage=name,
        days=fmt_days(days),
        change=change(pct, lang, kind="duration"),
    )


def stage_changes(s: PeriodSummary, lang: str) -> str:
    return join([stage_change(s, st, lang) for st in STAGES], lang)


def sla(s: PeriodSummary, lang: str) -> str | None:
    parts = [
        t(
            "report.s.sla_part",
            lang,
            stage=stage_name(st, lang),
            pct=fmt_pct(s.sla_compliance_pct[st]),
            limit=days_text(s.sla_days[st], lang),
        )
        for st in STAGES
        if s.sla_compliance_pct.get(st) is not None
    ]
    return t("report.s.sla", lang, parts=t("report.comma", lang).join(parts)) if parts else None


def straight_through(s: PeriodSummary, lang: str) -> str:
    n = s.decisions
    if not n:
        return t("report.s.no_decisions", lang)
    return tn(
        "report.s.stp",
        lang,
        n,
        n=fmt_int(n),
        stp=fmt_int(s.straight_through),
        rate=fmt_pct(s.straight_through_rate_pct),
    )


def decisions(s: PeriodSummary, lang: str) -> str | None:
    by = s.decisions_by_outcome
    if not s.decisions:
        return None
    parts = [
        t("report.s.outcome_part", lang, outcome=t(f"outcome.{o}", lang), n=fmt_int(by[o]))
        for o in ("approved", "partial", "denied")
        if by.get(o)
    ]
    return t(
        "report.s.decisions",
        lang,
        parts=t("report.comma", lang).join(parts),
        denial=fmt_pct(s.denial_rate_pct),
    )


def denial_reasons(s: PeriodSummary, lang: str) -> str | None:
    reasons = s.top_denial_reasons
    if not reasons:
        return None
    items = [
        t("report.s.reason_part", lang, reason=t(f"reason.{r.code}", lang), share=fmt_pct(r.share))
        for r in reasons
    ]
    return t("report.s.denial_reasons", lang, reasons=t("report.list_sep", lang).join(items))


def backlog(s: PeriodSummary, lang: str) -> str:
    n = s.backlog_open
    if not n:
        return t("report.s.backlog_none", lang)
    return tn("report.s.backlog", lang, n, n=fmt_int(n), old=fmt_int(old_backlog(s)))


def handlers(s: PeriodSummary, lang: str) -> str | None:
    rows = s.handlers
    if not rows:
        return None
    total = sum(h.claims for h in rows)
    top = rows[0]
    return tn(
        "report.s.handlers",
        lang,
        len(rows),
        n=fmt_int(len(rows)),
        avg=fmt_num(Decimal(total) / len(rows), 1),
        top=top.name or top.username,
        top_n=fmt_int(top.claims),
    )


# --- 总结与展望 ------------------------------------------------------------------------------------------


def summary(s: PeriodSummary, lang: str) -> str:
    """本期共处理理赔案件XX件，较去年同期增长XX%，其中车险理赔案件占比最大，为XX%，其次为…"""
    n = s.claims_accepted
    if not n:
        return t("report.s.summary_none", lang, yoy=change(s.claims_accepted_yoy_pct, lang, basis="year"))
    head = tn(
        "report.s.summary",
        lang,
        n,
        n=fmt_int(n),
        yoy=change(s.claims_accepted_yoy_pct, lang, basis="year"),
    )
    ranked = lines_by_count(s)
    by_line = s.by_line
    first = ranked[0]
    tail = t(
        "report.s.summary_first" if len(ranked) > 1 else "report.s.summary_only",
        lang,
        line=line_name(first, lang),
        share=fmt_pct(by_line[first].count_share),
    )
    if len(ranked) > 1:
        second = ranked[1]
        tail += t(
            "report.s.summary_second",
            lang,
            line=line_name(second, lang),
            share=fmt_pct(by_line[second].count_share),
        )
    return head + tail + t("report.stop", lang)


def summary_paid(s: PeriodSummary, lang: str) -> str:
    return t(
        "report.s.summary_paid",
        lang,
        amount=fmt_wan(s.paid_total),
        yoy=change(s.paid_total_yoy_pct, lang, basis="year"),
    )


def summary_timing(s: PeriodSummary, lang: str) -> str:
    days = s.avg_handling_days
    if days is None:
        return t("report.s.handling_none", lang)
    return t(
        "report.s.summary_timing",
        lang,
        days=fmt_days(days),
        change=change(s.avg_handling_days_change_pct, lang, kind="duration"),
        yoy=change(s.avg_handling_days_yoy_pct, lang, basis="year", kind="duration"),
    )


def outlook(s: PeriodSummary, lang: str) -> list[str]:
    """Next period's priorities, each derived from a figure of this period."""
    out = []
    st = s.bottleneck_stage
    if st:
        out.append(
            t(
                "report.s.outlook_bottleneck",
                lang,
                stage=stage_word(st, lang),
                days=fmt_days(s.stage_avg_days[st]),
            )
        )
    measured = {stage: v for stage, v in s.sla_compliance_pct.items() if v is not None}
    if measured:
        worst = min(measured, key=lambda st: (measured[st], STAGES.index(st) if st in STAGES else 9))
        key = "report.s.outlook_sla" if measured[worst] < 100 else "report.s.outlook_sla_kept"
        out.append(
            t(
                key,
                lang,
                stage=stage_word(worst, lang),
                pct=fmt_pct(measured[worst]),
                limit=days_text(s.sla_days[worst], lang),
            )
        )
    old = old_backlog(s)
    if old:
        out.append(tn("report.s.outlook_backlog", lang, old, n=fmt_int(old)))
    if s.straight_through_rate_pct is not None:
        out.append(t("report.s.outlook_stp", lang, rate=fmt_pct(s.straight_through_rate_pct)))
    if s.top_denial_reasons:
        top = s.top_denial_reasons[0]
        out.append(
            t(
                "report.s.outlook_denial",
                lang,
                reason=t(f"reason.{top.code}", lang),
                share=fmt_pct(top.share),
            )
        )
    return out
