"""Training KPIs from plain rows (pure): hours per head, completion and pass rates, certifications,
onboarding progress, drill scores."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

EXPIRING_DAYS = 60  # a certification expiring within this many days is "expiring"
CERT_STATES = ("current", "expiring", "expired")


@dataclass(frozen=True)
class EnrolmentRow:
    user_id: int
    minutes: int  # the session's length
    held: bool  # the session has begun
    attended: bool | None
    score: int | None
    passed: bool | None


@dataclass(frozen=True)
class TrainingKpis:
    headcount: int
    hours: float  # attended hours in the period
    enrolled_held: int  # enrolments on sessions that have been held
    attended: int
    assessed: int
    passed: int
    certs_current: int
    certs_expiring: int
    certs_expired: int
    onboarding_done: int  # required courses passed, over all onboarding plans
    onboarding_required: int
    drill_attempts: int
    drill_score_sum: int

    @property
    def hours_per_head(self) -> float | None:
        return self.hours / self.headcount if self.headcount else None

    @property
    def completion_rate(self) -> float | None:
        return self.attended / self.enrolled_held if self.enrolled_held else None

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.assessed if self.assessed else None

    @property
    def onboarding_progress(self) -> float | None:
        return self.onboarding_done / self.onboarding_required if self.onboarding_required else None

    @property
    def drill_score(self) -> float | None:
        return self.drill_score_sum / self.drill_attempts if self.drill_attempts else None

    @property
    def has_data(self) -> bool:
        return bool(self.enrolled_held or self.certs_current or self.certs_expiring or self.drill_attempts)


def cert_state(expires_on: date, today: date, expiring_days: int = EXPIRING_DAYS) -> str:
    if expires_on < today:
        return "expired"
    if expires_on <= today + timedelta(days=expiring_days):
        return "expiring"
    return "current"


def training_kpis(
    *,
    headcount: int,
    enrolments: Iterable[EnrolmentRow],
    cert_expiries: Iterable[date],
    today: date,
    onboarding: Iterable[tuple[int, int]],  # (required courses passed, required courses) per plan
    drill_scores: Sequence[int],
) -> TrainingKpis:
    minutes = enrolled = attended = assessed = passed = 0
    for e in enrolments:
        if not e.held:
            continue
        enrolled += 1
        if e.attended:
            attended += 1
            minutes += e.minutes
        if e.score is not None:
            assessed += 1
            passed += bool(e.passed)
    states = [cert_state(d, today) for d in cert_expiries]
    plans = list(onboarding)
    return TrainingKpis(
        headcount=headcount,
        hours=minutes / 60,
        enrolled_held=enrolled,
        attended=attended,
        assessed=assessed,
        passed=passed,
        certs_current=states.count("current"),
        certs_expiring=states.count("expiring"),
        certs_expired=states.count("expired"),
        onboarding_done=sum(min(d, r) for d, r in plans),
        onboarding_required=sum(r for _, r in plans),
        drill_attempts=len(drill_scores),
        drill_score_sum=sum(drill_scores),
    )
