"""The team's dashboard panel: training hours, completion and pass rates, certifications, onboarding,
drill scores and handling quality before and after training, each linked to the list behind it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from claimops.clock import utcnow
from claimops.i18n import t
from claimops.reporting.kpis import Filters
from claimops.reporting.panels import Figure, Panel, Row
from claimops.reporting.periods import Period
from claimops.team.views import kpis_view


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def _of(part: int, whole: int) -> str:
    return f" ({part}/{whole})" if whole else ""


def team_panel(session: Session, period: Period, filters: Filters, lang: str, /) -> Panel | None:
    """Everyone's training figures for the period (the dashboard is the managers'); the claims filters
    (line, region, channel, insurer) do not apply to training, and the note says so when one is set.
    None when nothing was trained, certified or drilled."""
    k = kpis_view(session, actor=None, period=period, now=utcnow())
    certs = k["certifications"]
    if not (k["enrolled_held"] or k["drill_attempts"] or any(certs.values())):
        return None
    p = period.label
    people = f"/training/people?period={p}"
    q = k["quality_before_after"]
    figures = (
        Figure(t("training.hours_per_head", lang), _num(k["hours_per_head"], "h"), f"{people}#people"),
        Figure(
            t("training.completion_rate", lang),
            _pct(k["completion_rate"]) + _of(k["attended"], k["enrolled_held"]),
            f"{people}#people",
        ),
        Figure(
            t("training.pass_rate", lang),
            _pct(k["pass_rate"]) + _of(k["passed"], k["assessed"]),
            f"{people}#people",
        ),
        Figure(
            t("team.panel.certs_current", lang),
            str(certs["current"]),
            f"{people}&cert=current#certifications",
        ),
        Figure(
            t("team.panel.certs_expiring", lang),
            str(certs["expiring"]),
            f"{people}&cert=expiring#certifications",
            "warn" if certs["expiring"] else None,
        ),
        Figure(
            t("team.panel.certs_expired", lang),
            str(certs["expired"]),
            f"{people}&cert=expired#certifications",
            "warn" if certs["expired"] else None,
        ),
        Figure(t("training.onboarding", lang), _pct(k["onboarding_progress"]), f"{people}#people"),
        Figure(
            t("training.drill_score", lang),
            f"{_num(k['drill_score'], '')} (n={k['drill_attempts']})",
            f"/drills?period={p}#attempts",
        ),
        Figure(
            t("training.quality", lang),
            f"{_share(q['before'])} → {_share(q['after'])}",
            f"{people}#quality",
            "warn" if q["verdict"] == "worse" else None,
        ),
    )
    return Panel(
        key="team",
        title=t("team.panel.title", lang),
        figures=figures,
        rows=tuple(_kind_row(kind, row, p, lang) for kind, row in sorted(k["by_kind"].items())),
        header=tuple(
            t(f"team.deck.col_{c}", lang) for c in ("kind", "sessions", "hours", "attendance", "pass_rate")
        ),
        link=f"/training?period={p}",
        link_label=t("training.kpis", lang),
        note=_quality_note(q, p, lang) + (f" {t('team.panel.unfiltered', lang)}" if filters.active else ""),
    )


def _share(side: dict[str, Any]) -> str:
    return f"{_pct(side['share'])} (n={side['n']})"


def _num(v: float | None, unit: str) -> str:
    return "—" if v is None else f"{v:.1f}{(' ' + unit) if unit else ''}"


def _kind_row(kind: str, r: dict[str, float], period: str, lang: str) -> Row:
    att, enr, passed, assessed = (int(r[x]) for x in ("attended", "enrolled", "passed", "assessed"))
    return Row(
        (
            t(f"training.kind.{kind}", lang),
            str(int(r["sessions"])),
            f"{r['hours']:.1f}",
            f"{att}/{enr}",
            _pct(passed / assessed if assessed else None),
        ),
        f"/training?period={period}#sessions",
    )


def _quality_note(q: dict[str, Any], period: str, lang: str) -> str:
    """The periods and sample sizes of the before/after comparison, and its verdict: an effect is
    named only when the test says the difference is more than noise."""
    shares = t(
        "team.panel.quality_note",
        lang,
        period=period,
        days=q["window_days"],
        people=q["people"],
        nb=q["before"]["n"],
        na=q["after"]["n"],
    )
    p = "—" if q["p"] is None else f"{q['p']:.3f}"
    return f"{shares} {t('training.verdict_' + q['verdict'], lang, n=q['min_sample'], p=p)}"
