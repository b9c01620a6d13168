"""`claimops import` takes provider and insurer columns: resolved to ids, an unknown one a row error."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from claimops.claims.models import Claim
from claimops.errors import ValidationFailed
from claimops.imports.mapping import load_mapping
from claimops.imports.service import import_claims
from claimops.partners.models import Insurer, Provider
from claimops.policies.models import Policy
from claimops.users.actor import system_actor

PRISM = Path(__file__).parents[2] / "docs" / "mappings" / "prism.toml"


def files(tmp_path: Path, provider: str, insurer: str) -> tuple[Path, Path]:
    text = resources.files("chainladder").joinpath("utils/data/prism.csv").read_text()
    reader = csv.DictReader(text.splitlines())
    rows = [row for _, row in zip(range(2), reader, strict=False)]
    header = [*(reader.fieldnames or []), "Garage", "Insurer"]
    data = tmp_path / "rows.csv"
    with data.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header)
        w.writeheader()
        for row in rows:
            w.writerow({**row, "Garage": provider, "Insurer": insurer})
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        PRISM.read_text().replace("[columns]\n", '[columns]\nprovider = "Garage"\ninsurer = "Insurer"\n')
    )
    return data, mapping


def test_provider_and_insurer_columns(session: Session, tmp_path: Path) -> None:
    ins = Insurer(code="IMP-INS", name="导入保险")
    prov = Provider(name="导入测试修理厂", type="repair_shop", region="北京", status="active")
    session.add_all([ins, prov])
    session.flush()
    data, mapping = files(tmp_path, "导入测试修理厂", "IMP-INS")
    result = import_claims(session=session, actor=system_actor(), path=data, mapping=load_mapping(mapping))
    assert result.imported == 2
    rows = session.execute(
        select(Claim.provider_id, Policy.insurer_id)
        .join(Policy, Policy.id == Claim.policy_id)
        .where(Claim.claim_number.like("PRISM-%"))
    ).all()
    assert rows and all(r == (prov.id, ins.id) for r in rows)


def test_unknown_provider_or_insurer_is_a_row_error(session: Session, tmp_path: Path) -> None:
    data, mapping = files(tmp_path, "没有这家", "NOPE")
    with pytest.raises(ValidationFailed) as exc:
        import_claims(session=session, actor=system_actor(), path=data, mapping=load_mapping(mapping))
    assert exc.value.code == "IMPORT_REJECTED"
    report = Path(exc.value.details["error_report"]).read_text()
    assert "no provider '没有这家'" in report and "no insurer with code 'NOPE'" in report
    assert session.scalar(select(Claim.id).where(Claim.claim_number.like("PRISM-%"))) is None
