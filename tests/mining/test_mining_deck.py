"""The deck's mining slides carry the stored analyses' figures, in native charts, in both languages."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from pptx import Presentation
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session

from claimops.config import Settings
from claimops.db import reading
from claimops.deck_sections import default_sections
from claimops.demo.bulk import seed_database
from claimops.investigations.models import Investigation
from claimops.mining.service import refresh as analyses
from claimops.mining.store.results import save_result
from claimops.reporting import narrative as n
from claimops.reporting.deck import build, render_deck
from claimops.reporting.deck.model import Chart, KeyFigures, Notice, Table
from claimops.reporting.periods import parse_period

END = date(2026, 9, 30)
TODAY = date(2026, 10, 8)
Q3 = parse_period("2026-Q3")


def stored_analyses(engine: Engine) -> dict[str, Any]:
    seed_database(engine, claims=1500, seed=9, end=END)
    [reserves] = analyses.refresh(engine, created_by="analyst", today=TODAY, kinds=["reserves"])
    with reading(engine) as conn:
        # the full back-test takes minutes; two candidates and origins say the same to the deck
        outcome = analyses.forecast(conn, TODAY, candidates=("ETS(A,N,A)", "ETS(A,A,A)"), max_origins=2)
    with Session(engine) as s, s.begin():
        forecast = save_result(s, kind="forecast", created_by="analyst", payload=outcome.payload)
        return {"reserves": reserves.payload, "forecast": forecast.payload}


def mining_slides(engine: Engine, settings: Settings, lang: str) -> list[Any]:
    with Session(engine) as s:
        deck = build(s, Q3, settings, sections=default_sections(), lang=lang, today=TODAY)
    [section] = [x for x in deck.sections if x.key == "mining"]
    return section.slides


def test_mining_slides_carry_the_stored_figures(empty_engine: Engine, settings: Settings) -> None:
    stored = stored_analyses(empty_engine)
    slides = mining_slides(empty_engine, settings, "zh")
    titles = [s.title for s in slides]
    # the demo's investigations have their own slide after the stored analyses
    assert titles[1:] == ["预测模型：未来报案与赔款趋势", "准备金评估：链梯法与 Mack 标准误", "欺诈调查"]
    assert not any(isinstance(b, Notice) for s in slides for b in s.blocks)  # results exist now
    # reserves: key figures and the table are the stored chain-ladder results
    paid = stored["reserves"]["lines"]["all"]["paid"]
    figures = next(b for b in slides[2].blocks if isinstance(b, KeyFigures)).items
    assert figures[0].value == n.fmt_wan(paid["total_reserve"])
    table = next(b for b in slides[2].blocks if isinstance(b, Table))
    assert table.rows[-1] == [paid["origins"][-1]["origin"], *(n.fmt_wan(paid["origins"][-1][c]) for c in (
        "latest", "ultimate", "reserve", "mack_se"))]  # fmt: skip
    # forecast: the chart continues the stored history with the stored forecast
    series = next(s for s in stored["forecast"]["series"] if s["line"] == "all" and s["target"] == "claims")
    history = stored["forecast"]["history"]["all"]
    chart = next(b for b in slides[1].blocks if isinstance(b, Chart))
    ahead = [r["period"] for r in series["forecast"]]
    assert chart.categories == history["periods"][-12:] + ahead
    actual, mean = chart.series[0].values, chart.series[1].values
    assert [float(v) for v in actual[:12]] == history["claims"][-12:]
    assert [float(v) for v in mean[12:]] == [r["mean"] for r in series["forecast"]]
    assert float(mean[11]) == history["claims"][-1]  # the forecast line starts at the last actual

    # the pptx holds it as a native, editable chart with the same numbers
    with Session(empty_engine) as s:
        deck = build(s, Q3, settings, sections=default_sections(), lang="zh", today=TODAY)
    prs = Presentation(io.BytesIO(render_deck(deck, "pptx")))
    charts = [sh.chart for sl in prs.slides for sh in sl.shapes if sh.has_chart]
    [native] = [c for c in charts if c.chart_title.text_frame.text.startswith("月度报案件数：实际与预测")]
    assert list(native.plots[0].categories) == chart.categories
    assert list(native.plots[0].series[1].values)[12:] == [r["mean"] for r in series["forecast"]]
    text = "\n".join(sh.text_frame.text for sl in prs.slides for sh in sl.shapes if sh.has_text_frame)
    assert "XX" not in text and "本期系统中尚无数据挖掘" not in text


def test_english_mining_slides(empty_engine: Engine, settings: Settings) -> None:
    stored_analyses(empty_engine)
    titles = [s.title for s in mining_slides(empty_engine, settings, "en")]
    assert "Reserves: chain ladder with Mack standard errors" in titles
    with Session(empty_engine) as s:
        html = render_deck(
            build(s, Q3, settings, sections=default_sections(), lang="en", today=TODAY), "html"
        ).decode()
    assert "Claims reported per month: actual and forecast" in html and "XX" not in html


def test_without_stored_results_the_section_says_so(empty_engine: Engine, settings: Settings) -> None:
    seed_database(empty_engine, claims=200, seed=2, end=END)
    # the demo's investigations add their own slide to the section, which takes the notice's place
    # (reporting counts any provided slide as a result): this test is about stored mining results
    with empty_engine.begin() as conn:
        conn.execute(delete(Investigation))
    slides = mining_slides(empty_engine, settings, "zh")
    assert len(slides) == 1
    assert any(isinstance(b, Notice) for b in slides[0].blocks)
