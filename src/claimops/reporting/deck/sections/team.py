"""团队建设与培训发展: the handlers' workload from the claims held; training is a training domain's slides."""

from __future__ import annotations

from claimops.i18n import t
from claimops.reporting import narrative as n
from claimops.reporting.deck.model import Block, Bullets, Slide, Table
from claimops.reporting.deck.registry import Figures
from claimops.reporting.deck.sections.common import no_data

HANDLER_ROWS = 10


def slides(figures: Figures, provided: bool, /) -> list[Slide]:
    s, lang = figures.summary, figures.lang
    rows = s.handlers
    text = n.handlers(s, lang)
    blocks: list[Block] = [Bullets([text] if text else [t("report.s.no_handlers", lang)])]
    if rows:
        blocks.append(
            Table(
                [t(f"report.table.{c}", lang) for c in ("handler", "accepted", "completed", "avg_days")],
                [
                    [
                        h.name or h.username,
                        n.fmt_int(h.claims),
                        n.fmt_int(h.completed),
                        n.fmt_days(h.avg_handling_days),
                    ]
                    for h in rows[:HANDLER_ROWS]
                ],
                numeric=(1, 2, 3),
                title=t("report.table.handlers_title", lang),
                note=t("report.table.handlers_note", lang, n=len(rows), shown=HANDLER_ROWS)
                if len(rows) > HANDLER_ROWS
                else "",
            )
        )
    if not provided:
        blocks.append(no_data("team", lang))
    return [Slide(t("report.slide.team", lang), blocks)]
