"""The claim ledger is append-only and verifiable: every writer chains events by hash, `audit verify`
finds edited, missing and truncated history, and the database refuses TRUNCATE as well as UPDATE and
DELETE."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from claimops.claims.bulk import BulkClaim, Person, Step, write_claims
from claimops.claims.ledger import (
    GENESIS,
    EventContent,
    StoredEvent,
    chain,
    check_history,
    digest,
    fields_text,
    head_text,
)
from claimops.claims.lifecycle import Action
from claimops.claims.models import Claim, ClaimEvent
from claimops.cli import app
from claimops.config import Settings, get_settings
from claimops.migrate import downgrade, upgrade
from claimops.users.roles import Role
from factories import (
    Walk,
    allow_ledger_writes,
    at,
    committed_claims,
    ledger_problems,
    make_policy,
    paid_claim,
)

EVENT = EventContent(
    claim_number="CL2026010100000001",
    seq=2,
    action="decide",
    from_status="under_review",
    to_status="decided",
    actor_id=7,
    actor="reviewer",
    at=datetime(2026, 1, 2, 3, 4, 5, 600000, tzinfo=UTC),
    note="复核通过",
    data={
        "outcome": "approved",
        "approved_amount": "9000.00",
        "reason_codes": [],
        "requires_approval": False,
    },
)


def test_the_canonical_content_is_fixed() -> None:
    # the text the hash covers, as docs/promises.md describes it; a change here breaks every ledger
    canonical = (
        '["' + "ab" * 32 + '","CL2026010100000001",2,"decide","under_review","decided",7,"reviewer",'
        '"2026-01-02T03:04:05.600000Z","\\u590d\\u6838\\u901a\\u8fc7"]'
        '{"approved_amount":"9000.00","outcome":"approved","reason_codes":[],"requires_approval":false}'
    )
    assert EVENT.hash("ab" * 32) == hashlib.sha256(canonical.encode()).hexdigest()
    # the same instant in another zone is the same content
    shanghai = replace(EVENT, at=EVENT.at.astimezone(datetime.now().astimezone().tzinfo))
    assert shanghai.hash("ab" * 32) == EVENT.hash("ab" * 32)


text_fields = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)  # NUL, quotes, 中文, …


@given(
    prev=st.sampled_from([GENESIS, "ab" * 32]),
    strings=st.lists(text_fields, min_size=6, max_size=6),
    from_status=st.none() | text_fields,
    seq=st.integers(1, 10**6),
    actor_id=st.none() | st.integers(0, 2**31),
)
def test_the_written_out_head_is_json_dumps(
    prev: str, strings: list[str], from_status: str | None, seq: int, actor_id: int | None
) -> None:
    number, action, to_status, actor, at_, note = strings
    fields = [number, seq, action, from_status, to_status, actor_id, actor, at_, note]
    want = json.dumps([prev, *fields], separators=(",", ":"))
    assert head_text(prev, *fields) == want
    # the bulk writers' path: fields written once, chained from the genesis then from the first
    first = digest(head_text(GENESIS, *fields), "{}")
    then = digest(head_text(first, *fields), "{}")
    assert chain([True, False], [fields_text(*fields)] * 2, ["{}"] * 2) == [first, then]


def test_any_change_to_an_event_changes_its_hash() -> None:
    base = EVENT.hash(GENESIS)
    variants = [
        replace(EVENT, claim_number="CL2026010100000002"),
        replace(EVENT, seq=3),
        replace(EVENT, action="approve"),
        replace(EVENT, from_status=None),
        replace(EVENT, actor_id=None),
        replace(EVENT, actor="approver"),
        replace(EVENT, at=EVENT.at + timedelta(microseconds=1)),
        replace(EVENT, note=""),
        replace(EVENT, data={**EVENT.data, "approved_amount": "9000.01"}),
    ]
    assert len({v.hash(GENESIS) for v in variants} | {base}) == len(variants) + 1
    assert EVENT.hash("0" * 64) != base


def _chain(n: int) -> list[StoredEvent]:
    out, prev = [], GENESIS
    for seq in range(1, n + 1):
        content = replace(EVENT, seq=seq)
        prev = content.hash(prev)
        out.append(content.stored(prev))
    return out


def test_check_history_names_the_first_bad_seq_and_its_kind() -> None:
    chain = _chain(4)
    head = chain[-1].hash
    assert check_history(EVENT.claim_number, 4, head, chain) is None
    edited = [chain[0], chain[1]._replace(note="x"), *chain[2:]]
    assert _found(check_history(EVENT.claim_number, 4, head, edited)) == (2, "edited")
    assert _found(check_history(EVENT.claim_number, 4, head, [chain[0], *chain[2:]])) == (2, "missing")
    assert _found(check_history(EVENT.claim_number, 4, head, chain[:3])) == (4, "truncated")
    assert _found(check_history(EVENT.claim_number, 4, head, [])) == (1, "truncated")
    assert _found(check_history(EVENT.claim_number, 3, chain[2].hash, chain)) == (4, "edited")
    assert _found(check_history(EVENT.claim_number, 4, "f" * 64, chain)) == (4, "edited")


def _found(problem: object) -> tuple[int, str]:
    assert problem is not None
    return problem.seq, problem.kind  # type: ignore[attr-defined]


def _events(session: Session, number: str) -> list[ClaimEvent]:
    session.expire_all()
    return list(
        session.scalars(
            select(ClaimEvent).join(Claim).where(Claim.claim_number == number).order_by(ClaimEvent.seq)
        )
    )


def test_the_services_chain_every_event(session: Session, settings: Settings) -> None:
    walk = paid_claim(session, settings)
    events = _events(session, walk.number)
    claim = session.scalars(select(Claim).where(Claim.claim_number == walk.number)).one()
    assert [e.seq for e in events] == [1, 2, 3, 4, 5, 6]  # report … decide, release, pay
    assert claim.ledger_seq == 6 and claim.ledger_head == events[-1].hash
    prev = GENESIS
    for e in events:  # read back from the database: the same text on SQLite and PostgreSQL
        content = EventContent(
            walk.number,
            e.seq,
            e.action,
            e.from_status,
            e.to_status,
            e.actor_id,
            e.actor,
            e.at,
            e.note,
            e.data,
        )
        assert content.hash(prev) == e.hash
        prev = e.hash
    assert ledger_problems(session, walk.number) == {}


def test_verify_finds_an_edited_event(session: Session, settings: Settings) -> None:
    walk, other = paid_claim(session, settings), paid_claim(session, settings)
    allow_ledger_writes(session.connection())
    session.execute(
        text("UPDATE claim_events SET note = 'backdated' WHERE seq = 4 AND claim_id = :c"),
        {"c": walk.claim.id},
    )
    assert ledger_problems(session, walk.number, other.number) == {walk.number: (4, "edited")}


def test_verify_finds_a_missing_event(session: Session, settings: Settings) -> None:
    walk = paid_claim(session, settings)
    allow_ledger_writes(session.connection())
    session.execute(text("DELETE FROM claim_events WHERE seq = 3 AND claim_id = :c"), {"c": walk.claim.id})
    assert ledger_problems(session, walk.number) == {walk.number: (3, "missing")}


def test_a_deleted_last_event_stays_found_after_the_next_event(session: Session, settings: Settings) -> None:
    walk = paid_claim(session, settings)
    allow_ledger_writes(session.connection())
    session.execute(text("DELETE FROM claim_events WHERE seq = 6 AND claim_id = :c"), {"c": walk.claim.id})
    session.expunge_all()  # as another request would: nothing of the deleted event in memory
    assert ledger_problems(session, walk.number) == {walk.number: (6, "truncated")}
    walk.do("close", 1)  # the writer appends after the recorded head, so the gap stays
    assert [e.seq for e in _events(session, walk.number)] == [1, 2, 3, 4, 5, 7]
    assert ledger_problems(session, walk.number) == {walk.number: (6, "missing")}


def test_verify_finds_a_truncated_table(session: Session, settings: Settings) -> None:
    walks = [paid_claim(session, settings) for _ in range(2)]
    allow_ledger_writes(session.connection())
    truncate = (
        "TRUNCATE claim_events"
        if session.get_bind().dialect.name == "postgresql"
        else "DELETE FROM claim_events"
    )
    session.execute(text(truncate))
    numbers = [w.number for w in walks]
    assert ledger_problems(session, *numbers) == dict.fromkeys(numbers, (1, "truncated"))


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE claim_events",
        "TRUNCATE claims CASCADE",
        "DELETE FROM claim_events",
        "UPDATE claim_events SET note = ''",
    ],
)
def test_the_database_refuses_to_rewrite_the_ledger(
    session: Session, settings: Settings, statement: str
) -> None:
    paid_claim(session, settings)
    if statement.startswith("TRUNCATE") and session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE (DELETE without WHERE is refused instead)")
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(text(statement))


def test_the_historic_import_chains_its_events(session: Session) -> None:
    policy = make_policy(session, effective_from="2025-01-01", effective_to="2026-12-31")
    t = at(2025, 6, 1)
    claim = BulkClaim(
        claim_number="CLIMPORT" + policy.policy_number[-12:],
        policy_id=policy.id,
        customer_id=policy.customer_id,
        line="auto",
        incident_date=(t - timedelta(days=1)).date(),
        reported_at=t,
        claimed_amount=Decimal("1200.00"),
        steps=[
            Step(Action.ACCEPT, t + timedelta(days=1), actor="handler", note="收到"),
            Step(Action.WITHDRAW, t + timedelta(days=2), actor="handler", data={"by": "客户"}),
        ],
    )
    write_claims(session, [claim], people={None: Person(Role.HANDLER, None)})
    events = _events(session, claim.claim_number)
    row = session.scalars(select(Claim).where(Claim.claim_number == claim.claim_number)).one()
    assert len(events) == 3 and all(len(e.hash) == 64 for e in events)
    assert (row.ledger_seq, row.ledger_head) == (3, events[-1].hash)
    assert ledger_problems(session, claim.claim_number) == {}


@pytest.fixture
def configured(empty_engine: Engine, tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The CLI's configured database is this test's own migrated one."""
    monkeypatch.setenv("CLAIMOPS_DATABASE_URL", empty_engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    yield empty_engine
    get_settings.cache_clear()


def test_audit_verify_command(configured: Engine, settings: Settings) -> None:
    numbers = committed_claims(configured, settings, 3)
    ok = CliRunner().invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "ledger intact: 3 claims, 18 events checked" in ok.stdout
    with configured.begin() as conn:
        allow_ledger_writes(conn)
        conn.execute(
            text("UPDATE claim_events SET data = '{}' WHERE seq = 4 AND claim_id = "
                 "(SELECT id FROM claims WHERE claim_number = :n)"),
            {"n": numbers[1]},
        )  # fmt: skip
        conn.execute(
            text("DELETE FROM claim_events WHERE seq >= 5 AND claim_id = "
                 "(SELECT id FROM claims WHERE claim_number = :n)"),
            {"n": numbers[2]},
        )  # fmt: skip
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE claim_events ENABLE TRIGGER USER"))
    broken = CliRunner().invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1, broken.output
    assert f"{numbers[1]}: seq 4 edited" in broken.stdout
    assert f"{numbers[2]}: seq 5 truncated" in broken.stdout
    assert numbers[0] not in broken.stdout
    assert "ledger BROKEN in 2 claim(s)" in broken.stdout


def test_the_migration_chains_existing_events(empty_engine: Engine, settings: Settings) -> None:
    committed_claims(empty_engine, settings, 2)
    with empty_engine.connect() as conn:
        before = conn.execute(text("SELECT id, hash FROM claim_events ORDER BY id")).all()
    url = empty_engine.url.render_as_string(hide_password=False)
    downgrade(url, "0003")  # events without hashes, as before the ledger
    with empty_engine.connect() as conn:
        assert "hash" not in {c["name"] for c in inspect(conn).get_columns("claim_events")}
    upgrade(url)
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT id, hash FROM claim_events ORDER BY id")).all() == before
    with Session(empty_engine) as s:
        from claimops.claims.audit import verify_ledger

        report = verify_ledger(session=s)
        assert report.intact and report.claims == 2 and report.events == 12


def test_a_report_retried_under_a_new_number_is_chained_under_it(
    session: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimops.claims import service

    taken = paid_claim(session, settings).number
    fresh = f"CL{uuid.uuid4().int % 10**18:018d}"
    numbers = iter([taken, fresh])  # the first number collides with an existing claim
    monkeypatch.setattr(service, "new_claim_number", lambda _at: next(numbers))
    policy = make_policy(session, effective_from="2025-01-01", effective_to="2026-12-31")
    walk = Walk(session, settings, policy, at(2026, 3, 5), "500").do("accept", 1)
    assert walk.number == fresh
    assert ledger_problems(session, fresh, taken) == {}
