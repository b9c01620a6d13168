"""The partners panel on the manager's dashboard: disputes (rate, opened and resolved, open by stage
and age as at the period's end, resolution time), agreements active and expiring, overdue action
items. Every figure links to the list behind it, with the period and the dashboard's filters."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from claimops.clock import local_date, utcnow
from claimops.disputes import queries as dq
from claimops.i18n import t
from claimops.partners import queries
from claimops.reporting.kpis import Filters
from claimops.reporting.panels import Figure, Panel, Row
from claimops.reporting.periods import Period


def as_of(period: Period, today: date) -> date:
    """The day the panel describes: the period's last day, or today in a period still running."""
    return min(today, period.last_day)


def _filter_query(flt: Filters) -> dict[str, str]:
    given = {"line": flt.line, "region": flt.region, "channel": flt.channel, "insurer_id": flt.insurer_id}
    return {k: str(v) for k, v in given.items() if v}


def _href(path: str, **params: str | None) -> str:
    return f"{path}?{urlencode({k: v for k, v in params.items() if v})}"


def partners_panel(
    session: Session, period: Period, filters: Filters, lang: str, /, today: date | None = None
) -> Panel | None:
    day = as_of(period, today or local_date(utcnow()))
    k = dq.kpis(session, period, day, filters)
    active = queries.agreements_at(session, day, "active", filters.region)
    expiring = queries.agreements_at(session, day, "expiring", filters.region)
    overdue = queries.actions_at(session, day, overdue_only=True, insurer_id=filters.insurer_id)
    open_total = sum(k.open_by_stage.values())
    if not (k.opened or k.resolved or k.withdrawn or open_total or active or overdue):
        return None
    fq = _filter_query(filters)

    def disputes(which: str, **extra: str | None) -> str:
        return _href("/disputes", period=period.label, list=which, **fq, **extra)

    agreements = {"as_of": day.isoformat(), "region": filters.region}
    figures = (
        Figure(
            t("partners.web.rate", lang),
            f"{k.rate * 100:.1f}%" if k.rate is not None else "—",
            disputes("opened"),
        ),
        Figure(t("partners.deck.opened", lang), str(k.opened), disputes("opened")),
        Figure(t("partners.deck.resolved", lang), str(k.resolved), disputes("resolved")),
        Figure(
            t("partners.web.resolution_days", lang),
            f"{k.resolution_days:.1f}" if k.resolution_days is not None else "—",
            disputes("resolved"),
        ),
        Figure(
            t("partners.web.open_at_end", lang),
            str(open_total),
            disputes("open"),
        ),
        Figure(
            t("partners.web.overdue_disputes", lang),
            str(k.overdue),
            disputes("overdue"),
            "warn" if k.overdue else None,
        ),
        Figure(
            t("partners.deck.agreements_active", lang),
            str(len(active)),
            _href("/partners/agreements", state="active", **agreements),
        ),
        Figure(
            t("partners.deck.agreements_expiring", lang),
            str(len(expiring)),
            _href("/partners/agreements", state="expiring", **agreements),
            "warn" if expiring else None,
        ),
        Figure(
            t("partners.web.overdue_actions", lang),
            str(len(overdue)),
            _href(
                "/partners/action-items",
                as_of=day.isoformat(),
                overdue="1",
                insurer_id=fq.get("insurer_id"),
            ),
            "warn" if overdue else None,
        ),
    )
    rows = tuple(
        Row(
            (t(f"partners.stage.{stage}", lang), str(count)),
            disputes("open", stage=stage),
        )
        for stage, count in k.open_by_stage.items()
        if count
    ) + tuple(
        Row(
            (t("partners.web.age_days", lang, age=age), str(count)),
            disputes("open", age=age),
        )
        for age, count in k.open_by_age.items()
        if count
    )
    return Panel(
        key="partners",
        title=t("partners.web.panel", lang, day=day.isoformat()),
        figures=figures,
        rows=rows,
        header=(t("partners.web.open_at_end", lang), t("partners.web.count", lang)),
        link=_href("/disputes", period=period.label, **fq),
        link_label=t("partners.web.kpis", lang),
    )


def insurer_choices(session: Session) -> list[tuple[int, str]]:
    """The dashboard's insurer filter: every insurer, by name."""
    return [(i.id, i.name) for i in queries.insurers(session)]
