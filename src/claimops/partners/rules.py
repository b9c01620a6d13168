"""Partner rules (pure: plain values in, plain values out; `now`/`today` always passed in).

Scorecard: each figure is measured only from the data that exists, carries the claims behind it, and
the grade is given only on what was measured; a scorecard missing a figure cannot be graded A.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from claimops.errors import Conflict, ValidationFailed

PROVIDER_TYPES = ("loss_assessor", "repair_shop", "hospital", "towing", "legal", "medical_review")
PROVIDER_STATUSES = ("candidate", "active", "suspended", "terminated")
# what a provider is assigned to do on a claim -> the provider types that may do it
KINDS: dict[str, tuple[str, ...]] = {
    "investigation": ("loss_assessor", "medical_review"),
    "repair": ("repair_shop",),
    "treatment": ("hospital",),
    "towing": ("towing",),
    "legal": ("legal",),
}
PROCESS_STEPS = ("report", "application", "review", "decision", "payment")
EXPIRY_ALERT_DAYS = 60
GRADES = ("A", "B", "C", "D")


def check_type(provider_type: str) -> None:
    if provider_type not in PROVIDER_TYPES:
        raise ValidationFailed(
            f"unknown provider type {provider_type!r}; one of {', '.join(PROVIDER_TYPES)}",
            code="PROVIDER_TYPE_UNKNOWN",
        )


def check_assignable(*, status: str, provider_type: str, kind: str, has_current_agreement: bool) -> None:
    """Why a provider may not be assigned to this work, as an error; nothing when it may."""
    if kind not in KINDS:
        raise ValidationFailed(
            f"unknown assignment kind {kind!r}; one of {', '.join(KINDS)}", code="KIND_UNKNOWN"
        )
    if status != "active":
        raise Conflict(f"a provider that is {status} cannot be assigned", code="PROVIDER_NOT_ACTIVE")
    if provider_type not in KINDS[kind]:
        raise Conflict(
            f"a {provider_type} cannot be assigned for {kind} (needs {', '.join(KINDS[kind])})",
            code="PROVIDER_WRONG_TYPE",
        )
    if not has_current_agreement:
        raise Conflict("the provider has no agreement in force on that day", code="NO_CURRENT_AGREEMENT")


def check_times(assigned: datetime, **later: datetime | None) -> None:
    """Arrival, report and finish are not before the assignment."""
    for name, value in later.items():
        if value is not None and value < assigned:
            raise ValidationFailed(f"{name} is before the assignment", code="TIME_BEFORE_ASSIGNMENT")


def overdue(due_on: date, status: str, today: date) -> bool:
    return status == "open" and due_on < today


def expiring(end_on: date, today: date, days: int = EXPIRY_ALERT_DAYS) -> bool:
    """In force today and ending within `days`."""
    return today <= end_on <= today + timedelta(days=days)


def in_force(start_on: date, end_on: date, day: date) -> bool:
    return start_on <= day <= end_on


def weighted_total(weights: dict[str, int], scores: dict[str, int]) -> Decimal:
    """Σ weight × score / Σ weight, scores 0..100, every criterion scored (two decimals)."""
    missing = sorted(set(weights) - set(scores))
    extra = sorted(set(scores) - set(weights))
    if missing or extra:
        raise ValidationFailed(
            f"score every criterion of the type and only those (missing: {missing}, unknown: {extra})",
            code="SCORES_INCOMPLETE",
        )
    if any(not 0 <= s <= 100 for s in scores.values()):
        raise ValidationFailed("scores are between 0 and 100", code="SCORE_RANGE")
    total_weight = sum(weights.values())
    if total_weight <= 0:
        raise ValidationFailed("the type has no weighted criteria", code="NO_CRITERIA")
    value = Decimal(sum(weights[k] * scores[k] for k in weights)) / Decimal(total_weight)
    return value.quantize(Decimal("0.01"), ROUND_HALF_UP)


# --- scorecard ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """One assignment as the scorecard sees it."""

    claim_number: str
    assigned_at: datetime
    arrived_at: datetime | None
    reported_at: datetime | None
    finished_at: datetime | None
    cost: Decimal | None
    on_site_hours: int | None  # the agreement's standards (None: not agreed)
    report_days: int | None
    finish_days: int | None
    reopened: bool
    disputed: bool


@dataclass(frozen=True)
class Figure:
    key: str
    value: Decimal | None  # None: not measured
    measured: int  # how many jobs the figure is computed from
    claims: list[str]  # the claims behind it
    target: Decimal | None = None
    flagged: list[str] = field(default_factory=list)  # the claims that miss the target


@dataclass(frozen=True)
class Scorecard:
    figures: dict[str, Figure]
    missing: list[str]  # figure keys with no data
    points: Decimal | None  # 0..100 over the measured figures
    grade: str | None
    below_standard: bool


def _q(value: Decimal, places: str = "0.0001") -> Decimal:
    return value.quantize(Decimal(places), ROUND_HALF_UP)


def _within(jobs: Sequence[Job], key: str, end: str, standard: str, unit_hours: int) -> Figure:
    """Share of jobs with both a standard and the time measured that met the standard."""
    measured, late = [], []
    for j in jobs:
        done: datetime | None = getattr(j, end)
        limit: int | None = getattr(j, standard)
        if done is None or limit is None:
            continue
        measured.append(j.claim_number)
        if done - j.assigned_at > timedelta(hours=limit * unit_hours):
            late.append(j.claim_number)
    if not measured:
        return Figure(key, None, 0, [])
    share = _q(Decimal(len(measured) - len(late)) / Decimal(len(measured)))
    return Figure(key, share, len(measured), measured, Decimal("0.9"), late)


def _rate(jobs: Sequence[Job], key: str, flag: str, target: str) -> Figure:
    claims = sorted({j.claim_number for j in jobs})
    if not claims:
        return Figure(key, None, 0, [])
    hit = sorted({j.claim_number for j in jobs if getattr(j, flag)})
    return Figure(
        key, _q(Decimal(len(hit)) / Decimal(len(claims))), len(claims), claims, Decimal(target), hit
    )


def _satisfaction(responses: Sequence[tuple[str, int]]) -> Figure:
    """CSAT as the surveys domain reports it: the share of answers of 4 or 5 on the overall 1–5
    scale, over every response on the claims the provider touched; the claims answered below 4 flagged."""
    if not responses:
        return Figure("satisfaction", None, 0, [])
    good = sum(1 for _, overall in responses if overall >= 4)
    return Figure(
        "satisfaction",
        _q(Decimal(good) / Decimal(len(responses))),
        len(responses),
        sorted({n for n, _ in responses}),
        Decimal("0.8"),
        sorted({n for n, overall in responses if overall < 4}),
    )


def scorecard(
    jobs: Sequence[Job], peer_costs: Sequence[Decimal], satisfaction: Sequence[tuple[str, int]] = ()
) -> Scorecard:
    """The provider's scorecard from its jobs of the period and its peers' costs (same type and
    region, other providers, same period). Points per measured figure (0..100):
    on-time shares ×100; cost 100 at or below the peers' average, minus 2 per percent above it;
    reopen and dispute rates 100 minus 5 per percent; satisfaction (`satisfaction`: the survey
    responses on its claims as (claim number, overall 1–5)) its CSAT share ×100.
    Grade A ≥ 85, B ≥ 70, C ≥ 55, else D; a scorecard with a missing figure is at best B.
    Below standard: grade C or D, or an on-time share under 80%."""
    figures = {
        "on_site": _within(jobs, "on_site", "arrived_at", "on_site_hours", 1),
        "report": _within(jobs, "report", "reported_at", "report_days", 24),
        "finish": _within(jobs, "finish", "finished_at", "finish_days", 24),
    }
    costed = [j for j in jobs if j.cost is not None]
    if costed and peer_costs:
        avg = sum((j.cost for j in costed if j.cost is not None), Decimal(0)) / len(costed)
        peer = sum(peer_costs, Decimal(0)) / len(peer_costs)
        ratio = _q(avg / peer) if peer > 0 else None
        above = [j.claim_number for j in costed if j.cost is not None and j.cost > peer]
        figures["cost"] = Figure(
            "cost", ratio, len(costed), [j.claim_number for j in costed], Decimal("1"), above
        )
    else:
        figures["cost"] = Figure("cost", None, len(costed), [j.claim_number for j in costed])
    figures["reopen"] = _rate(jobs, "reopen", "reopened", "0.05")
    figures["dispute"] = _rate(jobs, "dispute", "disputed", "0.05")
    figures["satisfaction"] = _satisfaction(satisfaction)
    missing = [k for k, f in figures.items() if f.value is None]
    points: list[Decimal] = []
    for key in ("on_site", "report", "finish"):
        value = figures[key].value
        if value is not None:
            points.append(value * 100)
    cost = figures["cost"].value
    if cost is not None:
        points.append(max(Decimal(0), Decimal(100) - max(cost - 1, Decimal(0)) * 200))
    for key in ("reopen", "dispute"):
        value = figures[key].value
        if value is not None:
            points.append(max(Decimal(0), Decimal(100) - value * 500))
    csat = figures["satisfaction"].value
    if csat is not None:
        points.append(csat * 100)
    if not points:
        return Scorecard(figures, missing, None, None, False)
    score = _q(sum(points, Decimal(0)) / len(points), "0.01")
    grade = "A" if score >= 85 else "B" if score >= 70 else "C" if score >= 55 else "D"
    if missing and grade == "A":
        grade = "B"
    late = any(
        figures[k].value is not None and figures[k].value < Decimal("0.8")  # type: ignore[operator]
        for k in ("on_site", "report", "finish")
    )
    return Scorecard(figures, missing, score, grade, grade in ("C", "D") or late)


# --- disputes -------------------------------------------------------------------------------------
