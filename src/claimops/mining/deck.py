"""The deck's 理赔数据分析与挖掘 slides, from the stored analyses and the current models.

Every figure comes from a stored run (claimops.mining.results) or the model registry, with the date it
was computed; an analysis that was never run, or had too little data, adds nothing, and the section
then says plainly that no mining results exist.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from claimops.clock import fmt_local
from claimops.i18n import t
from claimops.mining.service.metric_labels import shown_metrics
from claimops.mining.store.models import MiningModel, MiningResult
from claimops.mining.store.results import latest
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
from claimops.reporting.periods import Period

HISTORY = 12  # months of actuals before the forecast on the chart
ORIGINS = 6  # latest incident quarters in the reserve table


def _ok(session: Session, kind: str) -> MiningResult | None:
    run = latest(session, kind)
    return run if run is not None and run.status == "ok" else None


def _stamp(run: MiningResult, lang: str) -> str:
    return t(
        "report.mining.stamp",
        lang,
        at=fmt_local(run.created_at),
        start=run.data_from.isoformat() if run.data_from else "—",
        end=run.data_to.isoformat() if run.data_to else "—",
        n=n.fmt_int(run.n_rows),
    )


def _d(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def quality_slide(run: MiningResult, lang: str) -> Slide:
    q = run.payload[lang]
    found = [i for i in q["issues"] if i["rows"]]
    cleaning = q["cleaning"]
    claims = t("report.unit.claims", lang)
    dropped = n.fmt_int(cleaning["rows_in"] - cleaning["rows_out"])
    figures = KeyFigures(
        [
            Figure(t("report.mining.checked", lang), n.fmt_int(q["n_rows"]), claims),
            Figure(
                t("report.mining.checks", lang),
                n.fmt_int(len(q["issues"])),
                note=t("report.mining.checks_found", lang, n=n.fmt_int(len(found))),
            ),
            Figure(
                t("report.mining.kept", lang),
                n.fmt_int(cleaning["rows_out"]),
                claims,
                t("report.mining.dropped", lang, n=dropped),
            ),
        ]
    )
    rows = [[i["label"], n.fmt_int(i["rows"]), f"{n.fmt_num(i['share'] * 100, 2)}%"] for i in found]
    header = [t(f"report.mining.col_{c}", lang) for c in ("check", "rows", "share")]
    blocks: list[Block] = [figures, Bullets([_stamp(run, lang), t("report.mining.quality_about", lang)])]
    if rows:
        blocks.append(Table(header, rows, numeric=(1, 2), title=t("report.mining.table_quality", lang)))
    return Slide(t("report.mining.slide_quality", lang), blocks)


def rules_slide(run: MiningResult, lang: str, per_target: int = 4, targets: int = 2) -> Slide | None:
    """The best rules of the first `targets` outcomes the data holds (fraud, then denial, …)."""
    rows = []
    held = [entry[lang] for entry in run.payload["targets"].values() if "error" not in entry]
    for result in held[:targets]:
        for rule in result["rules"][:per_target]:
            rows.append(
                [
                    " + ".join(rule["antecedent_labels"]) + " → " + rule["consequent_label"],
                    n.fmt_int(rule["claims"]),
                    f"{n.fmt_num(rule['confidence'] * 100, 1)}%",
                    n.fmt_num(rule["lift"], 1),
                ]
            )
    if not rows:
        return None
    header = [t(f"report.mining.col_{c}", lang) for c in ("rule", "claims", "confidence", "lift")]
    about = t("report.mining.rules_about", lang)
    return Slide(
        t("report.mining.slide_rules", lang),
        [Bullets([_stamp(run, lang), about]), Table(header, rows, numeric=(1, 2, 3))],
    )


def segments_slide(run: MiningResult, lang: str) -> Slide:
    blocks: list[Block] = []
    bullets = [_stamp(run, lang)]
    for kind in ("claims", "customers"):
        result = run.payload[kind][lang]
        bullets.append(t(f"report.mining.segments_{kind}", lang, k=result["k"], how=result["criterion_text"]))
        bullets += [s["text"] for s in result["segments"][:4]]
    blocks.append(Bullets(bullets))
    claims = run.payload["claims"][lang]
    blocks.append(
        Chart(
            key="segments_claims",
            kind="column",
            title=t("report.mining.chart_segments", lang),
            categories=[t("report.mining.segment_n", lang, n=s["segment"] + 1) for s in claims["segments"]],
            series=[Series(t("report.unit.claims", lang), [Decimal(s["size"]) for s in claims["segments"]])],
        )
    )
    return Slide(t("report.mining.slide_segments", lang), blocks)


def forecast_slide(run: MiningResult, lang: str) -> Slide | None:
    series = {s["target"]: s for s in run.payload["series"] if s["line"] == "all" and "error" not in s}
    history = run.payload["history"].get("all")
    if "claims" not in series or not history:
        return None
    blocks: list[Block] = []
    bullets = [_stamp(run, lang)]
    for target in ("claims", "paid"):
        s = series.get(target)
        if s is None:
            continue
        nxt = s["forecast"][0]
        fmt = n.fmt_int if target == "claims" else n.fmt_wan
        bullets.append(
            t(
                f"report.mining.next_{target}",
                lang,
                period=nxt["period"],
                mean=fmt(nxt["mean"]),
                lo=fmt(nxt["lo80"]),
                hi=fmt(nxt["hi80"]),
            )
        )
        mase = s["backtest"].get(s["best_candidate"] or "", {}).get("mase")
        naive = s["backtest"].get("seasonal_naive", {}).get("mase")
        key = "report.mining.beats" if s["beats_baseline"] else "report.mining.baseline"
        bullets.append(t(key, lang, method=s["method"], mase=n.fmt_num(mase, 2), naive=n.fmt_num(naive, 2)))
    blocks.append(Bullets(bullets))
    claims = series["claims"]
    actual = history["claims"][-HISTORY:]
    periods = history["periods"][-HISTORY:]
    ahead = claims["forecast"]
    gap: list[Decimal | None] = [None] * (len(actual) - 1)
    blocks.append(
        Chart(
            key="forecast_claims",
            kind="line",
            title=t("report.mining.chart_forecast", lang),
            categories=[*periods, *(str(r["period"]) for r in ahead)],
            series=[
                Series(t("report.mining.actual", lang), [*map(_d, actual), *([None] * len(ahead))]),
                Series(
                    t("report.mining.forecast", lang), [*gap, _d(actual[-1]), *(_d(r["mean"]) for r in ahead)]
                ),
                Series(
                    t("report.mining.upper95", lang), [*gap, _d(actual[-1]), *(_d(r["hi95"]) for r in ahead)]
                ),
                Series(
                    t("report.mining.lower95", lang), [*gap, _d(actual[-1]), *(_d(r["lo95"]) for r in ahead)]
                ),
            ],
        )
    )
    return Slide(t("report.mining.slide_forecast", lang), blocks)


def reserves_slide(run: MiningResult, lang: str) -> Slide:
    whole = run.payload["lines"]["all"]
    paid, incurred = whole["paid"], whole["incurred"]
    unit = t("report.unit.wan", lang)

    def figure(key: str, result: dict[str, Any]) -> Figure:
        se = t("report.mining.se", lang, se=n.fmt_wan(result["total_mack_se"]))
        return Figure(t(key, lang), n.fmt_wan(result["total_reserve"]), unit, se)

    figures = KeyFigures(
        [figure("report.mining.paid_reserve", paid), figure("report.mining.incurred_reserve", incurred)]
    )
    columns = ("latest", "ultimate", "reserve", "mack_se")
    rows = [[o["origin"], *(n.fmt_wan(o[c]) for c in columns)] for o in paid["origins"][-ORIGINS:]]
    header = [t(f"report.mining.col_{c}", lang) for c in ("origin", "latest", "ultimate", "reserve", "se")]
    about = t("report.mining.reserves_about", lang, valuation=run.payload["valuation"])
    notes = [_stamp(run, lang), about]
    if (incurred["total_reserve"] or 0) < 0:
        notes.append(t("report.mining.negative_reserve", lang))
    return Slide(
        t("report.mining.slide_reserves", lang),
        [
            figures,
            Bullets(notes),
            Table(header, rows, numeric=(1, 2, 3, 4), title=t("report.mining.table_paid", lang)),
        ],
    )


def models_slide(session: Session, lang: str) -> Slide | None:
    models = session.scalars(select(MiningModel).where(MiningModel.current).order_by(MiningModel.kind)).all()
    if not models:
        return None
    rows = []
    for m in models:
        shown = [f"{label} {value}" for label, value in shown_metrics(m.kind, m.metrics, lang)]
        rows.append(
            [
                t(f"web.mining.model_kind.{m.kind}", lang),
                f"v{m.version}",
                f"{m.training_from} ~ {m.training_to}",
                n.fmt_int(m.n_samples),
                " · ".join(shown),
            ]
        )
    header = [
        t(f"report.mining.col_{c}", lang) for c in ("model", "version", "training", "samples", "metrics")
    ]
    return Slide(t("report.mining.slide_models", lang), [Table(header, rows, numeric=(3,))])


def mining_section(session: Session, period: Period, lang: str, /) -> Section | None:
    slides: list[Slide] = []
    if (run := _ok(session, "quality")) is not None:
        slides.append(quality_slide(run, lang))
    if (run := _ok(session, "rules")) is not None and (slide := rules_slide(run, lang)) is not None:
        slides.append(slide)
    if (run := _ok(session, "segments")) is not None:
        slides.append(segments_slide(run, lang))
    if (slide := models_slide(session, lang)) is not None:
        slides.append(slide)
    if (run := _ok(session, "forecast")) is not None and (slide := forecast_slide(run, lang)) is not None:
        slides.append(slide)
    if (run := _ok(session, "reserves")) is not None:
        slides.append(reserves_slide(run, lang))
    if not slides:
        return None
    return Section("mining", t("report.section.mining", lang), slides)
