"""The deck on the hand-computed data set of test_kpis.py: every figure filled, charts equal the KPIs."""

from __future__ import annotations

import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pptx import Presentation
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from claimops.config import Settings
from claimops.reporting.deck import render
from claimops.reporting.narrative import change
from claimops.reporting.periods import parse_period
from factories import kpi_dataset

Q2 = parse_period("2026-Q2")
ZH_SECTIONS = [
    "引言",
    "理赔工作概况",
    "理赔流程梳理与优化",
    "理赔数据分析与挖掘",
    "协作单位沟通与协调",
    "客户满意度提升举措",
    "团队建设与培训发展",
    "总结与展望",
]


def texts(prs: Any) -> list[str]:
    out = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                out.append(shape.text_frame.text)
            if shape.has_table:
                out += [c.text for row in shape.table.rows for c in row.cells]
    return out


def charts(prs: Any) -> dict[str, Any]:
    return {
        shape.chart.chart_title.text_frame.text: shape.chart
        for slide in prs.slides
        for shape in slide.shapes
        if shape.has_chart
    }


@pytest.fixture
def deck_zh(session: Session, settings: Settings) -> Any:
    kpi_dataset(session, settings)
    return Presentation(io.BytesIO(render(session, Q2, settings, lang="zh")))


def test_zh_deck_has_every_section_no_placeholder_and_chinese(deck_zh: Any) -> None:
    all_text = "\n".join(texts(deck_zh))
    assert "XX" not in all_text
    contents = "\n".join(texts(deck_zh)[:8])
    positions = [contents.find(title) for title in ZH_SECTIONS]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    assert "本期共受理理赔案件4件，较上期增加100.0%。" in all_text
    assert "本期总赔付金额为2.90万元，较上期增加132.0%。" in all_text
    assert "本期理赔案件平均处理时长为7.13天，较上期延长58.4%。" in all_text
    assert "本期系统中尚无客户满意度调查数据" in all_text  # no survey data: said plainly


def test_chart_data_equal_the_kpis(deck_zh: Any) -> None:
    c = charts(deck_zh)
    pie = c["各险种受理案件（件）"]
    assert list(pie.plots[0].categories) == ["车险", "健康险", "财产险", "其他"]
    assert list(pie.plots[0].series[0].values) == [2.0, 1.0, 1.0, 0.0]
    paid = c["各险种赔付金额（万元）"]
    assert list(paid.plots[0].series[0].values) == [0.9, 2.0, 0.0, 0.0]
    stages = c["各环节平均时长（天）"]
    assert list(stages.plots[0].series[0].values) == [0.88, 10.0, 3.67, 1.5]
    trend = c["近12个月趋势"]
    assert list(trend.plots[0].categories)[-1] == "2026-06"
    assert list(trend.plots[0].series[0].values)[-3:] == [1.0, 1.0, 3.0]


def test_english_html_and_markdown(session: Session, settings: Settings) -> None:
    kpi_dataset(session, settings)
    en = Presentation(io.BytesIO(render(session, Q2, settings, lang="en")))
    text = "\n".join(texts(en))
    assert "4 claims were accepted this period, up 100.0% on the previous period." in text
    assert "XX" not in text
    md = render(session, Q2, settings, lang="zh", fmt="md").decode()
    html = render(session, Q2, settings, lang="en", fmt="html").decode()
    assert "本期共受理理赔案件4件" in md and "## 08 总结与展望" in md
    assert "<h2>02 Claims overview</h2>" in html and "up 132.0% on the previous period" in html


@pytest.mark.parametrize(
    ("pct", "lang", "duration", "expected"),
    [
        (5.6, "zh", False, "较上期增加5.6%"),
        (-3.25, "zh", False, "较上期减少3.3%"),
        (0.0, "zh", False, "与上期持平"),
        (None, "zh", False, "上期无数据，无法比较"),
        (5.6, "en", False, "up 5.6% on the previous period"),
        (-2.0, "en", False, "down 2.0% on the previous period"),
        (0.0, "en", False, "unchanged on the previous period"),
    ],
)
def test_rise_fall_flat_wording(pct: float | None, lang: str, duration: bool, expected: str) -> None:
    assert change(pct, lang, duration=duration) == expected


def test_durations_get_shorter_or_longer() -> None:
    assert change(-9.2, "zh", duration=True, key="report.s.handling_change") == "较上期缩短9.2%"
    assert (
        change(4.0, "en", duration=True, key="report.s.handling_change")
        == "4.0% longer than the previous period"
    )


def test_download_and_cli(
    client: TestClient, tokens: dict[str, dict[str, str]], tmp_path: Any, engine: Any, monkeypatch: Any
) -> None:
    r = client.get(
        "/api/v1/reports/deck", params={"period": "2026-Q3", "format": "pptx"}, headers=tokens["manager"]
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.presentationml"
    )
    assert "filename*=UTF-8''%E7%90%86%E8%B5%94" in r.headers["content-disposition"]
    assert Presentation(io.BytesIO(r.content)).slides
    assert (
        client.get(
            "/api/v1/reports/deck", params={"period": "2026-Q3", "format": "doc"}, headers=tokens["manager"]
        ).status_code
        == 422
    )
    from claimops.cli import app
    from claimops.config import get_settings

    monkeypatch.setenv("CLAIMOPS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    try:
        out = tmp_path / "s.md"
        res = CliRunner().invoke(app, ["report", "--period", "2026-Q3", "--format", "md", "-o", str(out)])
        assert res.exit_code == 0, res.output
        assert out.read_text().startswith("# 理赔工作总结")
        bad = CliRunner().invoke(app, ["report", "--period", "2026-Q9", "-o", str(out)])
        assert bad.exit_code == 2
    finally:
        get_settings.cache_clear()
