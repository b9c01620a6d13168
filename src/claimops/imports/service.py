"""Historic import: read CSV/Excel, check every row, write claims with rebuilt histories in bulk.

A file with any rejected row imports nothing unless a partial import is asked for; either way every
rejected row is listed in the error report. The lifecycle of each claim is rebuilt from its dates and
checked against the state machine; stage timings come from the same `stage_durations` as live claims.
Historic decisions keep the amount actually paid (the assessed loss is the source's claimed amount).
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from claimops.claims.bulk import write_claims
from claimops.claims.bulk_claims import BulkClaim, BulkDecision, BulkPayment, Person, Step, problems
from claimops.claims.history import SettlementCheck
from claimops.claims.lifecycle import Action, Outcome
from claimops.claims.models import Claim
from claimops.claims.settlement import payable
from claimops.customers.models import Customer
from claimops.errors import ValidationFailed
from claimops.imports.mapping import Mapping
from claimops.imports.rows import HistoricClaim, RowError, RowParser
from claimops.investigations.models import Investigation
from claimops.masking import mask_text
from claimops.money import ZERO, to_money
from claimops.partners.models import Insurer, Provider
from claimops.partners.rules import PROVIDER_TYPES
from claimops.payments.models import Payment
from claimops.policies.models import Policy
from claimops.policies.terms import PolicyTerms
from claimops.users.actor import Actor
from claimops.users.models import User
from claimops.users.roles import Role

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
    people = _people(session, actor, parsed)
    errors.extend(people.errors)
    refused = {e.row for e in people.errors}
    parsed = [c for c in parsed if c.row not in refused]
    partners = _partners(session, parsed)
    errors.extend(partners.errors)
    parsed = [c for c in parsed if c.row not in {e.row for e in partners.errors}]
    broken = _check_histories(session, actor, parsed, people, mapping)
    errors.extend(broken)
    parsed = [c for c in parsed if c.row not in {e.row for e in broken}]
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
    _create_providers(session, parsed, partners)
    for start in range(0, len(parsed), BATCH):
        _write(session, actor, parsed[start : start + BATCH], mapping, people, partners)
    return ImportResult(len(rows), len(parsed), len({e.row for e in errors}), errors, report)


@dataclass
class _People:
    """The importer and the claimops users the file names as deciders, approvers and payers."""

    persons: dict[int | None, Person]
    ids: dict[str, int]
    errors: list[RowError]

    def id_of(self, name: str, default: int | None) -> int | None:
        return self.ids[name] if name else default


def _named(c: HistoricClaim) -> list[tuple[str, str]]:
    return [("decided_by", c.decided_by), ("approved_by", c.approved_by), ("paid_by", c.paid_by)]


def _people(session: Session, actor: Actor, claims: list[HistoricClaim]) -> _People:
    names = {n for c in claims for n in (c.decided_by, c.approved_by, c.paid_by) if n}
    users = list(session.scalars(select(User).where(User.username.in_(sorted(names)))))
    persons: dict[int | None, Person] = {actor.id: Person(actor.role, actor.authority)}
    persons.update({u.id: Person(Role(u.role), u.authority_limit) for u in users})
    ids = {u.username: u.id for u in users}
    errors = [
        RowError(c.row, target, f"no claimops user named {name!r}")
        for c in claims
        for target, name in _named(c)
        if name and name not in ids
    ]
    return _People(persons, ids, errors)


@dataclass
class _Partners:
    """The providers and insurers the file names, resolved to ids; a name claimops lacks is a row error."""

    providers: dict[str, int]
    insurers: dict[str, int]
    errors: list[RowError]
    new_providers: dict[str, str]  # name -> type: named with a type in the file, not yet in claimops


def _partners(session: Session, claims: list[HistoricClaim]) -> _Partners:
    named = {c.provider for c in claims if c.provider}
    by_id = {n: int(n) for n in named if n.isdigit()}
    providers = {
        str(pid): pid
        for pid in session.scalars(select(Provider.id).where(Provider.id.in_(list(by_id.values()))))
    }
    names = sorted(named - set(providers))
    for name, pid in session.execute(select(Provider.name, Provider.id).where(Provider.name.in_(names))):
        providers.setdefault(name, pid)
    codes = sorted({c.insurer for c in claims if c.insurer})
    insurers = dict(session.execute(select(Insurer.code, Insurer.id).where(Insurer.code.in_(codes))).all())
    errors: list[RowError] = []
    new: dict[str, str] = {}
    for c in claims:
        if not c.provider or c.provider in providers:
            continue
        kind = _provider_type(c.provider_type)
        if not c.provider_type:
            errors.append(RowError(c.row, "provider", f"no provider {c.provider!r}"))
        elif kind is None:
            errors.append(
                RowError(
                    c.row,
                    "provider_type",
                    f"unknown provider type {c.provider_type!r}; one of {', '.join(PROVIDER_TYPES)}",
                )
            )
        else:
            new.setdefault(c.provider, kind)
    errors += [
        RowError(c.row, "insurer", f"no insurer with code {c.insurer!r}")
        for c in claims
        if c.insurer and c.insurer not in insurers
    ]
    return _Partners(providers, insurers, errors, new)


# the Chinese names of the provider types (i18n partners.type) as another system's export writes them
_TYPE_NAMES = {
    "公估机构": "loss_assessor",
    "公估": "loss_assessor",
    "修理厂": "repair_shop",
    "医院": "hospital",
    "拖车救援": "towing",
    "律师事务所": "legal",
    "医疗审核": "medical_review",
}


def _provider_type(text: str) -> str | None:
    value = text.strip()
    if value.lower() in PROVIDER_TYPES:
        return value.lower()
    return _TYPE_NAMES.get(value)


def _create_providers(session: Session, claims: list[HistoricClaim], partners: _Partners) -> None:
    """Providers the file names with a type and claimops lacks, created as active under the file's name
    (only those of rows that are imported)."""
    wanted = {c.provider for c in claims if c.provider in partners.new_providers}
    rows = [
        {"name": name, "type": partners.new_providers[name], "region": "", "status": "active"}
        for name in sorted(wanted)
    ]
    if rows:
        for name, pid in session.execute(insert(Provider).returning(Provider.name, Provider.id), rows):
            partners.providers[name] = pid


def _existing_numbers(session: Session, numbers: list[str]) -> set[str]:
    out: set[str] = set()
    for start in range(0, len(numbers), 1000):
        chunk = numbers[start : start + 1000]
        out.update(session.scalars(select(Claim.claim_number).where(Claim.claim_number.in_(chunk))))
    return out


def _synthetic_id(policy_number: str) -> str:
    return "IMP" + hashlib.sha256(policy_number.encode()).hexdigest()[:20].upper()


def _customer_key(c: HistoricClaim) -> str:
    """The customer's ID number, else one derived from the source's customer id (so that one customer's
    claims on several policies stay one customer), else one per policy."""
    if c.holder_id_number:
        return c.holder_id_number
    if c.customer_ref:
        return "IMPC" + hashlib.sha256(c.customer_ref.encode()).hexdigest()[:20].upper()
    return _synthetic_id(c.policy_number)


def _implied_policy(c: HistoricClaim) -> dict[str, Any]:
    """The policy a row implies when claimops does not hold it yet."""
    incident: date = c.incident_date
    return {
        "policy_number": c.policy_number,
        "line": c.line.value,
        "effective_from": c.effective_from or incident.replace(month=1, day=1),
        "effective_to": c.effective_to or incident.replace(month=12, day=31),
        "sum_insured": c.sum_insured or max(c.claimed_amount, c.paid_amount, Decimal("0.01")),
        "deductible": c.deductible,
        "coinsurance_rate": c.coinsurance_rate,
        "channel": c.channel,
    }


def _terms(session: Session, claims: list[HistoricClaim]) -> dict[str, PolicyTerms]:
    """policy_number -> its terms: those claimops holds, with what it has paid on them, or those the
    first row of the policy number implies (the checker adds what the file pays before each decision)."""
    numbers = sorted({c.policy_number for c in claims})
    in_file = Policy.policy_number.in_(numbers)
    held = {p.policy_number: p for p in session.scalars(select(Policy).where(in_file))}
    paid_held: dict[str, Decimal] = {
        number: to_money(Decimal(str(total)))
        for number, total in session.execute(
            select(Policy.policy_number, func.sum(Payment.amount))
            .join(Claim, Claim.policy_id == Policy.id)
            .join(Payment, Payment.claim_id == Claim.id)
            .where(in_file)
            .group_by(Policy.policy_number)
        )
    }
    terms: dict[str, PolicyTerms] = {}
    keys = ("effective_from", "effective_to", "sum_insured", "deductible", "coinsurance_rate")
    for c in claims:
        if c.policy_number in terms:
            continue
        if (p := held.get(c.policy_number)) is not None:
            terms[c.policy_number] = PolicyTerms(
                p.effective_from,
                p.effective_to,
                p.sum_insured,
                p.deductible,
                p.coinsurance_rate,
                paid_held.get(c.policy_number, ZERO),
            )
        else:
            v = _implied_policy(c)
            terms[c.policy_number] = PolicyTerms(*(v[k] for k in keys))
    return terms


def _check_histories(
    session: Session, actor: Actor, claims: list[HistoricClaim], people: _People, mapping: Mapping
) -> list[RowError]:
    """Every rebuilt history held to claimops's rules by the checker the demo data goes through
    (claims/history.py); a row that breaks one is rejected with the first rule it breaks."""
    terms = _terms(session, claims)
    index = {n: i for i, n in enumerate(terms)}  # stands in for the policy id until it is written
    bulk = [
        _bulk(c, index[c.policy_number], 0, actor, mapping, people, terms[c.policy_number]) for c in claims
    ]
    found = problems(bulk, people=people.persons, settlement=mapping.settlement)
    return [RowError(claims[i].row, "history", why) for i, why in sorted(found.items())]


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
    id_numbers = {c.policy_number: _customer_key(c) for c in todo}
    customers: dict[str, int] = dict(
        session.execute(
            select(Customer.id_number, Customer.id).where(Customer.id_number.in_(list(id_numbers.values())))
        ).all()
    )
    new_customers = [
        {
            "name": c.holder_name or "导入客户",
            "id_number": idn,
            "phone": "",
            "region": c.region,
            "birth_date": c.customer_birth_date,
        }
        for c in todo
        if (idn := id_numbers[c.policy_number]) not in customers
    ]
    unique_new = list({row["id_number"]: row for row in new_customers}.values())
    if unique_new:
        for idn, cid in session.execute(
            insert(Customer).returning(Customer.id_number, Customer.id), unique_new
        ):
            customers[idn] = cid
    policy_rows = [
        {**_implied_policy(c), "customer_id": customers[id_numbers[c.policy_number]]} for c in todo
    ]
    for number, pid, cid in session.execute(
        insert(Policy).returning(Policy.policy_number, Policy.id, Policy.customer_id), policy_rows
    ):
        known[number] = (pid, cid)
    return known


def _bulk(
    c: HistoricClaim, pid: int, cid: int, actor: Actor, mapping: Mapping, people: _People, terms: PolicyTerms
) -> BulkClaim:
    """The claim as the bulk path takes it; steps are the importer's but for the people the row names."""
    by = {
        Action.DECIDE: c.decided_by,
        Action.RELEASE: c.decided_by,  # a release is the decision's own move
        Action.APPROVE: c.approved_by,
        Action.PAY: c.paid_by,
    }
    steps = [
        Step(s.action, s.at, people.id_of(name, actor.id), name or actor.name)
        for s in c.steps
        for name in [by.get(s.action, "")]
    ]
    decide = next((s for s in c.steps if s.action is Action.DECIDE), None)
    approve = next((s for s in c.steps if s.action is Action.APPROVE), None)
    paid = next((s for s in c.steps if s.action is Action.PAY), None)
    decision = None
    if decide is not None and c.outcome is not None:
        outcome, reasons = c.outcome, [mapping.denial_reason] if c.outcome is Outcome.DENIED else []
        if mapping.settlement is SettlementCheck.RULE and outcome is not Outcome.DENIED:
            # as claimops decides: approved, or partial where the sum insured limits the amount
            amount, gross = payable(c.claimed_amount, terms)
            outcome, reasons = (
                (Outcome.PARTIAL, ["LIMIT_REACHED"]) if amount < gross else (Outcome.APPROVED, [])
            )
        decision = BulkDecision(
            outcome=outcome.value,
            assessed_loss=c.claimed_amount,
            approved_amount=c.paid_amount,
            reason_codes=reasons,
            decided_by=people.id_of(c.decided_by, actor.id),
            decided_at=decide.at,
            payment_method="other" if c.paid_amount else None,
            requires_approval=approve is not None,
            approved_by=people.id_of(c.approved_by, None) if approve is not None else None,
            approved_at=approve.at if approve is not None else None,
        )
    payment = None
    if paid is not None:
        payment = BulkPayment(
            amount=c.paid_amount,
            method="other",
            payee_name=c.holder_name or "历史赔款",
            paid_at=paid.at,
            released_by=people.id_of(c.paid_by, actor.id),
            idempotency_key=f"import-{c.claim_number}",
        )
    return BulkClaim(
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
        terms=terms,
    )


def _write(
    session: Session,
    actor: Actor,
    claims: list[HistoricClaim],
    mapping: Mapping,
    people: _People,
    partners: _Partners,
) -> None:
    terms = _terms(session, claims)
    policies = _policies(session, claims)
    bulk = [
        replace(
            _bulk(c, *policies[c.policy_number], actor, mapping, people, terms[c.policy_number]),
            provider_id=partners.providers.get(c.provider),
        )
        for c in claims
    ]
    insurer_of = {policies[c.policy_number][0]: partners.insurers[c.insurer] for c in claims if c.insurer}
    for pid, iid in insurer_of.items():  # the file's insurer for a policy that has none yet
        session.execute(
            update(Policy).where(Policy.id == pid, Policy.insurer_id.is_(None)).values(insurer_id=iid)
        )
    write_claims(session, bulk, people=people.persons, settlement=mapping.settlement)
    session.flush()
    _write_conclusions(session, actor, claims)


def _write_conclusions(session: Session, actor: Actor, claims: list[HistoricClaim]) -> None:
    """The file's investigation conclusions as closed investigations (trigger "import"): the fraud label
    the risk models train on. The source does not say what was saved, so nothing is claimed."""
    concluded = [c for c in claims if c.conclusion]
    if not concluded:
        return
    ids = dict(
        session.execute(
            select(Claim.claim_number, Claim.id).where(
                Claim.claim_number.in_([c.claim_number for c in concluded])
            )
        ).all()
    )
    rows: list[dict[str, Any]] = [
        {
            "claim_id": ids[c.claim_number],
            "trigger": "import",
            "reason": "",
            "findings": [],
            "investigator_name": "import",
            "status": "closed",
            "opened_at": c.reported_at,
            "opened_by": actor.id,
            "closed_at": c.steps[-1].at if c.steps else c.reported_at,
            "closed_by": actor.id,
            "conclusion": c.conclusion,
            "reason_codes": [],
            "amount_saved": ZERO,
            "summary": "",
        }
        for c in concluded
    ]
    session.execute(insert(Investigation), rows)
