"""The work-summary deck on the hand-computed data set of test_kpis.py.

Every chart must carry the KPI figures, no "XX" placeholder may survive, every outline section must be
there in order, sections without data must say so, and the three formats must say the same things.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import typer
from fastapi.testclient import TestClient
from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from claimops.config import Settings
from claimops.deck_sections import default_sections
from claimops.money import to_wan
from claimops.reporting import narrative as n
from claimops.reporting.deck import Section, SectionRegistry, Slide, build, render, render_deck
from claimops.reporting.deck.model import Bullets, Chart, Notice, all_text
from claimops.reporting.deck.sections import outline
from claimops.reporting.periods import parse_period
from claimops.reporting.summary import PeriodSummary, period_summary
from databases import rolled_back
from factories import kpi_dataset

Q2 = parse_period("2026-Q2")


@pytest.fixture
def session(own_engine: Engine) -> Iterator[Session]:
    """This module's own database: the deck reads every partner, survey and training record."""
    with rolled_back(own_engine) as sess:
        yield sess


TODAY = date(2026, 7, 15)
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
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
FONT = "Microsoft YaHei"
CJK = re.compile(r"[\u4e00-\u9fff]")


def slide_texts(slide: Any) -> list[str]:
    out = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            out.append(shape.text_frame.text)
        if shape.has_table:
            out += [c.text for row in shape.table.rows for c in row.cells]
        if shape.has_chart:
            chart = shape.chart
            out.append(chart.chart_title.text_frame.text)
            out += [str(c) for c in chart.plots[0].categories]
            out += [s.name for s in chart.plots[0].series]
    return out


def texts(prs: Any) -> str:
    return "\n".join(t for slide in prs.slides for t in slide_texts(slide))


def charts(prs: Any) -> dict[str, Any]:
    return {
        shape.chart.chart_title.text_frame.text: shape.chart
        for slide in prs.slides
        for shape in slide.shapes
        if shape.has_chart
    }


def values(chart: Any, series: int = 0) -> list[float | None]:
    return list(chart.plots[0].series[series].values)


@pytest.fixture
def sections() -> SectionRegistry:
    return default_sections()


@pytest.fixture
def data(session: Session, settings: Settings) -> PeriodSummary:
    kpi_dataset(session, settings)
    return period_summary(session, Q2, settings)


@pytest.fixture
def deck_zh(data: PeriodSummary, session: Session, settings: Settings, sections: SectionRegistry) -> Any:
    return Presentation(io.BytesIO(render(session, Q2, settings, sections=sections, lang="zh", today=TODAY)))


def test_zh_deck_every_section_in_order_no_placeholder(deck_zh: Any) -> None:
    text = texts(deck_zh)
    assert "XX" not in text
    assert len(CJK.findall(text)) > 500
    cover = "\n".join(slide_texts(deck_zh.slides[0]))
    assert "理赔工作总结" in cover and "2026年第二季度" in cover and "2026-07-15" in cover
    contents = "\n".join(slide_texts(deck_zh.slides[1]))
    positions = [contents.find(title) for title in ZH_SECTIONS]
    assert -1 not in positions and positions == sorted(positions)
    # after the contents, each section's title first appears on its divider slide, in the outline's order
    first = [
        min(i for i, slide in enumerate(deck_zh.slides) if i > 1 and title in slide_texts(slide))
        for title in ZH_SECTIONS
    ]
    assert first == sorted(first) and len(set(first)) == len(first)
    assert deck_zh.slide_width * 9 == deck_zh.slide_height * 16


def test_zh_sentences_carry_the_kpis(deck_zh: Any) -> None:
    text = texts(deck_zh)
    assert "本期共受理理赔案件4件，较上期增加100.0%。" in text
    assert "受理案件数较去年同期增长300.0%。" in text
    assert "车险案件2件，占比50.0%；健康险案件1件，占比25.0%；财产险案件1件，占比25.0%。" in text
    assert "本期总赔付金额为2.90万元，较上期增加132.0%。" in text
    assert "健康险赔付金额2.00万元，占比69.0%；车险赔付金额0.90万元，占比31.0%。" in text
    assert "本期理赔案件平均处理时长为7.13天，较上期延长58.4%。" in text
    assert "耗时最长的环节为调查环节，平均10.00天，是提升时效的重点。" in text
    assert "本期共处理理赔案件4件，较去年同期增长300.0%，其中车险理赔案件占比最大，为50.0%" in text
    for step in ("报案与受理", "理赔申请", "材料审核", "理赔决定", "赔款支付"):
        assert step in text


def test_sections_without_data_say_so(deck_zh: Any) -> None:
    text = texts(deck_zh)
    assert "本期系统中尚无客户满意度调查数据。" in text
    assert "本期系统中尚无培训数据。" in text
    assert "本期系统中尚无数据挖掘" in text
    assert "本期系统中尚无协作单位沟通与协调" in text


def test_charts_are_native_and_equal_the_kpis(deck_zh: Any, data: PeriodSummary) -> None:
    assert not [s for sl in deck_zh.slides for s in sl.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    c = charts(deck_zh)
    by_line = data.by_line
    pie = c["各险种受理案件（件）"]
    counted = [ln for ln in ("auto", "health", "property", "other") if by_line[ln].count]
    assert list(pie.plots[0].categories) == [n.line_name(ln, "zh") for ln in counted]
    assert values(pie) == [by_line[ln].count for ln in counted] == [2, 1, 1]
    assert pie.has_title
    paid = c["各险种赔付金额（万元）"]
    assert list(paid.plots[0].categories) == ["车险", "健康险", "财产险", "其他"]
    assert values(paid) == [float(to_wan(by_line[ln].paid)) for ln in ("auto", "health", "property", "other")]
    assert values(paid) == [0.9, 2.0, 0.0, 0.0]
    stages = c["各环节平均处理时长（天）"]
    assert list(stages.plots[0].categories) == ["受理", "调查", "审核", "赔付"]
    assert values(stages) == [data.stage_avg_days[s] for s in n.STAGES] == [0.88, 10.0, 3.67, 1.5]
    assert values(stages, 1) == [data.stage_avg_days_previous[s] for s in n.STAGES]
    trend = c["月度报案量（件）"]
    assert list(trend.plots[0].categories) == [r.month for r in data.trend]
    assert values(trend) == [r.claims for r in data.trend]
    trend_paid = c["月度赔付金额（万元）"]
    assert values(trend_paid) == [float(to_wan(r.paid)) for r in data.trend]
    backlog = c["期末未决案件账龄分布（件）"]
    assert values(backlog) == [data.backlog_by_age[a] for a in ("0-7", "8-30", "31-90", "90+")]


def test_every_run_and_chart_has_the_east_asian_font(deck_zh: Any) -> None:
    runs = 0
    for slide in deck_zh.slides:
        for r in slide._element.iter(f"{A}r"):
            rpr = r.find(f"{A}rPr")
            assert rpr is not None and rpr.find(f"{A}ea") is not None, etree.tostring(r)
            assert rpr.find(f"{A}ea").get("typeface") == FONT
            children = [etree.QName(c).localname for c in rpr]
            assert children.index("ea") == children.index("latin") + 1
            runs += 1
        for shape in slide.shapes:
            if shape.has_chart:
                xml = etree.tostring(shape.chart._chartSpace).decode()
                assert f'<a:ea typeface="{FONT}"/>' in xml
    assert runs > 200


def test_english_deck(
    session: Session, settings: Settings, data: PeriodSummary, sections: SectionRegistry
) -> None:
    prs = Presentation(io.BytesIO(render(session, Q2, settings, sections=sections, lang="en", today=TODAY)))
    text = texts(prs)
    assert "XX" not in text and not CJK.search(text)
    assert "Claims Work Summary" in text and "Q2 2026" in text
    assert "4 claims were accepted this period, up 100.0% on the previous period." in text
    assert "2.90 (10k CNY) was paid this period, up 132.0% on the previous period." in text
    assert "claimops holds no customer satisfaction survey data for this period yet." in text
    assert values(charts(prs)["Average days per stage"]) == [0.88, 10.0, 3.67, 1.5]


def test_html_and_markdown_say_the_same(
    session: Session, settings: Settings, data: PeriodSummary, sections: SectionRegistry
) -> None:
    deck = build(session, Q2, settings, sections=sections, lang="zh", today=TODAY)
    pptx_text = texts(Presentation(io.BytesIO(render_deck(deck, "pptx"))))
    html = render_deck(deck, "html").decode()
    md = render_deck(deck, "md").decode()
    sentences = [
        item
        for section in deck.sections
        for slide in section.slides
        for block in slide.blocks
        if isinstance(block, Bullets)
        for item in block.items
    ]
    assert len(sentences) > 30
    for sentence in sentences:
        assert sentence in pptx_text, sentence
        assert sentence in md, sentence
        assert sentence.replace("“", "&ldquo;") in html or sentence in html, sentence
    for title in ZH_SECTIONS:
        assert title in html and f" {title}" in md
    assert "XX" not in html and "XX" not in md and "XX" not in "\n".join(all_text(deck))
    assert "<script" not in html and "<link" not in html and "src=" not in html  # self-contained
    assert html.count("<svg") == sum(
        1 for s in deck.sections for sl in s.slides for b in sl.blocks if isinstance(b, Chart)
    )
    assert "| 车险 | 2 |" in md  # the pie's values as a table
    assert "本期系统中尚无客户满意度调查数据。" in html and "本期系统中尚无客户满意度调查数据。" in md


def surveys(session: Session, period: Any, lang: str) -> Section | None:
    return Section("satisfaction", "", [Slide("满意度调查结果", [Bullets(["本期回收问卷120份。"])])])


def test_registered_sections_replace_the_no_data_statement(
    session: Session, settings: Settings, data: PeriodSummary, sections: SectionRegistry
) -> None:
    def nothing(session: Session, period: Any, lang: str) -> Section | None:
        return None

    sections.add_slides("satisfaction", surveys)
    sections.add_slides("team", nothing)
    md = render(session, Q2, settings, sections=sections, fmt="md", today=TODAY).decode()
    assert "满意度调查结果" in md and "本期回收问卷120份。" in md
    assert "尚无客户满意度调查数据" not in md
    assert "本期系统中尚无培训数据。" in md  # a provider with nothing for the period changes nothing
    with pytest.raises(ValueError):
        sections.add_slides("overview", surveys)
    with pytest.raises(ValueError):
        sections.add_slides("disputes", surveys)  # no such section


def test_a_section_passed_in_takes_its_place_in_the_deck(
    session: Session, settings: Settings, data: PeriodSummary
) -> None:
    def disputes(session: Session, period: Any, lang: str) -> Section | None:
        return Section("disputes", "争议处理", [Slide("本期争议", [Bullets(["本期新增争议3件。"])])])

    sections = outline()
    sections.add_section("disputes", before="satisfaction")
    sections.add_slides("disputes", disputes)
    sections.add_slides("satisfaction", surveys)
    deck = build(session, Q2, settings, sections=sections, lang="zh", today=TODAY)
    keys = [s.key for s in deck.sections]
    assert keys == [
        "intro",
        "overview",
        "process",
        "mining",
        "partners",
        "disputes",
        "satisfaction",
        "team",
        "outlook",
    ]
    added = deck.sections[5]
    assert added.title == "争议处理" and [sl.title for sl in added.slides] == ["本期争议"]
    assert [sl.title for sl in deck.sections[6].slides] == ["满意度调查结果"]
    md = render_deck(deck, "md").decode()
    assert (
        md.index("## 05 协作单位沟通与协调")
        < md.index("## 06 争议处理")
        < md.index("## 07 客户满意度提升举措")
    )
    assert "1. 引言" in md and "6. 争议处理" in md and "9. 总结与展望" in md  # the contents list it too
    with pytest.raises(ValueError):
        sections.add_section("disputes")  # once only
    with pytest.raises(ValueError):
        sections.add_section("claims_quality", before="appendix")


def test_without_the_mining_provider_the_deck_still_builds(
    session: Session, settings: Settings, data: PeriodSummary
) -> None:
    deck = build(session, Q2, settings, sections=outline(), lang="zh", today=TODAY)
    assert [s.key for s in deck.sections] == [
        "intro", "overview", "process", "mining", "partners", "satisfaction", "team", "outlook"
    ]  # fmt: skip
    [mining] = [s for s in deck.sections if s.key == "mining"]
    assert [sl.title for sl in mining.slides] == ["理赔数据概况与拒赔原因分析"]
    [notice] = [b for b in mining.slides[0].blocks if isinstance(b, Notice)]
    assert notice.text.startswith("本期系统中尚无数据挖掘")
    assert "本期系统中尚无数据挖掘" in render_deck(deck, "md").decode()


def test_a_period_without_data(session: Session, settings: Settings, sections: SectionRegistry) -> None:
    empty = parse_period("2031-Q1")
    prs = Presentation(io.BytesIO(render(session, empty, settings, sections=sections, today=TODAY)))
    text = texts(prs)
    assert "XX" not in text
    assert "本期无受理的理赔案件。" in text and "本期无赔款支付。" in text
    assert "上期无数据，无法比较" in text
    assert "各险种受理案件（件）" not in charts(prs)  # no pie of nothing


def test_download(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    url = "/api/v1/reports/deck"
    r = client.get(url, params={"period": "2026-Q3"}, headers=tokens["manager"])
    assert r.status_code == 200, r.text
    assert (
        r.headers["content-type"]
        == "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    )
    name = "%E7%90%86%E8%B5%94%E5%B7%A5%E4%BD%9C%E6%80%BB%E7%BB%93-2026-Q3.pptx"  # 理赔工作总结-2026-Q3.pptx
    assert f"filename*=UTF-8''{name}" in r.headers["content-disposition"]
    assert r.headers["content-disposition"].startswith('attachment; filename="')
    assert Presentation(io.BytesIO(r.content)).slides
    md = client.get(
        url, params={"period": "2026-Q3", "format": "md", "lang": "en"}, headers=tokens["manager"]
    )
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert "Claims-Work-Summary-2026-Q3.md" in md.headers["content-disposition"]
    assert md.text.startswith("# Claims Work Summary")
    html = client.get(
        url, params={"start": "2026-07-01", "end": "2026-07-31", "format": "html"}, headers=tokens["manager"]
    )
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert (
        client.get(url, params={"period": "2026-Q3", "format": "doc"}, headers=tokens["manager"]).status_code
        == 422
    )
    assert client.get(url, params={"period": "2026-Q9"}, headers=tokens["manager"]).status_code == 422
    assert client.get(url, params={"period": "2026-Q3"}, headers=tokens["handler"]).status_code == 403


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from claimops.config import get_settings
    from claimops.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    monkeypatch.setenv("CLAIMOPS_DATABASE_URL", url)
    monkeypatch.setenv("CLAIMOPS_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_cli(cli_db: None, tmp_path: Path) -> None:
    from claimops.reporting.report_cli import report_command

    app = typer.Typer()
    app.command()(report_command(default_sections))
    runner = CliRunner()
    out = tmp_path / "summary.pptx"
    ok = runner.invoke(app, ["--period", "2026-Q3", "--lang", "zh", "--format", "pptx", "-o", str(out)])
    assert ok.exit_code == 0, ok.output
    assert "理赔工作总结" in texts(Presentation(str(out)))
    md = tmp_path / "s.md"
    ok = runner.invoke(app, ["--start", "2026-07-01", "--end", "2026-07-31", "--format", "md", "-o", str(md)])
    assert ok.exit_code == 0, ok.output
    assert md.read_text(encoding="utf-8").startswith("# 理赔工作总结")
    bad = runner.invoke(app, ["--period", "2026-Q9", "-o", str(out)])
    assert bad.exit_code == 2 and "error: unknown period '2026-Q9'" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    bad = runner.invoke(app, ["--period", "2026-Q3", "--format", "docx", "-o", str(out)])
    assert bad.exit_code == 2 and "unknown format 'docx'" in bad.stderr
    assert runner.invoke(app, ["-o", str(out)]).exit_code == 2  # neither a period nor dates
