from __future__ import annotations

import csv
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from claimops.claims.models import Claim, ClaimEvent, ClaimTiming
from claimops.errors import ValidationFailed
from claimops.imports.mapping import load_mapping
from claimops.imports.service import import_claims
from claimops.payments.models import Payment
from claimops.users.actor import system_actor

MAPPING = Path(__file__).parents[2] / "docs" / "mappings" / "prism.toml"


def prism_rows(n: int) -> tuple[list[str], list[dict[str, str]]]:
    text = resources.files("chainladder").joinpath("utils/data/prism.csv").read_text()
    reader = csv.DictReader(text.splitlines())
    rows = [row for _, row in zip(range(n), reader, strict=False)]
    return list(reader.fieldnames or []), rows


def write(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header)
        w.writeheader()
        w.writerows(rows)
    return path


def count(session: Session, model: type, *where: object) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0  # type: ignore[arg-type]


def test_prism_sample_imports_with_rebuilt_histories(session: Session, tmp_path: Path) -> None:
    header, rows = prism_rows(300)
    f = write(tmp_path / "prism.csv", header, rows)
    result = import_claims(session=session, actor=system_actor(), path=f, mapping=load_mapping(MAPPING))
    assert (result.rows, result.imported, result.rejected) == (300, 300, 0)
    imported = Claim.claim_number.like("PRISM-%")
    assert count(session, Claim, imported) == 300
    closed = sum(1 for r in rows if r["Status"] == "CLOSED")
    assert count(session, Claim, imported, Claim.status == "closed") == closed
    paid_rows = [r for r in rows if float(r["TotalPayment"]) > 0]
    paid_total = session.scalar(
        select(func.sum(Payment.amount)).join(Claim, Claim.id == Payment.claim_id).where(imported)
    )
    expected = sum(Decimal(r["TotalPayment"]).quantize(Decimal("0.01")) for r in paid_rows)
    assert Decimal(str(paid_total)).quantize(Decimal("0.01")) == expected
    # claim 3: reported 2009-09-23, paid 2010-02-17 → handling 147 days
    c3 = session.scalar(select(Claim).where(Claim.claim_number == "PRISM-3"))
    assert c3 is not None and c3.line == "property" and c3.status == "closed"
    assert [e.to_status for e in c3.events] == [
        "reported",
        "accepted",
        "under_review",
        "decided",
        "payment_pending",
        "paid",
        "closed",
    ]
    timing = session.get(ClaimTiming, c3.id)
    assert timing is not None and timing.handling_s == 147 * 86400


def test_a_bad_row_rejects_the_file_unless_partial(session: Session, tmp_path: Path) -> None:
    header, rows = prism_rows(20)
    rows[4] = {**rows[4], "Incurred": "lots"}
    rows[7] = {**rows[7], "AccidentDate": "2030-01-01"}
    rows[9] = {**rows[9], "Line": "Marine"}
    f = write(tmp_path / "bad.csv", header, rows)
    before = count(session, ClaimEvent)
    with pytest.raises(ValidationFailed) as err:
        import_claims(session=session, actor=system_actor(), path=f, mapping=load_mapping(MAPPING))
    assert err.value.code == "IMPORT_REJECTED" and "3 of 20 rows rejected" in err.value.message
    assert count(session, ClaimEvent) == before
    report = list(csv.DictReader((tmp_path / "bad.errors.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [(r["row"], r["field"]) for r in report] == [
        ("6", "claimed_amount"),
        ("9", "incident_date"),
        ("11", "line"),
    ]
    result = import_claims(
        session=session, actor=system_actor(), path=f, mapping=load_mapping(MAPPING), partial=True
    )
    assert (result.imported, result.rejected) == (17, 3)
    again = import_claims(
        session=session, actor=system_actor(), path=f, mapping=load_mapping(MAPPING), partial=True
    )
    assert again.imported == 0  # already in claimops: reported, not duplicated


def test_wrong_columns_are_named(session: Session, tmp_path: Path) -> None:
    f = tmp_path / "wrong.csv"
    f.write_text("id,date\n1,2020-01-01\n")
    with pytest.raises(ValidationFailed) as err:
        import_claims(session=session, actor=system_actor(), path=f, mapping=load_mapping(MAPPING))
    assert err.value.code == "MISSING_COLUMNS" and "ClaimNo" in err.value.message
