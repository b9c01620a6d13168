"""Time the work-summary deck for one quarter at 1,000,000 claims, on SQLite and on PostgreSQL.

Usage: python benchmarks/deck_quarter.py [--claims 1000000] [--only sqlite|postgresql] [--period 2026-Q3]
                                         [--lang zh] [--repeat 5] [--out DIR] [--url DATABASE_URL]
Target (reporting benchmarks): the deck for a quarter at 1M claims in under 5 s end to end.
The databases are the ones benchmarks/bench_data.py loads once and keeps (or --url for another one).
"End to end" is what GET /api/v1/reports/deck does: `reporting.deck.render` — the KPI summary (period,
previous period, a year before, 12-month trend), the deck's extra facts, the registered sections
(e.g. mining), the narrative and content model, and the pptx — timed as one call, best of --repeat;
the parts are timed apart too, to show where the time goes.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
from pathlib import Path

from bench_data import best, cpu_best, postgres_url, sqlite_url
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import claimops.models  # noqa: F401 - registers every table
from claimops.claims.models import Claim
from claimops.config import get_settings
from claimops.db import make_engine
from claimops.deck_sections import default_sections
from claimops.reporting.deck import render, render_deck
from claimops.reporting.deck.assembly import compose
from claimops.reporting.deck.facts import facts
from claimops.reporting.deck.registry import Figures
from claimops.reporting.periods import parse_period
from claimops.reporting.summary import period_summary


def run(url: str, args: argparse.Namespace) -> None:
    settings = get_settings()
    sections = default_sections()
    period = parse_period(args.period)
    engine = make_engine(url)
    with Session(engine) as session:
        total = session.scalar(select(func.count(Claim.id))) or 0
        in_period = session.scalar(
            select(func.count(Claim.id)).where(
                Claim.reported_at >= period.start_utc, Claim.reported_at < period.end_utc
            )
        )
        print(f"{engine.dialect.name}: {total:,} claims, {in_period or 0:,} reported in {period.label}")

        def deck() -> bytes:
            return render(
                session,
                period,
                settings,
                sections=sections,
                lang=args.lang,
                fmt="pptx",
                today=period.last_day,
            )

        deck()  # warm up
        t_deck, body = best(args.repeat, deck)
        cpu_deck = cpu_best(args.repeat, deck, session)
        t_summary, data = best(args.repeat, lambda: period_summary(session, period, settings))
        t_facts, f = best(args.repeat, lambda: facts(session, period))
        t_extra, extra = best(args.repeat, lambda: sections.provided(session, period, args.lang))
        session.rollback()
    engine.dispose()
    figures = Figures(data, f, args.lang)
    t_compose, composed = best(
        args.repeat, lambda: compose(figures, sections=sections, provided=extra, today=period.last_day)
    )
    print(f"  KPI summary (period, previous, year before, trend): {t_summary * 1000:8.0f} ms")
    print(f"  deck facts (data volume, documents, partners):       {t_facts * 1000:8.0f} ms")
    print(f"  registered sections (mining, ...):                   {t_extra * 1000:8.0f} ms")
    print(f"  narrative and content model:                         {t_compose * 1000:8.0f} ms")
    for fmt in ("pptx", "html", "md"):
        t_render, out = best(args.repeat, lambda fmt=fmt: render_deck(composed, fmt))
        print(f"  render {fmt:<4} ({len(out):>9,} bytes):                     {t_render * 1000:8.0f} ms")
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"deck_{engine.dialect.name}_{period.label}_{args.lang}.{fmt}").write_bytes(out)
    print(
        f"  → the pptx deck end to end (one render call):        {t_deck * 1000:8.0f} ms",
        f"({len(body):,} bytes)",
    )
    print(f"  → CPU time of that call (this process + database server): {cpu_deck * 1000:5.0f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=1_000_000)
    ap.add_argument("--only", choices=["sqlite", "postgresql"])
    ap.add_argument("--url", help="report on this database instead of the benchmark ones")
    ap.add_argument("--period", default="2026-Q3")
    ap.add_argument("--lang", default="zh", choices=["zh", "en"])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path, help="write the decks here")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, SQLite {sqlite3.sqlite_version}; best of {args.repeat}")
    if args.url:
        run(args.url, args)
        return
    if args.only != "postgresql":
        run(sqlite_url(args.claims), args)
    if args.only != "sqlite":
        run(postgres_url(args.claims), args)


if __name__ == "__main__":
    main()
