"""The dashboard's panels as the application ships them: the one place that names the domains adding
a panel (or a filter's choices) to the manager's dashboard; the web app builds its registry here. A new
domain registers its provider below; reporting does not import it.
"""

from __future__ import annotations

from claimops.investigations.panel import investigations_panel
from claimops.partners.panel import insurer_choices, partners_panel
from claimops.reporting.panels import PanelRegistry
from claimops.surveys.panel import satisfaction_panel
from claimops.team.panel import team_panel


def default_panels() -> PanelRegistry:
    panels = PanelRegistry()
    panels.add("partners", partners_panel)
    panels.add("satisfaction", satisfaction_panel)
    panels.add("team", team_panel)
    panels.add("investigations", investigations_panel)
    panels.insurers = insurer_choices
    return panels
