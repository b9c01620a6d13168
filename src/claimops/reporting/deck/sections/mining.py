"""理赔数据分析与挖掘, reporting's own slide: the data claimops holds and the period's denial reasons.

The analyses themselves (quality, rules, segments, models, forecast, reserves) are the mining domain's
slides, added through the registry; without them the slide says that no mining results exist.
"""

from __future__ import annotations

from claimops.i18n import t
from claimops.reporting import narrative as n
from claimops.reporting.deck.model import Block, Bullets, Slide, Table
from claimops.reporting.deck.registry import Figures
from claimops.reporting.deck.sections.common import no_data


def slides(figures: Figures, provided: bool, /) -> list[Slide]:
    s, f, lang = figures.summary, figures.facts, figures.lang
    reasons = s.top_denial_reasons
    volume = [
        t(
            "report.s.data_volume",
            lang,
            claims=n.fmt_int(f.claims_total),
            policies=n.fmt_int(f.policies_total),
            customers=n.fmt_int(f.customers_total),
            documents=n.fmt_int(f.documents_total),
        ),
        t("report.s.data_variety", lang),
        t("report.s.data_period", lang, n=n.fmt_int(f.claims_reported)),
    ]
    blocks: list[Block] = [Bullets(volume + ([] if reasons else [t("report.s.no_denials", lang)]))]
    if reasons:
        blocks.append(
            Table(
                [t(f"report.table.{c}", lang) for c in ("reason", "count", "share")],
                [
                    [t(f"reason.{r.code}", lang), n.fmt_int(r.count), f"{n.fmt_pct(r.share)}%"]
                    for r in reasons
                ],
                numeric=(1, 2),
                title=t("report.table.reasons_title", lang),
            )
        )
    if not provided:
        blocks.append(no_data("mining", lang))
    return [Slide(t("report.slide.mining", lang), blocks)]
