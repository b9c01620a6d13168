"""Time the full KPI set for one quarter with both comparisons, against DuckDB over Parquet.

Usage: python benchmarks/kpi_quarter.py [--claims 1000000] [--period 2026-Q3] [--repeat 5]
                                        [--only sqlite|postgresql]
Target (reporting benchmarks): under 1 s on PostgreSQL and on SQLite at 1,000,000 claims.

"The full KPI set" is `reporting.summary.period_summary`: what the summary API, the dashboard and the
deck show — the quarter, the previous quarter and the same quarter a year before (counts by line,
paid, timings, stage averages, SLA, STP, denials, backlog, workload) and the 12-month trend.
The same figures are computed in the same run by DuckDB over a Parquet export of the same tables
(exported once from PostgreSQL, kept under /tmp), checked equal to claimops' figures, and timed.

warm: the same connection again (page caches and plans warm). cold: a new engine and connection per
run, with the database's (or the Parquet) files dropped from the OS page cache first
(posix_fadvise DONTNEED on those files only); PostgreSQL's shared_buffers cannot be emptied without a
restart, so its "cold" keeps whatever of the 1M tables fits in them.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import psycopg
from bench_data import best, cpu_best, postgres_url, sqlite_url
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

import claimops.models  # noqa: F401 - registers every table
from claimops.claims.timing import STAGES
from claimops.config import Settings, get_settings
from claimops.db import make_engine
from claimops.money import money_or_zero, to_money
from claimops.policies.lines import LINES
from claimops.reporting.kpis import (
    AGE_BUCKETS,
    DAY,
    DenialReason,
    HandlerWorkload,
    LineFigures,
    MonthFigures,
    PeriodKpis,
    Summary,
    _days,
    pct,
    trend_months,
)
from claimops.reporting.periods import Period, parse_period
from claimops.reporting.summary import build, jsonable, period_summary

# Columns the KPIs read, per table (the Parquet export holds these).
EXPORT = {
    "claims": "id, line, region, channel, status, reported_at, handler_id",
    "claim_timings": "claim_id, reported_at, accepted_at, decided_at, paid_at, completed_at, "
    + ", ".join(f"{s}_s" for s in STAGES)
    + ", handling_s",
    "decisions": "id, claim_id, outcome, reason_codes, decided_by, decided_at",
    "payments": "id, claim_id, amount, paid_at",
    "users": "id, username, full_name",
}
TIMESTAMPS = {"reported_at", "accepted_at", "decided_at", "paid_at", "completed_at"}


# --- Parquet export -------------------------------------------------------------------------------


def export_parquet(pg_url: str, out: Path) -> Path:
    """The KPI tables as Parquet (timestamps naive UTC, amounts DECIMAL(14,2)); done once."""
    if (out / "done").exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    dsn = pg_url.replace("postgresql+psycopg", "postgresql")
    con = duckdb.connect()
    with psycopg.connect(dsn) as pg:
        pg.execute("SET TimeZone = 'UTC'")
        for table, cols in EXPORT.items():
            names = [c.strip() for c in cols.split(",")]
            select = ", ".join(
                f"({c} AT TIME ZONE 'UTC') AS {c}"
                if c in TIMESTAMPS
                else (f"{c}::text AS {c}" if c == "reason_codes" else c)
                for c in names
            )
            path = out / f"{table}.csv"
            with (
                open(path, "wb") as f,
                pg.cursor().copy(
                    f"COPY (SELECT {select} FROM {table} ORDER BY 1) TO STDOUT WITH (FORMAT csv, HEADER)"
                ) as copy,
            ):
                for block in copy:
                    f.write(block)
            types = {c: "TIMESTAMP" for c in names if c in TIMESTAMPS}
            if table == "payments":
                types["amount"] = "DECIMAL(14,2)"
            con.execute(
                f"COPY (SELECT * FROM read_csv(?, header = true, types = {types!r})) "
                f"TO '{out / table}.parquet' (FORMAT parquet)",
                [str(path)],
            )
            path.unlink()
    (out / "done").write_text("ok")
    return out


# --- the same figures in DuckDB -------------------------------------------------------------------


def _naive(dt: datetime) -> datetime:
    return dt.replace(tzinfo=None)


def duck_period(con: duckdb.DuckDBPyConnection, period: Period, settings: Settings) -> PeriodKpis:
    s, e = _naive(period.start_utc), _naive(period.end_utc)
    k = PeriodKpis(period=period.label, start=period.start.isoformat(), end=period.last_day.isoformat())
    k.by_line = {line.value: LineFigures() for line in LINES}
    for line, received, accepted, rejected, withdrawn in con.execute(
        "SELECT c.line, count(*), count(t.accepted_at), count(*) FILTER (c.status = 'rejected'), "
        "count(*) FILTER (c.status = 'withdrawn') FROM claims c JOIN claim_timings t ON t.claim_id = c.id "
        "WHERE c.reported_at >= ? AND c.reported_at < ? GROUP BY c.line",
        [s, e],
    ).fetchall():
        k.claims_received += received
        k.claims_accepted += accepted
        k.claims_rejected += rejected
        k.claims_withdrawn += withdrawn
        k.by_line.setdefault(line, LineFigures()).count = accepted
    for fig in k.by_line.values():
        fig.count_share = pct(fig.count, k.claims_accepted)

    largest = None
    for line, n, total, biggest in con.execute(
        "SELECT c.line, count(*), sum(p.amount), max(p.amount) FROM payments p "
        "JOIN claims c ON c.id = p.claim_id WHERE p.paid_at >= ? AND p.paid_at < ? GROUP BY c.line",
        [s, e],
    ).fetchall():
        fig = k.by_line.setdefault(line, LineFigures())
        fig.paid, fig.payments = money_or_zero(total), n
        k.paid_total += fig.paid
        k.payments_count += n
        largest = biggest if largest is None or biggest > largest else largest
    k.max_payout = money_or_zero(largest) if largest is not None else None
    k.avg_payout = to_money(k.paid_total / k.payments_count) if k.payments_count else None
    for fig in k.by_line.values():
        fig.paid_share = pct(fig.paid, k.paid_total)

    k.sla_days = {
        "acceptance": settings.sla_acceptance_days,
        "investigation": settings.sla_investigation_days,
        "review": settings.sla_review_days,
        "payment": settings.sla_payment_days,
    }
    row = con.execute(
        "SELECT count(*), avg(handling_s), "
        + ", ".join(f"avg({st}_s)" for st in STAGES)
        + ", "
        + ", ".join(f"count({st}_s)" for st in STAGES)
        + ", "
        + ", ".join(f"count(*) FILTER ({st}_s <= {k.sla_days[st] * DAY})" for st in STAGES)
        + " FROM claim_timings WHERE completed_at >= ? AND completed_at < ?",
        [s, e],
    ).fetchone()
    assert row is not None
    n = len(STAGES)
    k.claims_completed = row[0]
    k.avg_handling_days = _days(row[1])
    k.stage_avg_days = {st: _days(row[2 + i]) for i, st in enumerate(STAGES)}
    k.stage_counts = {st: int(row[2 + n + i]) for i, st in enumerate(STAGES)}
    k.sla_compliance_pct = {st: pct(row[2 + 2 * n + i], k.stage_counts[st]) for i, st in enumerate(STAGES)}
    timed = {st: v for st, v in k.stage_avg_days.items() if v is not None}
    k.bottleneck_stage = max(timed, key=lambda st: timed[st]) if timed else None

    for outcome, cnt, robot in con.execute(
        "SELECT outcome, count(*), count(*) FILTER (decided_by IS NULL) FROM decisions "
        "WHERE decided_at >= ? AND decided_at < ? GROUP BY outcome",
        [s, e],
    ).fetchall():
        k.decisions_by_outcome[outcome] = cnt
        k.decisions += cnt
        k.straight_through += robot
    k.straight_through_rate_pct = pct(k.straight_through, k.decisions)
    k.denial_rate_pct = pct(k.decisions_by_outcome.get("denied", 0), k.decisions)
    reasons = con.execute(
        "SELECT code, count(*) AS n FROM (SELECT unnest(from_json(reason_codes, '[\"VARCHAR\"]')) AS code "
        "FROM decisions WHERE decided_at >= ? AND decided_at < ? AND outcome = 'denied') "
        "GROUP BY code ORDER BY n DESC, code",
        [s, e],
    ).fetchall()
    total = sum(cnt for _, cnt in reasons)
    k.top_denial_reasons = [DenialReason(c, cnt, pct(cnt, total)) for c, cnt in reasons[:5]]

    k.backlog_by_age = {label: 0 for _, label in AGE_BUCKETS} | {"90+": 0}
    age = " ".join(f"WHEN reported_at >= ? THEN '{label}'" for _, label in AGE_BUCKETS)
    for label, cnt in con.execute(
        f"SELECT CASE {age} ELSE '90+' END AS age, count(*) FROM claim_timings "
        "WHERE reported_at < ? AND (completed_at IS NULL OR completed_at >= ?) GROUP BY age",
        [e - timedelta(days=d) for d, _ in AGE_BUCKETS] + [e, e],
    ).fetchall():
        k.backlog_by_age[label] = cnt
    k.backlog_open = sum(k.backlog_by_age.values())

    k.handlers = [
        HandlerWorkload(u, name, cnt, done, _days(avg))
        for u, name, cnt, done, avg in con.execute(
            "SELECT u.username, u.full_name, count(*) AS n, count(t.completed_at), avg(t.handling_s) "
            "FROM claims c JOIN users u ON u.id = c.handler_id JOIN claim_timings t ON t.claim_id = c.id "
            "WHERE c.reported_at >= ? AND c.reported_at < ? GROUP BY u.username, u.full_name "
            "ORDER BY n DESC, u.username",
            [s, e],
        ).fetchall()
    ]
    return k


def duck_trend(con: duckdb.DuckDBPyConnection, period: Period) -> list[MonthFigures]:
    months = trend_months(period)
    s, e = _naive(Period(months[0], period.end, "range", "").start_utc), _naive(period.end_utc)
    local = "strftime({} + INTERVAL 8 HOUR, '%Y-%m')"  # Asia/Shanghai has no daylight saving
    counts = dict(
        con.execute(
            f"SELECT {local.format('reported_at')} AS m, count(*) FROM claims "
            "WHERE reported_at >= ? AND reported_at < ? GROUP BY m",
            [s, e],
        ).fetchall()
    )
    paid = dict(
        con.execute(
            f"SELECT {local.format('paid_at')} AS m, sum(amount) FROM payments "
            "WHERE paid_at >= ? AND paid_at < ? GROUP BY m",
            [s, e],
        ).fetchall()
    )
    out = []
    for month in months:
        key = f"{month.year}-{month.month:02d}"
        out.append(MonthFigures(key, int(counts.get(key, 0)), money_or_zero(paid.get(key))))
    return out


def duck_summary(con: duckdb.DuckDBPyConnection, period: Period, settings: Settings) -> dict[str, Any]:
    return build(
        Summary(
            current=duck_period(con, period, settings),
            previous=duck_period(con, period.previous(), settings),
            year_before=duck_period(con, period.year_before(), settings),
            trend=duck_trend(con, period),
        )
    )


def duck_connect(parquet: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for table in EXPORT:
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{parquet / table}.parquet')")
    return con


# --- cold runs ------------------------------------------------------------------------------------


def evict(paths: list[Path]) -> None:
    """Drop these files' clean pages from the OS page cache (other processes' files untouched)."""
    for path in paths:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def database_files(url: str) -> list[Path]:
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        return [path, Path(f"{path}-wal")]
    db = url.rsplit("/", 1)[1]
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
        row = conn.execute(
            "SELECT current_setting('data_directory'), oid FROM pg_database WHERE datname = %s", (db,)
        ).fetchone()
    assert row is not None
    folder = Path(row[0]) / "base" / str(row[1])
    return [p for p in folder.iterdir() if p.is_file()] if folder.exists() else []


@contextmanager
def session_on(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session
        session.rollback()


# --- comparison -----------------------------------------------------------------------------------


def differences(a: Any, b: Any, where: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b), key=str):
            out += differences(a.get(key), b.get(key), f"{where}.{key}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [
            d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in differences(x, y, f"{where}[{i}]")
        ]
    return [] if a == b else [f"{where}: {a!r} != {b!r}"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=1_000_000)
    ap.add_argument("--period", default="2026-Q3")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--only", choices=["sqlite", "postgresql"])
    args = ap.parse_args()
    settings = get_settings()
    period = parse_period(args.period)
    pg = postgres_url(args.claims)
    urls = {"SQLite": sqlite_url(args.claims)} if args.only != "postgresql" else {}
    if args.only != "sqlite":
        urls["PostgreSQL"] = pg
    parquet = export_parquet(pg, Path(f"/tmp/claimops_bench_{args.claims}_parquet"))
    parquet_files = sorted(parquet.glob("*.parquet"))
    with psycopg.connect(pg.replace("postgresql+psycopg", "postgresql")) as conn:
        pg_version = conn.execute("SHOW server_version").fetchone()
    print(
        f"load average {os.getloadavg()[0]:.1f}; machine: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, "
        f"PostgreSQL {pg_version[0] if pg_version else '?'}, DuckDB {duckdb.__version__}; "
        f"{args.claims:,} claims, {period.label}, best of {args.repeat}"
    )

    con = duck_connect(parquet)
    expected = jsonable(duck_summary(con, period, settings))
    duck_warm, _ = best(args.repeat, lambda: duck_summary(con, period, settings))
    duck_cpu = cpu_best(args.repeat, lambda: duck_summary(con, period, settings))

    def duck_cold() -> Any:
        evict(parquet_files)
        fresh = duck_connect(parquet)
        try:
            return duck_summary(fresh, period, settings)
        finally:
            fresh.close()

    duck_cold_s, _ = best(args.repeat, duck_cold)
    print(
        f"DuckDB over Parquet: warm {duck_warm * 1000:7.0f} ms   cold {duck_cold_s * 1000:7.0f} ms   "
        f"CPU (all threads) warm {duck_cpu * 1000:7.0f} ms"
    )

    failed = False
    for name, url in urls.items():
        engine = make_engine(url)
        with session_on(engine) as session:
            session.execute(text("SELECT 1"))
            got = jsonable(period_summary(session, period, settings))
            warm, _ = best(args.repeat, lambda session=session: period_summary(session, period, settings))
            cpu = cpu_best(
                args.repeat, lambda session=session: period_summary(session, period, settings), session
            )
        engine.dispose()
        files = database_files(url)

        def cold(url: str = url, files: list[Path] = files) -> Any:
            evict(files)
            fresh = make_engine(url)
            try:
                with session_on(fresh) as session:
                    return period_summary(session, period, settings)
            finally:
                fresh.dispose()

        cold_s, _ = best(args.repeat, cold)
        diff = differences(got, expected)
        failed = failed or bool(diff)
        print(
            f"{name:<11} warm {warm * 1000:7.0f} ms ({warm / duck_warm:5.1f}× DuckDB)   "
            f"cold {cold_s * 1000:7.0f} ms ({cold_s / duck_cold_s:5.1f}× DuckDB)   "
            f"figures {'agree with DuckDB' if not diff else 'DIFFER from DuckDB'}"
            + f"   CPU warm {cpu * 1000:7.0f} ms ({cpu / duck_cpu:5.1f}× DuckDB)"
        )
        for line in diff[:20]:
            print(f"    {line}")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
