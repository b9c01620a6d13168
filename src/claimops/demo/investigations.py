"""Demo investigations: the records and conclusions behind the claims' investigation stage.

The conclusion is the fraud label the models train on (mining/data/loader.py), so the demo's planted
truth only decides what the investigators conclude: a planted fraud that is investigated and closed
is confirmed, other closed investigations mostly find nothing. Investigated are the claims whose
history went through the investigation stage (opened and closed at that stage's events, by the
staff who started it) and, as a working SIU would catch them, most planted frauds that reached a
decision without the stage (opened during review, closed at the first decision, by the decider).
Written in bulk after the claims are loaded (same data for the same seed).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from sqlalchemy import Engine, func, select

from claimops.bulkload import Clock, Col, Format, Rows, Writer, opt
from claimops.claims.lifecycle import Action
from claimops.claims.models import Claim
from claimops.demo import generator as g
from claimops.demo.model import REVIEWERS
from claimops.investigations.rules import CONCLUSIONS
from claimops.users.models import User

Arr = g.Arr
REVIEW_CAUGHT = 0.95  # share of planted frauds without the stage that review sends to investigation
INCONCLUSIVE = 0.15  # share of investigations of genuine claims that end without a finding either way
# what review notices (claims/review.py codes), as bits
FINDINGS = ("EARLY_CLAIM", "NEAR_EXPIRY", "LATE_REPORT", "LARGE_CLAIM", "ROUND_AMOUNT")
TRIGGERS = ("finding", "random", "referral")
REASONS = {"finding": "审核发现疑点，转调查", "random": "随机抽查", "referral": "理赔人员转介调查"}
# reason codes of a confirmed fraud, by planted pattern (g.PATTERNS)
FRAUD_CODES: tuple[list[str], ...] = (
    [],
    ["STAGED_INCIDENT"],
    ["PROVIDER_COLLUSION", "REPEAT_CLAIMANT"],
    ["INFLATED_AMOUNT"],
)
OTHER_CODES = (["DOCUMENTS_VERIFIED"], ["WITNESS_CONFIRMED"], ["NO_EVIDENCE"])
INCONCLUSIVE_CODES = (["NO_EVIDENCE"], ["CUSTOMER_UNREACHABLE"])
SUMMARIES = ("", "调查确认欺诈", "未发现欺诈", "证据不足，无法认定")


def _first_at(ev: dict[str, Arr], action: Action, n: int) -> tuple[Arr, Arr]:
    """Per claim, the time and actor of its first event with `action` (-1 where none)."""
    mask = ev["action"] == g.ACTIONS.index(action)
    claim = ev["claim"][mask].astype(np.int64)
    uniq, first = np.unique(claim, return_index=True)  # events are ordered by claim, then seq
    at = np.full(n, -1, dtype=np.int64)
    actor = np.full(n, -1, dtype=np.int64)
    at[uniq] = ev["at"][mask][first]
    actor[uniq] = ev["actor"][mask][first]
    return at, actor


def _findings(data: g.DemoData) -> Arr:
    """Review findings of each claim as bits of FINDINGS."""
    c, po = data.claims, data.policies
    pol = c["policy"].astype(np.int64)
    inc = c["incident_date"].astype(np.int64)
    reported_day = (c["reported_at"].astype(np.int64) + g.SHANGHAI_OFFSET) // g.DAY
    since = inc - po["effective_from"][pol]
    to_expiry = po["effective_to"][pol] - inc
    claimed = c["claimed"].astype(np.int64)
    hits = (
        (since >= 0) & (since < 30),
        (to_expiry >= 0) & (to_expiry < 7),
        reported_day - inc > 30,
        2 * claimed >= po["sum_insured"][pol],
        (claimed >= 100_000) & (claimed % 100_000 == 0),
    )
    return np.asarray(sum(h.astype(np.int64) << i for i, h in enumerate(hits)))


def _bits_table(bits: Arr) -> tuple[Arr, list[str | None]]:
    """JSON lists of finding codes for finding bits: (codes, table)."""
    uniq, inverse = np.unique(bits, return_inverse=True)
    table: list[str | None] = [
        json.dumps([f for i, f in enumerate(FINDINGS) if b >> i & 1], separators=(",", ":"))
        for b in uniq.tolist()
    ]
    return inverse.reshape(-1), table


def build(data: g.DemoData, seed: int) -> dict[str, Arr]:
    """The investigations of the demo book as columns (claim and staff as indexes; times -1 for none)."""
    rng = np.random.default_rng(seed + 13)
    c, ev = data.claims, data.events
    n = len(c["line"])
    pattern = data.truth["pattern"].astype(np.int64)
    started, starter = _first_at(ev, Action.START_INVESTIGATION, n)
    finished, _ = _first_at(ev, Action.FINISH_INVESTIGATION, n)
    withdrawn, _ = _first_at(ev, Action.WITHDRAW, n)
    reviewed, _ = _first_at(ev, Action.START_REVIEW, n)
    decided, decider = _first_at(ev, Action.DECIDE, n)
    u = rng.random((n, 4))

    staged = started >= 0
    caught = ~staged & (pattern > 0) & (reviewed >= 0) & (decided >= 0) & (decider >= 0)
    caught &= u[:, 0] < REVIEW_CAUGHT
    claim = np.flatnonzero(staged | caught)
    st, cg, pat, uu = staged[claim], caught[claim], pattern[claim], u[claim]
    # caught in review: opened between the start of review and the decision, closed at the decision
    span = np.maximum(decided[claim] - reviewed[claim], 0)
    opened = np.where(st, started[claim], reviewed[claim] + (span * uu[:, 1] * 0.5).astype(np.int64))
    closed = np.where(st, np.where(finished[claim] >= 0, finished[claim], withdrawn[claim]), decided[claim])
    closed = np.where(closed >= opened, closed, -1)  # a withdrawal before the stage closes nothing
    investigator = np.where(cg, decider[claim], starter[claim])
    investigator = np.where(investigator >= 0, investigator, REVIEWERS[0])

    bits = _findings(data)[claim]
    trigger = np.where(
        bits > 0, 0, np.where((pat == 0) & (uu[:, 2] < 0.5), 1, 2)
    )  # finding, random audit, referral
    trigger = np.where(cg & (bits == 0), 2, trigger)
    is_closed = closed >= 0
    fraud = is_closed & (pat > 0)
    inconclusive = is_closed & ~fraud & (uu[:, 3] < INCONCLUSIVE)
    conclusion = np.where(~is_closed, 0, np.where(fraud, 1, np.where(inconclusive, 3, 2)))
    other = (uu[:, 2] * len(OTHER_CODES)).astype(np.int64)
    unsure = (uu[:, 1] * len(INCONCLUSIVE_CODES)).astype(np.int64)
    # reason-code lists: 0 none, 1..3 fraud by pattern, then other, then inconclusive
    reasons = np.where(
        conclusion == 1,
        pat,
        np.where(conclusion == 2, 4 + other, np.where(conclusion == 3, 4 + len(OTHER_CODES) + unsure, 0)),
    )
    paid = c["paid"][claim].astype(np.int64)
    saved = np.where(fraud, np.maximum(c["claimed"][claim].astype(np.int64) - paid, 0), 0)
    return {
        "claim": claim,
        "trigger": trigger,
        "findings": bits,
        "investigator": investigator.astype(np.int64),
        "opened_at": opened,
        "closed_at": closed,
        "conclusion": conclusion,
        "reasons": reasons,
        "saved": saved,
    }


def _rows(inv: dict[str, Arr], claim0: int, users: Arr) -> Rows:
    k = len(inv["claim"])
    finding_code, finding_table = _bits_table(inv["findings"])
    user = Col("int", users[inv["investigator"]])
    closed = inv["closed_at"] >= 0
    closed_by = Col("int", np.where(closed, users[inv["investigator"]], 0), ~closed)
    reason_lists: list[str | None] = [
        json.dumps(codes, separators=(",", ":"))
        for codes in ([], *FRAUD_CODES[1:], *OTHER_CODES, *INCONCLUSIVE_CODES)
    ]
    return [
        ("claim_id", Col("int", inv["claim"] + claim0)),
        ("trigger", Col("label", inv["trigger"], table=list(TRIGGERS))),
        ("reason", Col("label", inv["trigger"], table=[REASONS[t] for t in TRIGGERS])),
        ("risk_score", Col("label", np.zeros(k, dtype=np.int64), table=[None])),
        ("findings", Col("label", finding_code, table=finding_table)),
        ("investigator_id", user),
        ("investigator_name", Col("label", inv["investigator"], table=[s.username for s in g.STAFF])),
        ("assessor_id", Col("label", np.zeros(k, dtype=np.int64), table=[None])),
        ("status", Col("label", closed.astype(np.int64), table=["open", "closed"])),
        ("opened_at", Col("ts", inv["opened_at"])),
        ("opened_by", user),
        ("closed_at", opt("ts", inv["closed_at"])),
        ("closed_by", closed_by),
        ("conclusion", Col("label", inv["conclusion"], table=[None, *CONCLUSIONS])),
        ("reason_codes", Col("label", inv["reasons"], table=reason_lists)),
        ("amount_saved", Col("money", inv["saved"])),
        ("summary", Col("label", inv["conclusion"], table=list(SUMMARIES))),
    ]


def seed_investigations(engine: Engine, data: g.DemoData, *, seed: int) -> int:
    """Write the demo's investigations (after its claims and staff are loaded); how many were written."""
    inv = build(data, seed)
    if not len(inv["claim"]):
        return 0
    times = np.r_[inv["opened_at"], inv["closed_at"][inv["closed_at"] >= 0]]
    fmt = Format(
        engine.dialect.name == "postgresql", int(times.min()) // g.DAY - 1, int(times.max()) // g.DAY + 1
    )
    with engine.connect() as conn, conn.begin():
        # the demo loads only into a database without claims: its claims' ids run on from the first
        claim0 = conn.scalar(select(func.min(Claim.id)))
        assert claim0 is not None
        known = dict(conn.execute(select(User.username, User.id)).all())
        users = np.array([known[s.username] for s in g.STAFF], dtype=np.int64)
        raw: Any = conn.connection.driver_connection
        rows = _rows(inv, int(claim0), users)
        Writer(raw, fmt, Clock({}, {})).table("investigations", iter([rows]))
    return len(inv["claim"])
