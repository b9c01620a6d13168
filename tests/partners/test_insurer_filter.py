"""Reports filter by insurer through policies.insurer_id; a new provider id is a real foreign key."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from claimops.config import Settings
from claimops.partners.models import Insurer
from claimops.reporting.kpis import Filters, compute
from claimops.reporting.periods import parse_period
from factories import Walk, make_policy


def test_kpis_filtered_by_insurer(session: Session, settings: Settings) -> None:
    a, b = Insurer(code="FLT-A", name="甲保险"), Insurer(code="FLT-B", name="乙保险")
    session.add_all([a, b])
    session.flush()
    period = parse_period("2026-03")
    for insurer, n in ((a, 2), (b, 1)):
        policy = make_policy(session, effective_from="2026-01-01", effective_to="2026-12-31")
        policy.insurer_id = insurer.id
        for day in range(n):
            Walk(session, settings, policy, datetime(2026, 3, 2 + day, 2, tzinfo=UTC), "3000")
    session.flush()
    assert compute(session, period, settings, Filters(insurer_id=a.id)).claims_received == 2
    assert compute(session, period, settings, Filters(insurer_id=b.id)).claims_received == 1
    both = compute(session, period, settings, Filters()).claims_received
    assert both >= 3


def test_claims_provider_id_points_at_providers(session: Session, settings: Settings) -> None:
    policy = make_policy(session, effective_from="2026-01-01", effective_to="2026-12-31")
    w = Walk(session, settings, policy, datetime(2026, 3, 2, 2, tzinfo=UTC), "3000")
    w.claim.provider_id = 987_654_321
    with pytest.raises(IntegrityError):
        session.flush()
