"""`claimops import` holds each row's history to claimops's rules (claims/history.py), as the demo
loader does: four eyes, the settlement rule, authority and roles; rejected rows are named with why."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from claimops.claims.models import Claim, Decision
from claimops.cli import app
from claimops.config import get_settings
from claimops.db import unit_of_work
from claimops.payments.models import Payment
from claimops.users.service import create_user
from factories import PASSWORD

MAPPING = """
[columns]
claim_ref = "ref"
incident_date = "incident"
reported_at = "reported"
line = "line"
claimed_amount = "claimed"
paid_amount = "paid"
paid_at = "paid_on"
closed_at = "closed_on"
deductible = "deductible"
sum_insured = "limit"
decided_by = "decider"
approved_by = "approver"
paid_by = "payer"

[options]
claim_prefix = "HIS-"
{options}
"""
HEADER = ["ref", "incident", "reported", "line", "claimed", "paid", "paid_on", "closed_on", "deductible",
          "limit", "decider", "approver", "payer"]  # fmt: skip
STAFF = {"h1": ("handler", Decimal("5000")), "h2": ("handler", Decimal("5000")), "m1": ("manager", None),
         "a1": ("approver", Decimal("50000")), "f1": ("finance", None)}  # fmt: skip


@pytest.fixture
def configured(empty_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The CLI's database is this test's own migrated one, with the people the history names."""
    monkeypatch.setenv("CLAIMOPS_DATABASE_URL", empty_engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    with unit_of_work(empty_engine) as session:
        for name, (role, limit) in STAFF.items():
            create_user(session=session, username=name, password=PASSWORD, role=role, authority_limit=limit)
    yield empty_engine
    get_settings.cache_clear()


def row(ref: str, claimed: str, paid: str, decider: str, payer: str, approver: str = "") -> list[str]:
    return [ref, "2024-03-01", "2024-03-02", "auto", claimed, paid, "2024-03-20", "2024-03-25", "100.00",
            "100000.00", decider, approver, payer]  # fmt: skip


def run_import(
    tmp_path: Path, rows: list[list[str]], options: str = "", *flags: str
) -> tuple[int, str, list]:
    data, mapping, errors = tmp_path / "history.csv", tmp_path / "map.toml", tmp_path / "rejected.csv"
    with data.open("w", newline="") as fh:
        csv.writer(fh).writerows([HEADER, *rows])
    mapping.write_text(MAPPING.format(options=options))
    result = CliRunner().invoke(
        app, ["import", "claims", str(data), "--mapping", str(mapping), "--errors", str(errors), *flags]
    )
    report = (
        list(csv.DictReader(errors.read_text(encoding="utf-8-sig").splitlines())) if errors.exists() else []
    )
    return result.exit_code, result.output, [(r["row"], r["field"], r["message"]) for r in report]


def counts(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            conn.scalar(select(func.count()).select_from(t)) or 0 for t in (Claim, Decision, Payment)
        )


def test_four_eyes_and_settlement_breaks_are_refused_with_row_and_reason(
    configured: Engine, tmp_path: Path
) -> None:
    rows = [
        row("1", "1000.00", "900.00", "h1", "f1"),  # (1000 − 100 deductible) × 1: the rule's 900
        row("2", "1000.00", "900.00", "m1", "m1"),  # the manager decides and pays: four eyes broken
        row("3", "1000.00", "1000.00", "h1", "f1"),  # paid the claim, not the rule's 900
        row("4", "8000.00", "7900.00", "h2", "f1"),  # above the handler's 5,000 without an approver
        row("5", "8000.00", "7900.00", "h2", "f1", approver="a1"),  # approved by another: fine
        row("6", "1000.00", "900.00", "h1", "h1"),  # a handler may not pay
        row("7", "60100.00", "60000.00", "a1", "f1", approver="a1"),  # above a1's limit, a1 approves
    ]
    code, output, report = run_import(tmp_path, rows)
    assert code == 2 and "5 of 7 rows rejected; nothing imported" in output
    assert counts(configured) == (0, 0, 0)
    assert report == [
        ("3", "history", "the decider may not pay (four eyes)"),
        ("4", "history", "approved amount is not the payable amount"),
        ("5", "history", "an approver exactly when above the decider's authority or the claim"),
        ("7", "history", "the actor's role may not take this action"),
        ("8", "history", "the decider may not approve (four eyes)"),
    ]

    code, output, _ = run_import(tmp_path, rows, "", "--partial")
    assert code == 0 and "2 of 7 rows imported, 5 rejected" in output
    with configured.connect() as conn:
        got = conn.execute(
            select(Claim.claim_number, Claim.status, Claim.approved_amount, Claim.paid_amount).order_by(
                Claim.claim_number
            )
        ).all()
    assert [(n, s, Decimal(str(a)), Decimal(str(p))) for n, s, a, p in got] == [
        ("HIS-1", "closed", Decimal("900.00"), Decimal("900.00")),
        ("HIS-5", "closed", Decimal("7900.00"), Decimal("7900.00")),
    ]


def test_history_from_before_the_settlement_rule_is_taken_as_recorded_when_the_mapping_says_so(
    configured: Engine, tmp_path: Path
) -> None:
    rows = [row("3", "1000.00", "1000.00", "h1", "f1"), row("2", "1000.00", "900.00", "m1", "m1")]
    code, output, report = run_import(tmp_path, rows, 'settlement = "recorded"')
    # the recorded amount is accepted; four eyes is not relaxed
    assert code == 2 and report == [("3", "history", "the decider may not pay (four eyes)")]
    code, output, _ = run_import(tmp_path, [rows[0]], 'settlement = "recorded"')
    assert code == 0 and "1 of 1 rows imported" in output
    over = [row("9", "200000.00", "150000.00", "m1", "f1")]  # above the 100,000 sum insured
    code, output, report = run_import(tmp_path, over, 'settlement = "recorded"')
    assert code == 2 and report == [("2", "paid_amount", "150000.00 exceeds the sum insured 100000.00")]
    code, output, _ = run_import(tmp_path, [rows[0]], 'settlement = "as-paid"')
    assert code == 2 and "options.settlement is 'as-paid'; one of: rule, recorded" in output


def test_an_unknown_person_is_a_rejected_row(configured: Engine, tmp_path: Path) -> None:
    code, _, report = run_import(tmp_path, [row("1", "1000.00", "900.00", "nobody", "f1")])
    assert code == 2 and report == [("2", "decided_by", "no claimops user named 'nobody'")]
