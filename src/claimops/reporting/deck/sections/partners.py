"""协作单位沟通与协调: claims involving partners and direct payments to them, from the claims held.

Agreements, communication and disputes are a partners domain's slides; until one registers, the slide
says that claimops holds no such data.
"""

from __future__ import annotations

from claimops.i18n import t
from claimops.reporting import narrative as n
from claimops.reporting.deck.model import Block, Bullets, KeyFigures, Slide
from claimops.reporting.deck.registry import Figures
from claimops.reporting.deck.sections.common import fig, no_data


def slides(figures: Figures, provided: bool, /) -> list[Slide]:
    f, lang = figures.facts, figures.lang
    share = (
        t("report.fig.share_of_reported", lang, pct=n.fmt_pct(f.provider_claims_pct))
        if f.provider_claims_pct is not None
        else ""
    )
    blocks: list[Block] = [
        KeyFigures(
            [
                fig("provider_claims", n.fmt_int(f.provider_claims), "claims", share, lang=lang),
                fig("providers", n.fmt_int(f.providers), "providers", lang=lang),
                fig("direct_payments", n.fmt_int(f.direct_payments), "payments", lang=lang),
                fig("direct_amount", n.fmt_wan(f.direct_amount), "wan", lang=lang),
            ]
        ),
        Bullets(
            [
                t(
                    "report.s.partners",
                    lang,
                    n=n.fmt_int(f.provider_claims),
                    providers=n.fmt_int(f.providers),
                ),
                t("report.s.direct", lang, n=n.fmt_int(f.direct_payments), amount=n.fmt_wan(f.direct_amount)),
            ]
        ),
    ]
    if not provided:
        blocks.append(no_data("partners", lang))
    return [Slide(t("report.slide.partners", lang), blocks)]
