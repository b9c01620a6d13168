"""The demo's portal accounts are usable as the README says: each claimant can report a new claim."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from claimops.customers.models import CustomerAccount
from claimops.demo.bulk import seed_database
from claimops.policies.models import Policy

END = date(2026, 9, 30)


def test_every_demo_portal_account_holds_a_policy_in_force_at_the_end(
    empty_engine: Engine, tmp_path: Path
) -> None:
    seed_database(empty_engine, claims=400, seed=7, end=END, data_dir=tmp_path)
    with Session(empty_engine) as s:
        accounts = s.scalars(select(CustomerAccount.customer_id)).all()
        assert len(accounts) == 20
        in_force = set(
            s.scalars(
                select(Policy.customer_id).where(Policy.effective_from <= END, Policy.effective_to >= END)
            )
        )
    # a claimant who follows the README reports against a policy that covers today
    assert set(accounts) <= in_force
