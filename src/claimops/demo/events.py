"""The rows a scripted history gives: events, decisions, payments, and the claims' resulting state."""

from __future__ import annotations

import numpy as np

from claimops.demo.documents import _documents
from claimops.demo.model import (
    ACTIONS,
    BANK,
    DENIED,
    N_ABOVE_CLAIMED,
    N_APPEAL,
    N_DOCS,
    N_INVESTIGATE,
    N_INVESTIGATED,
    N_NONE,
    N_NOT_COVERED,
    N_NOT_IN_FORCE,
    N_STP,
    N_SUPPLEMENT,
    N_WITHDRAW,
    REASONS,
    SLOT_ACTION,
    SLOT_TO,
    A,
    Arr,
    Cols,
)


def _rows(c: Cols, offset: int, keep: Arr, T: Arr, ACT: Arr, x: Cols) -> dict[str, Cols]:
    """Events, decisions, payments, documents and the claims' resulting state from the kept slots."""
    m = keep.shape[0]
    row, slot = np.nonzero(keep)  # row-major: by claim, then in lifecycle order
    n_ev = len(row)
    first = np.r_[True, row[1:] != row[:-1]] if n_ev else np.zeros(0, dtype=bool)
    to = SLOT_TO[slot]
    frm = np.where(first, -1, np.r_[np.int8(-1), to[:-1]]).astype(np.int8)
    start_of = np.flatnonzero(first)
    seq = np.arange(n_ev) - np.repeat(start_of, np.diff(np.r_[start_of, n_ev])) + 1
    action = SLOT_ACTION[slot].copy()
    approve = ((slot == 12) & x["needs1"][row]) | ((slot == 17) & x["needs2"][row])
    action[approve] = ACTIONS.index(A.APPROVE)

    # decisions: cycle 1 (slot 11) and after a reopening cycle 2 (slot 16)
    d1, d2, reopened = keep[:, 11], keep[:, 16], keep[:, 15]
    dec_claim = np.r_[np.flatnonzero(d1), np.flatnonzero(d2)]
    cycle = np.r_[np.zeros(int(d1.sum()), dtype=np.int8), np.ones(int(d2.sum()), dtype=np.int8)]
    order = np.lexsort((cycle, dec_claim))
    dec_claim, cycle = dec_claim[order], cycle[order]
    two = cycle == 1

    def pick(a: Arr, b: Arr) -> Arr:
        return np.where(two if a.ndim == 1 else two[:, None], b[dec_claim], a[dec_claim])

    dec_outcome = pick(x["outcome1"], x["outcome2"]).astype(np.int8)
    dec_pays = dec_outcome != DENIED
    needs = pick(x["needs1"], x["needs2"])
    approve_slot = np.where(two, 17, 12)
    approved_kept = needs & keep[dec_claim, approve_slot]
    assessed = pick(x["assessed1"], x["assessed2"]).astype(np.int64)
    approved = pick(x["approved1"], x["approved2"]).astype(np.int64)
    paid_before = pick(np.zeros(m, dtype=np.int64), x["paid_before2"]).astype(np.int64)
    above = dec_pays & (assessed > c["claimed"][dec_claim])  # a note says why
    decisions = {
        "claim": (dec_claim + offset).astype(np.int32),
        "cycle": cycle,
        "outcome": dec_outcome,
        "assessed": assessed,
        "approved": approved,
        "paid_before": paid_before,
        "payable": np.maximum(approved - paid_before, 0),
        "recovery": np.maximum(paid_before - approved, 0),
        "reasons": pick(x["codes1"], x["codes2"]).astype(np.int8),
        "method": np.where(dec_pays, x["method"][dec_claim], -1).astype(np.int8),
        "decided_by": pick(x["decider1"], x["decider2"]).astype(np.int16),
        "decided_at": T[dec_claim, np.where(two, 16, 11)],
        "requires_approval": needs,
        "approved_by": np.where(approved_kept, ACT[dec_claim, approve_slot], -1).astype(np.int16),
        "approved_at": np.where(approved_kept, T[dec_claim, approve_slot], -1),
        "current": two | ~reopened[dec_claim],
        "note": np.where(above, N_ABOVE_CLAIMED, np.where(x["stp"][dec_claim] & ~two, N_STP, N_NONE)).astype(
            np.int8
        ),
    }
    dec_key = dec_claim * 2 + cycle

    p1, p2 = keep[:, 13], keep[:, 18]
    pay_claim = np.r_[np.flatnonzero(p1), np.flatnonzero(p2)]
    pay_cycle = np.r_[np.zeros(int(p1.sum()), dtype=np.int64), np.ones(int(p2.sum()), dtype=np.int64)]
    order = np.lexsort((pay_cycle, pay_claim))
    pay_claim, pay_cycle = pay_claim[order], pay_cycle[order]
    pay_dec = np.searchsorted(dec_key, pay_claim * 2 + pay_cycle)
    pay_method = x["method"][pay_claim]
    payments = {
        "claim": (pay_claim + offset).astype(np.int32),
        "decision": pay_dec.astype(np.int64),
        "amount": decisions["payable"][pay_dec],
        "method": pay_method.astype(np.int8),
        "paid_at": T[pay_claim, np.where(pay_cycle == 1, 18, 13)],
        "released_by": x["payer"][pay_claim].astype(np.int16),
        "bank": np.where(pay_method == BANK, x["bank"][pay_claim], -1).astype(np.int8),
        "account": np.where(pay_method == BANK, x["account"][pay_claim], -1),
    }
    pay_key = pay_claim * 2 + pay_cycle

    ev_cycle = (slot >= 15).astype(np.int64)
    ref = np.full(n_ev, -1, dtype=np.int64)
    is_dec = (slot == 11) | (slot == 16)
    ref[is_dec] = np.searchsorted(dec_key, row[is_dec] * 2 + ev_cycle[is_dec])
    is_pay = (slot == 13) | (slot == 18)
    ref[is_pay] = np.searchsorted(pay_key, row[is_pay] * 2 + ev_cycle[is_pay])
    ref[slot == 0] = c["channel"][row[slot == 0]]
    ref[slot == 1] = np.where(
        x["in_force"][row[slot == 1]], REASONS.index("NOT_COVERED"), REASONS.index("POLICY_NOT_IN_FORCE")
    )
    ref[slot == 10] = REASONS.index("WITHDRAWN_BY_CLAIMANT")
    ref[slot == 3] = x["docs1_missing"][row[slot == 3]]
    ref[slot == 8] = 10 + x["docs2_code"][row[slot == 8]]
    note = np.zeros(n_ev, dtype=np.int8)
    note[slot == 1] = np.where(x["in_force"][row[slot == 1]], N_NOT_COVERED, N_NOT_IN_FORCE)
    note[(slot == 3) | (slot == 8)] = N_DOCS
    note[(slot == 4) | (slot == 6)] = N_INVESTIGATE
    note[slot == 7] = N_INVESTIGATED
    note[slot == 10] = N_WITHDRAW
    note[slot == 15] = np.where(x["appeal"][row[slot == 15]], N_APPEAL, N_SUPPLEMENT)
    note[(slot == 11) & x["stp"][row]] = N_STP
    for k, cyc in ((11, "1"), (16, "2")):  # a decision above the claim says why, in its event too
        above_claim = (x[f"outcome{cyc}"] != DENIED) & (x[f"assessed{cyc}"] > c["claimed"])
        note[(slot == k) & above_claim[row]] = N_ABOVE_CLAIMED
    events = {
        "claim": (row + offset).astype(np.int32),
        "seq": seq.astype(np.int16),
        "action": action,
        "from_status": frm,
        "to_status": to,
        "actor": ACT[row, slot],
        "at": T[row, slot],
        "note": note,
        "ref": ref,
    }

    # the claims as they stand at the cutoff
    last = np.r_[start_of[1:] - 1, n_ev - 1] if n_ev else np.zeros(0, dtype=np.int64)
    current = decisions["current"]
    cur_claim = dec_claim[current]
    outcome = np.full(m, -1, dtype=np.int8)
    assessed = np.full(m, -1, dtype=np.int64)
    approved = np.full(m, -1, dtype=np.int64)
    outcome[cur_claim] = decisions["outcome"][current]
    assessed[cur_claim] = decisions["assessed"][current]
    approved[cur_claim] = decisions["approved"][current]
    paid = np.bincount(pay_claim, weights=payments["amount"], minlength=m).astype(np.int64)
    claims = {
        "status": to[last],
        "outcome": outcome,
        "assessed": assessed,
        "approved": approved,
        "paid": paid,
        "handler": np.where(keep[:, 2], c["handler"], -1).astype(np.int16),
        "straight_through": x["stp"] & d1,
        "reopen_count": reopened.astype(np.int8),
        "updated_at": T[row[last], slot[last]],
    }
    return {
        "claims": claims,
        "events": events,
        "decisions": decisions,
        "payments": payments,
        "documents": _documents(c, offset, keep, T, ACT, x),
    }
