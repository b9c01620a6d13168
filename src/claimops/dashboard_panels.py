"""The dashboard's panels as the application ships them: the one place that names the domains adding
a panel to the manager's dashboard (the web app builds its registry here). A new domain registers its
provider below; reporting does not import it.
"""

from __future__ import annotations

from claimops.investigations.panel import investigations_panel
from claimops.reporting.panels import PanelRegistry


def default_panels() -> PanelRegistry:
    panels = PanelRegistry()
    panels.add("investigations", investigations_panel)
    return panels
