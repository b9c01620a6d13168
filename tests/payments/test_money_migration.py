"""Migration 0004 on a database that already holds decisions and payments."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from claimops.claims.models import Decision
from claimops.migrate import downgrade, upgrade

ROWS = [
    "INSERT INTO customers (id, name, id_number, phone, region, created_at) "
    "VALUES (1, '张三', '110101199003077719', '13812345678', '北京', '2026-01-01 00:00:00')",
    "INSERT INTO policies (id, policy_number, line, customer_id, effective_from, effective_to, sum_insured, "
    "deductible, coinsurance_rate, channel, created_at) VALUES (1, 'P-1', 'auto', 1, '2026-01-01', "
    "'2026-12-31', 100000, 0, 0, '', '2026-01-01 00:00:00')",
    "INSERT INTO claims (id, claim_number, policy_id, customer_id, line, region, channel, status, "
    "incident_date, reported_at, description, claimed_amount, assessed_loss, approved_amount, paid_amount, "
    "outcome, straight_through, reopen_count, updated_at) VALUES (1, 'CL1', 1, 1, 'auto', '', '', 'paid', "
    "'2026-03-01', '2026-03-02 00:00:00', '', 8000, 8000, 8000, 8000, 'approved', false, 0, "
    "'2026-03-05 00:00:00')",
    "INSERT INTO decisions (id, claim_id, outcome, assessed_loss, approved_amount, reason_codes, "
    "decided_at, requires_approval, current, note) VALUES (1, 1, 'approved', 8000, 8000, '[]', "
    "'2026-03-03 00:00:00', false, true, '')",
    "INSERT INTO payments (id, claim_id, decision_id, idempotency_key, request_hash, amount, method, "
    "payee_name, payee_bank, payee_account, status, paid_at) VALUES (1, 1, 1, 'k1', 'x', 8000, "
    "'bank_transfer', '张三', '', '', 'paid', '2026-03-04 00:00:00')",
]


def test_existing_decisions_become_payable_in_full_and_unwind(empty_engine: Engine) -> None:
    url = empty_engine.url.render_as_string(hide_password=False)
    downgrade(url, "0003")
    with empty_engine.begin() as conn:
        for row in ROWS:
            conn.execute(text(row))
    upgrade(url)
    with Session(empty_engine) as s:
        d = s.scalars(select(Decision)).one()
        # each decision was payable in full under the earlier rule, and was paid so
        assert (d.paid_before, d.payable, d.recovery) == (
            Decimal("0.00"),
            Decimal("8000.00"),
            Decimal("0.00"),
        )
    downgrade(url, "0003")
    upgrade(url)
