"""The deck's 协作单位沟通与协调 slides from the partners and disputes data of the period.

Overdue and expiry are judged at the period's last day (never the clock); nothing for the period
adds nothing, and reporting's slide then says that claimops holds no such data.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from sqlalchemy.orm import Session

from claimops.disputes import queries as dq
from claimops.i18n import t
from claimops.partners import queries, rules
from claimops.reporting import narrative as n
from claimops.reporting.deck.model import (
    Block,
    Bullets,
    Chart,
    Figure,
    KeyFigures,
    Section,
    Series,
    Slide,
    Table,
)
from claimops.reporting.kpis import Filters
from claimops.reporting.periods import Period


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{n.fmt_num(value * 100, 1)}%"


def partners_section(
    session: Session, period: Period, lang: str, filters: Filters | None = None
) -> Section | None:
    """The section's slides; the deck's filters narrow the figures about claims (scorecards and
    disputes), and an insurer filter the insurer's meetings and emergency calls."""
    act = queries.activity(session, period, filters.insurer_id if filters else None)
    cards = queries.scorecards(session, period, filters)
    kp = dq.kpis(session, period, period.last_day, filters)
    open_items = queries.open_actions(session, period.last_day)
    if not (
        act.meetings or act.emergency_calls or act.agreements_active or cards or kp.opened or kp.resolved
    ):
        return None
    slides = [
        Slide(
            t("partners.deck.insurers", lang),
            [
                KeyFigures(
                    [
                        Figure(t("partners.deck.meetings", lang), n.fmt_int(act.meetings)),
                        Figure(t("partners.deck.actions_closed", lang), n.fmt_int(act.actions_closed)),
                        Figure(t("partners.deck.emergency_calls", lang), n.fmt_int(act.emergency_calls)),
                        Figure(t("partners.deck.agreements_active", lang), n.fmt_int(act.agreements_active)),
                        Figure(
                            t("partners.deck.agreements_expiring", lang), n.fmt_int(act.agreements_expiring)
                        ),
                    ]
                ),
                Bullets(
                    [
                        t(
                            "partners.deck.insurers_text",
                            lang,
                            meetings=act.meetings,
                            closed=act.actions_closed,
                            calls=act.emergency_calls,
                        ),
                        t(
                            "partners.deck.agreements_text",
                            lang,
                            active=act.agreements_active,
                            expiring=act.agreements_expiring,
                            signed=act.agreements_signed,
                            days=rules.EXPIRY_ALERT_DAYS,
                        ),
                    ]
                ),
            ],
        )
    ]
    if cards:
        slides.append(_scorecard_slide(cards, lang))
    if kp.opened or kp.resolved or kp.withdrawn:
        slides.append(_disputes_slide(kp, lang))
    if open_items:
        rows = [
            [
                i.title,
                i.owner,
                i.due_on.isoformat(),
                t("partners.deck.overdue", lang)
                if rules.overdue(i.due_on, i.status, period.last_day)
                else "",
            ]
            for i in open_items[:10]
        ]
        header = [t(f"partners.deck.col_{c}", lang) for c in ("action", "owner", "due", "flag")]
        slides.append(
            Slide(
                t("partners.deck.plans", lang),
                [
                    Bullets(
                        [
                            t(
                                "partners.deck.plans_text",
                                lang,
                                n=len(open_items),
                                overdue=sum(
                                    rules.overdue(i.due_on, "open", period.last_day) for i in open_items
                                ),
                            )
                        ]
                    ),
                    Table(header, rows),
                ],
            )
        )
    return Section("partners", t("report.section.partners", lang), slides)


def _scorecard_slide(cards: list[queries.ProviderCard], lang: str) -> Slide:
    types = sorted({c.provider.type for c in cards}, key=rules.PROVIDER_TYPES.index)
    grades = Counter((c.provider.type, c.card.grade) for c in cards)
    series = [
        Series(t("partners.deck.grade", lang, grade=g), [Decimal(grades[(ty, g)]) for ty in types])
        for g in rules.GRADES
    ]
    chart = Chart(
        "provider_grades",
        "column",
        t("partners.deck.grades_chart", lang),
        [t(f"partners.type.{ty}", lang) for ty in types],
        series,
    )
    worst = sorted(cards, key=lambda c: c.card.points if c.card.points is not None else Decimal(999))[:6]
    rows = [
        [
            c.provider.name,
            t(f"partners.type.{c.provider.type}", lang),
            c.card.grade or "—",
            _pct(c.card.figures["on_site"].value),
            _pct(c.card.figures["report"].value),
            "—" if c.card.figures["cost"].value is None else n.fmt_num(c.card.figures["cost"].value, 2),
            _pct(c.card.figures["reopen"].value),
        ]
        for c in worst
    ]
    header = [
        t(f"partners.deck.col_{k}", lang)
        for k in ("provider", "type", "grade", "on_site", "report", "cost", "reopen")
    ]
    below = sum(1 for c in cards if c.card.below_standard)
    blocks: list[Block] = [
        Bullets([t("partners.deck.scorecards_text", lang, n=len(cards), below=below)]),
        chart,
        Table(header, rows, numeric=(3, 4, 5, 6), title=t("partners.deck.lowest", lang)),
    ]
    return Slide(t("partners.deck.scorecards", lang), blocks)


def _disputes_slide(k: dq.DisputeKpis, lang: str) -> Slide:
    return Slide(
        t("partners.deck.disputes", lang),
        [
            KeyFigures(
                [
                    Figure(
                        t("partners.deck.opened", lang),
                        n.fmt_int(k.opened),
                        note=t(
                            "partners.deck.rate",
                            lang,
                            pct=n.fmt_pct(k.rate * 100 if k.rate is not None else None),
                        ),
                    ),
                    Figure(t("partners.deck.resolved", lang), n.fmt_int(k.resolved)),
                    Figure(
                        t("partners.deck.resolution_days", lang),
                        n.fmt_days(k.resolution_days),
                        t("report.unit.days", lang),
                    ),
                    Figure(
                        t("partners.deck.settled", lang),
                        n.fmt_wan(k.settled_amount),
                        t("report.unit.wan", lang),
                    ),
                ]
            ),
            Bullets(
                [
                    t(
                        "partners.deck.disputes_text",
                        lang,
                        opened=k.opened,
                        resolved=k.resolved,
                        withdrawn=k.withdrawn,
                        disputed=n.fmt_wan(k.disputed_amount),
                        decided=n.fmt_wan(k.decided_amount),
                        settled=n.fmt_wan(k.settled_amount),
                        supplementary=k.supplementary,
                    ),
                    t("partners.deck.open_text", lang, open=sum(k.open_by_stage.values()), overdue=k.overdue),
                ]
            ),
        ],
    )
