"""The deck as an editable PowerPoint: native charts and tables, YaHei for Chinese (a:ea on every run)."""

from __future__ import annotations

import io
from typing import Any

from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from claimops.reporting.deck.content import Chart, Deck, Slide, Table

FONT = "Microsoft YaHei"
NAVY = RGBColor(0x0F, 0x2D, 0x4F)
BLUE = RGBColor(0x0B, 0x5C, 0xAD)
GREY = RGBColor(0x5A, 0x66, 0x73)
PALETTE = [
    RGBColor(0x0B, 0x5C, 0xAD),
    RGBColor(0x1E, 0x9E, 0x75),
    RGBColor(0xE3, 0xA2, 0x1A),
    RGBColor(0x8A, 0x94, 0xA6),
]
CHART_TYPES = {
    "pie": XL_CHART_TYPE.PIE,
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "line": XL_CHART_TYPE.LINE_MARKERS,
}


def _east_asian(rpr: Any) -> None:
    """python-pptx sets only the Latin font; Chinese needs a:ea too, right after a:latin."""
    for tag in ("a:latin", "a:ea"):
        node = rpr.find(qn(tag))
        if node is None:
            node = etree.SubElement(rpr, qn(tag))
        node.set("typeface", FONT)


def _text(frame: Any, lines: list[str], size: int, color: RGBColor = NAVY, bold: bool = False) -> None:
    frame.word_wrap = True
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.space_after = Pt(8)
        run = para.add_run()
        run.text = line
        run.font.size, run.font.bold = Pt(size), bold
        run.font.color.rgb = color
        _east_asian(run._r.get_or_add_rPr())


def _box(
    slide: Any, left: float, top: float, width: float, height: float, lines: list[str], size: int, **kw: Any
) -> None:
    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    _text(box.text_frame, lines, size, **kw)


def _bar(slide: Any) -> None:
    shape = slide.shapes.add_shape(
        1, 0, 0, Emu(slide.part.package.presentation_part.presentation.slide_width), Inches(0.12)
    )
    shape.fill.solid()
    shape.fill.fore_color.rgb = BLUE
    shape.line.fill.background()


def _chart(slide: Any, spec: Chart, left: float, top: float, width: float, height: float) -> None:
    data = CategoryChartData()
    data.categories = spec.categories
    for name, values in spec.series:
        data.add_series(name, values)
    frame = slide.shapes.add_chart(
        CHART_TYPES[spec.kind], Inches(left), Inches(top), Inches(width), Inches(height), data
    )
    chart = frame.chart
    chart.has_title = True
    chart.chart_title.text_frame.text = spec.title
    chart.has_legend = spec.kind == "pie" or len(spec.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    chart.font.size = Pt(11)
    _east_asian(chart.font._rPr)
    _east_asian(chart.chart_title.text_frame.paragraphs[0].runs[0]._r.get_or_add_rPr())
    plot = chart.plots[0]
    if spec.kind == "pie":
        plot.has_data_labels = True
        plot.data_labels.number_format = "0"
        plot.data_labels.show_percentage = True
        for i, point in enumerate(plot.series[0].points):
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = PALETTE[i % len(PALETTE)]
    else:
        plot.has_data_labels = spec.kind == "column"
        if plot.has_data_labels:
            plot.data_labels.number_format = "#,##0.00"
            plot.data_labels.number_format_is_linked = False
            plot.data_labels.font.size = Pt(10)
        for i, series in enumerate(plot.series):
            fmt = series.format
            if spec.kind == "column":
                fmt.fill.solid()
                fmt.fill.fore_color.rgb = PALETTE[i % len(PALETTE)]
            else:
                fmt.line.color.rgb = PALETTE[i % len(PALETTE)]


def _table(slide: Any, spec: Table, left: float, top: float, width: float) -> None:
    rows, cols = len(spec.rows) + 1, len(spec.header)
    shape = slide.shapes.add_table(rows, cols, Inches(left), Inches(top), Inches(width), Inches(0.4 * rows))
    table = shape.table
    for r, row in enumerate([spec.header, *spec.rows]):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            cell.text = ""
            _text(cell.text_frame, [value], 12, NAVY if r else RGBColor(0xFF, 0xFF, 0xFF), bold=r == 0)


def _content(prs: Any, s: Slide) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _bar(slide)
    _box(slide, 0.6, 0.35, 12.1, 0.8, [s.title], 26, bold=True)
    has_visual = s.chart is not None or s.table is not None
    text_width = 5.6 if has_visual else 12.1
    if s.bullets:
        _box(slide, 0.6, 1.4, text_width, 5.5, ["• " + b for b in s.bullets], 15, color=GREY)
    left = 6.5 if s.bullets else 0.6
    width = 6.3 if s.bullets else 12.1
    if s.chart is not None:
        _chart(slide, s.chart, left, 1.3, width, 5.6)
    elif s.table is not None:
        _table(slide, s.table, left, 1.4, width)


def render(deck: Deck) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    cover = prs.slides.add_slide(prs.slide_layouts[6])
    band = cover.shapes.add_shape(1, 0, Inches(2.3), prs.slide_width, Inches(2.6))
    band.fill.solid()
    band.fill.fore_color.rgb = NAVY
    band.line.fill.background()
    _box(cover, 0.8, 2.55, 11.5, 1.2, [deck.title], 44, color=RGBColor(0xFF, 0xFF, 0xFF), bold=True)
    _box(cover, 0.8, 3.75, 11.5, 0.8, [deck.subtitle], 20, color=RGBColor(0xD8, 0xE6, 0xF5))
    _box(cover, 0.8, 6.4, 11.5, 0.5, [deck.generated], 12, color=GREY)
    contents = prs.slides.add_slide(prs.slide_layouts[6])
    _bar(contents)
    _box(contents, 0.6, 0.35, 12, 0.8, [_contents_title(deck)], 26, bold=True)
    _box(
        contents,
        1.0,
        1.5,
        11,
        5.5,
        [f"{i:02d}  {s.title}" for i, s in enumerate(deck.sections, 1)],
        20,
        color=NAVY,
    )
    for section in deck.sections:
        for s in section.slides:
            _content(prs, s)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def _contents_title(deck: Deck) -> str:
    from claimops.i18n import t

    return t("report.contents", deck.lang)
