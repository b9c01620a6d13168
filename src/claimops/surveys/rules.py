"""Survey rules (pure): which claim events invite, answer checks, the slow stage of a claim."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from claimops.errors import ValidationFailed

SCALES = ("overall", "timeliness", "communication", "professionalism")
METRICS = (*SCALES, "nps", "csat")
CHANNELS = ("online", "phone", "review")
INVITATION_DAYS = 30
COMMENT_MAX = 2000
STAGES = ("acceptance", "investigation", "review", "payment")
RESULTS_DAYS = 365  # results cover the year up to today unless a range is asked for


def results_days(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """The first and last Shanghai day (both included) that results cover."""
    last = end or today
    return start or last - timedelta(days=RESULTS_DAYS), last


def trigger_of(action: str, outcome: str | None) -> str | None:
    """Paid or closed claims are invited, and denials too: the unhappy voices count."""
    if action == "pay":
        return "paid"
    if action == "close":
        return "closed"
    if action == "reject":
        return "rejected"
    if action == "decide" and outcome == "denied":
        return "denied"
    return None


def check_answers(answers: Mapping[str, object]) -> dict[str, object]:
    """Scores in range (1–5 scales, overall required; NPS 0–10), a comment of bounded length."""
    out: dict[str, object] = {}
    for name in SCALES:
        value = answers.get(name)
        if value is None or value == "":
            if name == "overall":
                raise ValidationFailed("overall satisfaction is required", code="SCORE_REQUIRED")
            out[name] = None
            continue
        out[name] = _score(name, value, 1, 5)
    value = answers.get("nps")
    out["nps"] = None if value is None or value == "" else _score("nps", value, 0, 10)
    comment = str(answers.get("comment") or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed(
            f"the comment is longer than {COMMENT_MAX} characters", code="COMMENT_TOO_LONG"
        )
    out["comment"] = comment
    return out


def _score(name: str, value: object, low: int, high: int) -> int:
    try:
        number = int(str(value))
    except ValueError:
        number = low - 1
    if str(number) != str(value).strip() or not low <= number <= high:
        raise ValidationFailed(
            f"{name} must be a whole number from {low} to {high}",
            code="SCORE_OUT_OF_RANGE",
            details={"field": name},
        )
    return number


def slowest_stage(durations: Mapping[str, int | None], sla: Mapping[str, timedelta]) -> str | None:
    """The stage furthest over (or nearest to) its service level, by duration ÷ SLA."""
    best, ratio = None, -1.0
    for stage in STAGES:
        seconds = durations.get(stage)
        limit = sla.get(stage)
        if seconds is None or not limit:
            continue
        r = seconds / limit.total_seconds()
        if r > ratio:
            best, ratio = stage, r
    return best
