"""The deck's 客户满意度提升举措 slides (section 06 `satisfaction`), from the survey data.

Methods and volumes, satisfaction and NPS with the change vs the previous period, the weakest
dimensions and themes with masked example comments, and the improvement actions with their measured
effect. Without a response in the period the provider adds nothing, and reporting's no-data notice
stays.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from claimops.config import get_settings
from claimops.i18n import t
from claimops.masking import mask_text
from claimops.reporting.deck.model import Bullets, Chart, Figure, KeyFigures, Section, Series, Slide, Table
from claimops.reporting.periods import Period
from claimops.surveys import service
from claimops.surveys.rules import SCALES
from claimops.surveys.stats import Estimate


def _pct(e: Estimate) -> str:
    return "—" if e.value is None else f"{100 * e.value:.1f}%"


def _interval(e: Estimate, scale: float = 100, unit: str = "%") -> str:
    if e.low is None or e.high is None:
        return ""
    return f"95% CI {scale * e.low:.1f}{unit}–{scale * e.high:.1f}{unit}"


def _metric(value: float | None, share: bool) -> str:
    if value is None:
        return "—"
    return f"{100 * value:.1f}%" if share else f"{value:.2f}"


def _change(now: float | None, before: float | None, lang: str, scale: float = 1, unit: str = "") -> str:
    if now is None or before is None:
        return t("survey.deck.no_previous", lang)
    return t("survey.deck.change", lang, change=f"{scale * (now - before):+.1f}{unit}")


def satisfaction_section(session: Session, period: Period, lang: str, /) -> Section | None:
    settings = get_settings()
    now = service.results(
        session=session,
        start=period.start_utc,
        end=period.end_utc,
        by="channel",
        settings=settings,
        mask=mask_text,
    )
    if now.overall.responses == 0:
        return None
    prev_period = period.previous()
    before = service.results(
        session=session, start=prev_period.start_utc, end=prev_period.end_utc, by="channel", settings=settings
    ).overall
    o = now.overall
    small = [t("survey.small_sample", lang)] if o.small else []

    # 1. methods and volumes
    rows = []
    for channel in ("online", "phone", "review"):
        invited, answered = now.channels.get(channel, (0, 0))
        group = next((g for g in now.groups if g.key == channel), None)
        responses = group.responses if group else 0
        rate = f"{100 * answered / invited:.1f}%" if invited else "—"
        rows.append([t(f"survey.channel.{channel}", lang), str(invited or "—"), str(responses), rate])
    methods = Slide(
        t("survey.deck.methods", lang),
        [
            Bullets([t("survey.deck.methods_text", lang)]),
            Table(
                [
                    t("survey.channel_label", lang),
                    t("survey.invitations", lang),
                    t("survey.responses", lang),
                    t("survey.response_rate", lang),
                ],
                rows,
                numeric=(1, 2, 3),
            ),
        ],
    )

    # 2. results
    figures = KeyFigures(
        [
            Figure(
                t("survey.csat", lang),
                _pct(o.csat),
                note=f"{_interval(o.csat)}; " + _change(o.csat.value, before.csat.value, lang, 100, " pp"),
            ),
            Figure(
                "NPS",
                "—" if o.nps.value is None else f"{o.nps.value:.0f}",
                note=_change(o.nps.value, before.nps.value, lang),
            ),
            Figure(
                t("survey.responses", lang),
                str(o.responses),
                note=t(
                    "survey.deck.rate",
                    lang,
                    rate="—" if o.response_rate is None else f"{100 * o.response_rate:.1f}%",
                ),
            ),
        ]
    )
    dims = {k: v for k, v in o.dimensions.items() if v.value is not None}
    chart = Chart(
        "satisfaction_dimensions",
        "column",
        t("survey.deck.dimensions", lang),
        [t(f"survey.{k}", lang) for k in dims],
        [Series(t("survey.deck.mean", lang), [Decimal(f"{v.value:.2f}") for v in dims.values()])],
        places=2,
    )
    results = Slide(t("survey.deck.results", lang), [figures, chart, *([Bullets(small)] if small else [])])

    # 3. weak points
    weakest = sorted(((k, v) for k, v in dims.items() if k != "overall"), key=lambda kv: kv[1].value or 0)[:2]
    weak_items = [
        t("survey.deck.weak_dimension", lang, name=t(f"survey.{k}", lang), mean=f"{v.value:.2f}")
        for k, v in weakest
    ]
    theme_rows = []
    for th in now.themes[:5]:
        listed = (f"{t(f'survey.stage.{s}', lang)} {n}" for s, n in th.slow_stages.items())
        stages = t("report.list_sep", lang).join(listed) or "—"
        example = th.examples[0] if th.examples else ""
        theme_rows.append(
            [
                t(f"survey.theme.{th.theme}", lang),
                str(th.mentions),
                f"{100 * th.share:.0f}%",
                stages,
                example[:60],
            ]
        )
    weak = Slide(
        t("survey.deck.weak", lang),
        [
            Bullets(weak_items),
            Table(
                [
                    t("survey.themes", lang),
                    t("survey.deck.mentions", lang),
                    t("survey.deck.share", lang),
                    t("survey.deck.slow_stage", lang),
                    t("survey.deck.example", lang),
                ],
                theme_rows,
                numeric=(1, 2),
            ),
        ],
    )

    # 4. actions and effect
    action_rows = []
    for action in service.list_actions(session=session):
        e = service.effect(session=session, action=action, today=period.last_day)
        c = e.comparison
        share = action.metric == "csat"
        verdict = t("survey.significant" if c.beyond_noise else "survey.noise", lang)
        action_rows.append(
            [
                action.problem[:40],
                t(f"survey.{action.metric}", lang) if action.metric in SCALES else action.metric.upper(),
                t(f"survey.status_value.{action.status}", lang),
                f"{_metric(c.before.value, share)} (n={c.before.n})",
                f"{_metric(c.after.value, share)} (n={c.after.n})",
                verdict,
            ]
        )
    slides = [methods, results, weak]
    if action_rows:
        slides.append(
            Slide(
                t("survey.deck.actions", lang),
                [
                    Table(
                        [
                            t("survey.problem", lang),
                            t("survey.metric", lang),
                            t("survey.status", lang),
                            t("survey.before", lang),
                            t("survey.after", lang),
                            t("survey.deck.verdict", lang),
                        ],
                        action_rows,
                    ),
                    Bullets([t("survey.deck.loop", lang)]),
                ],
            )
        )
    return Section("satisfaction", t("report.section.satisfaction", lang), slides)
