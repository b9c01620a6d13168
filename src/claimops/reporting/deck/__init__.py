"""The claims work summary (理赔工作总结) as an editable PowerPoint, a self-contained HTML page or Markdown.

All three render one content model (`content.build`), so they carry the same sentences and figures.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from claimops.config import Settings
from claimops.errors import ValidationFailed
from claimops.i18n import LANGUAGES, t
from claimops.reporting.deck.content import Deck, Section, SectionProvider, Slide, build, register_section
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
    "Slide",
    "build",
    "filename",
    "register_section",
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
    lang: str = "zh",
    fmt: str = "pptx",
    filters: Filters | None = None,
    today: date | None = None,
) -> bytes:
    """The deck for `period` as bytes of the chosen format (pptx, html or md)."""
    check(lang, fmt)
    return render_deck(build(session, period, settings, lang=lang, filters=filters, today=today), fmt)


def filename(period: Period, lang: str, fmt: str) -> str:
    """理赔工作总结-2026-Q3.pptx"""
    return f"{t('report.filename', lang)}-{period.label}.{fmt}"
