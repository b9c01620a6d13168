"""The deck as Markdown: headings per section and slide, bullets, and charts as tables of their values."""

from __future__ import annotations

from decimal import Decimal

from claimops.i18n import t
from claimops.reporting.deck.model import Block, Bullets, Chart, Deck, Flow, KeyFigures, Notice, Table


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def number(value: Decimal | None, places: int) -> str:
    return "—" if value is None else f"{value:,.{places}f}"


def _table(header: list[str], rows: list[list[str]], numeric: tuple[int, ...] = ()) -> list[str]:
    align = ["---:" if c in numeric else "---" for c in range(len(header))]
    out = ["| " + " | ".join(cell(h) for h in header) + " |", "| " + " | ".join(align) + " |"]
    out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return out + [""]


def _block(block: Block, lang: str) -> list[str]:
    if isinstance(block, Bullets):
        return [f"- {item}" for item in block.items] + [""]
    if isinstance(block, Notice):
        return [f"> **{block.text}**"] + ([">", f"> {block.detail}"] if block.detail else []) + [""]
    if isinstance(block, KeyFigures):
        return [
            " · ".join(
                f"**{f.label}** {f.value}{'' if not f.unit or f.unit == '%' else ' '}{f.unit}"
                + (f"（{f.note}）" if lang == "zh" and f.note else f" ({f.note})" if f.note else "")
                for f in block.items
            ),
            "",
        ]
    if isinstance(block, Flow):
        return [" → ".join(f"**{s.name}** {s.figure}" for s in block.steps), ""] + _table(
            [
                t("report.table.step_name", lang),
                t("report.table.figure", lang),
                t("report.table.detail", lang),
            ],
            [[s.name, s.figure, s.detail] for s in block.steps],
        )
    if isinstance(block, Chart):
        rows = [
            [category] + [number(s.values[i], block.places) for s in block.series]
            for i, category in enumerate(block.categories)
        ]
        header = [""] + [s.name for s in block.series]
        return [f"**{block.title}**", ""] + _table(header, rows, tuple(range(1, len(header))))
    assert isinstance(block, Table)
    head = [f"**{block.title}**", ""] if block.title else []
    tail = [f"_{block.note}_", ""] if block.note else []
    return head + _table(block.header, block.rows, block.numeric) + tail


def render(deck: Deck) -> bytes:
    out = [f"# {deck.title}", "", f"**{deck.period}** · {deck.subtitle}", ""]
    if deck.scope:
        out += [deck.scope, ""]
    out += [f"_{deck.generated} · {t('report.source', deck.lang)}_", ""]
    out += [f"## {t('report.contents', deck.lang)}", ""]
    out += [f"{i}. {s.title}" for i, s in enumerate(deck.sections, 1)] + [""]
    for i, section in enumerate(deck.sections, 1):
        out += [f"## {i:02d} {section.title}", ""]
        for slide in section.slides:
            if slide.title != section.title:
                out += [f"### {slide.title}", ""]
            for block in slide.blocks:
                out += _block(block, deck.lang)
    return ("\n".join(out).rstrip() + "\n").encode("utf-8")
