"""One checker for whole claim histories, used by every bulk path (demo data, historic imports).

A bulk path writes claims with their full histories at once instead of one service call per step, so
before anything is written `check` holds every row to the rules the services enforce one step at a
time: each event sequence against `lifecycle.transition` (tabulated as legal (action, from, to)
triples), who may take each action (`roles.can`), each decision against the settlement rule with the
policy's paid-to-date at the moment of the decision (`settlement.settle` itself for up to SETTLE_EACH
decisions, above that its integer-cent form for all and `settle` for every limited, adjusted or denied
decision and a sample of the rest), authority limits and four eyes, one payment per decision of what
it leaves payable (approved total − paid to date), and never more paid on a policy than its sum
insured. History from before claimops (`SettlementCheck.RECORDED`) keeps its recorded amounts: only
the settlement rule's arithmetic is relaxed, the amounts must still stay within the sum insured.

The histories are columns (numpy arrays; codes index `columnar.STATUSES`, `ACTIONS`, `OUTCOMES`;
times are epoch seconds, dates day numbers, money integer cents), so a million claims check in
seconds. `check` raises at the first claim that breaks a rule, or with `collect` returns the first
rule each claim breaks, for a per-row error report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

import numpy as np

from claimops.claims.checklist import doc_types as checklist
from claimops.claims.columnar import (
    AC,
    ACTIONS,
    DAY,
    OC,
    OUTCOMES,
    SHANGHAI_OFFSET,
    ST,
    Arr,
    Cols,
    legal_moves,
    payable_cents,
    to_date,
)
from claimops.claims.lifecycle import Action, Outcome, Status
from claimops.claims.settlement import REASON_CODES, settle
from claimops.errors import ValidationFailed
from claimops.policies.lines import LINES as LINE_ENUMS
from claimops.policies.terms import PolicyTerms
from claimops.users.roles import Role, can

SETTLE_EACH = 300_000  # up to this many decisions, every one goes through settlement.settle
SETTLE_SAMPLE = 50_000  # above it: the plain approvals sampled for settle (all others go through it)
SYSTEM = -1  # the person index of the system (the last column of People): it reports, decides STP
UNLIMITED = 2**62
LINES: tuple[str, ...] = tuple(str(x) for x in LINE_ENUMS)
REQUIRED: tuple[tuple[str, ...], ...] = tuple(tuple(checklist(line)[0]) for line in LINES)
DENIED, PARTIAL, APPROVED = OC[Outcome.DENIED], OC[Outcome.PARTIAL], OC[Outcome.APPROVED]


class SettlementCheck(StrEnum):
    """How a decision's approved total is held to the settlement rule."""

    RULE = "rule"  # it is what settlement.settle gives for the assessed loss and the policy's terms
    RECORDED = "recorded"  # history from before claimops: as recorded, within what the sum insured leaves


@dataclass(frozen=True)
class People:
    """Who histories name, by index: what each may do and up to which amount; the last is the system."""

    permitted: Arr  # [action code, person] -> may take it
    authority: Arr  # [person] -> cents (UNLIMITED: no limit)


def people(roles: Sequence[Role], authority: Sequence[int | None], system_authority: int) -> People:
    """People with these roles and authority limits (cents, None: unlimited), then the system, which
    reports, decides straight-through claims up to `system_authority` and releases them. RELEASE is
    the decision's own move (checked with the decision), so anyone who decides may take it."""
    table = np.zeros((len(ACTIONS), len(roles) + 1), dtype=bool)
    for a in ACTIONS:
        permission = "payment.release" if a is Action.PAY else f"claim.{a.value}"
        for i, role in enumerate(roles):
            table[AC[a], i] = a is Action.RELEASE or can(role, permission)
        table[AC[a], -1] = a in (Action.REPORT, Action.DECIDE, Action.RELEASE)
    limits = np.array([UNLIMITED if x is None else x for x in authority] + [system_authority], dtype=np.int64)
    return People(table, limits)


@dataclass
class Histories:
    """Claims with their events, decisions and payments, and the policies they claim on.

    claims: claim_number, line, policy, status, reported_at, updated_at, incident_date, claimed,
    paid, approved, assessed, outcome (-1: no current decision), reopen_count, straight_through.
    events (grouped by claim, in order): claim, seq, action, from_status (-1: none), to_status, at,
    actor (person index), ref (the decision of a decide event, the payment of a pay event).
    decisions (grouped by claim): claim, outcome, assessed, approved, paid_before, payable, recovery,
    reasons ([decision, k] reason codes, -1 padded), decided_by, decided_at, requires_approval,
    approved_by, approved_at (-1: none), current, noted (it carries a note).
    payments: claim, decision, amount, paid_at, released_by.
    policies: effective_from, effective_to, sum_insured, deductible, coinsurance_bp, and optionally
    paid_earlier (what the policy had paid before these histories).
    documents (None: not part of the histories): claim, doc_type (index of doc_types), uploaded_at.
    """

    claims: Cols
    events: Cols
    decisions: Cols
    payments: Cols
    policies: Cols
    documents: Cols | None = None
    doc_types: tuple[str, ...] = ()


@dataclass
class _Run:
    h: Histories
    people: People
    settlement: SettlementCheck
    collect: bool
    found: dict[int, str] = field(default_factory=dict)

    def fail(self, bad: Arr, claim_of: Arr, what: str) -> None:
        """Claims where `bad` holds break the rule `what`."""
        if not bad.any():
            return
        if not self.collect:
            i = int(np.argmax(bad))
            number = self.h.claims["claim_number"][int(claim_of[i])]
            raise ValidationFailed(f"{number}: {what} ({int(bad.sum())} case(s))", code="BAD_HISTORY")
        for claim in np.asarray(claim_of)[bad].tolist():
            self.found.setdefault(int(claim), what)

    def same(self, got: Arr, want: Arr, claim_of: Arr, what: str) -> None:
        if len(got) != len(want):
            raise ValidationFailed(f"{what}: {len(got)} rows against {len(want)}", code="BAD_HISTORY")
        self.fail(got != want, claim_of, what)

    def refuse(self, claim: int, message: str, code: str) -> None:
        if not self.collect:
            raise ValidationFailed(f"{self.h.claims['claim_number'][claim]}: {message}", code=code)
        self.found.setdefault(claim, message)


def check(
    h: Histories,
    people: People,
    *,
    settlement: SettlementCheck = SettlementCheck.RULE,
    collect: bool = False,
) -> dict[int, str]:
    """Every rule over every row. ValidationFailed naming the first claim that breaks one, or with
    `collect` claim index -> the first rule it breaks (empty: all keep them)."""
    r = _Run(h, people, settlement, collect)
    in_force = _check_histories(r)
    _check_decisions(r, in_force)
    _check_payments(r, in_force)
    _check_claims(r)
    if h.documents is not None:
        _check_documents(r)
    return r.found


def _check_histories(r: _Run) -> Arr:
    """The state machine, roles, times; returns the decision in force at each event (-1: none)."""
    c, ev, dec = r.h.claims, r.h.events, r.h.decisions
    n = len(c["line"])
    claim = ev["claim"]
    action, frm, to, at = ev["action"], ev["from_status"], ev["to_status"], ev["at"]
    m = len(claim)
    first = np.r_[True, claim[1:] != claim[:-1]] if m else np.zeros(0, dtype=bool)
    if m == 0 or np.any(claim[1:] < claim[:-1]) or not np.array_equal(claim[first], np.arange(n)):
        raise ValidationFailed("every claim needs its events, grouped by claim", code="BAD_HISTORY")
    last = np.r_[claim[1:] != claim[:-1], True]
    claims = np.arange(n)
    starts = ~first | (action == AC[Action.REPORT]) & (frm == -1) & (to == ST[Status.REPORTED])
    r.fail(~starts, claim, "a history begins with the report")
    seq_start = np.repeat(np.flatnonzero(first), np.diff(np.r_[np.flatnonzero(first), m]))
    r.fail(ev["seq"] != np.arange(m) - seq_start + 1, claim, "event numbers run 1..n")
    later = ~first
    r.fail(later & (frm != np.r_[np.int8(-1), to[:-1]]), claim, "an event starts where the last ended")
    legal = legal_moves()[action[later], frm[later]] == to[later]
    r.fail(~legal, claim[later], "illegal transition")
    r.fail(later & (at < np.r_[at[:1], at[:-1]]), claim, "an event goes back in time")
    r.fail(~r.people.permitted[action, ev["actor"]], claim, "the actor's role may not take this action")
    r.same(c["status"], to[last], claims, "status is where the history ends")
    r.same(c["reported_at"], at[first], claims, "reported_at is the report event's time")
    r.same(c["updated_at"], at[last], claims, "updated_at is the last event's time")
    reopens = np.bincount(claim, weights=action == AC[Action.REOPEN], minlength=n).astype(np.int64)
    r.same(c["reopen_count"].astype(np.int64), reopens, claims, "reopen count")
    is_dec = action == AC[Action.DECIDE]
    nd = len(dec["claim"])
    r.same(ev["ref"][is_dec], np.arange(nd), claim[is_dec], "every decision has its decide event")
    if nd == 0:
        return np.full(m, -1, dtype=np.int64)
    force = np.maximum.accumulate(np.where(is_dec, ev["ref"], -1).astype(np.int64))
    return np.where((force >= 0) & (dec["claim"][np.maximum(force, 0)] == claim), force, -1)


def _check_decisions(r: _Run, in_force: Arr) -> None:
    c, ev, dec = r.h.claims, r.h.events, r.h.decisions
    claim, action, actor, at = ev["claim"], ev["action"], ev["actor"], ev["at"]
    is_dec = action == AC[Action.DECIDE]
    r.same(dec["claim"], claim[is_dec], claim[is_dec], "a decision belongs to its claim")
    r.same(dec["decided_at"], at[is_dec], claim[is_dec], "decided_at is the decide event's time")
    r.same(dec["decided_by"], actor[is_dec], claim[is_dec], "decided_by is who decided")
    if len(dec["claim"]) == 0:
        return
    pays = dec["outcome"] != DENIED
    above = pays & (dec["assessed"] > c["claimed"][dec["claim"]])
    payable = dec["payable"] > 0
    need = payable & ((dec["approved"] > r.people.authority[dec["decided_by"]]) | above)
    r.same(
        dec["requires_approval"],
        need,
        dec["claim"],
        "an approver exactly when above the decider's authority or the claim",
    )
    r.fail(above & ~dec["noted"], dec["claim"], "an assessed loss above the claim says why")
    nxt = np.flatnonzero((ev["from_status"] == ST[Status.DECIDED]) & (in_force >= 0))
    d, a, who, when, cl = in_force[nxt], action[nxt], actor[nxt], at[nxt], claim[nxt]
    close, release, approve = a == AC[Action.CLOSE], a == AC[Action.RELEASE], a == AC[Action.APPROVE]
    r.fail(close & payable[d], cl, "a claim with something payable is closed only after payment")
    r.fail(release & (~payable[d] | need[d]), cl, "released without the authority")
    r.fail(release & ((who != dec["decided_by"][d]) | (when != dec["decided_at"][d])), cl,
          "a release is the decider's, at the decision")  # fmt: skip
    r.fail(approve & ~need[d], cl, "approved though within the decider's authority")
    r.fail(approve & (who == dec["decided_by"][d]), cl, "the decider may not approve (four eyes)")
    limit = r.people.authority[who]
    r.fail(approve & (dec["approved"][d] > limit), cl, "approved above the approver's limit")
    r.fail(approve & ((dec["approved_by"][d] != who) | (dec["approved_at"][d] != when)), cl,
          "approved_by and approved_at are the approve event's")  # fmt: skip
    n_approve = np.array([int((action == AC[Action.APPROVE]).sum())])
    n_approved = np.array([int((dec["approved_by"] >= 0).sum())])
    r.same(n_approve, n_approved, dec["claim"][:1], "every approval has its approve event")
    retired = np.zeros(len(dec["claim"]), dtype=bool)
    retired[in_force[(action == AC[Action.REOPEN]) & (in_force >= 0)]] = True
    latest = np.r_[dec["claim"][1:] != dec["claim"][:-1], True]
    r.same(dec["current"], latest & ~retired, dec["claim"], "only the latest decision is current")
    system = dec["decided_by"] == SYSTEM
    r.fail(system & ~c["straight_through"][dec["claim"]], dec["claim"], "the system decides only STP")
    _check_settlement(r)


def _check_payments(r: _Run, in_force: Arr) -> None:
    c, ev, dec, pay = r.h.claims, r.h.events, r.h.decisions, r.h.payments
    claim, action = ev["claim"], ev["action"]
    is_pay = action == AC[Action.PAY]
    n = len(c["line"])
    r.same(
        ev["ref"][is_pay],
        np.arange(len(pay["claim"])),
        claim[is_pay],
        "every payment has its pay event",
    )
    r.same(pay["claim"], claim[is_pay], claim[is_pay], "a payment belongs to its claim")
    r.same(pay["paid_at"], ev["at"][is_pay], claim[is_pay], "paid_at is the pay event's time")
    r.same(pay["released_by"], ev["actor"][is_pay], claim[is_pay], "released_by is who paid")
    r.same(pay["decision"], in_force[is_pay], claim[is_pay], "a payment is for the decision in force")
    d = pay["decision"]
    r.fail(np.bincount(d, minlength=len(dec["claim"]))[d] > 1, pay["claim"], "one payment per decision")
    r.fail(dec["outcome"][d] == DENIED, pay["claim"], "a denial is not paid")
    r.fail(pay["amount"] != dec["payable"][d], pay["claim"], "the payment is the decision's payable")
    r.fail(pay["amount"] <= 0, pay["claim"], "a payment is positive")
    r.fail(pay["released_by"] == dec["decided_by"][d], pay["claim"], "the decider may not pay (four eyes)")
    approver_pays = pay["released_by"] == dec["approved_by"][d]
    r.fail(approver_pays, pay["claim"], "the approver may not pay (four eyes)")
    paid = np.bincount(pay["claim"], weights=pay["amount"], minlength=n).astype(np.int64)
    r.same(c["paid"], paid, np.arange(n), "paid_amount is the sum of the payments")
    pol = c["policy"].astype(np.int64)
    p = r.h.policies
    per_policy = np.bincount(pol[pay["claim"]], weights=pay["amount"], minlength=len(p["sum_insured"]))
    over = per_policy + _paid_earlier(p) > p["sum_insured"]
    r.fail(over[pol], np.arange(n), "paid more than the policy's sum insured")


def _check_claims(r: _Run) -> None:
    c, dec, docs = r.h.claims, r.h.decisions, r.h.documents
    n = len(c["line"])
    claims = np.arange(n)
    current = np.full(n, -1, dtype=np.int64)
    current[dec["claim"][dec["current"]]] = np.flatnonzero(dec["current"])

    def of_current(column: Arr) -> Arr:
        padded = np.r_[column.astype(np.int64), -1]  # index -1: no current decision
        return np.asarray(padded[current])

    outcome, approved, assessed = (of_current(dec[k]) for k in ("outcome", "approved", "assessed"))
    r.same(
        c["outcome"].astype(np.int64),
        outcome.astype(np.int64),
        claims,
        "outcome of the current decision",
    )
    r.same(c["approved"], approved, claims, "approved amount of the current decision")
    r.same(c["assessed"], assessed, claims, "assessed loss of the current decision")
    local_report_day = (c["reported_at"] + SHANGHAI_OFFSET) // DAY
    r.fail(c["incident_date"] > local_report_day, claims, "the incident is after the report")
    # recorded history may carry claims with nothing claimed (closed as nil); claimops's own are positive
    recorded = r.settlement is SettlementCheck.RECORDED
    r.fail(c["claimed"] < 0 if recorded else c["claimed"] <= 0, claims, "a claimed amount is positive")
    if docs is not None:
        early = docs["uploaded_at"] < c["reported_at"][docs["claim"]]
        r.fail(early, docs["claim"], "a document arrives after the report")


def _check_documents(r: _Run) -> None:
    """A decision that approves an amount has the line's required documents (no override needed)."""
    c, dec, docs = r.h.claims, r.h.decisions, r.h.documents
    assert docs is not None
    required = np.zeros((len(LINES), len(r.h.doc_types)), dtype=bool)
    for line, types in enumerate(REQUIRED):
        required[line, [r.h.doc_types.index(t) for t in types]] = True
    wanted = required[c["line"][docs["claim"]], docs["doc_type"]]
    claim, at = docs["claim"][wanted].astype(np.int64), docs["uploaded_at"][wanted]
    key = np.sort((claim << 34) | at)  # uploads of required documents, by claim and time
    d_claim = dec["claim"].astype(np.int64)
    have = np.searchsorted(key, (d_claim << 34) | dec["decided_at"], side="right") - np.searchsorted(
        key, d_claim << 34, side="left"
    )
    need = required.sum(axis=1)[c["line"][d_claim]]
    approves = dec["outcome"] != DENIED
    r.fail(approves & (have < need), dec["claim"], "approved without the required documents")


def paid_before(r: _Run, *, own: bool = False) -> Arr:
    """Per decision: what its policy had paid before the decision, or with `own` what its claim had."""
    c, dec, pay = r.h.claims, r.h.decisions, r.h.payments
    group = np.arange(len(c["line"]), dtype=np.int64) if own else c["policy"].astype(np.int64)
    pay_key = (group[pay["claim"]] << 32) | pay["paid_at"]
    order = np.argsort(pay_key, kind="stable")
    pay_key = pay_key[order]
    cum = np.r_[0, np.cumsum(pay["amount"][order])]
    dec_group = group[dec["claim"]]
    upto = np.searchsorted(pay_key, (dec_group << 32) | dec["decided_at"], side="left")
    base = np.searchsorted(pay_key, dec_group << 32, side="left")
    return np.asarray((cum[upto] - cum[base]).astype(np.int64))


def _check_settlement(r: _Run) -> None:
    """Each decision's outcome, approved amount and reasons are what the settlement rule gives for
    its assessed loss, the policy's terms and what the policy had paid on other claims before it; its
    paid_before, payable and recovery set the total against what its own claim had been paid."""
    dec, c, p = r.h.decisions, r.h.claims, r.h.policies
    own = paid_before(r, own=True)
    pol = c["policy"][dec["claim"]]
    before = paid_before(r) - own + _paid_earlier(p)[pol]
    inc = c["incident_date"][dec["claim"]]
    in_force = (p["effective_from"][pol] <= inc) & (inc <= p["effective_to"][pol])
    payable, gross = payable_cents(
        dec["assessed"], p["deductible"][pol], p["coinsurance_bp"][pol], p["sum_insured"][pol], before
    )
    pays = dec["outcome"] != DENIED
    r.fail(pays & ~in_force, dec["claim"], "paid outside the policy period")
    r.fail(~pays & (dec["approved"] != 0), dec["claim"], "a denial approves nothing")
    if r.settlement is SettlementCheck.RECORDED:  # history from before the rule: amounts as recorded
        left = np.maximum(p["sum_insured"][pol] - before, 0)
        r.fail(pays & (dec["approved"] > left), dec["claim"], "approved above what the sum insured leaves")
        rows = np.zeros(0, dtype=np.int64)
    else:
        r.fail(pays & (dec["approved"] != payable), dec["claim"], "approved amount is not the payable amount")
        r.fail(pays & (payable < gross) & (dec["outcome"] != PARTIAL), dec["claim"], "limited is partial")
        rows = _to_settle(dec, before)
    for lo in range(0, len(rows), 100_000):  # in slices: Python values for a million rows are large
        _settle(r, rows[lo : lo + 100_000], before)
    r.same(dec["paid_before"], own, dec["claim"], "paid_before is what the claim had been paid")
    r.same(dec["payable"], np.maximum(dec["approved"] - own, 0), dec["claim"], "payable")
    r.same(dec["recovery"], np.maximum(own - dec["approved"], 0), dec["claim"], "recovery")


def _paid_earlier(policies: Cols) -> Arr:
    """What each policy had paid before the histories (imports onto policies claimops holds)."""
    got = policies.get("paid_earlier")
    return np.zeros(len(policies["sum_insured"]), dtype=np.int64) if got is None else got


def _to_settle(dec: Cols, before: Arr) -> Arr:
    """The decisions that go through `settlement.settle` itself: all, or above SETTLE_EACH every one
    where limits, adjustments or reasons play a part and a sample of the rest."""
    nd = len(dec["claim"])
    if nd <= SETTLE_EACH:
        return np.arange(nd)
    special = (before > 0) | (dec["reasons"] >= 0).any(axis=1) | (dec["outcome"] != APPROVED)
    plain = np.flatnonzero(~special)
    sample = np.random.default_rng(0).choice(plain, size=min(len(plain), SETTLE_SAMPLE), replace=False)
    return np.sort(np.r_[np.flatnonzero(special), sample])


def _settle(r: _Run, rows: Arr, before: Arr) -> None:
    """The decisions at `rows` through `settlement.settle`: same outcome, amount and reasons."""
    c, dec, p = r.h.claims, r.h.decisions, r.h.policies
    claim = dec["claim"][rows]
    pol = c["policy"][claim]
    dates: dict[int, date] = {}
    rates = {int(b): Decimal(int(b)).scaleb(-4) for b in np.unique(p["coinsurance_bp"])}

    def day(d: int) -> date:
        got = dates.get(d)
        if got is None:
            got = dates[d] = to_date(d)
        return got

    def money(cents: int) -> Decimal:
        return Decimal(cents).scaleb(-2)

    columns = zip(
        p["effective_from"][pol].tolist(),
        p["effective_to"][pol].tolist(),
        p["sum_insured"][pol].tolist(),
        p["deductible"][pol].tolist(),
        p["coinsurance_bp"][pol].tolist(),
        before[rows].tolist(),
        c["incident_date"][claim].tolist(),
        dec["outcome"][rows].tolist(),
        dec["assessed"][rows].tolist(),
        dec["approved"][rows].tolist(),
        dec["reasons"][rows].tolist(),
        claim.tolist(),
        strict=True,
    )
    for eff_from, eff_to, si, ded, bp, paid, incident, outcome, assessed, approved, codes, cl in columns:
        stored = [REASON_CODES[k] for k in codes if k >= 0]
        terms = PolicyTerms(day(eff_from), day(eff_to), money(si), money(ded), rates[bp], money(paid))
        want = OUTCOMES[outcome]
        try:
            got = settle(
                outcome=want,
                assessed_loss=money(assessed),
                incident_date=day(incident),
                terms=terms,
                reason_codes=stored,
            )
        except ValidationFailed as exc:
            r.refuse(cl, f"decision {want.value} {money(approved)} {stored}: {exc.message}", code=exc.code)
            continue
        if got.outcome is not want or got.approved_amount != money(approved) or got.reason_codes != stored:
            r.refuse(
                cl,
                f"decision {want.value} {money(approved)} {stored} is not what the settlement rule gives "
                f"({got.outcome.value} {got.approved_amount} {got.reason_codes})",
                code="BAD_SETTLEMENT",
            )
