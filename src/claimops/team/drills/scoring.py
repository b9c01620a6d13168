"""Scoring a drill attempt against the real outcome (pure).

Out of 100: decision type 40, amount within the tolerance 25, missing documents spotted 15, red flags
noticed 15, time 5. Documents and red flags score the overlap of what was named with what was true
(|named ∩ true| / |named ∪ true|), so naming everything earns no more than naming nothing; with nothing
to find and nothing named, full marks. Time: full within the target, none at twice the target or later.
An emergency drill's triage scores the share of case pairs put in the same order as the truth's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations

POINTS = {"decision": 40, "amount": 25, "documents": 15, "red_flags": 15, "time": 5}
DEFAULT_TOLERANCE = Decimal("0.05")  # 5% of the real approved amount
MIN_TOLERANCE = Decimal("100")  # CNY: at least this much either way


@dataclass(frozen=True)
class Truth:
    outcome: str
    amount: Decimal
    missing_documents: frozenset[str]
    red_flags: frozenset[str]
    target_minutes: int
    tolerance: Decimal = DEFAULT_TOLERANCE


@dataclass(frozen=True)
class Answer:
    outcome: str
    amount: Decimal
    requested_documents: frozenset[str]
    red_flags: frozenset[str]
    minutes: float


def overlap(named: frozenset[str], true: frozenset[str]) -> float:
    union = named | true
    return len(named & true) / len(union) if union else 1.0


def amount_band(truth: Truth) -> Decimal:
    return max(truth.amount * truth.tolerance, MIN_TOLERANCE)


def time_share(minutes: float, target: int) -> float:
    if minutes <= target:
        return 1.0
    return max(0.0, 1.0 - (minutes - target) / target)


def score_case(truth: Truth, answer: Answer) -> dict[str, int]:
    """Points per part and the total."""
    parts = {
        "decision": POINTS["decision"] if answer.outcome == truth.outcome else 0,
        "amount": POINTS["amount"] if abs(answer.amount - truth.amount) <= amount_band(truth) else 0,
        "documents": round(
            POINTS["documents"] * overlap(answer.requested_documents, truth.missing_documents)
        ),
        "red_flags": round(POINTS["red_flags"] * overlap(answer.red_flags, truth.red_flags)),
        "time": round(POINTS["time"] * time_share(answer.minutes, truth.target_minutes)),
    }
    return {**parts, "total": sum(parts.values())}


def score_triage(truth_order: Sequence[str], given: Sequence[str]) -> dict[str, int]:
    """Share of pairs ordered as in the truth, out of 100; a case left out or unknown counts as wrong."""
    pos = {c: i for i, c in enumerate(given)}
    pairs = list(combinations(truth_order, 2))
    if not pairs:
        return {"triage": 100, "total": 100}
    good = sum(1 for a, b in pairs if a in pos and b in pos and pos[a] < pos[b])
    points = round(100 * good / len(pairs))
    return {"triage": points, "total": points}
