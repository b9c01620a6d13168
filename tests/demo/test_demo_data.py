from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from claimops import bulkload
from claimops.claims import columnar, history
from claimops.claims.models import Claim, ClaimTiming, Decision
from claimops.claims.settlement import payable
from claimops.claims.timing import stage_durations
from claimops.db import Money
from claimops.demo import bulk
from claimops.demo import generator as g
from claimops.demo.bulk import seed_database
from claimops.demo.generator import generate
from claimops.demo.truth import ground_truth
from claimops.errors import ValidationFailed
from claimops.payments.guards import REFUSAL
from claimops.payments.models import Payment
from claimops.policies.models import Policy
from claimops.policies.terms import PolicyTerms

END = date(2026, 9, 30)


def fingerprint(seed: int) -> list[tuple[int, int, int, int]]:
    c = generate(300, seed, END).claims
    return list(
        zip(
            c["line"].tolist(),
            c["claimed"].tolist(),
            c["reported_at"].tolist(),
            c["outcome"].tolist(),
            strict=True,
        )
    )


def test_same_seed_same_data_other_seed_other_data() -> None:
    assert fingerprint(7) == fingerprint(7)
    assert fingerprint(7) != fingerprint(8)


def test_mix_fraud_and_seasonality_are_realistic() -> None:
    data = generate(6000, 3, END)
    c, n = data.claims, 6000
    share = np.bincount(c["line"], minlength=len(g.LINES)) / n
    assert 0.50 < share[g.AUTO] < 0.60 and 0.25 < share[g.HEALTH] < 0.35
    fraud = data.truth["fraud"]
    assert 0.02 <= fraud.mean() <= 0.06
    patterns = {g.PATTERNS[p] for p in np.unique(data.truth["pattern"][fraud])}
    assert patterns == {"auto_early_night_round", "health_repeat_provider", "property_near_expiry_large"}
    decided = c["outcome"] >= 0
    assert 0.05 < (c["outcome"][decided] == g.DENIED).mean() < 0.2
    # Shanghai months of auto reports: winter peak
    local_days = (c["reported_at"] + g.SHANGHAI_OFFSET) // g.DAY
    months = np.array([g.to_date(d).month for d in local_days[c["line"] == g.AUTO]])
    assert np.isin(months, (1, 12)).sum() > np.isin(months, (5, 9)).sum()
    assert (c["reopen_count"] > 0).any()


def test_seeded_database_follows_the_rules(empty_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "CHUNK", 300)  # several chunks, and COPY blocks, per table
    monkeypatch.setattr(bulkload, "COPY_ROWS", 1000)
    report = seed_database(empty_engine, claims=800, seed=11, end=END, password="demo-pass-2026")
    assert report.claims == 800
    with Session(empty_engine) as s:
        assert s.scalar(select(func.count(Claim.id))) == 800
        # approved amounts are what the settlement rule gives
        rows = s.execute(
            select(
                Decision.assessed_loss,
                Decision.approved_amount,
                Policy.effective_from,
                Policy.effective_to,
                Policy.sum_insured,
                Policy.deductible,
                Policy.coinsurance_rate,
            )
            .join(Claim, Claim.id == Decision.claim_id)
            .join(Policy, Policy.id == Claim.policy_id)
            .where(Decision.outcome != "denied")
        ).all()
        assert len(rows) > 500
        for assessed, approved, f, t, si, ded, rate in rows:
            assert approved == payable(assessed, PolicyTerms(f, t, si, ded, rate))[0]
        # payments never exceed the approval; one per decision
        over = s.scalar(
            select(func.count())
            .select_from(Payment)
            .join(Decision, Decision.id == Payment.decision_id)
            .where(Payment.amount > Decision.approved_amount)
        )
        assert over == 0
        # timings equal the definition recomputed from the stored events
        for claim in s.scalars(select(Claim).order_by(Claim.id).limit(150)):
            d = stage_durations(claim.events)
            t_row = s.get(ClaimTiming, claim.id)
            assert t_row is not None
            assert (t_row.acceptance_s, t_row.review_s, t_row.payment_s, t_row.handling_s) == (
                d.acceptance,
                d.review,
                d.payment,
                d.handling,
            )
        truth = s.execute(select(ground_truth.c.fraud, func.count()).group_by(ground_truth.c.fraud)).all()
        assert sum(n for _, n in truth) == 800 and dict(truth).get(True, 0) > 10
        assert "fraud" not in Claim.__table__.c  # ground truth is not on the claim
    with pytest.raises(ValueError, match="already holds 800 claims"):
        seed_database(empty_engine, claims=10, seed=1, end=END)


def test_money_as_float_is_stored_as_its_text_would_be() -> None:
    """The SQLite loader binds cents / 100 where SQLAlchemy's Money binds "12.34": NUMERIC affinity
    must store the same value and type for both, for every amount the generator makes."""
    data = generate(3000, 5, END)
    cents = np.unique(
        np.r_[
            data.claims["claimed"],
            data.decisions["assessed"],
            data.decisions["approved"],
            data.payments["amount"],
            data.policies["sum_insured"],
            data.policies["premium"],
            np.arange(0, 100_000),  # every cent pattern
            [10**12 - 1, 10**13 + 7, 999_999_999_999],  # the largest NUMERIC(14, 2) amounts
        ]
    )
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (as_text NUMERIC(14, 2), as_float NUMERIC(14, 2))")
    db.executemany(
        "INSERT INTO t VALUES (?, ?)",
        zip([f"{c // 100}.{c % 100:02d}" for c in cents.tolist()], (cents / 100).tolist(), strict=True),
    )
    assert db.execute("SELECT COUNT(*) FROM t").fetchone() == (len(cents),)
    differ = db.execute(
        "SELECT COUNT(*) FROM t WHERE as_text IS NOT as_float OR typeof(as_text) != typeof(as_float)"
    ).fetchone()
    assert differ == (0,)
    # and both read back through the Money type as the exact cents
    read = [
        Money().process_result_value(v, sqlite.dialect()) for (v,) in db.execute("SELECT as_float FROM t")
    ]
    assert read == [Decimal(c).scaleb(-2) for c in cents.tolist()]


class _Recorder(bulkload.Writer):
    """Collects what the writer would send, per table: SQLite's rows, PostgreSQL's COPY text."""

    def __init__(self, fmt: bulkload.Format) -> None:
        self.fmt = fmt
        self.got: dict[str, list[object]] = {}

    def table(self, table: str, chunks: Iterator[bulkload.Rows]) -> None:
        out = self.got.setdefault(table, [])
        for cols in chunks:
            if self.fmt.pg:
                out.append(bulkload.copy_text(self.fmt, cols))
            else:
                out.extend(zip(*[self.fmt.values(c) for _, c in cols], strict=True))


def _recorded(data: g.DemoData, pg: bool) -> dict[str, object]:
    ids = bulk._Ids(base=dict.fromkeys(bulk.ID_TABLES, 10), users=np.r_[np.arange(1, len(g.STAFF) + 1), 0])
    rec = _Recorder(bulkload.Format(pg, *bulk._day_range(data)))
    ev = data.events
    timings = columnar.stage_timings(ev["claim"], ev["at"], ev["to_status"], len(data.claims["line"]))
    bulk._write_all(rec, data, timings, ids)
    return {t: b"".join(v) if pg else v for t, v in rec.got.items()}  # type: ignore[arg-type]


@pytest.mark.parametrize("pg", [False, True], ids=["sqlite", "postgresql"])
def test_chunked_writing_gives_the_rows_of_one_chunk(pg: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    data = generate(700, 9, END)
    whole = _recorded(data, pg)
    monkeypatch.setattr(bulk, "CHUNK", 37)  # chunk edges fall inside claims' event and payment runs
    chunked = _recorded(data, pg)
    assert set(whole) == set(bulk.TABLES)
    assert chunked == whole
    if not pg:
        events = whole["claim_events"]
        assert isinstance(events, list) and len(events) == len(data.events["claim"])
        assert [r[0] for r in events] == list(range(10, 10 + len(events)))  # ids run on across chunks


def test_items_built_ahead_arrive_in_order_and_errors_reach_the_consumer() -> None:
    assert list(bulkload.ahead(iter(range(1000)))) == list(range(1000))

    def failing() -> Iterator[int]:
        yield 1
        raise ValidationFailed("bad chunk", code="BAD_HISTORY")

    got: list[int] = []
    with pytest.raises(ValidationFailed, match="bad chunk"):
        got.extend(bulkload.ahead(failing()))
    assert got == [1]
    # a consumer that stops early leaves no thread behind
    before = threading.active_count()
    for item in bulkload.ahead(iter(range(1000))):
        if item == 3:
            break
    assert threading.active_count() == before


@given(
    assessed=st.integers(0, 10**11),
    deductible=st.integers(0, 10**8),
    bp=st.integers(0, 10_000),
    sum_insured=st.integers(0, 10**11),
    paid=st.integers(0, 10**11),
)
def test_integer_cent_payable_is_the_settlement_rule(
    assessed: int, deductible: int, bp: int, sum_insured: int, paid: int
) -> None:
    """The loader checks every decision with this form (and `settle` itself for a sample above
    SETTLE_EACH decisions): it must be `settlement.payable` exactly."""
    got = columnar.payable_cents(*(np.array([v]) for v in (assessed, deductible, bp, sum_insured, paid)))
    terms = PolicyTerms(
        END, END, Decimal(sum_insured).scaleb(-2), Decimal(deductible).scaleb(-2),
        Decimal(bp).scaleb(-4), Decimal(paid).scaleb(-2),
    )  # fmt: skip
    want = payable(Decimal(assessed).scaleb(-2), terms)
    assert (Decimal(int(got[0][0])).scaleb(-2), Decimal(int(got[1][0])).scaleb(-2)) == want


@pytest.mark.parametrize("sampled", [False, True], ids=["each-decision", "sampled"])
def test_check_refuses_a_wrong_amount_or_reason(sampled: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if sampled:  # the 1M path: integer cents for all, settle for the special ones and a sample
        monkeypatch.setattr(history, "SETTLE_EACH", 0)
        monkeypatch.setattr(history, "SETTLE_SAMPLE", 10)
    data = generate(1500, 4, END)
    bulk.check(data)
    dec = data.decisions
    paid = np.flatnonzero(dec["outcome"] != g.DENIED)  # checked before the payments are
    wrong = generate(1500, 4, END)
    wrong.decisions["approved"][paid[0]] += 1
    with pytest.raises(ValidationFailed, match="approved amount is not the payable amount"):
        bulk.check(wrong)
    # a partial decision that lost its reason: only `settle` sees this (and refuses it)
    partial = np.flatnonzero(
        (dec["outcome"] == g.PARTIAL) & (dec["reasons"][:, 1] < 0) & (dec["reasons"][:, 0] >= 0)
    )
    assert len(partial) > 0
    other = generate(1500, 4, END)
    other.decisions["reasons"][partial[0], 0] = -1
    with pytest.raises(ValidationFailed, match="a partial approval needs at least one reason code"):
        bulk.check(other)


def _payment_guard_refuses(engine: Engine) -> bool:
    """Whether the database refuses a second payment of a paid claim's decision amount, past the service."""
    with Session(engine) as s:
        paid = s.execute(select(Payment.claim_id, Payment.decision_id, Payment.amount).limit(1)).one()
        decision = s.scalar(
            select(Decision.id).where(Decision.claim_id == paid.claim_id).order_by(Decision.id.desc())
        )
        try:
            s.execute(
                insert(Payment).values(
                    claim_id=paid.claim_id,
                    decision_id=decision,
                    idempotency_key="guard-probe",
                    request_hash="x",
                    amount=paid.amount,
                    method="other",
                    payee_name="x",
                    paid_at=datetime(2026, 9, 30, tzinfo=UTC),
                )
            )
        except IntegrityError as exc:
            return REFUSAL in str(exc.orig)
        finally:
            s.rollback()
    return False


def test_the_load_checks_the_payment_guard_and_puts_it_back(
    empty_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the loader sets the trigger aside for speed: its rule is still checked over the loaded rows
    data = generate(300, 8, END)
    d = int(np.flatnonzero(data.payments["amount"] > 0)[0])
    data.payments["amount"][d] += 100  # one yuan above the decision's payable
    monkeypatch.setattr(bulk.g, "generate", lambda **_: data)
    monkeypatch.setattr(bulk, "check", lambda _: None)  # as if the up-front check had missed it
    with pytest.raises(ValidationFailed, match="paid above its approved total"):
        seed_database(empty_engine, claims=300, seed=8, end=END)
    with Session(empty_engine) as s:
        assert s.scalar(select(func.count(Claim.id))) == 0  # nothing stayed
    monkeypatch.undo()
    seed_database(empty_engine, claims=300, seed=8, end=END)
    assert _payment_guard_refuses(empty_engine)  # and the trigger is back after a load
