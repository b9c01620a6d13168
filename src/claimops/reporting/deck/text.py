"""The same deck content as Markdown or a self-contained HTML page (charts as plain tables/bars)."""

from __future__ import annotations

from html import escape

from claimops.reporting.deck.content import Deck


def markdown(deck: Deck) -> bytes:
    out = [f"# {deck.title}", "", f"**{deck.subtitle}**", "", f"_{deck.generated}_", ""]
    for i, section in enumerate(deck.sections, 1):
        out += [f"## {i:02d} {section.title}", ""]
        for slide in section.slides:
            if slide.title != section.title:
                out += [f"### {slide.title}", ""]
            out += [f"- {b}" for b in slide.bullets] + ([""] if slide.bullets else [])
            if slide.chart:
                names = [name for name, _ in slide.chart.series]
                out += [
                    f"**{slide.chart.title}**",
                    "",
                    "| | " + " | ".join(names) + " |",
                    "|---|" + "---:|" * len(names),
                ]
                for j, cat in enumerate(slide.chart.categories):
                    out.append(
                        f"| {cat} | " + " | ".join(f"{vals[j]:,.2f}" for _, vals in slide.chart.series) + " |"
                    )
                out.append("")
            if slide.table:
                out += ["| " + " | ".join(slide.table.header) + " |", "|" + "---|" * len(slide.table.header)]
                out += ["| " + " | ".join(row) + " |" for row in slide.table.rows] + [""]
    return "\n".join(out).encode()


CSS = """body{font:15px/1.6 "Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1f2933;max-width:960px;
margin:32px auto;padding:0 16px}
h1{color:#0f2d4f}h2{color:#0b5cad;border-bottom:2px solid #0b5cad;padding-bottom:4px;margin-top:36px}
table{border-collapse:collapse;margin:10px 0}td,th{border:1px solid #dfe3e8;padding:4px 10px;text-align:left}
.bar{background:#0b5cad;height:12px;display:inline-block;vertical-align:middle}.num{text-align:right}"""


def html(deck: Deck) -> bytes:
    e = escape
    out = [
        f"<!doctype html><html lang='{'zh-CN' if deck.lang == 'zh' else 'en'}'><head><meta charset='utf-8'>",
        f"<title>{e(deck.title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{e(deck.title)}</h1><p><b>{e(deck.subtitle)}</b><br><i>{e(deck.generated)}</i></p>",
    ]
    for i, section in enumerate(deck.sections, 1):
        out.append(f"<h2>{i:02d} {e(section.title)}</h2>")
        for slide in section.slides:
            if slide.title != section.title:
                out.append(f"<h3>{e(slide.title)}</h3>")
            if slide.bullets:
                out.append("<ul>" + "".join(f"<li>{e(b)}</li>" for b in slide.bullets) + "</ul>")
            if slide.chart:
                top = max((v for _, vals in slide.chart.series for v in vals), default=0) or 1
                out.append(
                    f"<table><caption>{e(slide.chart.title)}</caption><tr><th></th>"
                    + "".join(f"<th>{e(name)}</th>" for name, _ in slide.chart.series)
                    + "</tr>"
                )
                for j, cat in enumerate(slide.chart.categories):
                    cells = "".join(
                        f"<td class='num'><span class='bar' style='width:{120 * vals[j] / top:.0f}px'></span>"
                        f" {vals[j]:,.2f}</td>"
                        for _, vals in slide.chart.series
                    )
                    out.append(f"<tr><td>{e(cat)}</td>{cells}</tr>")
                out.append("</table>")
            if slide.table:
                out.append(
                    "<table><tr>"
                    + "".join(f"<th>{e(h)}</th>" for h in slide.table.header)
                    + "</tr>"
                    + "".join(
                        "<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>"
                        for row in slide.table.rows
                    )
                    + "</table>"
                )
    out.append("</body></html>")
    return "".join(out).encode()
