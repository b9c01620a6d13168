"""The deck's 团队建设与培训发展 slides from the training record, the drills and the teams' figures.

Registered in claimops.deck_sections for the "team" section; reporting does not import it. Returns
None when the period has neither training nor drills, so the section keeps its no-data notice."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from claimops.clock import utcnow
from claimops.config import get_settings
from claimops.i18n import t
from claimops.reporting import narrative as n
from claimops.reporting.deck.model import Bullets, Figure, KeyFigures, Section, Slide, Table
from claimops.reporting.periods import Period
from claimops.team.drills import service as drills_service
from claimops.team.training.schemas import KINDS
from claimops.team.views import kpis_view, teams_view


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{n.fmt_pct(v * 100)}%"


def _pt(v: float | None, lang: str) -> str:
    if v is None:
        return ""
    return t("team.deck.change_pt", lang, v=f"{v * 100:+.1f}")


def training_slide(k: dict[str, Any], lang: str) -> Slide:
    certs = k["certifications"]
    figures = KeyFigures(
        [
            Figure(
                t("training.hours_per_head", lang),
                n.fmt_num(k["hours_per_head"], 1),
                t("team.deck.hours", lang),
            ),
            Figure(t("training.completion_rate", lang), _pct(k["completion_rate"])),
            Figure(t("training.pass_rate", lang), _pct(k["pass_rate"])),
            Figure(
                t("training.certs", lang),
                n.fmt_int(certs["current"]),
                "",
                t("team.deck.certs_note", lang, expiring=certs["expiring"], expired=certs["expired"]),
            ),
            Figure(t("training.onboarding", lang), _pct(k["onboarding_progress"])),
        ]
    )
    rows = []
    for kind in KINDS:
        b = k["by_kind"].get(kind)
        if not b:
            continue
        rows.append(
            [
                t(f"training.kind.{kind}", lang),
                n.fmt_int(b["sessions"]),
                n.fmt_num(b["hours"], 1),
                f"{b['attended']}/{b['enrolled']}",
                _pct(b["passed"] / b["assessed"] if b["assessed"] else None),
            ]
        )
    header = [t(f"team.deck.col_{c}", lang) for c in ("kind", "sessions", "hours", "attendance", "pass_rate")]
    q = k["quality_before_after"]
    quality = (
        t(
            "training.quality_note",
            lang,
            days=q["window_days"],
            nb=q["before"]["n"],
            sb=_pct(q["before"]["share"]),
            na=q["after"]["n"],
            sa=_pct(q["after"]["share"]),
        )
        + ("" if lang == "zh" else " ")
        + t(
            f"training.verdict_{q['verdict']}",
            lang,
            n=q["min_sample"],
            p="—" if q["p"] is None else f"{q['p']:.3f}",
        )
    )
    return Slide(
        t("team.deck.slide_training", lang),
        [
            figures,
            Table(header, rows, numeric=(1, 2, 3, 4), title=t("team.deck.by_kind", lang)),
            Bullets([quality]),
        ],
    )


def drills_slide(session: Session, period: Period, lang: str) -> Slide | None:
    rows = drills_service.figures_by_kind(session, period.start_utc, period.end_utc)
    if not rows:
        return None
    header = [t(f"team.deck.col_{c}", lang) for c in ("drill_kind", "drills", "attempts", "avg_score")]
    body = [
        [t(f"drill.{kind}", lang), n.fmt_int(d), n.fmt_int(a), n.fmt_num(avg, 1)] for kind, d, a, avg in rows
    ]
    return Slide(t("team.deck.slide_drills", lang), [Table(header, body, numeric=(1, 2, 3))])


def _satisfaction(f: dict[str, Any]) -> str:
    """Mean overall score (1-5) with the number of answers it rests on."""
    if f["satisfaction"] is None:
        return "—"
    return f"{f['satisfaction']:.2f} (n={f['responses']})"


def teams_slide(data: dict[str, Any], lang: str) -> Slide | None:
    if not data["teams"]:
        return None
    rows = []
    for team in data["teams"]:
        f, ch = team["figures"], team["change"]
        rows.append(
            [
                team["name"],
                n.fmt_int(len(team["people"])),
                f"{n.fmt_int(f['handled'])} {_delta_int(ch['handled'])}".strip(),
                n.fmt_int(f["open_claims"]),
                f"{_pct(f['sla_compliance'])} {_pt(ch['sla_compliance'], lang)}".strip(),
                f"{_pct(f['reopen_rate'])} {_pt(ch['reopen_rate'], lang)}".strip(),
                f"{_pct(f['decision_quality'])} {_pt(ch['decision_quality'], lang)}".strip(),
                f"{_pct(f['dispute_rate'])} {_pt(ch['dispute_rate'], lang)}".strip(),
                _satisfaction(f),
            ]
        )
    header = [
        t(f"team.deck.col_{c}", lang)
        for c in (
            "team",
            "people",
            "handled",
            "open",
            "sla",
            "reopen",
            "decision_quality",
            "dispute_rate",
            "satisfaction",
        )
    ]
    note = t("team.deck.teams_note", lang, previous=data["previous_period"])
    return Slide(
        t("team.deck.slide_teams", lang), [Table(header, rows, numeric=(1, 2, 3, 4, 5, 6, 7, 8), note=note)]
    )


def _delta_int(v: float | None) -> str:
    return "" if v is None else f"({v:+.0f})"


def team_section(session: Session, period: Period, lang: str, /) -> Section | None:
    """None without training or drills in the period: the section then keeps its "no training data"
    notice (reporting's own workload slide still shows the handlers)."""
    k = kpis_view(session, actor=None, period=period, now=utcnow())
    slides: list[Slide] = []
    if k["by_kind"]:
        slides.append(training_slide(k, lang))
    if (drills := drills_slide(session, period, lang)) is not None:
        slides.append(drills)
    if not slides:
        return None
    if (
        teams := teams_slide(teams_view(session, actor=None, period=period, settings=get_settings()), lang)
    ) is not None:
        slides.append(teams)
    return Section("team", t("report.section.team", lang), slides)
