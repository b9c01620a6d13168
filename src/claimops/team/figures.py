"""Per-person and per-team figures for a period, and their change vs the previous period (pure).

Dispute rate and customer satisfaction stay None ("no data") until the disputes and surveys domains
supply them: `PersonFigures` carries the fields, the team's figures add them up once they are filled.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal

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
    decisions_changed: int = 0  # of which replaced later (on review or reopening)
    disputes: int | None = None  # None until a disputes domain reports them
    satisfaction_sum: Decimal | None = None  # None until a surveys domain reports them
    satisfaction_count: int | None = None

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
        return None if self.disputes is None else rate(self.disputes, self.handled)

    @property
    def satisfaction(self) -> float | None:
        if self.satisfaction_sum is None or not self.satisfaction_count:
            return None
        return float(self.satisfaction_sum) / self.satisfaction_count


def _add_optional(a: int | Decimal | None, b: int | Decimal | None) -> int | Decimal | None:
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def total(people: Iterable[PersonFigures]) -> PersonFigures:
    """A team's figures: every count added up (None stays None only when nobody has data)."""
    out = PersonFigures()
    for p in people:
        merged: dict[str, object] = {}
        for f in fields(PersonFigures):
            a, b = getattr(out, f.name), getattr(p, f.name)
            if isinstance(a, dict):
                merged[f.name] = {k: a.get(k, 0) + b.get(k, 0) for k in {*a, *b}}
            elif f.name in ("disputes", "satisfaction_sum", "satisfaction_count"):
                merged[f.name] = _add_optional(a, b)
            else:
                merged[f.name] = a + b
        out = replace(out, **merged)  # type: ignore[arg-type]
    return out


def change(now: float | None, before: float | None) -> float | None:
    """Change vs the previous period (absolute, in the figure's own unit); None without both."""
    if now is None or before is None:
        return None
    return now - before


HEADLINE = ("handled", "open_claims", "sla_compliance", "reopen_rate", "decision_quality")


def headline(f: PersonFigures) -> dict[str, float | None]:
    return {
        "handled": float(f.handled),
        "open_claims": float(f.open_claims),
        "sla_compliance": f.sla_compliance,
        "reopen_rate": f.reopen_rate,
        "decision_quality": f.decision_quality,
    }


def changes(now: PersonFigures, before: PersonFigures) -> dict[str, float | None]:
    a, b = headline(now), headline(before)
    return {k: change(a[k], b[k]) for k in HEADLINE}
