"""Checking the whole ledger against its hash chain (`claimops audit verify`)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from claimops.claims.ledger import Problem, StoredEvent, check_history
from claimops.claims.models import Claim, ClaimEvent

CLAIMS_PER_BATCH = 5_000


@dataclass
class LedgerReport:
    claims: int = 0
    events: int = 0
    problems: list[Problem] = field(default_factory=list)  # the first `keep` of them
    problem_count: int = 0
    digest: str = ""  # sha256 over every claim's number and head, in claim id order

    @property
    def intact(self) -> bool:
        return self.problem_count == 0


def _heads(session: Session) -> Iterator[list[tuple[int, str, int, str]]]:
    """(id, claim_number, ledger_seq, ledger_head) of all claims, in batches by id."""
    last = 0
    while True:
        batch = session.execute(
            select(Claim.id, Claim.claim_number, Claim.ledger_seq, Claim.ledger_head)
            .where(Claim.id > last)
            .order_by(Claim.id)
            .limit(CLAIMS_PER_BATCH)
        ).all()
        if not batch:
            return
        yield [tuple(r) for r in batch]  # type: ignore[misc]
        last = batch[-1][0]


def ledger_digest(session: Session) -> str:
    """One hash over every claim's head: equal digests, equal ledgers (given each verifies)."""
    h = hashlib.sha256()
    for batch in _heads(session):
        _digest_heads(h, batch)
    return h.hexdigest()


def _digest_heads(h: Any, batch: list[tuple[int, str, int, str]]) -> None:
    h.update("".join(f"{number} {seq} {head}\n" for _, number, seq, head in batch).encode())


def verify_ledger(*, session: Session, keep: int = 1000) -> LedgerReport:
    """Recompute every claim's chain; the first break of each broken claim is a problem."""
    report = LedgerReport()
    digest = hashlib.sha256()
    for batch in _heads(session):
        _digest_heads(digest, batch)
        lo, hi = batch[0][0], batch[-1][0]
        rows = (
            session.connection()
            .execute(  # Core rows: no ORM loading per event
                select(
                    ClaimEvent.claim_id,
                    ClaimEvent.seq,
                    ClaimEvent.action,
                    ClaimEvent.from_status,
                    ClaimEvent.to_status,
                    ClaimEvent.actor_id,
                    ClaimEvent.actor,
                    ClaimEvent.at,
                    ClaimEvent.note,
                    ClaimEvent.data,
                    ClaimEvent.hash,
                )
                .where(ClaimEvent.claim_id.between(lo, hi))
                .order_by(ClaimEvent.claim_id, ClaimEvent.seq)
            )
            .all()
        )
        by_claim = {cid: list(group) for cid, group in groupby(rows, key=lambda r: r[0])}
        for cid, number, head_seq, head_hash in batch:
            history = [StoredEvent(*r[1:]) for r in by_claim.get(cid, [])]
            report.claims += 1
            report.events += len(history)
            problem = check_history(number, head_seq, head_hash, history)
            if problem is not None:
                report.problem_count += 1
                if len(report.problems) < keep:
                    report.problems.append(problem)
    report.digest = digest.hexdigest()
    return report
