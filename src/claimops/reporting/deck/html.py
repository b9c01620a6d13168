"""The deck as one self-contained HTML page: inline CSS, charts drawn as inline SVG (no script, no CDN)."""

from __future__ import annotations

import math
from decimal import Decimal
from html import escape

from claimops.i18n import t
from claimops.reporting.deck.model import Block, Bullets, Chart, Deck, Flow, KeyFigures, Notice, Table

COLORS = ["#0b5cad", "#1e9e75", "#e3a21a", "#8a94a6", "#c0504d"]
SERIES = ["#0b5cad", "#9dc3e6", "#b8c2cf", "#b8c2cf"]  # this/previous period; interval bounds
FONT = "'Microsoft YaHei','Noto Sans CJK SC','PingFang SC',sans-serif"

CSS = f"""
*{{box-sizing:border-box}}
body{{margin:0;background:#eef2f6;color:#2b3440;font:15px/1.65 {FONT}}}
main{{max-width:1120px;margin:0 auto;padding:24px 16px 48px}}
.cover{{background:#0f2d4f;color:#fff;border-radius:10px;padding:48px 48px 36px;margin-bottom:24px}}
.cover h1{{font-size:40px;margin:0 0 8px;letter-spacing:2px}}
.cover .period{{font-size:24px;color:#9dc3e6;font-weight:700;margin:0}}
.cover p{{margin:4px 0;color:#d8e6f5}}
.cover .meta{{margin-top:24px;font-size:13px;color:#9dc3e6}}
nav.toc,article{{background:#fff;border-radius:10px;padding:24px 32px;margin-bottom:20px;
  box-shadow:0 1px 3px rgba(15,45,79,.08)}}
nav.toc ol{{columns:2;margin:0;padding-left:24px;font-size:17px}}
nav.toc a{{color:#0f2d4f;text-decoration:none}}
h2{{color:#0f2d4f;font-size:26px;margin:36px 0 14px}}
h2 .no{{display:inline-block;background:#0b5cad;color:#fff;border-radius:6px;padding:0 10px;
  margin-right:12px}}
h3{{color:#0f2d4f;font-size:20px;margin:0 0 14px;padding-bottom:8px;border-bottom:1px solid #d5dce4}}
.figures{{display:grid;grid-template-columns:repeat(auto-fit,minmax(190px,1fr));gap:14px;margin-bottom:16px}}
.fig{{background:#f2f5f9;border-left:4px solid #0b5cad;border-radius:6px;padding:10px 14px}}
.fig .label{{color:#7a8694;font-size:13px}}
.fig .value{{color:#0f2d4f;font-size:26px;font-weight:700;line-height:1.3}}
.fig .unit{{font-size:13px;color:#4a5563;font-weight:400;margin-left:3px}}
.fig .note{{color:#0b5cad;font-size:12px}}
.body.cols{{display:grid;grid-template-columns:minmax(0,5fr) minmax(0,7fr);gap:24px;align-items:start}}
.visuals{{display:flex;flex-wrap:wrap;gap:16px}}
.visuals>*{{flex:1 1 320px;min-width:0}}
ul{{margin:0 0 12px;padding-left:20px}}
li{{margin-bottom:6px}}
li::marker{{color:#0b5cad}}
.notice{{background:#fff6e5;border-left:4px solid #c97a00;border-radius:6px;padding:12px 16px;margin:8px 0}}
.notice strong{{color:#0f2d4f}}
.notice p{{margin:4px 0 0;color:#4a5563;font-size:13px}}
ol.flow{{display:flex;list-style:none;padding:0;margin:0 0 16px;gap:6px}}
ol.flow li{{flex:1;text-align:center}}
ol.flow .name{{display:block;background:#0b5cad;color:#fff;font-weight:700;padding:8px 4px;
  clip-path:polygon(0 0,92% 0,100% 50%,92% 100%,0 100%,8% 50%)}}
ol.flow li:first-child .name{{clip-path:polygon(0 0,92% 0,100% 50%,92% 100%,0 100%)}}
ol.flow li:nth-child(even) .name{{background:#0f2d4f}}
ol.flow .figure{{display:block;font-size:22px;font-weight:700;color:#0f2d4f;margin-top:6px}}
ol.flow .detail{{display:block;font-size:12px;color:#4a5563}}
figure{{margin:0}}
figcaption,caption{{font-weight:700;color:#0f2d4f;text-align:left;margin-bottom:6px}}
svg{{width:100%;height:auto;font-family:{FONT}}}
table.data{{border-collapse:collapse;width:100%;font-size:14px;margin-bottom:8px}}
table.data th{{background:#0f2d4f;color:#fff;text-align:left;padding:6px 10px;font-weight:700}}
table.data td{{padding:6px 10px;border-bottom:1px solid #e3e8ee}}
table.data tr:nth-child(even) td{{background:#f5f7fa}}
.num{{text-align:right !important;font-variant-numeric:tabular-nums}}
details{{font-size:13px;color:#4a5563;margin-top:4px}}
.note{{font-size:12px;color:#7a8694}}
@media print{{body{{background:#fff}}article{{box-shadow:none;break-inside:avoid}}}}
"""


def e(text: object) -> str:
    return escape(str(text), quote=True)


def number(value: Decimal | None, places: int) -> str:
    return "—" if value is None else f"{value:,.{places}f}"


def _nice(top: float) -> float:
    """A round axis maximum at or above `top`."""
    if top <= 0:
        return 1.0
    base = 10.0 ** math.floor(math.log10(top))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if top <= step * base:
            return step * base
    return 10.0 * base


def _legend(names: list[str], colors: list[str], x: float, y: float) -> str:
    out = []
    for i, name in enumerate(names):
        out.append(
            f"<rect x='{x + i * 130:.0f}' y='{y - 10:.0f}' width='12' height='12' "
            f"fill='{colors[i % len(colors)]}'/>"
            f"<text x='{x + i * 130 + 18:.0f}' y='{y:.0f}' font-size='12' fill='#4a5563'>{e(name)}</text>"
        )
    return "".join(out)


def _axes(top: float, places: int, left: float, right: float, y0: float, y1: float) -> str:
    out = []
    for k in range(5):
        v = top * k / 4
        y = y0 - (y0 - y1) * k / 4
        out.append(
            f"<line x1='{left}' y1='{y:.1f}' x2='{right}' y2='{y:.1f}' stroke='#e3e8ee'/>"
            f"<text x='{left - 6}' y='{y + 4:.1f}' font-size='11' text-anchor='end' fill='#7a8694'>"
            f"{e(number(Decimal(str(v)), places if top < 10 else 0))}</text>"
        )
    return "".join(out)


def _column(c: Chart) -> str:
    w, h, left, right, top_y, base = 640, 330, 64, 624, 36, 280
    values = [float(v) for s in c.series for v in s.values if v is not None]
    top = _nice(max(values, default=0))
    colors = SERIES if len(c.series) > 1 else [COLORS[0]]
    slot = (right - left) / max(len(c.categories), 1)
    bar = slot * 0.7 / max(len(c.series), 1)
    parts = [_axes(top, c.places, left, right, base, top_y)]
    for i, cat in enumerate(c.categories):
        x0 = left + i * slot + slot * 0.15
        for j, s in enumerate(c.series):
            v = s.values[i]
            if v is None:
                continue
            bh = (base - top_y) * float(v) / top
            x = x0 + j * bar
            parts.append(
                f"<rect x='{x:.1f}' y='{base - bh:.1f}' width='{bar * 0.92:.1f}' height='{bh:.1f}' "
                f"fill='{colors[j % len(colors)]}' rx='2'/>"
                f"<text x='{x + bar * 0.46:.1f}' y='{base - bh - 5:.1f}' font-size='11' text-anchor='middle' "
                f"fill='#4a5563'>{e(number(v, c.places))}</text>"
            )
        parts.append(
            f"<text x='{left + (i + 0.5) * slot:.1f}' y='{base + 20}' font-size='12' text-anchor='middle' "
            f"fill='#4a5563'>{e(cat)}</text>"
        )
    parts.append(f"<line x1='{left}' y1='{base}' x2='{right}' y2='{base}' stroke='#8a94a6'/>")
    if len(c.series) > 1:
        parts.append(_legend([s.name for s in c.series], colors, left, 318))
    return _svg(c, w, h, "".join(parts))


def _line(c: Chart) -> str:
    w, h, left, right, top_y, base = 640, 330, 64, 620, 24, 260
    values = [float(v) for s in c.series for v in s.values if v is not None]
    top = _nice(max(values, default=0))
    n = max(len(c.categories), 1)
    step = (right - left) / max(n - 1, 1)
    parts = [_axes(top, c.places, left, right, base, top_y)]
    for j, s in enumerate(c.series):
        palette = SERIES if len(c.series) > 1 else COLORS
        color = palette[j % len(palette)]
        pts = [
            (left + i * step, base - (base - top_y) * float(v) / top)
            for i, v in enumerate(s.values)
            if v is not None
        ]
        parts.append(
            f"<polyline fill='none' stroke='{color}' stroke-width='2.5' "
            f"points='{' '.join(f'{x:.1f},{y:.1f}' for x, y in pts)}'/>"
        )
        parts += [f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3.5' fill='{color}'/>" for x, y in pts]
    for i, cat in enumerate(c.categories):
        x = left + i * step
        parts.append(
            f"<text x='{x:.1f}' y='{base + 16}' font-size='11' text-anchor='end' fill='#4a5563' "
            f"transform='rotate(-35 {x:.1f} {base + 16})'>{e(cat)}</text>"
        )
    parts.append(f"<line x1='{left}' y1='{base}' x2='{right}' y2='{base}' stroke='#8a94a6'/>")
    return _svg(c, w, h, "".join(parts))


def _pie(c: Chart) -> str:
    w, h, cx, cy, r = 640, 300, 160, 150, 120
    values = [float(v or 0) for v in c.series[0].values]
    total = sum(values) or 1.0
    parts, angle = [], -math.pi / 2
    for i, v in enumerate(values):
        color = COLORS[i % len(COLORS)]
        if v >= total:  # one slice: the whole circle
            parts.append(f"<circle cx='{cx}' cy='{cy}' r='{r}' fill='{color}'/>")
        elif v > 0:
            end = angle + 2 * math.pi * v / total
            large = 1 if end - angle > math.pi else 0
            x1, y1 = cx + r * math.cos(angle), cy + r * math.sin(angle)
            x2, y2 = cx + r * math.cos(end), cy + r * math.sin(end)
            parts.append(
                f"<path d='M{cx},{cy} L{x1:.2f},{y1:.2f} A{r},{r} 0 {large} 1 {x2:.2f},{y2:.2f} Z' "
                f"fill='{color}' stroke='#fff' stroke-width='2'/>"
            )
            angle = end
        share = Decimal(str(v * 100 / total)).quantize(Decimal("0.1"))
        value = c.series[0].values[i]
        parts.append(
            f"<rect x='330' y='{60 + i * 34}' width='14' height='14' fill='{color}'/>"
            f"<text x='352' y='{72 + i * 34}' font-size='14' fill='#2b3440'>{e(c.categories[i])}  "
            f"{e(number(value, c.places))}（{share}%）</text>"
        )
    return _svg(c, w, h, "".join(parts))


def _svg(c: Chart, w: int, h: int, body: str) -> str:
    return (
        f"<svg viewBox='0 0 {w} {h}' role='img' aria-label='{e(c.title)}' xmlns='http://www.w3.org/2000/svg'>"
        f"{body}</svg>"
    )


def _chart(c: Chart, lang: str) -> str:
    draw = {"pie": _pie, "column": _column, "line": _line}[c.kind]
    rows = "".join(
        f"<tr><td>{e(cat)}</td>"
        + "".join(f"<td class='num'>{e(number(s.values[i], c.places))}</td>" for s in c.series)
        + "</tr>"
        for i, cat in enumerate(c.categories)
    )
    head = "<tr><th></th>" + "".join(f"<th class='num'>{e(s.name)}</th>" for s in c.series) + "</tr>"
    return (
        f"<figure class='chart' data-chart='{e(c.key)}'><figcaption>{e(c.title)}</figcaption>{draw(c)}"
        f"<details><summary>{e(t('report.html.values', lang))}</summary>"
        f"<table class='data'>{head}{rows}</table></details></figure>"
    )


def _table(b: Table) -> str:
    head = "".join(f"<th{' class=num' if c in b.numeric else ''}>{e(h)}</th>" for c, h in enumerate(b.header))
    rows = "".join(
        "<tr>"
        + "".join(f"<td{' class=num' if c in b.numeric else ''}>{e(v)}</td>" for c, v in enumerate(row))
        + "</tr>"
        for row in b.rows
    )
    caption = f"<caption>{e(b.title)}</caption>" if b.title else ""
    note = f"<p class='note'>{e(b.note)}</p>" if b.note else ""
    table = f"<table class='data'>{caption}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    return f"<div>{table}{note}</div>"


def _block(b: Block, lang: str) -> str:
    if isinstance(b, Bullets):
        return "<ul>" + "".join(f"<li>{e(i)}</li>" for i in b.items) + "</ul>"
    if isinstance(b, Notice):
        return f"<div class='notice'><strong>{e(b.text)}</strong>" + (
            f"<p>{e(b.detail)}</p></div>" if b.detail else "</div>"
        )
    if isinstance(b, KeyFigures):
        return (
            "<div class='figures'>"
            + "".join(
                f"<div class='fig'><div class='label'>{e(f.label)}</div><div class='value'>{e(f.value)}"
                f"<span class='unit'>{e(f.unit)}</span></div>"
                + (f"<div class='note'>{e(f.note)}</div>" if f.note else "")
                + "</div>"
                for f in b.items
            )
            + "</div>"
        )
    if isinstance(b, Flow):
        return (
            "<ol class='flow'>"
            + "".join(
                f"<li><span class='name'>{e(s.name)}</span><span class='figure'>{e(s.figure)}</span>"
                f"<span class='detail'>{e(s.detail)}</span></li>"
                for s in b.steps
            )
            + "</ol>"
        )
    if isinstance(b, Chart):
        return _chart(b, lang)
    assert isinstance(b, Table)
    return _table(b)


def _slide_body(blocks: list[Block], lang: str) -> str:
    top = "".join(_block(b, lang) for b in blocks if isinstance(b, KeyFigures | Flow))
    texts = "".join(_block(b, lang) for b in blocks if isinstance(b, Bullets | Notice))
    visuals = "".join(_block(b, lang) for b in blocks if isinstance(b, Chart | Table))
    if texts and visuals:
        return f"{top}<div class='body cols'><div>{texts}</div><div class='visuals'>{visuals}</div></div>"
    return f"{top}<div class='body'>{texts}<div class='visuals'>{visuals}</div></div>"


def render(deck: Deck) -> bytes:
    lang = deck.lang
    out = [
        f"<!doctype html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{e(deck.title)} · {e(deck.period)}</title><style>{CSS}</style></head><body><main>",
        f"<header class='cover'><h1>{e(deck.title)}</h1><p class='period'>{e(deck.period)}</p>"
        f"<p>{e(deck.subtitle)}</p>" + (f"<p>{e(deck.scope)}</p>" if deck.scope else ""),
        f"<p class='meta'>{e(deck.generated)} · {e(t('report.source', lang))}</p></header>",
        f"<nav class='toc'><h3>{e(t('report.contents', lang))}</h3><ol>"
        + "".join(f"<li><a href='#s{i}'>{e(s.title)}</a></li>" for i, s in enumerate(deck.sections, 1))
        + "</ol></nav>",
    ]
    for i, section in enumerate(deck.sections, 1):
        out.append(f"<section id='s{i}'><h2><span class='no'>{i:02d}</span>{e(section.title)}</h2>")
        for slide in section.slides:
            out.append(f"<article><h3>{e(slide.title)}</h3>{_slide_body(slide.blocks, lang)}</article>")
        out.append("</section>")
    out.append("</main></body></html>")
    return "".join(out).encode("utf-8")
