"""客户满意度提升举措: claimops holds no survey data yet; a surveys domain supplies the slides."""

from __future__ import annotations

from claimops.reporting.deck.model import Slide
from claimops.reporting.deck.registry import Figures
from claimops.reporting.deck.sections.common import missing


def slides(figures: Figures, provided: bool, /) -> list[Slide]:
    return [] if provided else [missing("satisfaction", figures.lang)]
