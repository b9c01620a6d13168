"""Time the work-summary deck for one quarter against the database in CLAIMOPS_DATABASE_URL.

Usage: CLAIMOPS_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/claimops \\
       python benchmarks/deck_quarter.py [--period 2026-Q3] [--lang zh] [--repeat 3] [--out DIR]
(benchmarks/seed_1m.py loads claims up to 2026-09-30, so 2026-Q3 is the last full quarter.)
Prints the time of the queries (KPI summary for the period, the previous period and a year before, the
12-month trend; the deck's extra facts) and of each renderer, best of --repeat runs.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

import claimops.models  # noqa: F401 - registers every table
from claimops.claims.models import Claim
from claimops.config import get_settings
from claimops.db import unit_of_work
from claimops.reporting.deck import render_deck
from claimops.reporting.deck.content import compose, provided
from claimops.reporting.deck.facts import facts
from claimops.reporting.periods import parse_period
from claimops.reporting.summary import period_summary


def best(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--period", default="2026-Q3")
    ap.add_argument("--lang", default="zh", choices=["zh", "en"])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, help="write the decks here")
    args = ap.parse_args()
    if not os.environ.get("CLAIMOPS_DATABASE_URL"):
        sys.exit("set CLAIMOPS_DATABASE_URL to the database to report on")
    settings = get_settings()
    period = parse_period(args.period)
    with unit_of_work() as session:
        total = session.scalar(select(func.count(Claim.id))) or 0
        in_period = (
            session.scalar(
                select(func.count(Claim.id)).where(
                    Claim.reported_at >= period.start_utc, Claim.reported_at < period.end_utc
                )
            )
            or 0
        )
        print(
            f"{session.get_bind().dialect.name}: {total:,} claims, {in_period:,} reported in {period.label}"
        )
        t_summary, data = best(args.repeat, lambda: period_summary(session, period, settings))
        t_facts, f = best(args.repeat, lambda: facts(session, period))
        extra = provided(session, period, args.lang)
    t_compose, deck = best(
        args.repeat, lambda: compose(data, f, args.lang, extra=extra, today=period.last_day)
    )
    print(f"  KPI summary (period, previous, year before, trend): {t_summary * 1000:8.0f} ms")
    print(f"  deck facts (data volume, documents, partners):       {t_facts * 1000:8.0f} ms")
    print(f"  content model:                                       {t_compose * 1000:8.0f} ms")
    total_ms = (t_summary + t_facts + t_compose) * 1000
    for fmt in ("pptx", "html", "md"):
        t_render, body = best(args.repeat, lambda fmt=fmt: render_deck(deck, fmt))
        print(f"  render {fmt:<4} ({len(body):>9,} bytes):                     {t_render * 1000:8.0f} ms")
        print(
            f"  → whole {fmt} deck:                                    {total_ms + t_render * 1000:8.0f} ms"
        )
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"deck_{period.label}_{args.lang}.{fmt}").write_bytes(body)


if __name__ == "__main__":
    main()
