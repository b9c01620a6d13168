"""The claim rules over numpy arrays, for bulk paths: the same definitions as the scalar rules in
`lifecycle.py`, `settlement.py` and `timing.py` (tests/claims/test_columnar.py holds them equal with
hypothesis). Codes index `STATUSES` and `ACTIONS`; times are epoch seconds; money is integer cents.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from claimops.claims.lifecycle import Action, Outcome, Status, transition
from claimops.claims.timing import COMPLETION, STAGE_STATES
from claimops.errors import IllegalTransition

Arr = npt.NDArray[Any]
Cols = dict[str, Arr]
DAY = 86_400
SHANGHAI_OFFSET = 8 * 3_600  # Asia/Shanghai has kept UTC+8, without DST, since 1991
EPOCH = date(1970, 1, 1)
STATUSES: tuple[Status, ...] = tuple(Status)
ACTIONS: tuple[Action, ...] = tuple(Action)
ST = {s: i for i, s in enumerate(STATUSES)}
AC = {a: i for i, a in enumerate(ACTIONS)}
OUTCOMES: tuple[Outcome, ...] = tuple(Outcome)
OC = {o: i for i, o in enumerate(OUTCOMES)}


def day_number(d: date) -> int:
    return (d - EPOCH).days


def to_date(days: int) -> date:
    return EPOCH + timedelta(days=int(days))


@cache
def legal_moves() -> Arr:
    """[action, from status] -> to status (-1: illegal), asked of `lifecycle.transition` itself."""
    table = np.full((len(ACTIONS), len(STATUSES)), -1, dtype=np.int8)
    for a in ACTIONS:
        for s in STATUSES:
            try:
                table[AC[a], ST[s]] = ST[transition(s, a).to_status]
            except IllegalTransition:
                pass
    return table


def payable_cents(
    assessed: Arr, deductible: Arr, coinsurance_bp: Arr, sum_insured: Arr, paid: Arr
) -> tuple[Arr, Arr]:
    """`settlement.payable` in integer cents, for arrays: (payable, gross before the limit).
    max(loss - deductible, 0) x (1 - rate), half up, then limited to what the policy has left."""
    net = np.maximum(assessed - deductible, 0)
    gross = (net * (10_000 - coinsurance_bp) + 5_000) // 10_000
    return np.minimum(gross, np.maximum(sum_insured - paid, 0)), gross


def stage_timings(claim: Arr, at: Arr, to: Arr, n: int) -> Cols:
    """`timing.stage_durations` for all claims at once; events grouped by claim, in order.

    Seconds per stage and handling (-1 where stage_durations gives None) and the accepted, decided,
    paid and completed times (-1: None). A reopening (closed -> under_review) starts a new cycle: the
    completion is the last one in the claim's latest cycle, as the loop in stage_durations finds it.
    """
    claim = claim.astype(np.int64)
    m = len(claim)
    first = np.r_[True, claim[1:] != claim[:-1]]
    last = np.r_[claim[1:] != claim[:-1], True]
    span = np.zeros(m, dtype=np.int64)
    span[:-1] = np.maximum(at[1:] - at[:-1], 0)
    span[last] = 0
    last_to = np.full(n, -1, dtype=np.int64)
    last_to[claim[last]] = to[last]
    is_paid = to == ST[Status.PAID]
    ever_paid = np.bincount(claim, weights=is_paid, minlength=n) > 0
    out: Cols = {}
    for stage, states in STAGE_STATES.items():
        codes = [ST[s] for s in states]
        inside = np.isin(to, codes)
        total = np.bincount(claim, weights=span * inside, minlength=n).astype(np.int64)
        reached = np.bincount(claim, weights=inside, minlength=n) > 0
        done = reached & ~np.isin(last_to, codes)
        if stage == "payment":
            done &= ever_paid
        out[f"{stage}_s"] = np.where(done, total, -1)

    def at_of(hits: Arr, take_last: bool) -> Arr:
        """Per claim, the time of its first (or last) event among `hits`; -1 if none."""
        res = np.full(n, -1, dtype=np.int64)
        hit = np.flatnonzero(hits)
        if len(hit):
            hc = claim[hit]
            edge = np.r_[hc[1:] != hc[:-1], True] if take_last else np.r_[True, hc[1:] != hc[:-1]]
            res[hc[edge]] = at[hit[edge]]
        return res

    out["accepted_at"] = at_of(to == ST[Status.ACCEPTED], take_last=False)
    out["decided_at"] = at_of(to == ST[Status.DECIDED], take_last=True)
    out["paid_at"] = at_of(is_paid, take_last=True)
    prev_to = np.r_[np.int8(-1), to[:-1]]
    reset = ~first & (to == ST[Status.UNDER_REVIEW]) & (prev_to == ST[Status.CLOSED])
    cycle = np.cumsum(first | reset)
    paid_cum = np.cumsum(is_paid) - is_paid  # paid events strictly before
    paid_in_cycle = paid_cum - paid_cum[np.flatnonzero(first | reset)][cycle - 1]
    marker = np.isin(to, [ST[s] for s in COMPLETION]) | ((to == ST[Status.CLOSED]) & (paid_in_cycle == 0))
    last_cycle = np.zeros(n, dtype=np.int64)
    last_cycle[claim[last]] = cycle[last]
    completed = at_of(marker & (cycle == last_cycle[claim]), take_last=True)
    out["completed_at"] = completed
    reported = np.zeros(n, dtype=np.int64)
    reported[claim[first]] = at[first]
    out["handling_s"] = np.where(completed >= 0, np.maximum(completed - reported, 0), -1)
    return out
