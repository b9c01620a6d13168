"""Output shapes of survey results (API JSON, pages, deck)."""

from __future__ import annotations

from typing import Any

from claimops.surveys.service import Effect, GroupResult, Results
from claimops.surveys.stats import Estimate


def estimate_json(e: Estimate, digits: int = 3) -> dict[str, Any]:
    def r(v: float | None) -> float | None:
        return None if v is None else round(v, digits)

    return {"value": r(e.value), "low": r(e.low), "high": r(e.high), "n": e.n, "small_sample": e.small}


def group_json(g: GroupResult) -> dict[str, Any]:
    return {
        "key": g.key,
        "responses": g.responses,
        "invitations": g.invitations,
        "response_rate": None if g.response_rate is None else round(g.response_rate, 3),
        "small_sample": g.small,
        "csat": estimate_json(g.csat),
        "nps": estimate_json(g.nps, 1),
        "dimensions": {k: estimate_json(v, 2) for k, v in g.dimensions.items()},
    }


def results_json(r: Results) -> dict[str, Any]:
    return {
        "start": r.start.isoformat(),
        "end": r.end.isoformat(),
        "by": r.by,
        "overall": group_json(r.overall),
        "groups": [group_json(g) for g in r.groups],
        "channels": {c: {"invitations": n, "responses": a} for c, (n, a) in r.channels.items()},
        "themes": [
            {
                "theme": t.theme,
                "mentions": t.mentions,
                "share": round(t.share, 3),
                "mean_overall": None if t.mean_overall is None else round(t.mean_overall, 2),
                "slow_stages": t.slow_stages,
                "mean_handling_days": None
                if t.mean_handling_days is None
                else round(t.mean_handling_days, 1),
                "examples": t.examples,
            }
            for t in r.themes
        ],
    }


def effect_json(e: Effect) -> dict[str, Any]:
    a = e.action
    c = e.comparison
    return {
        "id": a.id,
        "problem": a.problem,
        "source": a.source,
        "metric": a.metric,
        "owner": a.owner,
        "due_date": a.due_date.isoformat(),
        "started_on": a.started_on.isoformat(),
        "status": a.status,
        "before_period": [d.isoformat() for d in e.before_period],
        "after_period": [d.isoformat() for d in e.after_period],
        "before": estimate_json(c.before),
        "after": estimate_json(c.after),
        "change": None if c.change is None else round(c.change, 3),
        "p_value": None if c.p_value is None else round(c.p_value, 4),
        "beyond_noise": c.beyond_noise,
    }
