"""Generate and bulk-load demo claims with their whole histories into SQLite and PostgreSQL.

Usage: python benchmarks/seed_1m.py [--claims 1000000] [--only sqlite|postgresql] [--runs N]
Target (issue 2): 1,000,000 claims with events under 2 minutes each, peak memory under 2 GB.
Each load runs in a fresh child process so that its peak RSS is its own; with --runs N the best
time of N is reported (other processes share the cores), with every run's phases.
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
from typing import Any

import psycopg

ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def load(url: str, claims: int, out: mp.Queue) -> None:  # type: ignore[type-arg]
    from claimops.db import get_engine
    from claimops.demo.bulk import seed_database
    from claimops.migrate import upgrade

    upgrade(url)
    engine = get_engine(url)  # the migration's engine, as `claimops demo` does: no second connection
    t0 = time.perf_counter()
    report = seed_database(engine, claims=claims, seed=42, end=date(2026, 9, 30))
    elapsed = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.put((report.claims, report.events, elapsed, peak_mb, report.phases, report.cpu))


def run(name: str, url: str, claims: int) -> tuple[float, float]:
    ctx = mp.get_context("spawn")
    q: Any = ctx.Queue()
    p = ctx.Process(target=load, args=(url, claims, q))
    p.start()
    n, events, elapsed, peak, phases, cpu = q.get()
    p.join()
    print(
        f"{name}: {n:,} claims ({events:,} events) in {elapsed:.1f} s ({n / elapsed:,.0f} claims/s), "
        f"peak RSS {peak:,.0f} MB, CPU of the loader {sum(cpu.values()):.1f} s"
    )
    print(f"    {'phase':<28} {'wall':>7}   {'CPU':>7}")
    for phase, seconds in sorted(phases.items(), key=lambda kv: -kv[1]):
        if seconds >= 0.05:
            print(f"    {phase:<28} {seconds:7.1f} s {cpu.get(phase, 0):7.1f} s")
    return elapsed, peak


def sqlite_once(claims: int) -> tuple[float, float]:
    path = os.path.join(tempfile.mkdtemp(), "bench.db")
    try:
        return run("SQLite", f"sqlite:///{path}", claims)
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)


def postgres_once(claims: int) -> tuple[float, float]:
    db = f"claimops_seed_{os.getpid()}"
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}"')
    try:
        return run("PostgreSQL", f"postgresql+psycopg://postgres@127.0.0.1:5432/{db}", claims)
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=1_000_000)
    ap.add_argument("--only", choices=["sqlite", "postgresql"])
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args()
    with psycopg.connect(ADMIN) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    pg_version = row[0] if row else "?"
    print(f"machine: {os.cpu_count()} cores, SQLite {sqlite3.sqlite_version}, PostgreSQL {pg_version}")
    for name, once in (("sqlite", sqlite_once), ("postgresql", postgres_once)):
        if args.only not in (None, name):
            continue
        results = [once(args.claims) for _ in range(args.runs)]
        best = min(results)
        print(
            f"{name} best of {args.runs}: {best[0]:.1f} s ({args.claims / best[0]:,.0f} claims/s), "
            f"peak RSS {max(r[1] for r in results):,.0f} MB (highest of the runs)"
        )


if __name__ == "__main__":
    main()
