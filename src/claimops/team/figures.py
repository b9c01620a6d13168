"""Per-person and per-team figures for a period, and their change vs the previous period (pure).

Every figure is kept as counts (so that a team's figures are its people's counts added up) and
derived as a rate that is None without a denominator: no data is not zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace

STAGES = ("acceptance", "investigation", "review", "payment")


def rate(part: int, whole: int) -> float | None:
    """part / whole, None without a whole (no data is not zero)."""
    return part / whole if whole else None


@dataclass(frozen=True)
class PersonFigures:
    """Counts for one person (or a team) in one period; rates are derived so that they add up."""

    handled: int = 0  # claims whose handling completed in the period
    open_claims: int = 0  # claims in hand now
    stage_seconds: dict[str, int] = field(default_factory=dict)  # summed per stage
    stage_counts: dict[str, int] = field(default_factory=dict)
    sla_met: int = 0  # stage measurements within their SLA
    sla_measured: int = 0
    reopened: int = 0  # handled claims reopened at least once
    decisions: int = 0  # decisions taken in the period
    # of which changed later: replaced by a later decision (on review), the claim reopened after it,
    # or a dispute opened after it settled at another amount
    decisions_changed: int = 0
    decided_claims: int = 0  # claims the person decided in the period
    disputed_claims: int = 0  # of which disputed after the person's decision
    responses: int = 0  # survey answers in the period on claims the person handled
    satisfaction_sum: int = 0  # their overall scores (1-5) added up
    satisfied: int = 0  # answers of 4 or 5 (CSAT, as the surveys domain counts it)

    def avg_stage_days(self, stage: str) -> float | None:
        n = self.stage_counts.get(stage, 0)
        return self.stage_seconds.get(stage, 0) / n / 86400 if n else None

    @property
    def sla_compliance(self) -> float | None:
        return rate(self.sla_met, self.sla_measured)

    @property
    def reopen_rate(self) -> float | None:
        return rate(self.reopened, self.handled)

    @property
    def decision_quality(self) -> float | None:
        """Share of decisions that stood (not changed on review, reopening or dispute)."""
        return rate(self.decisions - self.decisions_changed, self.decisions)

    @property
    def dispute_rate(self) -> float | None:
        return rate(self.disputed_claims, self.decided_claims)

    @property
    def satisfaction(self) -> float | None:
        """Mean overall score (1-5) of the survey answers; None without answers."""
        return self.satisfaction_sum / self.responses if self.responses else None

    @property
    def csat(self) -> float | None:
        return rate(self.satisfied, self.responses)


def total(people: Iterable[PersonFigures]) -> PersonFigures:
    """A team's figures: every count added up."""
    out = PersonFigures()
    for p in people:
        merged: dict[str, object] = {}
        for f in fields(PersonFigures):
            a, b = getattr(out, f.name), getattr(p, f.name)
            if isinstance(a, dict):
                merged[f.name] = {k: a.get(k, 0) + b.get(k, 0) for k in {*a, *b}}
            else:
                merged[f.name] = a + b
        out = replace(out, **merged)  # type: ignore[arg-type]
    return out


def change(now: float | None, before: float | None) -> float | None:
    """Change vs the previous period (absolute, in the figure's own unit); None without both."""
    if now is None or before is None:
        return None
    return now - before


HEADLINE = (
    "handled",
    "open_claims",
    "sla_compliance",
    "reopen_rate",
    "decision_quality",
    "dispute_rate",
    "satisfaction",
)


def headline(f: PersonFigures) -> dict[str, float | None]:
    return {
        "handled": float(f.handled),
        "open_claims": float(f.open_claims),
        "sla_compliance": f.sla_compliance,
        "reopen_rate": f.reopen_rate,
        "decision_quality": f.decision_quality,
        "dispute_rate": f.dispute_rate,
        "satisfaction": f.satisfaction,
    }


def changes(now: PersonFigures, before: PersonFigures) -> dict[str, float | None]:
    a, b = headline(now), headline(before)
    return {k: change(a[k], b[k]) for k in HEADLINE}
