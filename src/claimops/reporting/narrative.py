"""Sentences from figures, with the right word for a rise, a fall or no change (pure)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from claimops.i18n import t


def num(value: float | int | Decimal | None, places: int = 0) -> str:
    if value is None:
        return "—"
    q = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{q:,.{places}f}"


def wan(value: float | Decimal | None) -> str:
    """Amount in 万元 (10k CNY), two places."""
    return "—" if value is None else num(Decimal(str(value)) / Decimal(10000), 2)


def change(pct: float | None, lang: str, *, duration: bool = False, key: str = "report.s.change") -> str:
    """'较上期增加5.6%' / 'up 5.6% on the previous period'; durations get 缩短/延长 (shorter/longer)."""
    if pct is None:
        return t("report.s.change_none", lang)
    if pct == 0:
        return t("report.s.change_flat", lang)
    if duration:
        word = t("report.word.longer" if pct > 0 else "report.word.shorter", lang)
    else:
        word = t("report.word.up" if pct > 0 else "report.word.down", lang)
    return t(key, lang, word=word, pct=num(abs(pct), 1))


def yoy(pct: float | None, lang: str) -> str:
    if pct is None:
        return t("report.s.yoy_none", lang)
    if pct == 0:
        return t("report.s.yoy", lang, word=t("report.word.flat", lang), pct="0.0")
    return t(
        "report.s.yoy",
        lang,
        word=t("report.word.rise" if pct > 0 else "report.word.fall", lang),
        pct=num(abs(pct), 1),
    )


def line_label(line: str, lang: str) -> str:
    return t(f"line.{line}", lang)


def lines_by_count(data: dict[str, Any]) -> list[str]:
    return sorted(data["by_line"], key=lambda ln: (-data["by_line"][ln]["count"], ln))


def overview(data: dict[str, Any], lang: str) -> dict[str, list[str]]:
    sep = "；" if lang == "zh" else "; "
    by_line = data["by_line"]
    counts = [
        t(
            "report.s.by_line",
            lang,
            line=line_label(ln, lang),
            n=num(by_line[ln]["count"]),
            share=num(by_line[ln]["count_share"], 1),
        )
        for ln in lines_by_count(data)
        if by_line[ln]["count"]
    ]
    paid = [
        t(
            "report.s.paid_line",
            lang,
            line=line_label(ln, lang),
            amount=wan(by_line[ln]["paid"]),
            share=num(by_line[ln]["paid_share"], 1),
        )
        for ln in sorted(by_line, key=lambda x: -Decimal(str(by_line[x]["paid"])))
        if by_line[ln]["paid"]
    ]
    stages = data["stage_avg_days"]
    out = {
        "accepted": [
            t(
                "report.s.accepted",
                lang,
                n=num(data["claims_accepted"]),
                change=change(data["claims_accepted_change_pct"], lang),
            ),
        ],
        "distribution": [sep.join(counts) + ("。" if lang == "zh" else ".")] if counts else [],
        "paid": [
            t(
                "report.s.paid",
                lang,
                amount=wan(data["paid_total"]),
                change=change(data["paid_total_change_pct"], lang),
            )
        ],
        "paid_lines": [sep.join(paid) + ("。" if lang == "zh" else ".")] if paid else [],
        "stages": [t("report.s.stages", lang, **{s: num(stages[s], 2) for s in stages})],
        "handling": [
            t(
                "report.s.handling",
                lang,
                days=num(data["avg_handling_days"], 2),
                change=change(
                    data["avg_handling_days_change_pct"], lang, duration=True, key="report.s.handling_change"
                ),
            )
        ],
    }
    if data["payments_count"]:
        out["paid"].append(
            t(
                "report.s.payouts",
                lang,
                n=num(data["payments_count"]),
                avg=num(data["avg_payout"], 2),
                max=num(data["max_payout"], 2),
            )
        )
    if data["claims_accepted_yoy_pct"] is not None:
        pct = data["claims_accepted_yoy_pct"]
        word = t(
            "report.word.flat" if pct == 0 else ("report.word.up" if pct > 0 else "report.word.down"), lang
        )
        out["accepted"].append(t("report.s.accepted_yoy", lang, word=word, pct=num(abs(pct), 1)))
    return out


def summary_sentence(data: dict[str, Any], lang: str) -> str:
    ranked = lines_by_count(data)
    first, second = ranked[0], ranked[1]
    return t(
        "report.s.summary",
        lang,
        n=num(data["claims_accepted"]),
        yoy=yoy(data["claims_accepted_yoy_pct"], lang),
        first=line_label(first, lang),
        share=num(data["by_line"][first]["count_share"], 1),
        second=line_label(second, lang),
        share2=num(data["by_line"][second]["count_share"], 1),
    )
