"""A seeded demo book the training and scoring tests share."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from claimops.demo.bulk import seed_database


@pytest.fixture
def demo(empty_engine: Engine) -> Engine:
    """3,000 demo claims (seed 11) reported up to 30 June 2026."""
    seed_database(empty_engine, claims=3_000, seed=11, end=date(2026, 6, 30))
    return empty_engine
