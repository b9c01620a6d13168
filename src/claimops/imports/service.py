"""Historic import: read CSV/Excel, check every row, write claims with rebuilt histories in bulk.

A file with any rejected row imports nothing unless a partial import is asked for; either way every
rejected row is listed in the error report. The lifecycle of each claim is rebuilt from its dates and
checked against the state machine; stage timings come from the same `stage_durations` as live claims.
Historic decisions keep the amount actually paid (the assessed loss is the source's claimed amount).
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from claimops.claims.bulk import BulkClaim, BulkDecision, BulkPayment, Step, write_claims
from claimops.claims.lifecycle import Action, Outcome
from claimops.claims.models import Claim
from claimops.customers.models import Customer
from claimops.errors import ValidationFailed
from claimops.imports.mapping import Mapping
from claimops.imports.rows import HistoricClaim, RowError, RowParser
from claimops.masking import mask_text
from claimops.policies.models import Policy
from claimops.users.actor import Actor

BATCH = 5000


@dataclass
class ImportResult:
    rows: int
    imported: int
    rejected: int
    errors: list[RowError]
    error_report: Path | None


def read_rows(path: Path) -> list[dict[str, Any]]:
    import pandas as pd

    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm", ".xls"):
            frame = pd.read_excel(path, dtype=str)
        elif suffix in (".csv", ".txt"):
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        else:
            raise ValidationFailed(
                f"{path.name}: only CSV and Excel files can be imported", code="UNSUPPORTED_FILE"
            )
    except FileNotFoundError as exc:
        raise ValidationFailed(f"{path} not found", code="FILE_NOT_FOUND") from exc
    records: list[dict[str, Any]] = frame.to_dict(orient="records")
    return records


def check_columns(rows: list[dict[str, Any]], mapping: Mapping) -> None:
    if not rows:
        raise ValidationFailed("the file has no data rows", code="EMPTY_FILE")
    missing = sorted({c for c in mapping.columns.values() if c not in rows[0]})
    if missing:
        raise ValidationFailed(
            f"the file lacks mapped column(s): {', '.join(missing)}; it has: {', '.join(rows[0])}",
            code="MISSING_COLUMNS",
        )


def write_error_report(errors: list[RowError], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(["row", "field", "message"])
        for e in errors:
            writer.writerow([e.row, e.field, mask_text(e.message)])


def import_claims(
    *,
    session: Session,
    actor: Actor,
    path: Path,
    mapping: Mapping,
    partial: bool = False,
    error_report: Path | None = None,
) -> ImportResult:
    actor.require("policy.write")
    rows = read_rows(path)
    check_columns(rows, mapping)
    parser = RowParser(mapping)
    parsed: list[HistoricClaim] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    for number, raw in enumerate(rows, start=2):  # row 1 is the header
        claim, row_errors = parser.parse(number, raw)
        if claim is not None and claim.claim_number in seen:
            row_errors = [RowError(number, "claim_ref", f"{claim.claim_number} appears twice in the file")]
            claim = None
        if claim is not None:
            seen.add(claim.claim_number)
            parsed.append(claim)
        errors.extend(row_errors)
    existing = _existing_numbers(session, [c.claim_number for c in parsed])
    if existing:
        errors.extend(
            RowError(c.row, "claim_ref", f"{c.claim_number} is already in claimops")
            for c in parsed
            if c.claim_number in existing
        )
        parsed = [c for c in parsed if c.claim_number not in existing]
    errors.sort(key=lambda e: e.row)
    report = None
    if errors:
        report = error_report or path.with_name(path.stem + ".errors.csv")
        write_error_report(errors, report)
        if not partial:
            raise ValidationFailed(
                f"{len({e.row for e in errors})} of {len(rows)} rows rejected; nothing imported "
                f"(errors in {report}; use a partial import to load the valid rows)",
                code="IMPORT_REJECTED",
                details={"error_report": str(report)},
            )
    for start in range(0, len(parsed), BATCH):
        _write(session, actor, parsed[start : start + BATCH], mapping)
    return ImportResult(len(rows), len(parsed), len({e.row for e in errors}), errors, report)


def _existing_numbers(session: Session, numbers: list[str]) -> set[str]:
    out: set[str] = set()
    for start in range(0, len(numbers), 1000):
        chunk = numbers[start : start + 1000]
        out.update(session.scalars(select(Claim.claim_number).where(Claim.claim_number.in_(chunk))))
    return out


def _synthetic_id(policy_number: str) -> str:
    return "IMP" + hashlib.sha256(policy_number.encode()).hexdigest()[:20].upper()


def _policies(session: Session, claims: list[HistoricClaim]) -> dict[str, tuple[int, int]]:
    """policy_number -> (policy id, customer id); creates what does not exist yet."""
    numbers = sorted({c.policy_number for c in claims})
    known = {
        number: (pid, cid)
        for number, pid, cid in session.execute(  # noqa: C416 - unpacks three columns into two
            select(Policy.policy_number, Policy.id, Policy.customer_id).where(
                Policy.policy_number.in_(numbers)
            )
        )
    }
    first: dict[str, HistoricClaim] = {}
    for c in claims:
        first.setdefault(c.policy_number, c)
    todo = [first[n] for n in numbers if n not in known]
    if not todo:
        return known
    id_numbers = {c.policy_number: c.holder_id_number or _synthetic_id(c.policy_number) for c in todo}
    customers: dict[str, int] = dict(
        session.execute(
            select(Customer.id_number, Customer.id).where(Customer.id_number.in_(list(id_numbers.values())))
        ).all()
    )
    new_customers = [
        {"name": c.holder_name or "导入客户", "id_number": idn, "phone": "", "region": c.region}
        for c in todo
        if (idn := id_numbers[c.policy_number]) not in customers
    ]
    unique_new = list({row["id_number"]: row for row in new_customers}.values())
    if unique_new:
        for idn, cid in session.execute(
            insert(Customer).returning(Customer.id_number, Customer.id), unique_new
        ):
            customers[idn] = cid
    policy_rows = []
    for c in todo:
        incident: date = c.incident_date
        policy_rows.append(
            {
                "policy_number": c.policy_number,
                "line": c.line.value,
                "customer_id": customers[id_numbers[c.policy_number]],
                "effective_from": c.effective_from or incident.replace(month=1, day=1),
                "effective_to": c.effective_to or incident.replace(month=12, day=31),
                "sum_insured": c.sum_insured or max(c.claimed_amount, c.paid_amount, Decimal("0.01")),
                "deductible": c.deductible,
                "coinsurance_rate": c.coinsurance_rate,
                "channel": c.channel,
            }
        )
    for number, pid, cid in session.execute(
        insert(Policy).returning(Policy.policy_number, Policy.id, Policy.customer_id), policy_rows
    ):
        known[number] = (pid, cid)
    return known


def _write(session: Session, actor: Actor, claims: list[HistoricClaim], mapping: Mapping) -> None:
    policies = _policies(session, claims)
    bulk = []
    for c in claims:
        pid, cid = policies[c.policy_number]
        steps = [Step(s.action, s.at, actor.id, actor.name) for s in c.steps]
        decide = next((s for s in c.steps if s.action is Action.DECIDE), None)
        paid = next((s for s in c.steps if s.action is Action.PAY), None)
        decision = None
        if decide is not None and c.outcome is not None:
            decision = BulkDecision(
                outcome=c.outcome.value,
                assessed_loss=c.claimed_amount,
                approved_amount=c.paid_amount,
                reason_codes=[mapping.denial_reason] if c.outcome is Outcome.DENIED else [],
                decided_by=actor.id,
                decided_at=decide.at,
                payment_method="other" if c.paid_amount else None,
            )
        payment = None
        if paid is not None:
            payment = BulkPayment(
                amount=c.paid_amount,
                method="other",
                payee_name=c.holder_name or "历史赔款",
                paid_at=paid.at,
                released_by=actor.id,
                idempotency_key=f"import-{c.claim_number}",
            )
        bulk.append(
            BulkClaim(
                claim_number=c.claim_number,
                policy_id=pid,
                customer_id=cid,
                line=c.line.value,
                incident_date=c.incident_date,
                reported_at=c.reported_at,
                claimed_amount=c.claimed_amount,
                steps=steps,
                reporter_id=actor.id,
                reporter=actor.name,
                region=c.region,
                channel=c.channel or "import",
                description=c.description,
                decision=decision,
                payment=payment,
            )
        )
    write_claims(session, bulk)
    session.flush()
