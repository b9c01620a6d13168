"""Loading generated demo data through the claims bulk path (which checks every move)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from claimops.claims.bulk import BulkClaim, BulkDecision, BulkPayment, Step, write_claims
from claimops.claims.checklist import doc_types
from claimops.claims.lifecycle import Action
from claimops.claims.models import Claim
from claimops.clock import local_date
from claimops.customers.models import Customer
from claimops.db import session_factory
from claimops.demo.generator import STAFF, DemoData, PlannedClaim, generate
from claimops.demo.truth import ground_truth
from claimops.demo.truth import metadata as truth_metadata
from claimops.documents.models import Document
from claimops.policies.models import Policy
from claimops.users.models import User
from claimops.users.security import hash_password

BATCH = 20000


@dataclass
class SeedReport:
    claims: int
    customers: int
    fraud: int
    users: list[tuple[str, str]]

    def __str__(self) -> str:
        return f"{self.claims} claims, {self.customers} customers, {self.fraud} planted fraud cases"


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _staff(session: Session, password: str) -> dict[str, int]:
    hashed = hash_password(password)  # once: bcrypt is slow by design
    existing = dict(session.execute(select(User.username, User.id)).all())
    rows = [
        {
            "username": u,
            "full_name": n,
            "password_hash": hashed,
            "role": r,
            "authority_limit": lim,
            "active": True,
        }
        for u, r, n, lim in STAFF
        if u not in existing
    ]
    if rows:
        existing.update(dict(session.execute(insert(User).returning(User.username, User.id), rows).all()))
    return existing


def seed_database(
    engine: Engine,
    *,
    claims: int = 5000,
    seed: int = 42,
    end: date | None = None,
    password: str = "demo-pass-2026",
) -> SeedReport:
    """Generate and load demo data; refuses a database that holds claims already."""
    truth_metadata.create_all(engine, checkfirst=True)
    data = generate(claims=claims, seed=seed, end=end)
    with session_factory(engine)() as session, session.begin():
        if session.scalar(select(func.count(Claim.id))):
            raise ValueError("the database already holds claims; seed an empty database")
        users = _staff(session, password)
        customer_ids = _load_customers(session, data)
        for batch in _chunks(data.claims, BATCH):
            _load_claims(session, batch, customer_ids, users, data)
    fraud = sum(1 for c in data.claims if c.fraud)
    return SeedReport(len(data.claims), len(data.customers), fraud, [(u, r) for u, r, _, _ in STAFF])


def _load_customers(session: Session, data: DemoData) -> list[int]:
    ids: dict[str, int] = {}
    rows = [
        {
            "name": c.name,
            "id_number": c.id_number,
            "phone": c.phone,
            "region": c.region,
            "gender": c.gender,
            "birth_date": c.birth_date,
        }
        for c in data.customers
    ]
    for chunk in _chunks(rows, BATCH):
        ids.update(
            dict(session.execute(insert(Customer).returning(Customer.id_number, Customer.id), chunk).all())
        )
    return [ids[c.id_number] for c in data.customers]


def _load_claims(
    session: Session,
    batch: list[PlannedClaim],
    customer_ids: list[int],
    users: dict[str, int],
    data: DemoData,
) -> None:
    policy_rows: list[dict[str, Any]] = [
        {
            "policy_number": f"PL{c.effective_from:%Y}{c.index:08d}",
            "line": c.line,
            "customer_id": customer_ids[c.customer],
            "effective_from": c.effective_from,
            "effective_to": c.effective_to,
            "sum_insured": c.sum_insured,
            "deductible": c.deductible,
            "coinsurance_rate": c.coinsurance,
            "premium": c.premium,
            "channel": c.channel,
        }
        for c in batch
    ]
    policy_ids = dict(
        session.execute(insert(Policy).returning(Policy.policy_number, Policy.id), policy_rows).all()
    )
    bulk = [
        _bulk(c, policy_ids[row["policy_number"]], customer_ids[c.customer], users, data)
        for c, row in zip(batch, policy_rows, strict=True)
    ]
    ids = write_claims(session, bulk)
    documents = [row for c, b in zip(batch, bulk, strict=True) for row in _documents(c, ids[b.claim_number])]
    if documents:
        session.execute(insert(Document), documents)
    session.execute(
        insert(ground_truth),
        [
            {"claim_id": ids[b.claim_number], "fraud": c.fraud, "pattern": c.pattern}
            for c, b in zip(batch, bulk, strict=True)
        ],
    )


PLACEHOLDER = hashlib.sha256(b"claimops demo document").hexdigest()


def _documents(c: PlannedClaim, claim_id: int) -> list[dict[str, Any]]:
    """Metadata of the required documents, received when the claim was accepted (demo: no files)."""
    accepted = next((s for s in c.steps if s.action is Action.ACCEPT), None)
    if accepted is None:
        return []
    required, _ = doc_types(c.line)
    # a claim asked for more documents had one missing until review started
    late = next((s for s in c.steps if s.action is Action.START_REVIEW), None)
    asked = any(s.action is Action.REQUEST_DOCUMENTS for s in c.steps)
    rows = []
    for i, doc in enumerate(required):
        at = late.at if asked and i == len(required) - 1 and late else accepted.at
        if asked and i == len(required) - 1 and late is None:
            continue
        rows.append(
            {
                "claim_id": claim_id,
                "doc_type": doc,
                "filename": f"{doc}.pdf",
                "content_type": "application/pdf",
                "size": 0,
                "sha256": PLACEHOLDER,
                "uploaded_by": None,
                "uploaded_at": at,
            }
        )
    return rows


def _bulk(
    c: PlannedClaim, policy_id: int, customer_id: int, users: dict[str, int], data: DemoData
) -> BulkClaim:
    def uid(name: str | None) -> int | None:
        return None if name is None else users[name]

    steps = [Step(s.action, s.at, uid(s.user), s.user or "system", s.note) for s in c.steps]
    decided = any(s.action is Action.DECIDE for s in c.steps)
    method = (
        "direct_to_provider" if c.line == "health" and c.provider_id and c.index % 5 < 2 else "bank_transfer"
    )
    decision = None
    if decided and c.outcome and c.decided_at is not None:
        decision = BulkDecision(
            outcome=c.outcome,
            assessed_loss=c.assessed if c.assessed is not None else c.claimed,
            approved_amount=c.approved if c.approved is not None else Decimal("0.00"),
            reason_codes=c.reasons,
            decided_by=uid(c.decided_by),
            decided_at=c.decided_at,
            payment_method=None if c.outcome == "denied" else method,
            requires_approval=c.requires_approval,
            approved_by=uid(c.approved_by),
            approved_at=c.approved_at,
        )
    payment = None
    if c.paid_at is not None and c.approved:
        payment = BulkPayment(
            c.approved,
            method,
            "客户" if method == "bank_transfer" else "合作医疗机构",
            c.paid_at,
            uid(c.paid_by),
            f"demo-{c.index}",
        )
    return BulkClaim(
        claim_number=f"CL{local_date(c.reported_at):%Y%m%d}{c.index:08d}",
        policy_id=policy_id,
        customer_id=customer_id,
        line=c.line,
        incident_date=c.incident_date,
        reported_at=c.reported_at,
        claimed_amount=c.claimed,
        steps=steps,
        reporter_id=None,
        reporter=c.channel,
        region=c.region,
        channel=c.channel,
        description="",
        decision=decision,
        payment=payment,
        handler_id=uid(c.handler) if any(s.action is Action.ACCEPT for s in c.steps) else None,
        provider_id=c.provider_id,
        straight_through=c.straight_through and decided,
        reopen_count=1 if c.reopened else 0,
    )
