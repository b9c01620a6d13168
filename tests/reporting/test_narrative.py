"""Sentences from figures: the right word for a rise, a fall, no change or no base; number formats."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from claimops.reporting import narrative as n
from claimops.reporting.kpis import DenialReason, HandlerWorkload, LineFigures, MonthFigures
from claimops.reporting.summary import PeriodRef, PeriodSummary


def figures(**overrides: Any) -> PeriodSummary:
    """A period summary as period_summary returns it (money in Decimal)."""
    base = PeriodSummary(
        period="2026-Q3",
        start="2026-07-01",
        end="2026-09-30",
        previous_period=PeriodRef("2026-Q2", "2026-04-01", "2026-06-30"),
        year_before_period=PeriodRef("2025-Q3", "2025-07-01", "2025-09-30"),
        claims_received=1300,
        claims_rejected=40,
        claims_withdrawn=26,
        claims_accepted=1234,
        claims_accepted_change_pct=5.6,
        claims_accepted_yoy_pct=12.5,
        paid_total=Decimal("12345678.90"),
        paid_total_change_pct=-3.2,
        paid_total_yoy_pct=0.0,
        payments_count=1000,
        avg_payout=Decimal("12345.68"),
        max_payout=Decimal("480000.00"),
        avg_handling_days=7.13,
        avg_handling_days_change_pct=-9.2,
        avg_handling_days_yoy_pct=4.0,
        by_line={
            "auto": LineFigures(679, 55.0, Decimal("5000000.00"), 40.5),
            "health": LineFigures(370, 30.0, Decimal("6000000.00"), 48.6),
            "property": LineFigures(185, 15.0, Decimal("1345678.90"), 10.9),
            "other": LineFigures(0, 0.0, Decimal("0.00"), 0.0),
        },
        stage_avg_days={"acceptance": 0.88, "investigation": 10.0, "review": 3.67, "payment": 1.5},
        stage_avg_days_previous={"acceptance": 1.0, "investigation": None, "review": 3.67, "payment": 1.0},
        stage_avg_days_change_pct={
            "acceptance": -12.0,
            "investigation": None,
            "review": 0.0,
            "payment": 50.0,
        },
        bottleneck_stage="investigation",
        sla_days={"acceptance": 1, "investigation": 30, "review": 30, "payment": 10},
        sla_compliance_pct={"acceptance": 96.5, "investigation": 100.0, "review": 99.1, "payment": None},
        decisions=1200,
        decisions_by_outcome={"approved": 1000, "partial": 100, "denied": 100},
        straight_through=300,
        straight_through_rate_pct=25.0,
        denial_rate_pct=8.3,
        top_denial_reasons=[DenialReason("EXCLUSION", 60, 60.0)],
        backlog_open=80,
        backlog_by_age={"0-7": 50, "8-30": 20, "31-90": 8, "90+": 2},
        handlers=[HandlerWorkload("li", "李明", 700, 650, 6.5)],
        trend=[MonthFigures("2026-08", 400, Decimal("10.00"))],
    )
    return replace(base, **overrides)


@pytest.mark.parametrize(
    ("pct", "lang", "basis", "kind", "expected"),
    [
        (5.6, "zh", "previous", "amount", "较上期增加5.6%"),
        (-3.25, "zh", "previous", "amount", "较上期减少3.3%"),  # rounded half up, like the KPIs
        (0.0, "zh", "previous", "amount", "与上期持平"),
        (None, "zh", "previous", "amount", "上期无数据，无法比较"),
        (-9.2, "zh", "previous", "duration", "较上期缩短9.2%"),
        (4.0, "zh", "previous", "duration", "较上期延长4.0%"),
        (0.0, "zh", "previous", "duration", "与上期持平"),
        (12.5, "zh", "year", "amount", "较去年同期增长12.5%"),
        (-1.0, "zh", "year", "amount", "较去年同期下降1.0%"),
        (0.0, "zh", "year", "amount", "与去年同期持平"),
        (None, "zh", "year", "amount", "去年同期无数据，无法比较"),
        (-2.5, "zh", "year", "duration", "较去年同期缩短2.5%"),
        (5.6, "en", "previous", "amount", "up 5.6% on the previous period"),
        (-2.0, "en", "previous", "amount", "down 2.0% on the previous period"),
        (0.0, "en", "previous", "amount", "unchanged on the previous period"),
        (None, "en", "previous", "amount", "no data for the previous period to compare with"),
        (-9.2, "en", "previous", "duration", "9.2% shorter than in the previous period"),
        (4.0, "en", "previous", "duration", "4.0% longer than in the previous period"),
        (1188.9, "en", "year", "amount", "up 1,188.9% year on year"),
        (None, "en", "year", "amount", "no data for the same period last year to compare with"),
    ],
)
def test_change_wording(pct: float | None, lang: str, basis: Any, kind: Any, expected: str) -> None:
    assert n.change(pct, lang, basis=basis, kind=kind) == expected


def test_number_formats() -> None:
    assert n.fmt_int(1234567) == "1,234,567"
    assert n.fmt_pct(5.65) == "5.7" and n.fmt_pct(Decimal("0.05")) == "0.1"  # half up, not to even
    assert n.fmt_days(0.875) == "0.88" and n.fmt_days(10) == "10.00"
    assert n.fmt_wan(Decimal("12345678.90")) == "1,234.57"
    assert n.fmt_wan(Decimal("12350.00")) == "1.24"  # 1.235 万元 rounds half up
    assert n.wan(Decimal("29000.00")) == Decimal("2.90")
    assert n.fmt_int(None) == "—" and n.fmt_wan(None) == "—"


def test_overview_sentences_in_both_languages() -> None:
    d = figures()
    assert n.accepted(d, "zh") == "本期共受理理赔案件1,234件，较上期增加5.6%。"
    assert n.accepted(d, "en") == "1,234 claims were accepted this period, up 5.6% on the previous period."
    assert n.accepted_yoy(d, "zh") == "受理案件数较去年同期增长12.5%。"
    assert n.paid(d, "zh") == "本期总赔付金额为1,234.57万元，较上期减少3.2%。"
    assert n.paid(d, "en") == "1,234.57 (10k CNY) was paid this period, down 3.2% on the previous period."
    assert n.paid_yoy(d, "zh") == "赔付金额与去年同期持平。"
    assert (
        n.distribution(d, "zh")
        == "车险案件679件，占比55.0%；健康险案件370件，占比30.0%；财产险案件185件，占比15.0%。"
    )
    assert n.paid_by_line(d, "zh") == (
        "健康险赔付金额600.00万元，占比48.6%；车险赔付金额500.00万元，占比40.5%；财产险赔付金额134.57万元，占比10.9%。"
    )
    assert n.handling(d, "zh") == "本期理赔案件平均处理时长为7.13天，较上期缩短9.2%。"
    assert n.handling(d, "en") == (
        "Claims took 7.13 days on average from report to completion, "
        "9.2% shorter than in the previous period."
    )
    assert n.stages(d, "zh") == (
        "受理环节平均时长为0.88天，调查环节平均时长为10.00天，审核环节平均时长为3.67天，赔付环节平均时长为1.50天。"
    )
    assert n.payouts(d, "zh") == "本期共支付赔款1,000笔，笔均1.23万元，最大单笔48.00万元。"


def test_no_base_and_singular() -> None:
    d = figures(claims_accepted=1, claims_accepted_change_pct=None)
    assert n.accepted(d, "zh") == "本期共受理理赔案件1件，上期无数据，无法比较。"
    assert (
        n.accepted(d, "en")
        == "1 claim was accepted this period, no data for the previous period to compare with."
    )


def test_process_sentences() -> None:
    d = figures()
    assert n.bottleneck(d, "zh") == "耗时最长的环节为调查环节，平均10.00天，是提升时效的重点。"
    assert n.stage_change(d, "acceptance", "zh") == "受理环节平均0.88天，较上期缩短12.0%"
    assert n.stage_change(d, "investigation", "zh") == "调查环节平均10.00天，上期无数据，无法比较"
    assert n.stage_change(d, "review", "zh") == "审核环节平均3.67天，与上期持平"
    assert n.stage_change(d, "payment", "en") == "Payment 1.50 days, 50.0% longer than in the previous period"
    assert (
        n.sla(d, "zh")
        == "时效达标率：受理环节96.5%（时限1天），调查环节100.0%（时限30天），审核环节99.1%（时限30天）。"
    )
    assert n.straight_through(d, "zh") == "本期作出理赔决定1,200件，其中系统直通处理300件，直通率25.0%。"
    assert n.decisions(d, "zh") == "决定结果：全额赔付1,000件，部分赔付100件，拒赔100件；拒赔率8.3%。"
    assert n.denial_reasons(d, "zh") == "主要拒赔原因：属于责任免除（60.0%）。"
    assert n.backlog(d, "zh") == "期末未决案件80件，其中超过30天的10件。"
    assert n.handlers(d, "zh") == "本期共有1名理赔人员受理案件，人均700.0件；受理量最多的是李明，共700件。"


def test_summary_with_year_on_year() -> None:
    d = figures()
    assert n.summary(d, "zh") == (
        "本期共处理理赔案件1,234件，较去年同期增长12.5%，其中车险理赔案件占比最大，为55.0%，其次为健康险，占比30.0%。"
    )
    assert n.summary(d, "en") == (
        "1,234 claims were handled this period, up 12.5% year on year; Auto had the largest share at 55.0%, "
        "followed by Health at 30.0%."
    )
    assert n.summary_timing(d, "zh") == "本期平均处理时长为7.13天，较上期缩短9.2%，较去年同期延长4.0%。"
    outlook = n.outlook(d, "zh")
    assert outlook[0] == "压缩调查环节时长：本期平均10.00天，为各环节中最长。"
    assert "提升受理环节时效达标率：本期为96.5%（时限1天）。" in outlook
    assert "清理超过30天的未决案件：期末共10件。" in outlook


def test_an_empty_period_says_so() -> None:
    empty_line = LineFigures(0, None, Decimal("0.00"), None)
    d = figures(
        claims_accepted=0,
        claims_accepted_change_pct=None,
        claims_accepted_yoy_pct=None,
        paid_total=Decimal("0.00"),
        avg_handling_days=None,
        by_line=dict.fromkeys(n.LINES, empty_line),
        stage_avg_days=dict.fromkeys(n.STAGES),
        bottleneck_stage=None,
        decisions=0,
    )
    assert n.summary(d, "zh") == "本期无受理的理赔案件。"
    assert n.distribution(d, "zh") == "本期无受理案件。"
    assert n.paid_by_line(d, "en") == "No payments were made this period."
    assert n.handling(d, "zh") == "本期无办结案件，无法计算平均处理时长。"
    assert n.stages(d, "zh").startswith("受理环节本期无完成案件，")
    assert n.bottleneck(d, "zh") is None
    assert n.straight_through(d, "zh") == "本期未作出理赔决定。"


def test_period_names() -> None:
    assert n.period_name("2026-Q3", "zh") == "2026年第三季度"
    assert n.period_name("2026-Q3", "en") == "Q3 2026"
    assert n.period_name("2026-H1", "zh") == "2026年上半年"
    assert n.period_name("2026-07", "zh") == "2026年7月" and n.period_name("2026-07", "en") == "July 2026"
    assert n.period_name("2026", "zh") == "2026年度"
    assert n.period_name("2026-07-05~2026-08-04", "zh") == "2026-07-05至2026-08-04"
