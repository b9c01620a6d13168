"""The sections of the 理赔工作总结 outline, one module each, and `outline()` that registers them in order.

Each module's `slides(figures, provided)` writes reporting's own slides for its section from the typed
period summary and the deck's facts. Four sections are open to other domains' slides: mining,
partners, satisfaction and team.
"""

from __future__ import annotations

from claimops.reporting.deck.registry import SectionRegistry
from claimops.reporting.deck.sections import (
    intro,
    mining,
    outlook,
    overview,
    partners,
    process,
    satisfaction,
    team,
)


def outline() -> SectionRegistry:
    """The eight sections in the outline's order, with no other domain's slides yet."""
    registry = SectionRegistry()
    registry.add_section("intro", intro.slides)
    registry.add_section("overview", overview.slides)
    registry.add_section("process", process.slides)
    registry.add_section("mining", mining.slides, open_to_domains=True)
    registry.add_section("partners", partners.slides, open_to_domains=True)
    registry.add_section("satisfaction", satisfaction.slides, open_to_domains=True)
    registry.add_section("team", team.slides, open_to_domains=True)
    registry.add_section("outlook", outlook.slides)
    return registry
