"""The work summary as a language-neutral content model: a deck of sections, of slides, of blocks.

The renderers (pptx, html, markdown) only lay this model out, so the three formats say the same thing.
Plain data: no database, no clock, no wording of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Bullets:
    items: list[str]


@dataclass(frozen=True)
class Notice:
    """A plain statement that claimops holds no data for something: never an invented figure."""

    text: str
    detail: str = ""


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    unit: str = ""
    note: str = ""


@dataclass(frozen=True)
class KeyFigures:
    items: list[Figure]


@dataclass(frozen=True)
class Series:
    name: str
    values: list[Decimal | None]  # Decimal until the renderer's last step


@dataclass(frozen=True)
class Chart:
    key: str  # stable name: by_line, paid_by_line, stages, trend_claims, trend_paid, backlog
    kind: str  # pie, column, line
    title: str
    categories: list[str]
    series: list[Series]
    places: int = 0  # decimals shown on labels and axes


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    numeric: tuple[int, ...] = ()  # columns aligned right
    title: str = ""
    note: str = ""


@dataclass(frozen=True)
class Step:
    name: str
    figure: str
    detail: str


@dataclass(frozen=True)
class Flow:
    steps: list[Step]


Block = Bullets | Notice | KeyFigures | Chart | Table | Flow


@dataclass
class Slide:
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Section:
    key: str
    title: str
    slides: list[Slide]


@dataclass
class Deck:
    lang: str
    title: str
    period: str  # display name: 2026年第三季度 / Q3 2026
    subtitle: str
    generated: str
    scope: str  # the filters in words; "" for the whole book
    sections: list[Section]


def all_text(deck: Deck) -> list[str]:
    """Every sentence and label of the deck, in order (for checks that the formats agree)."""
    out = [deck.title, deck.period, deck.subtitle]
    for section in deck.sections:
        out.append(section.title)
        for slide in section.slides:
            out.append(slide.title)
            for block in slide.blocks:
                if isinstance(block, Bullets):
                    out += block.items
                elif isinstance(block, Notice):
                    out += [block.text, block.detail]
                elif isinstance(block, KeyFigures):
                    out += [f"{fig.label} {fig.value}{fig.unit} {fig.note}" for fig in block.items]
                elif isinstance(block, Table):
                    out += block.header + [c for row in block.rows for c in row]
                elif isinstance(block, Chart):
                    out += [block.title, *block.categories]
                elif isinstance(block, Flow):
                    out += [f"{s.name} {s.figure} {s.detail}" for s in block.steps]
    return [s for s in out if s]
