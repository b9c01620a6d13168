"""A book exported by another claims system: providers with their type, customers, ages, confirmed-fraud
flags and conclusions come in through the mapping; naive times follow [options] timezone; closed rows
need no status column; bad values are row errors."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from claimops.claims.models import Claim
from claimops.customers.models import Customer
from claimops.errors import ValidationFailed
from claimops.imports.mapping import load_mapping
from claimops.imports.service import import_claims
from claimops.investigations.models import Investigation
from claimops.mining.data.loader import load_claims
from claimops.partners.models import Provider
from claimops.users.actor import system_actor

HEADER = (
    "赔案号 保单号 客户号 客户姓名 年龄 险种 地区 渠道 服务机构 机构类型 起保日 止保日 保额 出险日 报案时间 "
    "报案金额 赔付金额 赔付时间 结案时间 欺诈 调查结论"
).split()


def mapping(path: Path, prefix: str, timezone: str | None = None) -> Path:
    options = f'claim_prefix = "{prefix}"\nsettlement = "recorded"\n'
    if timezone:
        options += f'timezone = "{timezone}"\n'
    path.write_text(
        f"""[columns]
claim_ref = "赔案号"
policy_number = "保单号"
customer_ref = "客户号"
customer_name = "客户姓名"
customer_age = "年龄"
line = "险种"
region = "地区"
channel = "渠道"
provider = "服务机构"
provider_type = "机构类型"
effective_from = "起保日"
effective_to = "止保日"
sum_insured = "保额"
incident_date = "出险日"
reported_at = "报案时间"
claimed_amount = "报案金额"
paid_amount = "赔付金额"
paid_at = "赔付时间"
closed_at = "结案时间"
fraud_confirmed = "欺诈"
investigation_conclusion = "调查结论"

[values.line]
"车险" = "auto"
"健康险" = "health"

[values.investigation_conclusion]
"无法认定" = "inconclusive"

[options]
{options}""",
        encoding="utf-8",
    )
    return path


def row(ref: str, **over: str) -> dict[str, str]:
    base = {
        "赔案号": ref, "保单号": f"P-{ref}", "客户号": "C1", "客户姓名": "张三", "年龄": "40", "险种": "车险",
        "地区": "北京", "渠道": "phone", "服务机构": "", "机构类型": "", "起保日": "2025-01-01",
        "止保日": "2025-12-31", "保额": "100000", "出险日": "2025-03-01", "报案时间": "2025-03-01 09:30:00",
        "报案金额": "5000", "赔付金额": "4000", "赔付时间": "2025-03-10 10:00:00",
        "结案时间": "2025-03-11 10:00:00", "欺诈": "否", "调查结论": "",
    }  # fmt: skip
    base.update(over)
    return base


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=HEADER)
        w.writeheader()
        w.writerows(rows)
    return path


def test_book_with_providers_customers_and_fraud_flags(session: Session, tmp_path: Path) -> None:
    tag = uuid4().hex[:6]
    prefix = f"B{tag}-"
    shop = f"修理厂{tag}"
    rows = [
        row("1", 服务机构=shop, 机构类型="修理厂", 欺诈="是"),
        row("2", 保单号="P-other", 服务机构=shop, 机构类型="repair_shop", 报案时间="2025-03-02 23:10:00"),
        row("3", 客户号="C2", 险种="健康险", 服务机构=f"医院{tag}", 机构类型="医院", 调查结论="无法认定"),
        row("4", 客户号="C3", 年龄="", 欺诈="0", 调查结论="not_confirmed", 赔付金额="0", 赔付时间=""),
    ]
    f = write(tmp_path / "book.csv", rows)
    spec = load_mapping(mapping(tmp_path / "book.toml", prefix))
    result = import_claims(session=session, actor=system_actor(), path=f, mapping=spec)
    assert (result.imported, result.rejected) == (4, 0)
    claims = {
        c.claim_number: c for c in session.scalars(select(Claim).where(Claim.claim_number.like(f"{prefix}%")))
    }
    c1, c2, c3, c4 = (claims[f"{prefix}{i}"] for i in "1234")
    # the provider was created once under the file's name, with its type
    made = session.scalars(select(Provider).where(Provider.name == shop)).all()
    assert len(made) == 1 and made[0].type == "repair_shop"
    assert c1.provider_id == c2.provider_id == made[0].id
    # one customer (C1) on two policies stays one customer; age 40 on the incident day
    assert c1.customer_id == c2.customer_id != c3.customer_id
    customer = session.get(Customer, c1.customer_id)
    assert customer is not None and customer.birth_date == date(1985, 3, 1) and customer.name == "张三"
    # naive times are Shanghai: 09:30 local is 01:30 UTC; a row with closed_at and no status is closed
    assert c1.reported_at.astimezone(UTC) == datetime(2025, 3, 1, 1, 30, tzinfo=UTC)
    assert {c.status for c in (c1, c2, c3, c4)} == {"closed"}
    # conclusions: confirmed fraud (from the flag), inconclusive, not confirmed; no record for a plain "否"
    found = dict(
        session.execute(
            select(Investigation.claim_id, Investigation.conclusion).where(
                Investigation.claim_id.in_([c.id for c in claims.values()])
            )
        ).all()
    )
    assert found == {c1.id: "fraud_confirmed", c3.id: "inconclusive", c4.id: "not_confirmed"}
    # the loader's fraud label is the conclusion, and the provider's name is in the frame
    frame = load_claims(session, ground_truth=False).set_index("claim_number").loc[list(claims)]
    assert frame["fraud"].tolist() == [True, False, False, False]
    assert frame.loc[f"{prefix}1", "provider"] == shop


def test_timezone_option(session: Session, tmp_path: Path) -> None:
    prefix = f"T{uuid4().hex[:6]}-"
    f = write(tmp_path / "tz.csv", [row("1")])
    spec = load_mapping(mapping(tmp_path / "tz.toml", prefix, timezone="UTC"))
    import_claims(session=session, actor=system_actor(), path=f, mapping=spec)
    c = session.scalar(select(Claim).where(Claim.claim_number == f"{prefix}1"))
    assert c is not None and c.reported_at.astimezone(UTC) == datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    with pytest.raises(ValidationFailed) as err:
        load_mapping(mapping(tmp_path / "bad.toml", prefix, timezone="Mars/Olympus"))
    assert err.value.code == "MAPPING_INVALID"


def test_bad_values_are_row_errors(session: Session, tmp_path: Path) -> None:
    prefix = f"E{uuid4().hex[:6]}-"
    rows = [
        row("1", 欺诈="maybe"),
        row("2", 调查结论="guilty"),
        row("3", 服务机构=f"某机构{prefix}", 机构类型="spaceport"),
        row("4", 服务机构=f"没有这家{prefix}"),
        row("5", 欺诈="是", 调查结论="not_confirmed"),
        row("6", 年龄="two hundred"),
        row("7"),
    ]
    f = write(tmp_path / "bad.csv", rows)
    spec = load_mapping(mapping(tmp_path / "bad.toml", prefix))
    with pytest.raises(ValidationFailed) as err:
        import_claims(session=session, actor=system_actor(), path=f, mapping=spec)
    assert err.value.code == "IMPORT_REJECTED"
    report = (tmp_path / "bad.errors.csv").read_text(encoding="utf-8-sig")
    for needle in (
        "fraud_confirmed",
        "investigation_conclusion",
        "provider_type",
        "no provider",
        "customer_age",
    ):
        assert needle in report
    assert session.scalar(select(Claim.id).where(Claim.claim_number.like(f"{prefix}%"))) is None
    assert session.scalar(select(Provider.id).where(Provider.name == f"某机构{prefix}")) is None
    result = import_claims(session=session, actor=system_actor(), path=f, mapping=spec, partial=True)
    assert (result.imported, result.rejected) == (1, 6)
