"""The claims work summary (理赔工作总结) as an editable PowerPoint, a self-contained HTML page or Markdown.

All three render one content model (`model.py`, built by `assembly.build`), so they carry the same
sentences and figures. Which sections the deck has, and which domains add slides to them, is a
`SectionRegistry` the caller passes in (`claimops.deck_sections.default_sections` at the edges).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from claimops.config import Settings
from claimops.errors import ValidationFailed
from claimops.i18n import LANGUAGES, t
from claimops.reporting.deck.assembly import build
from claimops.reporting.deck.model import Deck, Section, Slide
from claimops.reporting.deck.registry import SectionProvider, SectionRegistry
from claimops.reporting.kpis import Filters
from claimops.reporting.periods import Period

MEDIA_TYPES = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}
FORMATS = tuple(MEDIA_TYPES)

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "Deck",
    "Section",
    "SectionProvider",
    "SectionRegistry",
    "Slide",
    "build",
    "filename",
    "render",
    "render_deck",
]


def check(lang: str, fmt: str) -> None:
    if fmt not in MEDIA_TYPES:
        raise ValidationFailed(
            f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}", code="INVALID_FORMAT"
        )
    if lang not in LANGUAGES:
        raise ValidationFailed(
            f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}", code="INVALID_LANGUAGE"
        )


def render_deck(deck: Deck, fmt: str) -> bytes:
    check(deck.lang, fmt)
    if fmt == "pptx":
        from claimops.reporting.deck.pptx import render as pptx

        return pptx(deck)
    if fmt == "html":
        from claimops.reporting.deck.html import render as html

        return html(deck)
    from claimops.reporting.deck.markdown import render as markdown

    return markdown(deck)


def render(
    session: Session,
    period: Period,
    settings: Settings,
    *,
    sections: SectionRegistry,
    lang: str = "zh",
    fmt: str = "pptx",
    filters: Filters | None = None,
    today: date | None = None,
) -> bytes:
    """The deck for `period` as bytes of the chosen format (pptx, html or md)."""
    check(lang, fmt)
    deck = build(session, period, settings, sections=sections, lang=lang, filters=filters, today=today)
    return render_deck(deck, fmt)


def filename(period: Period, lang: str, fmt: str) -> str:
    """理赔工作总结-2026-Q3.pptx"""
    return f"{t('report.filename', lang)}-{period.label}.{fmt}"
