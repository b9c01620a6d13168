"""What the team and training endpoints and pages show: JSON-ready dicts, built by the same functions
for the API and the pages. Rates are fractions (0.93), None where there is no data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from claimops.clock import local_date
from claimops.config import Settings
from claimops.reporting.periods import Period, parse_period
from claimops.team.figures import STAGES, PersonFigures
from claimops.team.queries import person_figures
from claimops.team.service import check_visible, role_history, team_rows, user_by_name, visible_ids
from claimops.team.training import queries as tq
from claimops.users.actor import Actor


def period_of(text: str | None, now: datetime) -> Period:
    """The named period, or the current quarter in Shanghai."""
    if text:
        return parse_period(text)
    today = local_date(now)
    return parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}")


def figures_out(f: PersonFigures) -> dict[str, Any]:
    return {
        "handled": f.handled,
        "open_claims": f.open_claims,
        "avg_stage_days": {s: f.avg_stage_days(s) for s in STAGES},
        "sla_compliance": f.sla_compliance,
        "reopen_rate": f.reopen_rate,
        "decisions": f.decisions,
        "decision_quality": f.decision_quality,
        "decisions_changed": f.decisions_changed,
        "decided_claims": f.decided_claims,
        "disputed_claims": f.disputed_claims,
        "dispute_rate": f.dispute_rate,
        "responses": f.responses,
        "satisfaction": f.satisfaction,  # mean overall score, 1-5
        "csat": f.csat,
    }


def teams_view(
    session: Session, *, actor: Actor | None, period: Period, settings: Settings
) -> dict[str, Any]:
    prev = period.previous()
    rows = team_rows(
        session,
        actor=actor,
        start=period.start_utc,
        end=period.end_utc,
        previous_start=prev.start_utc,
        settings=settings,
    )
    return {
        "period": period.label,
        "previous_period": prev.label,
        "teams": [
            {
                "name": r.team.name,
                "lead": r.lead.username,
                "lead_name": r.lead.full_name,
                "figures": figures_out(r.now),
                "previous": figures_out(r.before),
                "change": r.change,
                "people": [
                    {
                        "username": p.user.username,
                        "name": p.user.full_name,
                        "role": p.user.role,
                        "figures": figures_out(p.now),
                        "change": p.change,
                    }
                    for p in r.people
                ],
            }
            for r in rows
        ],
    }


def person_view(
    session: Session, *, actor: Actor, username: str, period: Period, now: datetime, settings: Settings
) -> dict[str, Any]:
    """One person's workload, quality, authority, role history and training record."""
    user = user_by_name(session, username)
    check_visible(session, actor, user.id)
    prev = period.previous()
    now_f = person_figures(
        session, user_ids=[user.id], start=period.start_utc, end=period.end_utc, settings=settings
    )
    before = person_figures(
        session, user_ids=[user.id], start=prev.start_utc, end=period.start_utc, settings=settings
    )
    return {
        "username": user.username,
        "name": user.full_name,
        "role": user.role,
        "authority_limit": None if user.authority_limit is None else str(user.authority_limit),
        "period": period.label,
        "figures": figures_out(now_f[user.id]),
        "previous": figures_out(before[user.id]),
        "role_history": [
            {
                "role": r.role,
                "authority_limit": None if r.authority_limit is None else str(r.authority_limit),
                "effective_from": r.effective_from.isoformat(),
                "note": r.note,
            }
            for r in role_history(session, user.id)
        ],
        "training": tq.person_record(session, user, local_date(now)),
    }


def kpis_view(session: Session, *, actor: Actor | None, period: Period, now: datetime) -> dict[str, Any]:
    visible = visible_ids(session, actor) if actor is not None else None
    k = tq.kpis(session, visible=visible, start=period.start_utc, end=period.end_utc, now=now)
    q = tq.quality_before_after(session, visible=visible, start=period.start_utc, end=period.end_utc)
    c = q.comparison
    return {
        "period": period.label,
        "headcount": k.headcount,
        "hours": k.hours,
        "hours_per_head": k.hours_per_head,
        "enrolled_held": k.enrolled_held,
        "attended": k.attended,
        "assessed": k.assessed,
        "passed": k.passed,
        "completion_rate": k.completion_rate,
        "pass_rate": k.pass_rate,
        "certifications": {
            "current": k.certs_current,
            "expiring": k.certs_expiring,
            "expired": k.certs_expired,
        },
        "onboarding_progress": k.onboarding_progress,
        "drill_attempts": k.drill_attempts,
        "drill_score": k.drill_score,
        "quality_before_after": {
            "measure": "share of decisions not changed later",
            "window_days": q.window_days,
            "people": q.people,
            "before": {"n": c.before_n, "share": c.before_share},
            "after": {"n": c.after_n, "share": c.after_share},
            "test": "two-proportion z",
            "z": c.z,
            "p": c.p,
            "min_sample": c.min_sample,
            "verdict": c.verdict,
        },
        "by_kind": tq.sessions_by_kind(session, start=period.start_utc, end=period.end_utc, now=now),
    }
