"""The dashboard's panel registry: domains' panels in registration order, none for a domain without
data, a key registered twice refused; the dashboard page shows what a provider returns."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api_helpers import page_login
from claimops.reporting.kpis import Filters
from claimops.reporting.panels import Figure, Panel, PanelRegistry, Row
from claimops.reporting.periods import Period, parse_period

Q = parse_period("2026-Q2")


def _panel(key: str) -> Panel:
    return Panel(key=key, title=f"T-{key}", figures=(Figure("甲", "1", href="/x", flag="warn"),))


def test_panels_in_order_and_empty_ones_left_out(session: Session) -> None:
    seen: list[tuple[str, str, Filters]] = []

    def first(s: Session, period: Period, filters: Filters, lang: str) -> Panel | None:
        seen.append((period.label, lang, filters))
        return _panel("a")

    def nothing(s: Session, period: Period, filters: Filters, lang: str) -> Panel | None:
        return None

    reg = PanelRegistry()
    reg.add("b", nothing)
    reg.add("a", first)
    flt = Filters(line="auto")
    assert [p.key for p in reg.build(session, Q, flt, "en")] == ["a"]
    assert seen == [("2026-Q2", "en", flt)]
    with pytest.raises(ValueError):
        reg.add("a", first)


def test_the_dashboard_renders_a_registered_panel(client: TestClient) -> None:
    registry: PanelRegistry = client.app.state.dashboard_panels  # type: ignore[attr-defined]

    def probe(s: Session, period: Period, filters: Filters, lang: str) -> Panel | None:
        return Panel(
            key="probe",
            title=f"探针 {period.label} {filters.line}",
            figures=(Figure("逾期", "3", href="/overdue", flag="warn"),),
            header=("阶段", "件数"),
            rows=(Row(("协商", "2"), href="/disputes?stage=negotiation"),),
        )

    registry.add("probe", probe)
    try:
        page_login(client, "manager")
        html = client.get("/dashboard?period=2026-Q2&line=auto").text
    finally:
        registry._providers.pop("probe")
    assert 'id="panel-probe"' in html and "探针 2026-Q2 auto" in html
    assert 'href="/overdue"' in html and 'href="/disputes?stage=negotiation"' in html
