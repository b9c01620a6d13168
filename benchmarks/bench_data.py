"""The 1M-claim databases the reporting benchmarks share, loaded once and kept on disk.

Usage: python benchmarks/bench_data.py [--claims 1000000] [--only sqlite|postgresql]
SQLite: /tmp/claimops_bench_{N}.db; PostgreSQL: database claimops_bench_{N} (N = 1m for a million).
`best` times a call the way every figure in docs/benchmarks.md is taken.
A database is loaded under a temporary name and renamed when the load has finished, so a present
name always means a complete load. Reuse applies pending migrations (e.g. new indexes) first.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import psycopg
from sqlalchemy import text

ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/{db}"
END = date(2026, 9, 30)  # the last full quarter is 2026-Q3
SEED = 42


def best(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """The shortest of `repeat` runs (other people's work shares the cores) and the last result."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def _backend_cpu(pid: int) -> float:
    """CPU seconds a PostgreSQL backend has used (utime + stime from /proc)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_best(repeat: int, fn: Callable[[], Any], session: Any = None) -> float:
    """Least CPU time of a call over `repeat` runs: the work itself, however busy the shared cores are.

    This process's CPU (SQLite and DuckDB work in-process) plus, given a PostgreSQL session, its server
    backend's, with parallel workers off for the measurement so that all the server's work is in that
    backend (the wall-clock figures keep PostgreSQL's default plans).
    """
    pid = None
    if session is not None and session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET max_parallel_workers_per_gather = 0"))
        pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    times = []
    for _ in range(repeat):
        t0, b0 = time.process_time(), _backend_cpu(pid) if pid else 0.0
        fn()
        times.append(time.process_time() - t0 + (_backend_cpu(pid) - b0 if pid else 0.0))
    if pid:
        session.execute(text("RESET max_parallel_workers_per_gather"))
    return min(times)


def _tag(claims: int) -> str:
    return f"{claims // 1_000_000}m" if claims % 1_000_000 == 0 else str(claims)


def _load(url: str, claims: int) -> float:
    from claimops.db import make_engine
    from claimops.demo.bulk import seed_database
    from claimops.migrate import upgrade

    upgrade(url)
    engine = make_engine(url)
    t0 = time.perf_counter()
    seed_database(engine, claims=claims, seed=SEED, end=END)
    engine.dispose()
    return time.perf_counter() - t0


def sqlite_url(claims: int = 1_000_000) -> str:
    """The loaded SQLite database's URL, loading it first if it is not on disk."""
    from claimops.migrate import upgrade

    path = f"/tmp/claimops_bench_{_tag(claims)}.db"
    if not os.path.exists(path):
        partial = f"{path}.loading"
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(partial + suffix):
                os.remove(partial + suffix)
        print(f"loading {claims:,} claims into {path} ...", flush=True)
        print(f"  loaded in {_load(f'sqlite:///{partial}', claims):.0f} s", flush=True)
        os.rename(partial, path)
    upgrade(f"sqlite:///{path}")
    return f"sqlite:///{path}"


def _loaded(db: str) -> bool:
    """A load that finished but was not renamed yet (the rename failed)."""
    try:
        with psycopg.connect(ADMIN.rsplit("/", 1)[0] + f"/{db}") as conn:
            return bool(conn.execute("SELECT count(*) FROM claims").fetchone())
    except psycopg.Error:
        return False


def postgres_url(claims: int = 1_000_000) -> str:
    """The loaded PostgreSQL database's URL, loading it first if it does not exist."""
    from claimops.migrate import upgrade

    db = f"claimops_bench_{_tag(claims)}"
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,)).fetchone()
    if not exists:
        if not _loaded(f"{db}_loading"):
            with psycopg.connect(ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db}_loading" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{db}_loading"')
            print(f"loading {claims:,} claims into PostgreSQL database {db} ...", flush=True)
            print(f"  loaded in {_load(PG.format(db=f'{db}_loading'), claims):.0f} s", flush=True)
        with psycopg.connect(ADMIN, autocommit=True) as conn:
            # autovacuum may have started on the fresh tables; it comes back after the rename
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (f"{db}_loading",),
            )
            conn.execute(f'ALTER DATABASE "{db}_loading" RENAME TO "{db}"')
        with psycopg.connect(ADMIN.rsplit("/", 1)[0] + f"/{db}", autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE)")  # statistics and visibility map, as autovacuum would leave them
    url = PG.format(db=db)
    upgrade(url)
    return url


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=1_000_000)
    ap.add_argument("--only", choices=["sqlite", "postgresql"])
    args = ap.parse_args()
    if args.only in (None, "sqlite"):
        print(sqlite_url(args.claims))
    if args.only in (None, "postgresql"):
        print(postgres_url(args.claims))


if __name__ == "__main__":
    main()
