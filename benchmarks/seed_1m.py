"""Generate and bulk-load demo claims with their whole histories into SQLite and PostgreSQL.

Usage: python benchmarks/seed_1m.py [--claims 1000000] [--only sqlite|postgresql]
Target (issue 2): 1,000,000 claims with events under 2 minutes each, peak memory under 2 GB.
Each database is loaded in a child process so that its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import sqlite3
import tempfile
import time
from datetime import date

import psycopg

ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def load(url: str, claims: int, out: mp.Queue) -> None:  # type: ignore[type-arg]
    from claimops.db import make_engine
    from claimops.demo.bulk import seed_database
    from claimops.migrate import upgrade

    upgrade(url)
    engine = make_engine(url)
    t0 = time.perf_counter()
    report = seed_database(engine, claims=claims, seed=42, end=date(2026, 9, 30))
    elapsed = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.put((report.claims, elapsed, peak_mb))


def run(name: str, url: str, claims: int) -> None:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=load, args=(url, claims, q))
    p.start()
    n, elapsed, peak = q.get()
    p.join()
    print(f"{name}: {n:,} claims in {elapsed:.1f} s ({n / elapsed:,.0f} claims/s), peak RSS {peak:,.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=1_000_000)
    ap.add_argument("--only", choices=["sqlite", "postgresql"])
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, SQLite {sqlite3.sqlite_version}")
    if args.only in (None, "sqlite"):
        path = os.path.join(tempfile.mkdtemp(), "bench.db")
        run("SQLite", f"sqlite:///{path}", args.claims)
    if args.only in (None, "postgresql"):
        db = f"claimops_seed_{os.getpid()}"
        with psycopg.connect(ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{db}"')
        try:
            run("PostgreSQL", f"postgresql+psycopg://postgres@127.0.0.1:5432/{db}", args.claims)
        finally:
            with psycopg.connect(ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


if __name__ == "__main__":
    main()
