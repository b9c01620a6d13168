"""The deck as an editable PowerPoint (16:9): native charts and tables, never pictures.

Chinese needs the East Asian font as well as the Latin one, so every run and every chart text gets an
`a:ea` next to its `a:latin` ("Microsoft YaHei"; machines without it fall back to a CJK font). Text boxes
are sized from an estimate of the text's length, so that long sentences shrink instead of overflowing.
"""

from __future__ import annotations

import io
import math
from typing import Any

from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_DATA_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from claimops.i18n import t
from claimops.reporting.deck.model import (
    Block,
    Bullets,
    Chart,
    Deck,
    Figure,
    Flow,
    KeyFigures,
    Notice,
    Section,
    Table,
)

FONT = "Microsoft YaHei"
W, H = 13.333, 7.5  # inches, 16:9
LEFT, RIGHT, TOP, BOTTOM = 0.55, 0.55, 1.45, 6.85
GAP = 0.3

NAVY = RGBColor(0x0F, 0x2D, 0x4F)
BLUE = RGBColor(0x0B, 0x5C, 0xAD)
SKY = RGBColor(0x9D, 0xC3, 0xE6)
GREY = RGBColor(0x4A, 0x55, 0x63)
MUTED = RGBColor(0x7A, 0x86, 0x94)
RULE = RGBColor(0xD5, 0xDC, 0xE4)
CARD = RGBColor(0xF2, 0xF5, 0xF9)
NOTICE = RGBColor(0xFF, 0xF6, 0xE5)
AMBER = RGBColor(0xC9, 0x7A, 0x00)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
PALETTE = [
    RGBColor(0x0B, 0x5C, 0xAD),
    RGBColor(0x1E, 0x9E, 0x75),
    RGBColor(0xE3, 0xA2, 0x1A),
    RGBColor(0x8A, 0x94, 0xA6),
    RGBColor(0xC0, 0x50, 0x4D),
]
SERIES_COLORS = [
    BLUE,
    SKY,
    RGBColor(0xB8, 0xC2, 0xCF),
    RGBColor(0xB8, 0xC2, 0xCF),
]  # periods; interval bounds
CHART_TYPES = {
    "pie": XL_CHART_TYPE.PIE,
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "line": XL_CHART_TYPE.LINE_MARKERS,
}


# --- text ----------------------------------------------------------------------------------------------


def east_asian(rpr: Any) -> None:
    """Latin and East Asian typeface on one run's (or a chart's) character properties, a:ea after a:latin."""
    latin = rpr.find(qn("a:latin"))
    if latin is None:
        latin = rpr.get_or_add_latin()
    latin.set("typeface", FONT)
    ea = rpr.find(qn("a:ea"))
    if ea is None:
        ea = etree.Element(qn("a:ea"))
        latin.addnext(ea)
    ea.set("typeface", FONT)


def _style(
    font: Any, size: float | None = None, color: RGBColor | None = None, bold: bool | None = None
) -> None:
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if color is not None:
        font.color.rgb = color
    east_asian(font._rPr)


def _run(
    para: Any, text: str, size: float, color: RGBColor, bold: bool = False, italic: bool = False
) -> None:
    run = para.add_run()
    run.text = text
    run.font.italic = italic or None
    _style(run.font, size, color, bold)


def _width_em(text: str) -> float:
    """Width in em: CJK and full-width characters are square, Latin letters and digits about half."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.56 for ch in text)


def _lines(text: str, size: float, width_in: float) -> int:
    per_line = max(width_in * 72 / size, 1.0)
    return max(1, math.ceil(_width_em(text) * 1.1 / per_line))


def _height(paras: list[str], size: float, width_in: float, spacing: float = 1.3, after: float = 8) -> float:
    """Inches a list of paragraphs needs at `size` points in a box `width_in` wide."""
    lines = sum(_lines(p, size, width_in) for p in paras)
    return (lines * size * spacing + after * len(paras)) / 72 + 0.15


def _fit(paras: list[str], width_in: float, height_in: float, sizes: tuple[float, ...]) -> float:
    for size in sizes:
        if _height(paras, size, width_in) <= height_in:
            return size
    return sizes[-1]


def _box(slide: Any, x: float, y: float, w: float, h: float, *, anchor: Any = MSO_ANCHOR.TOP) -> Any:
    shape = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Inches(0.05)
    frame.margin_top = frame.margin_bottom = Inches(0.03)
    return frame


def _text(
    slide: Any,
    x: float,
    y: float,
    w: float,
    h: float,
    text: str,
    size: float,
    color: RGBColor = NAVY,
    *,
    bold: bool = False,
    align: Any = PP_ALIGN.LEFT,
    anchor: Any = MSO_ANCHOR.TOP,
) -> Any:
    frame = _box(slide, x, y, w, h, anchor=anchor)
    para = frame.paragraphs[0]
    para.alignment = align
    _run(para, text, size, color, bold)
    return frame


def _bullet(para: Any, size: float) -> None:
    """A real bullet with a hanging indent, so wrapped lines align with the text."""
    ppr = para._p.get_or_add_pPr()
    ppr.set("marL", str(Inches(0.24)))
    ppr.set("indent", str(-Inches(0.24)))
    for tag in ("a:buClr", "a:buSzPct", "a:buFont", "a:buChar"):
        old = ppr.find(qn(tag))
        if old is not None:
            ppr.remove(old)
    clr = etree.SubElement(ppr, qn("a:buClr"))
    etree.SubElement(clr, qn("a:srgbClr")).set("val", str(BLUE))
    etree.SubElement(ppr, qn("a:buFont")).set("typeface", "Arial")
    etree.SubElement(ppr, qn("a:buChar")).set("char", "•")
    para.space_after = Pt(size * 0.5)
    para.line_spacing = 1.1


def _bullets(slide: Any, items: list[str], x: float, y: float, w: float, size: float, h: float) -> None:
    frame = _box(slide, x, y, w, h)
    for i, item in enumerate(items):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        _bullet(para, size)
        _run(para, item, size, GREY)


def _rect(slide: Any, x: float, y: float, w: float, h: float, fill: RGBColor, shape: Any = None) -> Any:
    s = slide.shapes.add_shape(shape or MSO_SHAPE.RECTANGLE, Inches(x), Inches(y), Inches(w), Inches(h))
    s.fill.solid()
    s.fill.fore_color.rgb = fill
    s.line.fill.background()
    s.shadow.inherit = False
    return s


# --- blocks --------------------------------------------------------------------------------------------


def _figures(slide: Any, block: KeyFigures, x: float, y: float, w: float, h: float) -> None:
    k = max(len(block.items), 1)
    gap = 0.25
    cw = (w - gap * (k - 1)) / k
    for i, fig in enumerate(block.items):
        cx = x + i * (cw + gap)
        card = _rect(slide, cx, y, cw, h, CARD, MSO_SHAPE.ROUNDED_RECTANGLE)
        card.adjustments[0] = 0.08
        _rect(slide, cx, y + 0.18, 0.06, h - 0.36, BLUE)
        _card_text(slide, fig, cx + 0.2, y + 0.08, cw - 0.3, h - 0.16)


def _card_text(slide: Any, fig: Figure, x: float, y: float, w: float, h: float) -> None:
    frame = _box(slide, x, y, w, h, anchor=MSO_ANCHOR.MIDDLE)
    label = frame.paragraphs[0]
    _run(label, fig.label, 11, MUTED)
    value = frame.add_paragraph()
    size = 26.0
    while size > 14 and (_width_em(fig.value) * size + _width_em(fig.unit) * 12 + 6) / 72 > w:
        size -= 2
    _run(value, fig.value, size, NAVY, bold=True)
    if fig.unit:
        _run(value, (" " if fig.unit[0].isascii() and fig.unit != "%" else "") + fig.unit, 12, GREY)
    if fig.note:
        note = frame.add_paragraph()
        _run(note, fig.note, 10 if _width_em(fig.note) * 10 / 72 <= w * 1.9 else 9, BLUE)


def _flow(slide: Any, block: Flow, x: float, y: float, w: float) -> float:
    """Chevrons for the steps, each with its measured figure below; returns the height used."""
    k = len(block.steps)
    cw = (w - 0.12) / k  # the last chevron's point stays inside the margin
    longest = max((_width_em(step.name) for step in block.steps), default=1.0)
    name_size = 14.0 if longest * 14 / 72 < cw - 0.5 else 12.0 if longest * 12 / 72 < cw - 0.5 else 11.0
    for i, step in enumerate(block.steps):
        shape = _rect(
            slide,
            x + i * cw,
            y,
            cw + 0.12,
            0.62,
            BLUE if i % 2 == 0 else NAVY,
            MSO_SHAPE.PENTAGON if i == 0 else MSO_SHAPE.CHEVRON,
        )
        frame = shape.text_frame
        frame.margin_left = Inches(0.3 if i else 0.1)
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        para = frame.paragraphs[0]
        para.alignment = PP_ALIGN.CENTER
        _run(para, step.name, name_size, WHITE, bold=True)
        below = _box(slide, x + i * cw + 0.1, y + 0.72, cw - 0.2, 0.95)
        fig = below.paragraphs[0]
        fig.alignment = PP_ALIGN.CENTER
        _run(fig, step.figure, 20, NAVY, bold=True)
        detail = below.add_paragraph()
        detail.alignment = PP_ALIGN.CENTER
        _run(detail, step.detail, 10 if _lines(step.detail, 10, cw - 0.3) <= 3 else 9, GREY)
    return 1.75


def _col_widths(block: Table, w: float) -> list[float]:
    weights = []
    for c, head in enumerate(block.header):
        longest = max([_width_em(head)] + [_width_em(row[c]) for row in block.rows])
        weights.append(min(max(longest, 3.0), 18.0) + 1.5)  # + the cell's margins
    total = sum(weights)
    return [w * x / total for x in weights]


def _table_height(block: Table, w: float) -> tuple[float, float, float]:
    """(row height, font size, total height incl. title and note) for a table `w` wide."""
    rows = len(block.rows) + 1
    size = 12.0 if rows <= 8 else 11.0
    widths = _col_widths(block, w)
    tallest = max(
        (
            max(_lines(cell, size, widths[c] - 0.15) for c, cell in enumerate(row))
            for row in [block.header, *block.rows]
        ),
        default=1,
    )
    row_h = 0.36 if tallest == 1 else 0.2 + 0.22 * tallest
    total = rows * row_h + (0.4 if block.title else 0) + (0.35 if block.note else 0)
    return row_h, size, total


def _table(slide: Any, block: Table, x: float, y: float, w: float) -> float:
    row_h, size, total = _table_height(block, w)
    if block.title:
        _text(slide, x, y, w, 0.35, block.title, 13, NAVY, bold=True)
        y += 0.4
    rows, cols = len(block.rows) + 1, len(block.header)
    shape = slide.shapes.add_table(rows, cols, Inches(x), Inches(y), Inches(w), Inches(row_h * rows))
    table = shape.table
    for c, width in enumerate(_col_widths(block, w)):
        table.columns[c].width = Emu(int(Inches(width)))
    for r in range(rows):
        table.rows[r].height = Emu(int(Inches(row_h)))
    for r, row in enumerate([block.header, *block.rows]):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            cell.fill.solid()
            cell.fill.fore_color.rgb = NAVY if r == 0 else (CARD if r % 2 == 0 else WHITE)
            cell.margin_left = cell.margin_right = Inches(0.08)
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            frame = cell.text_frame
            frame.word_wrap = True
            para = frame.paragraphs[0]
            para.alignment = PP_ALIGN.RIGHT if c in block.numeric else PP_ALIGN.LEFT
            _run(para, value, size, WHITE if r == 0 else GREY, bold=r == 0)
    if block.note:
        _text(slide, x, y + row_h * rows + 0.05, w, 0.3, block.note, 10, MUTED)
    return total


def _chart(slide: Any, spec: Chart, x: float, y: float, w: float, h: float) -> None:
    fmt = "#,##0" if spec.places == 0 else "#,##0." + "0" * spec.places
    data = CategoryChartData(number_format=fmt)
    data.categories = spec.categories
    for series in spec.series:
        data.add_series(series.name, [None if v is None else float(v) for v in series.values])
    frame = slide.shapes.add_chart(CHART_TYPES[spec.kind], Inches(x), Inches(y), Inches(w), Inches(h), data)
    chart = frame.chart
    _style(chart.font, 11, GREY)
    chart.has_title = True  # set explicitly: a one-series pie would otherwise take the series name
    title = chart.chart_title.text_frame
    title.text = spec.title
    for run in title.paragraphs[0].runs:
        _style(run.font, 13, NAVY, True)
    multi = len(spec.series) > 1
    chart.has_legend = spec.kind == "pie" or multi
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        _style(chart.legend.font, 11, GREY)
    plot = chart.plots[0]
    if spec.kind == "pie":
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.number_format, labels.number_format_is_linked = "0.0%", False
        labels.show_value, labels.show_percentage = False, True
        labels.position = XL_DATA_LABEL_POSITION.OUTSIDE_END
        _style(labels.font, 11, GREY)
        for i, point in enumerate(plot.series[0].points):
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = PALETTE[i % len(PALETTE)]
        return
    for axis in (chart.category_axis, chart.value_axis):
        _style(axis.tick_labels.font, 10, GREY)
        axis.format.line.color.rgb = RULE
    chart.value_axis.has_major_gridlines = True
    chart.value_axis.major_gridlines.format.line.color.rgb = RULE
    top = max((float(v) for s in spec.series for v in s.values if v is not None), default=0.0)
    chart.value_axis.tick_labels.number_format = fmt if top < 100 else "#,##0"  # 4,500 not 4,500.00
    chart.value_axis.tick_labels.number_format_is_linked = False
    chart.value_axis.minimum_scale = 0
    if len(spec.categories) > 6:  # months: slanted, so that 2026-06 stays on one line
        body = chart.category_axis._element.find(qn("c:txPr")).find(qn("a:bodyPr"))
        body.set("rot", "-2700000")
        body.set("vert", "horz")
    colors = SERIES_COLORS if multi else [BLUE]
    if spec.kind == "column":
        plot.gap_width = 80
        plot.overlap = -10 if multi else 0
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.number_format, labels.number_format_is_linked = fmt, False
        labels.position = XL_DATA_LABEL_POSITION.OUTSIDE_END
        _style(labels.font, 10, GREY)
        for i, series in enumerate(plot.series):
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = colors[i % len(colors)]
    else:
        for i, series in enumerate(plot.series):
            series.format.line.color.rgb = colors[i % len(colors)]
            series.format.line.width = Pt(2.25)
            series.smooth = False
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = colors[i % len(colors)]


def _notice(
    slide: Any, block: Notice, x: float, y: float, w: float, h: float, sizes: tuple[float, float] = (14, 11)
) -> None:
    box = _rect(slide, x, y, w, h, NOTICE, MSO_SHAPE.ROUNDED_RECTANGLE)
    box.adjustments[0] = 0.1
    _rect(slide, x, y + 0.12, 0.06, h - 0.24, AMBER)
    frame = _box(slide, x + 0.25, y + 0.08, w - 0.4, h - 0.16, anchor=MSO_ANCHOR.MIDDLE)
    _run(frame.paragraphs[0], block.text, sizes[0], NAVY, bold=True)
    if block.detail:
        para = frame.add_paragraph()
        para.space_before = Pt(6)
        _run(para, block.detail, sizes[1], GREY)


def _notice_height(block: Notice, w: float, sizes: tuple[float, float] = (14, 11)) -> float:
    text = _height([block.text], sizes[0], w - 0.45)
    detail = _height([block.detail], sizes[1], w - 0.45) if block.detail else 0
    return max(text + detail, 0.9)


def _texts(
    slide: Any, blocks: list[Block], x: float, y: float, w: float, h: float, sizes: tuple[float, ...]
) -> None:
    """Bullets then notices, stacked; the bullets' font shrinks until everything fits."""
    items = [i for b in blocks if isinstance(b, Bullets) for i in b.items]
    notices = [b for b in blocks if isinstance(b, Notice)]
    notes_h = sum(_notice_height(b, w) + 0.2 for b in notices)
    room = h - notes_h
    if items:
        size = _fit(items, w - 0.3, room, sizes)
        used = min(_height(items, size, w - 0.3), room)
        _bullets(slide, items, x, y, w, size, used)
        y += used + 0.15
    for b in notices:
        nh = _notice_height(b, w)
        _notice(slide, b, x, y, w, nh)
        y += nh + 0.2


def _visuals(slide: Any, blocks: list[Block], x: float, y: float, w: float, h: float) -> None:
    k = len(blocks)
    each = (w - GAP * (k - 1)) / k
    for i, b in enumerate(blocks):
        bx = x + i * (each + GAP)
        if isinstance(b, Chart):
            _chart(slide, b, bx, y, each, h)
        elif isinstance(b, Table):
            _table(slide, b, bx, y, each)


def _layout(slide: Any, blocks: list[Block]) -> None:
    x, w, y = LEFT, W - LEFT - RIGHT, TOP
    for b in blocks:
        if isinstance(b, KeyFigures):
            _figures(slide, b, x, y, w, 1.15)
            y += 1.4
        elif isinstance(b, Flow):
            y += _flow(slide, b, x, y, w) + 0.1
    texts: list[Block] = [b for b in blocks if isinstance(b, Bullets | Notice)]
    visuals: list[Block] = [b for b in blocks if isinstance(b, Chart | Table)]
    h = BOTTOM - y
    if texts and not visuals and all(isinstance(b, Notice) for b in texts) and len(blocks) == len(texts):
        for b in texts:  # a section without data: one clear statement in the middle of the slide
            assert isinstance(b, Notice)
            nh = _notice_height(b, 9.0, (20, 14)) + 0.6
            _notice(slide, b, (W - 9.0) / 2, TOP + (h - nh) / 2 - 0.3, 9.0, nh, (20, 14))
        return
    if texts and visuals:
        if len(visuals) > 1:
            items = [i for b in texts if isinstance(b, Bullets) for i in b.items]
            top_h = min(_height(items, 15, w - 0.3), 1.4)
            _texts(slide, texts, x, y, w, top_h, (15, 14, 13, 12))
            _visuals(slide, visuals, x, y + top_h + 0.1, w, h - top_h - 0.1)
        else:
            tw = 5.3 if not isinstance(visuals[0], Table) else 5.0
            _texts(slide, texts, x, y, tw, h, (16, 15, 14, 13, 12, 11))
            _visuals(slide, visuals, x + tw + GAP, y, w - tw - GAP, h)
    elif texts:
        _texts(slide, texts, x, y, w, h, (20, 18, 17, 16, 15, 14, 13, 12))
    elif visuals:
        _visuals(slide, visuals, x, y, w, h)


# --- slides ----------------------------------------------------------------------------------------------


def _frame(slide: Any, deck: Deck, number: int, section: Section, title: str, page: int) -> None:
    _rect(slide, 0, 0, W, 0.08, NAVY)
    _text(slide, LEFT, 0.25, 8, 0.3, f"{number:02d}  {section.title}", 11, BLUE, bold=True)
    size = 24.0 if _width_em(title) * 24 / 72 < W - 2 * LEFT else 20.0
    _text(slide, LEFT, 0.52, W - 2 * LEFT, 0.7, title, size, NAVY, bold=True)
    line = slide.shapes.add_connector(1, Inches(LEFT), Inches(1.25), Inches(W - RIGHT), Inches(1.25))
    line.line.color.rgb = RULE
    line.line.width = Pt(1)
    _footer(slide, deck, page)


def _footer(slide: Any, deck: Deck, page: int) -> None:
    _text(slide, LEFT, 7.05, 8, 0.3, f"{deck.title}  ·  {deck.period}", 9, MUTED)
    _text(slide, W - RIGHT - 1, 7.05, 1, 0.3, str(page), 9, MUTED, align=PP_ALIGN.RIGHT)


def _cover(prs: Any, deck: Deck) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _rect(slide, 0, 0, W, H, NAVY)
    _rect(slide, 0, 5.2, W, 2.3, RGBColor(0x0B, 0x25, 0x42))
    _rect(slide, 0.9, 2.05, 1.2, 0.08, SKY)
    _text(slide, 0.9, 2.3, 11.5, 1.1, deck.title, 44, WHITE, bold=True)
    _text(slide, 0.9, 3.45, 11.5, 0.6, deck.period, 26, SKY, bold=True)
    _text(slide, 0.9, 4.1, 11.5, 0.5, deck.subtitle, 16, RGBColor(0xD8, 0xE6, 0xF5))
    if deck.scope:
        _text(slide, 0.9, 4.6, 11.5, 0.4, deck.scope, 14, RGBColor(0xD8, 0xE6, 0xF5))
    _text(slide, 0.9, 5.65, 11.5, 0.4, deck.generated, 14, WHITE)
    _text(slide, 0.9, 6.1, 11.5, 0.4, t("report.source", deck.lang), 12, SKY)


def _contents(prs: Any, deck: Deck) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _rect(slide, 0, 0, W, 0.08, NAVY)
    _text(slide, LEFT, 0.45, 6, 0.8, t("report.contents", deck.lang), 30, NAVY, bold=True)
    _text(slide, LEFT, 1.15, 6, 0.4, "CONTENTS" if deck.lang == "zh" else "", 12, MUTED)
    half = math.ceil(len(deck.sections) / 2)
    for i, section in enumerate(deck.sections):
        col, row = divmod(i, half)
        x, y = 1.2 + col * 5.9, 2.0 + row * 1.15
        badge = _rect(slide, x, y, 0.75, 0.75, BLUE if i % 2 == 0 else NAVY, MSO_SHAPE.ROUNDED_RECTANGLE)
        frame = badge.text_frame
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        para = frame.paragraphs[0]
        para.alignment = PP_ALIGN.CENTER
        _run(para, f"{i + 1:02d}", 18, WHITE, bold=True)
        size = 20.0 if _width_em(section.title) * 20 / 72 < 4.6 else 15.0
        _text(slide, x + 0.95, y, 4.8, 0.75, section.title, size, NAVY, bold=True, anchor=MSO_ANCHOR.MIDDLE)
    _footer(slide, deck, 2)


def _divider(prs: Any, deck: Deck, number: int, section: Section, page: int) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _rect(slide, 0, 0, 4.9, H, NAVY)
    _text(slide, 0.8, 2.2, 3.6, 1.4, f"{number:02d}", 72, SKY, bold=True)
    _rect(slide, 0.85, 3.75, 1.0, 0.07, WHITE)
    size = 28.0 if _width_em(section.title) * 28 / 72 < 3.6 else 22.0
    _text(slide, 0.8, 3.95, 3.9, 1.6, section.title, size, WHITE, bold=True)
    titles = [s.title for s in section.slides if s.title != section.title]
    frame = _box(slide, 5.8, 2.4, 6.8, 3.5, anchor=MSO_ANCHOR.MIDDLE)
    for i, title in enumerate(titles):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        _bullet(para, 20)
        para.space_after = Pt(14)
        _run(para, title, 20, GREY)
    _footer(slide, deck, page)


def render(deck: Deck) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)  # 13.333 × 7.5 in, exactly 16:9
    _cover(prs, deck)
    _contents(prs, deck)
    page = 3
    for number, section in enumerate(deck.sections, 1):
        _divider(prs, deck, number, section, page)
        page += 1
        for s in section.slides:
            slide = prs.slides.add_slide(prs.slide_layouts[6])
            _frame(slide, deck, number, section, s.title, page)
            _layout(slide, s.blocks)
            page += 1
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
