"""The claims work-summary deck (理赔工作总结) in PowerPoint, HTML and Markdown."""

from __future__ import annotations

from sqlalchemy.orm import Session

from claimops.config import Settings
from claimops.errors import ValidationFailed
from claimops.reporting.deck.content import build
from claimops.reporting.kpis import Filters
from claimops.reporting.periods import Period

FORMATS = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}


def render(
    session: Session,
    period: Period,
    settings: Settings,
    *,
    lang: str = "zh",
    fmt: str = "pptx",
    filters: Filters | None = None,
) -> bytes:
    if fmt not in FORMATS:
        raise ValidationFailed(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}", code="INVALID_FORMAT")
    deck = build(session, period, settings, lang, filters)
    if fmt == "pptx":
        from claimops.reporting.deck.pptx import render as pptx

        return pptx(deck)
    from claimops.reporting.deck.text import html, markdown

    return html(deck) if fmt == "html" else markdown(deck)
