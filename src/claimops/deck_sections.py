"""The deck's sections as the application ships them: reporting's outline and each domain's slides.

The one place that names the domains adding slides to the work summary (mining, team); the web app
and the CLI build their registry here and pass it to the deck. A new domain registers its provider
below; reporting does not import it.
"""

from __future__ import annotations

from claimops.investigations.deck import investigations_section
from claimops.mining.deck import mining_section
from claimops.partners.deck import partners_section
from claimops.reporting.deck.registry import SectionRegistry
from claimops.reporting.deck.sections import outline
from claimops.surveys.deck import satisfaction_section
from claimops.team.deck import team_section


def default_sections() -> SectionRegistry:
    sections = outline()
    sections.add_slides("mining", mining_section)
    sections.add_slides("mining", investigations_section)
    sections.add_slides("satisfaction", satisfaction_section)
    sections.add_filtered_slides("partners", partners_section)
    sections.add_slides("team", team_section)
    return sections
