"""Loading the generated demo data: check every rule first, then write columns fast.

Before anything is written, `check()` holds the generated data to the rules the API enforces, for
every row, with the checker every bulk path uses (claims/history.py): the state machine, roles,
the settlement rule, authority and four eyes, payments, documents. Stage timings are the definition
of `claims/timing.py` over arrays (claims/columnar.py, property-tested against `stage_durations`).

Writing happens in one transaction, in chunks of claims so memory stays flat, with ids assigned
here, through the bulk writer (claimops/bulkload.py: executemany on SQLite inside the BEGIN IMMEDIATE
of `make_engine` with bulk PRAGMAs around it, COPY on PostgreSQL; secondary indexes and foreign keys
set aside for the load and put back after it, which re-validates every reference). The payment guard
(a trigger, migration 0004) is set aside likewise and its rule checked over all loaded payments in
one query before it is put back.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import numpy as np
from sqlalchemy import Connection, Engine, func, insert, select

from claimops.bulkload import Clock, Col, Format, Rows, Writer, opt, set_aside
from claimops.claims import history, ledger
from claimops.claims.approval import ABOVE_CLAIMED, AUTHORITY
from claimops.claims.columnar import AC, stage_timings
from claimops.claims.lifecycle import Action
from claimops.claims.models import Claim
from claimops.clock import utcnow
from claimops.config import get_settings
from claimops.db import allow_long_statements
from claimops.demo import generator as g
from claimops.demo import names
from claimops.demo import partners as demo_partners
from claimops.demo.customers import seed_customers
from claimops.demo.investigations import seed_investigations
from claimops.demo.team import seed_team
from claimops.demo.truth import metadata as truth_metadata
from claimops.documents import storage
from claimops.errors import ValidationFailed
from claimops.payments import guards as guard
from claimops.users.models import User
from claimops.users.passwords import password_problem
from claimops.users.roles import Role
from claimops.users.security import hash_password

Arr = g.Arr
Cols = g.Cols
CHUNK = 25_000  # claims per write batch: two in memory at once on SQLite (one built ahead)
TABLES = (
    "customers",
    "policies",
    "claims",
    "claim_events",
    "claim_timings",
    "decisions",
    "payments",
    "documents",
    "demo_ground_truth",
)
ID_TABLES = ("customers", "policies", "claims", "claim_events", "decisions", "payments", "documents")


@dataclass
class SeedReport:
    customers: int
    policies: int
    claims: int
    events: int
    decisions: int
    payments: int
    documents: int
    fraud: int
    users: list[tuple[str, str]]  # (username, role) of the demo staff
    seconds: float = 0.0
    # seconds per phase, to see where time goes (on SQLite, "build" runs in a thread during "write")
    phases: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds of this process per phase

    def __str__(self) -> str:
        return (
            f"{self.claims:,} claims ({self.events:,} events, {self.decisions:,} decisions, "
            f"{self.payments:,} payments), {self.customers:,} customers, {self.policies:,} policies, "
            f"{self.documents:,} documents, {self.fraud:,} planted fraud cases in {self.seconds:.1f} s"
        )


def seed_database(
    engine: Engine,
    *,
    claims: int = 5000,
    seed: int = 42,
    end: date | None = None,
    password: str = "demo-pass-2026",
    data_dir: Path | None = None,
) -> SeedReport:
    """Generate, check and load demo data into a database without claims (ValueError otherwise).
    The documents' placeholder files go into the store under `data_dir` (default: the settings')."""
    if problem := password_problem(password):
        raise ValueError(f"the demo users' password: {problem}")
    started = time.perf_counter()
    phases: dict[str, float] = {}
    cpu: dict[str, float] = {}
    clock = Clock(phases, cpu)
    with engine.connect() as conn:
        _refuse_if_claims(conn)  # before the work of generating, and again inside the load
    data = g.generate(claims=claims, seed=seed, end=end)
    clock.lap("generate")
    check(data)
    clock.lap("check rules")
    ev = data.events
    timings = stage_timings(ev["claim"], ev["at"], ev["to_status"], claims)
    clock.lap("stage timings")
    hashed = hash_password(password)  # once for all demo users: bcrypt is slow by design
    clock.lap("hash password")
    store_placeholders(data_dir or get_settings().data_dir)
    clock.lap("store documents")
    demo_partners.seed_providers(engine)  # claims.provider_id points at them
    if engine.dialect.name == "sqlite":
        _load_sqlite(engine, data, timings, hashed, clock)
    elif engine.dialect.name == "postgresql":
        _load_postgres(engine, data, timings, hashed, clock)
    else:
        raise ValueError(f"demo data loads into SQLite or PostgreSQL, not {engine.dialect.name}")
    partner_users, partner_events = demo_partners.seed_partners(
        engine, seed=seed, password=password, settings=get_settings()
    )
    clock.lap("partners")
    # after the disputes' supplementary decisions: surveys see each claim's whole history
    seed_customers(engine, seed=seed)  # portal accounts, survey answers, improvement actions
    clock.lap("customers and surveys")
    seed_team(engine, seed=seed, hashed=hashed, cutoff=data.cutoff)
    clock.lap("team and training")
    # the conclusions are the fraud labels the models train on; the planted truth decides them here
    seed_investigations(engine, data, seed=seed)
    clock.lap("investigations")
    return SeedReport(
        customers=len(data.customers["name"]),
        policies=len(data.policies["line"]),
        claims=claims,
        events=len(ev["claim"]) + partner_events,
        decisions=len(data.decisions["claim"]),
        payments=len(data.payments["claim"]),
        documents=len(data.documents["claim"]),
        fraud=int(data.truth["fraud"].sum()),
        users=[(s.username, s.role) for s in data.staff] + partner_users,
        seconds=time.perf_counter() - started,
        phases=phases,
        cpu=cpu,
    )


def store_placeholders(data_dir: Path) -> None:
    """The files every seeded document row points at: one small file per document type."""
    for doc_type in g.DOC_TYPES:  # their digests are g.DOC_SHA256, which the rows name
        storage.store(g.placeholder(doc_type), data_dir)


def _refuse_if_claims(conn: Connection) -> None:
    existing = conn.scalar(select(func.count()).select_from(Claim)) or 0
    if existing:
        raise ValueError(
            f"the database already holds {existing:,} claims; demo data is only loaded into a "
            "database without claims"
        )


# --- the rules ------------------------------------------------------------------------------------


@cache
def people() -> history.People:
    """The demo staff (`g.STAFF`, by index), then the system, which decides STP claims up to its limit."""
    return history.people([Role(s.role) for s in g.STAFF], [s.authority for s in g.STAFF], g.STP_LIMIT)


def check(data: g.DemoData) -> None:
    """Every rule (claims/history.py), over all generated rows; ValidationFailed naming the first
    claim that breaks one."""
    dec = data.decisions
    histories = history.Histories(
        claims=data.claims,
        events=data.events,
        decisions={**dec, "noted": dec["note"] != g.N_NONE},
        payments=data.payments,
        policies=data.policies,
        documents=data.documents,
        doc_types=g.DOC_TYPES,
    )
    history.check(histories, people())


# --- writing --------------------------------------------------------------------------------------
@dataclass
class _Ids:
    """Ids the loader assigns: the first id per table, and users.id per staff index."""

    base: dict[str, int]
    users: Arr  # index -1 (the system) holds 0 and is written as NULL


def _user(ids: _Ids, staff: Arr) -> Col:
    return Col("int", ids.users[staff.astype(np.int64)], staff < 0)


def _ids(ids: _Ids, table: str, s: slice) -> Col:
    return Col("int", np.arange(s.start, s.stop, dtype=np.int64) + ids.base[table])


def _ref(ids: _Ids, table: str, index: Arr) -> Col:
    return Col("int", index.astype(np.int64) + ids.base[table])


def _spans(n: int) -> Iterator[slice]:
    for lo in range(0, n, CHUNK):
        yield slice(lo, min(lo + CHUNK, n))


def _by_claim(claim: Arr, n: int) -> Iterator[slice]:
    """Row ranges of a table grouped by claim, CHUNK claims at a time."""
    for s in _spans(n):
        lo, hi = np.searchsorted(claim, [s.start, s.stop])
        yield slice(int(lo), int(hi))


class _Labels:
    """Label texts by code (the last entry of a nullable table is None, picked by code -1)."""

    statuses: list[str | None] = [s.value for s in g.STATUSES] + [None]
    actions: list[str | None] = [a.value for a in g.ACTIONS]
    outcomes: list[str | None] = [o.value for o in g.OUTCOMES] + [None]
    methods: list[str | None] = [*g.METHODS, None]
    lines: list[str | None] = list(g.LINES)
    regions: list[str | None] = list(g.REGIONS)
    channels: list[str | None] = list(g.CHANNELS)
    patterns: list[str | None] = list(g.PATTERNS)
    notes: list[str | None] = list(g.NOTES)
    actors: list[str | None] = [*(s.username for s in g.STAFF), "system"]
    banks: list[str | None] = [*names.BANKS, ""]
    doc_types: list[str | None] = list(g.DOC_TYPES)
    filenames: list[str | None] = [f"{d}.jpg" if d in g.IMAGE_DOCS else f"{d}.pdf" for d in g.DOC_TYPES]
    content_types: list[str | None] = [
        "image/jpeg" if d in g.IMAGE_DOCS else "application/pdf" for d in g.DOC_TYPES
    ]
    sha256: list[str | None] = list(g.DOC_SHA256)
    descriptions: list[str | None] = [d for row in g.DESCRIPTIONS for d in row]
    description_base = np.cumsum([0] + [len(row) for row in g.DESCRIPTIONS])[:-1]
    provider_index = {pid: i for i, pid in enumerate(g.PROVIDER_NAMES)}
    providers: list[str | None] = list(g.PROVIDER_NAMES.values())
    # event data as the services write it, in the ledger's canonical JSON
    report_data = [ledger.data_text({"channel": ch}) for ch in g.CHANNELS]
    reason_data = [ledger.data_text({"reason_codes": [r]}) for r in g.REASONS]
    asked_data = {
        (ln, k): ledger.data_text({"doc_types": list(required[-k:])})
        for ln, required in enumerate(g.REQUIRED)
        for k in (1, 2)
    } | {
        (ln, 10 + code): ledger.data_text({"doc_types": list(extra)})
        for ln in range(len(g.REQUIRED))
        for code, extra in enumerate(g.OPTIONAL_ASKED)
    }


def _reason_lists(codes: Arr) -> tuple[Arr, list[str | None]]:
    """JSON lists of reason codes for an (n, 3) array of reason indexes: (codes, table)."""
    key = ((codes[:, 0].astype(np.int64) + 1) * 32 + codes[:, 1] + 1) * 32 + codes[:, 2] + 1
    uniq, inverse = np.unique(key, return_inverse=True)
    table: list[str | None] = []
    for k in uniq.tolist():
        parts = (k // 1024 - 1, (k // 32) % 32 - 1, k % 32 - 1)
        table.append(json.dumps([g.REASONS[r] for r in parts if r >= 0], separators=(",", ":")))
    return inverse.reshape(-1), table


def _money_text(cents: Arr) -> list[str]:
    return [f"{c // 100}.{c % 100:02d}" for c in cents.tolist()]


def _write_all(w: Writer, data: g.DemoData, timings: Cols, ids: _Ids) -> None:
    w.table("customers", _customers(data, ids))
    w.table("policies", _policies(data, ids))
    heads = np.zeros(len(data.claims["line"]), dtype="U64")
    # events first: their hashes give the claims' ledger heads (foreign keys are checked after the load)
    w.table("claim_events", _events(data, ids, heads))
    w.table("claims", _claims(data, ids, heads))
    w.table("claim_timings", _timings(data, timings, ids))
    w.table("decisions", _decisions(data, ids))
    w.table("payments", _payments(data, ids))
    w.table("documents", _documents(data, ids))
    w.table("demo_ground_truth", _truth(data, ids))


def _customers(data: g.DemoData, ids: _Ids) -> Iterator[Rows]:
    cu = data.customers
    for s in _spans(len(cu["name"])):
        yield [
            ("id", _ids(ids, "customers", s)),
            ("name", Col("text", cu["name"][s])),
            ("id_number", Col("text", cu["id_number"][s])),
            ("phone", Col("text", cu["phone"][s])),
            ("region", Col("label", cu["region"][s], table=_Labels.regions)),
            ("gender", Col("text", cu["gender"][s])),
            ("birth_date", Col("date", cu["birth_date"][s])),
            ("created_at", Col("ts", cu["created_at"][s])),
        ]


def _policies(data: g.DemoData, ids: _Ids) -> Iterator[Rows]:
    po = data.policies
    rates, rate_code = np.unique(po["coinsurance_bp"], return_inverse=True)
    rate_table: list[str | None] = [f"{Decimal(int(b)).scaleb(-4):.4f}" for b in rates.tolist()]
    for s in _spans(len(po["line"])):
        yield [
            ("id", _ids(ids, "policies", s)),
            ("policy_number", Col("text", po["policy_number"][s])),
            ("line", Col("label", po["line"][s], table=_Labels.lines)),
            ("customer_id", _ref(ids, "customers", po["customer"][s])),
            ("effective_from", Col("date", po["effective_from"][s])),
            ("effective_to", Col("date", po["effective_to"][s])),
            ("sum_insured", Col("money", po["sum_insured"][s])),
            ("deductible", Col("money", po["deductible"][s])),
            ("coinsurance_rate", Col("label", rate_code.reshape(-1)[s], table=rate_table)),
            ("premium", Col("money", po["premium"][s])),
            ("channel", Col("label", po["channel"][s], table=_Labels.channels)),
            ("created_at", Col("ts", po["created_at"][s])),
        ]


def _claims(data: g.DemoData, ids: _Ids, heads: Arr) -> Iterator[Rows]:
    """Claims with their ledger heads (`heads`: the hash of each claim's last event, by _events)."""
    c = data.claims
    counts = np.bincount(data.events["claim"], minlength=len(c["line"]))
    for s in _spans(len(c["line"])):
        description = _Labels.description_base[c["line"][s]] + c["description"][s]
        yield [
            ("id", _ids(ids, "claims", s)),
            ("claim_number", Col("text", c["claim_number"][s])),
            ("policy_id", _ref(ids, "policies", c["policy"][s])),
            ("customer_id", _ref(ids, "customers", c["customer"][s])),
            ("line", Col("label", c["line"][s], table=_Labels.lines)),
            ("region", Col("label", c["region"][s], table=_Labels.regions)),
            ("channel", Col("label", c["channel"][s], table=_Labels.channels)),
            ("status", Col("label", c["status"][s], table=_Labels.statuses)),
            ("incident_date", Col("date", c["incident_date"][s])),
            ("reported_at", Col("ts", c["reported_at"][s])),
            ("description", Col("label", description, table=_Labels.descriptions)),
            ("claimed_amount", Col("money", c["claimed"][s])),
            ("assessed_loss", opt("money", c["assessed"][s])),
            ("approved_amount", opt("money", c["approved"][s])),
            ("paid_amount", Col("money", c["paid"][s])),
            ("outcome", Col("label", c["outcome"][s], table=_Labels.outcomes)),
            ("handler_id", _user(ids, c["handler"][s])),
            ("provider_id", opt("int", c["provider"][s])),
            ("straight_through", Col("bool", c["straight_through"][s])),
            ("reopen_count", Col("int", c["reopen_count"][s])),
            ("risk_score", Col("label", np.zeros(s.stop - s.start, dtype=np.int64), table=[None])),
            ("updated_at", Col("ts", c["updated_at"][s])),
            ("ledger_seq", Col("int", counts[s])),
            ("ledger_head", Col("hex", heads[s].tolist())),
        ]


def _events(data: g.DemoData, ids: _Ids, heads: Arr) -> Iterator[Rows]:
    """Events with their data as the services write it: the channel of a report, the reason of a
    rejection or withdrawal, the documents asked for, a decision's result, a payment's amount. The
    data is written in the ledger's canonical JSON, so the chain hashes the stored text as it is; each
    claim's last hash goes into `heads`."""
    ev, dec, pay = data.events, data.decisions, data.payments
    fixed: list[str | None] = ["{}", *_Labels.report_data, *_Labels.reason_data]
    asked_keys = list(_Labels.asked_data)
    fixed += [_Labels.asked_data[k] for k in asked_keys]
    report0, reason0, asked0 = 1, 1 + len(_Labels.report_data), 1 + len(_Labels.report_data) + len(g.REASONS)
    asked_code = np.full((len(g.LINES), 16), -1, dtype=np.int64)
    for i, (ln, k) in enumerate(asked_keys):
        asked_code[ln, k] = asked0 + i
    for s in _by_claim(ev["claim"], len(data.claims["line"])):
        action, ref = ev["action"][s], ev["ref"][s]
        code = np.zeros(s.stop - s.start, dtype=np.int64)
        report = action == AC[Action.REPORT]
        code[report] = report0 + ref[report]
        told = (action == AC[Action.REJECT]) | (action == AC[Action.WITHDRAW])
        code[told] = reason0 + ref[told]
        asked = action == AC[Action.REQUEST_DOCUMENTS]
        code[asked] = asked_code[data.claims["line"][ev["claim"][s][asked]], ref[asked]]
        table = list(fixed)
        decided = np.flatnonzero(action == AC[Action.DECIDE])
        d = ref[decided]
        reasons, reason_table = _reason_lists(dec["reasons"][d])
        code[decided] = len(table) + np.arange(len(decided))
        table += [
            # the ledger's canonical form: compact, keys sorted (claims/ledger.data_text)
            f'{{{_approval_reasons(w)}"approved_amount":"{a}","outcome":"{o}","paid_before":"{b}",'
            f'"payable":"{pa}","reason_codes":{reason_table[r]},"recovery":"{rc}",'
            f'"requires_approval":{"true" if q else "false"}}}'
            for o, a, b, pa, rc, r, q, w in zip(
                [_Labels.outcomes[k] for k in dec["outcome"][d].tolist()],
                _money_text(dec["approved"][d]),
                _money_text(dec["paid_before"][d]),
                _money_text(dec["payable"][d]),
                _money_text(dec["recovery"][d]),
                reasons.tolist(),
                dec["requires_approval"][d].tolist(),
                _waits_for(data, d).tolist(),
                strict=True,
            )
        ]
        paid = np.flatnonzero(action == AC[Action.PAY])
        p = ref[paid]
        code[paid] = len(table) + np.arange(len(paid))
        table += [
            f'{{"amount":"{a}","method":"{g.METHODS[mt]}","payment_id":{i}}}'
            for a, mt, i in zip(
                _money_text(pay["amount"][p]),
                pay["method"][p].tolist(),
                (p + ids.base["payments"]).tolist(),
                strict=True,
            )
        ]
        yield [
            ("id", _ids(ids, "claim_events", s)),
            ("claim_id", _ref(ids, "claims", ev["claim"][s])),
            ("seq", Col("int", ev["seq"][s])),
            ("action", Col("label", action, table=_Labels.actions)),
            ("from_status", Col("label", ev["from_status"][s], table=_Labels.statuses)),
            ("to_status", Col("label", ev["to_status"][s], table=_Labels.statuses)),
            ("actor_id", _user(ids, ev["actor"][s])),
            ("actor", Col("label", ev["actor"][s], table=_Labels.actors)),
            ("at", Col("ts", ev["at"][s])),
            ("note", Col("label", ev["note"][s], table=_Labels.notes)),
            ("data", Col("label", code, table=table)),
            ("hash", Col("hex", _chain(data, ids, s, np.array(table, dtype=object)[code], heads))),
        ]


def _chain(data: g.DemoData, ids: _Ids, s: slice, texts: Arr, heads: Arr) -> list[str]:
    """The ledger hashes of the events in `s` (whole claims), and each claim's head into `heads`.
    Each field is JSON-encoded once per label (or claim), then joined per event (ledger.fields_text)."""
    ev = data.events
    claim = ev["claim"][s].astype(np.int64)
    if not len(claim):
        return []
    first = np.r_[True, claim[1:] != claim[:-1]]
    last = np.r_[claim[1:] != claim[:-1], True]
    actor = ev["actor"][s]
    actor_ids = [str(u) for u in ids.users[:-1].tolist()] + ["null"]  # -1: the system
    lo, hi = int(claim[0]), int(claim[-1]) + 1
    numbers = np.array(
        [ledger.json_value(n) for n in data.claims["claim_number"][lo:hi].tolist()], dtype=object
    )
    fields = [
        f"{n},{q},{a},{f},{t},{i},{w},{m},{o}"
        for n, q, a, f, t, i, w, m, o in zip(
            numbers[claim - lo].tolist(),
            ev["seq"][s].tolist(),
            _encoded(ev["action"][s], _Labels.actions),
            _encoded(ev["from_status"][s], _Labels.statuses),
            _encoded(ev["to_status"][s], _Labels.statuses),
            _picked(actor, actor_ids),
            _encoded(actor, _Labels.actors),
            _at_texts(ev["at"][s]),
            _encoded(ev["note"][s], _Labels.notes),
            strict=True,
        )
    ]
    hashes = ledger.chain(first.tolist(), fields, texts.tolist())
    ends = np.flatnonzero(last)
    heads[claim[ends]] = [hashes[i] for i in ends.tolist()]
    return hashes


def _encoded(codes: Arr, table: Sequence[str | None]) -> list[str]:
    return _picked(codes, [ledger.json_value(t) for t in table])


def _picked(codes: Arr, table: Sequence[str | None]) -> list[str]:
    return list(np.array(table, dtype=object)[codes].tolist())


@cache
def _times_of_day() -> Arr:
    return np.array(
        [f'{h:02d}:{m:02d}:{s:02d}.000000Z"' for h in range(24) for m in range(60) for s in range(60)],
        dtype=object,
    )


def _at_texts(at: Arr) -> list[str]:
    """Epoch seconds as JSON strings of ledger.at_text (the loader's times are whole seconds)."""
    day = at // g.DAY
    lo = int(day.min())
    days = np.datetime_as_string(np.arange(lo, int(day.max()) + 1).astype("datetime64[D]"), unit="D")
    starts = np.array([f'"{d}T' for d in days.tolist()], dtype=object)
    return list((starts[day - lo] + _times_of_day()[at % g.DAY]).tolist())


def _waits_for(data: g.DemoData, d: Arr) -> Arr:
    """Per decision in `d`, why it waits for an approver as bits: 1 authority, 2 above the claim."""
    dec = data.decisions
    if len(d) == 0:
        return np.zeros(0, dtype=np.int64)
    payable = dec["payable"][d] > 0
    authority = payable & (dec["approved"][d] > g.AUTHORITY[dec["decided_by"][d]])
    above = payable & (dec["assessed"][d] > data.claims["claimed"][dec["claim"][d]])
    return np.asarray(authority.astype(np.int64) + 2 * above.astype(np.int64))


def _approval_reasons(bits: int) -> str:
    """The decide event's "approval_reasons" (claims/approval.py): the first key's JSON text and a comma."""
    reasons = [r for bit, r in ((1, AUTHORITY), (2, ABOVE_CLAIMED)) if bits & bit]
    return f'"approval_reasons":{json.dumps(reasons, separators=(",", ":"))},' if reasons else ""


def _timings(data: g.DemoData, tm: Cols, ids: _Ids) -> Iterator[Rows]:
    for s in _spans(len(data.claims["line"])):
        yield [
            ("claim_id", _ids(ids, "claims", s)),
            ("reported_at", Col("ts", data.claims["reported_at"][s])),
            ("accepted_at", opt("ts", tm["accepted_at"][s])),
            ("decided_at", opt("ts", tm["decided_at"][s])),
            ("paid_at", opt("ts", tm["paid_at"][s])),
            ("completed_at", opt("ts", tm["completed_at"][s])),
            ("acceptance_s", opt("int", tm["acceptance_s"][s])),
            ("investigation_s", opt("int", tm["investigation_s"][s])),
            ("review_s", opt("int", tm["review_s"][s])),
            ("payment_s", opt("int", tm["payment_s"][s])),
            ("handling_s", opt("int", tm["handling_s"][s])),
        ]


def _decisions(data: g.DemoData, ids: _Ids) -> Iterator[Rows]:
    dec = data.decisions
    for s in _by_claim(dec["claim"], len(data.claims["line"])):
        reasons, reason_table = _reason_lists(dec["reasons"][s])
        yield [
            ("id", _ids(ids, "decisions", s)),
            ("claim_id", _ref(ids, "claims", dec["claim"][s])),
            ("outcome", Col("label", dec["outcome"][s], table=_Labels.outcomes)),
            ("assessed_loss", Col("money", dec["assessed"][s])),
            ("approved_amount", Col("money", dec["approved"][s])),
            ("paid_before", Col("money", dec["paid_before"][s])),
            ("payable", Col("money", dec["payable"][s])),
            ("recovery", Col("money", dec["recovery"][s])),
            ("reason_codes", Col("label", reasons, table=reason_table)),
            ("payment_method", Col("label", dec["method"][s], table=_Labels.methods)),
            ("decided_by", _user(ids, dec["decided_by"][s])),
            ("decided_at", Col("ts", dec["decided_at"][s])),
            ("requires_approval", Col("bool", dec["requires_approval"][s])),
            ("approved_by", _user(ids, dec["approved_by"][s])),
            ("approved_at", opt("ts", dec["approved_at"][s])),
            ("current", Col("bool", dec["current"][s])),
            ("note", Col("label", dec["note"][s], table=_Labels.notes)),
        ]


def _payments(data: g.DemoData, ids: _Ids) -> Iterator[Rows]:
    pay, c = data.payments, data.claims
    second = np.r_[False, pay["claim"][1:] == pay["claim"][:-1]]  # after a reopening: its own key
    provider_row = np.array([_Labels.provider_index.get(int(p), 0) for p in g.PROVIDER_IDS.tolist()])
    provider_of = np.zeros(int(g.PROVIDER_IDS.max()) + 1, dtype=np.int64)
    provider_of[g.PROVIDER_IDS] = provider_row
    for s in _by_claim(pay["claim"], len(c["line"])):
        claim = pay["claim"][s].astype(np.int64)
        numbers = c["claim_number"][claim].tolist()
        keys = [
            f"demo-{x}-2" if two else f"demo-{x}" for x, two in zip(numbers, second[s].tolist(), strict=True)
        ]
        bank = pay["method"][s] == g.BANK
        names_ = data.customers["name"][c["customer"][claim]].tolist()
        providers = [_Labels.providers[i] for i in provider_of[np.maximum(c["provider"][claim], 0)].tolist()]
        payee = [n if b else p for n, p, b in zip(names_, providers, bank.tolist(), strict=True)]
        account = [f"6222{a:015d}" if a >= 0 else "" for a in pay["account"][s].tolist()]
        k = s.stop - s.start
        yield [
            ("id", _ids(ids, "payments", s)),
            ("claim_id", _ref(ids, "claims", claim)),
            ("decision_id", _ref(ids, "decisions", pay["decision"][s])),
            ("idempotency_key", Col("text", keys)),
            ("request_hash", Col("label", np.zeros(k, dtype=np.int64), table=["demo"])),
            ("amount", Col("money", pay["amount"][s])),
            ("method", Col("label", pay["method"][s], table=_Labels.methods)),
            ("payee_name", Col("text", payee)),
            ("payee_bank", Col("label", pay["bank"][s], table=_Labels.banks)),
            ("payee_account", Col("text", account)),
            ("status", Col("label", np.zeros(k, dtype=np.int64), table=["paid"])),
            ("released_by", _user(ids, pay["released_by"][s])),
            ("paid_at", Col("ts", pay["paid_at"][s])),
        ]


def _documents(data: g.DemoData, ids: _Ids) -> Iterator[Rows]:
    """Received documents; each points at its type's placeholder file (store_placeholders)."""
    docs = data.documents
    size = np.array(g.DOC_SIZE, dtype=np.int64)
    for s in _by_claim(docs["claim"], len(data.claims["line"])):
        doc = docs["doc_type"][s]
        yield [
            ("id", _ids(ids, "documents", s)),
            ("claim_id", _ref(ids, "claims", docs["claim"][s])),
            ("doc_type", Col("label", doc, table=_Labels.doc_types)),
            ("filename", Col("label", doc, table=_Labels.filenames)),
            ("content_type", Col("label", doc, table=_Labels.content_types)),
            ("size", Col("int", size[doc])),
            ("sha256", Col("label", doc, table=_Labels.sha256)),
            ("uploaded_by", _user(ids, docs["uploaded_by"][s])),
            ("uploaded_at", Col("ts", docs["uploaded_at"][s])),
        ]


def _truth(data: g.DemoData, ids: _Ids) -> Iterator[Rows]:
    """The ground truth goes into its own table (truth.py), never onto the claims."""
    for s in _spans(len(data.claims["line"])):
        yield [
            ("claim_id", _ids(ids, "claims", s)),
            ("fraud", Col("bool", data.truth["fraud"][s])),
            ("pattern", Col("label", data.truth["pattern"][s], table=_Labels.patterns)),
        ]


# --- per database ---------------------------------------------------------------------------------


def _prepare(conn: Connection, hashed: str) -> _Ids:
    """Refuse a database with claims, create the ground-truth table, add the demo staff (existing
    users of the same names are kept as they are), and find the first free id of each table."""
    _refuse_if_claims(conn)
    truth_metadata.create_all(conn, checkfirst=True)
    existing = dict(conn.execute(select(User.username, User.id)).all())
    rows = [
        {
            "username": s.username,
            "full_name": s.full_name,
            "password_hash": hashed,
            "role": s.role,
            "authority_limit": None if s.authority is None else Decimal(s.authority).scaleb(-2),
            "active": True,
            "created_at": utcnow(),
        }
        for s in g.STAFF
        if s.username not in existing
    ]
    if rows:
        conn.execute(insert(User), rows)
        existing = dict(conn.execute(select(User.username, User.id)).all())
    users = np.array([existing[s.username] for s in g.STAFF] + [0], dtype=np.int64)
    base = {
        t: int(conn.exec_driver_sql(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {t}").scalar_one())
        for t in ID_TABLES
    }
    return _Ids(base=base, users=users)


def _day_range(data: g.DemoData) -> tuple[int, int]:
    lo = min(int(data.customers["birth_date"].min()), int(data.policies["effective_from"].min()))
    hi = max(int(data.policies["effective_to"].max()), data.cutoff // g.DAY + 60)
    return lo - 1, hi + 1


def _check_paid_within_approved(conn: Connection) -> None:
    """The payment guard's rule over every loaded payment (its trigger is set aside for the load)."""
    claim_id = guard.first_overpaid_claim(conn)
    if claim_id is not None:
        raise ValidationFailed(f"claim id {claim_id} is paid above its approved total", code="BAD_HISTORY")


def _load_sqlite(engine: Engine, data: g.DemoData, timings: Cols, hashed: str, clock: Clock) -> None:
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        keep = ("foreign_keys", "synchronous", "cache_size", "temp_store", "threads", "journal_mode")
        before = {p: raw.execute(f"PRAGMA {p}").fetchone()[0] for p in keep}
        # A rollback journal instead of WAL for the load: pages appended to the file need no journal,
        # where WAL writes every page twice. It only switches when no other connection is open.
        try:
            raw.execute("PRAGMA journal_mode=DELETE")
        except sqlite3.OperationalError:
            pass
        # threads: CREATE INDEX sorts with a helper thread
        for pragma in (
            "foreign_keys=OFF",
            "synchronous=OFF",
            "cache_size=-262144",
            "temp_store=MEMORY",
            "threads=2",
        ):
            raw.execute(f"PRAGMA {pragma}")
        clock.reset()
        switch = sys.getswitchinterval()
        sys.setswitchinterval(0.0005)  # the builder thread hands the GIL back soon after each statement
        try:
            with conn.begin():  # BEGIN IMMEDIATE (make_engine)
                ids = _prepare(conn, hashed)
                aside = set_aside(conn, TABLES)
                # the payment guard sums a claim's payments per row: without the indexes that is a scan
                # per row, so it is set aside for the load and its rule checked over all rows after it
                guards = raw.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?",
                    (f"{guard.TRIGGER}%",),
                ).fetchall()
                for name, _ in guards:
                    raw.execute(f'DROP TRIGGER "{name}"')
                clock.lap("prepare")
                _write_all(Writer(raw, Format(False, *_day_range(data)), clock), data, timings, ids)
                aside.restore_indexes()
                clock.lap("create indexes")
                _check_paid_within_approved(conn)
                for _, sql in guards:
                    raw.execute(sql)
                aside.restore_foreign_keys()
                clock.lap("foreign key check")
            clock.lap("commit")
        finally:
            sys.setswitchinterval(switch)
            for p, v in before.items():
                try:
                    raw.execute(f"PRAGMA {p}={v}")
                except sqlite3.OperationalError:
                    pass


def _load_postgres(engine: Engine, data: g.DemoData, timings: Cols, hashed: str, clock: Clock) -> None:
    clock.reset()
    with engine.connect() as conn, conn.begin():
        raw = conn.connection.driver_connection
        allow_long_statements(conn)  # one COPY per table
        conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
        conn.exec_driver_sql("SET LOCAL maintenance_work_mem TO '256MB'")
        conn.exec_driver_sql("LOCK TABLE claims IN SHARE ROW EXCLUSIVE MODE")
        ids = _prepare(conn, hashed)
        aside = set_aside(conn, TABLES)
        conn.exec_driver_sql(f"ALTER TABLE payments DISABLE TRIGGER {guard.TRIGGER}")  # as on SQLite
        clock.lap("prepare")
        _write_all(Writer(raw, Format(True, *_day_range(data)), clock), data, timings, ids)
        aside.restore_indexes()
        clock.lap("create indexes")
        _check_paid_within_approved(conn)
        conn.exec_driver_sql(f"ALTER TABLE payments ENABLE TRIGGER {guard.TRIGGER}")
        aside.restore_foreign_keys()  # validates every reference again
        clock.lap("foreign keys")
        for table in ID_TABLES:
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}), (SELECT COUNT(*) > 0 FROM {table}))"
            )
        conn.exec_driver_sql(f"ANALYZE {', '.join(TABLES)}")
        clock.lap("sequences, analyze")
    clock.lap("commit")
