"""The analytics commands: `claimops mine …` on a seeded database, `forecast`, `reserve`, `train` and `score`:
tables, JSON, and one-line errors with exit code 2."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

import claimops.clock
import claimops.db
from claimops.claims.models import Claim
from claimops.cli import app
from claimops.config import Settings, get_settings
from claimops.db import unit_of_work
from claimops.demo.bulk import seed_database
from claimops.mining.cli import last_complete_month, reserve
from claimops.mining.estimators.forecast import BASELINE
from claimops.mining.store import registry
from factories import (
    chainladder_sample,
    monthly_auto_claims,
    raa_long,
)

CLAIMS = 1_500


@pytest.fixture
def database(empty_engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Engine]:
    """The CLI's configured database is the test's own migrated one; models go to a fresh directory."""
    monkeypatch.setenv("CLAIMOPS_DATABASE_URL", empty_engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("CLAIMOPS_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield empty_engine
    get_settings.cache_clear()


def mine(*args: str) -> Result:
    return CliRunner().invoke(app, ["mine", *args])


def one_line_error(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_mine_commands_on_demo_data(database: Engine) -> None:
    seed_database(database, claims=CLAIMS, seed=5, end=date(2026, 6, 30))

    with database.connect() as conn:
        before = conn.scalar(select(func.count()).select_from(Claim))

    quality = mine("quality", "--format", "json", "--lang", "en")
    assert quality.exit_code == 0, quality.stderr
    report = json.loads(quality.stdout)
    assert report["n_rows"] == CLAIMS and report["cleaning"]["rows_in"] == CLAIMS
    assert {i["check"] for i in report["issues"]} >= {
        "duplicate_claim_id",
        "invalid_id_number",
        "amount_outlier",
    }
    table = mine("quality")
    assert table.exit_code == 0 and "claims checked: 1,500" in table.stdout and "理赔编号重复" in table.stdout

    rules = mine("rules", "--target", "fraud", "--min-support", "0.003", "--limit", "5", "--format", "json")
    assert rules.exit_code == 0, rules.stderr
    out = json.loads(rules.stdout)
    assert out["target"] == "fraud" and out["thresholds"]["min_support"] == 0.003
    assert 1 <= len(out["rules"]) <= 5 and [r["rank"] for r in out["rules"]] == list(
        range(1, len(out["rules"]) + 1)
    )
    for rule in out["rules"]:
        assert rule["support"] >= 0.003 and rule["confidence"] >= 0.1 and rule["lift"] >= 1.0
        assert rule["text"].endswith(f"→ 欺诈，提升度 {rule['lift']:.1f}")
    english = mine("rules", "--target", "denied", "--lang", "en")
    assert english.exit_code == 0 and english.stdout.startswith("denied (denied): 1,500 claims, base rate ")

    claims = mine("segments", "claims", "--k", "3", "--format", "json")
    assert claims.exit_code == 0, claims.stderr
    seg = json.loads(claims.stdout)
    assert seg["k"] == 3 and sum(s["size"] for s in seg["segments"]) == seg["n_rows"] == CLAIMS
    customers = mine("segments", "customers", "--k-max", "4", "--lang", "en")
    assert customers.exit_code == 0, customers.stderr
    assert "highest mean silhouette among k = 2–4" in customers.stdout and "Segment 1: " in customers.stdout

    assert "no dispute data" in one_line_error(mine("rules", "--target", "dispute", "--lang", "en"))
    assert "min_support" in one_line_error(mine("rules", "--min-support", "0"))
    assert "--k-min (5) is above --k-max (3)" in one_line_error(
        mine("segments", "--k-min", "5", "--k-max", "3")
    )
    assert "--since: not a date" in one_line_error(mine("quality", "--since", "2026-13-01"))
    with database.connect() as conn:  # nothing written
        assert conn.scalar(select(func.count()).select_from(Claim)) == before


def test_too_few_claims_is_one_clear_line(database: Engine) -> None:
    message = one_line_error(mine("rules"))
    assert message == "error: rules: 0 claim(s) in the selection, at least 50 are needed"
    assert "segments: 0 claim(s)" in one_line_error(mine("segments", "customers"))
    empty = mine("quality", "--format", "json")
    assert empty.exit_code == 0 and json.loads(empty.stdout)["n_rows"] == 0
    without_truth = mine("rules", "--target", "fraud")
    assert "rules: 0 claim(s)" in one_line_error(without_truth)


def test_forecast_is_registered() -> None:
    result = CliRunner().invoke(app, ["forecast", "--help"])
    assert result.exit_code == 0 and "forecast [OPTIONS]" in result.stdout and "--horizon" in result.stdout


CSV_HEADER = "claim_id,policy_id,customer_id,line,incident_date,reported_at,claimed_amount,investigated\n"


def test_claims_from_a_csv(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_text(
        CSV_HEADER
        + "1,10,100,auto,2026-03-01,2026-03-01T15:30:00Z,8000.00,false\n"
        + "1,10,100,auto,2026-03-01,2026-03-01T15:30:00Z,8000.00,false\n"
        + "2,11,101,health,2026-03-09,2026-03-09T16:00:00+00:00,1234.56,true\n",
        encoding="utf-8",
    )
    result = mine("quality", "--csv", str(path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["n_rows"] == 3 and report["issues"][0]["rows"] == 2  # claim 1 twice
    assert report["cleaning"]["rows_out"] == 2
    few = one_line_error(mine("rules", "--csv", str(path)))
    assert few == "error: rules: 3 claim(s) in the selection, at least 50 are needed"


def test_csv_with_wrong_columns_or_values_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    text = "claim_id,policy,customer_id,line,incident_date,claimed_amount\n1,10,100,auto,2026-03-01,8000\n"
    path.write_text(text, encoding="utf-8")
    message = one_line_error(mine("segments", "--csv", str(path)))
    assert message == "error: claims.csv: missing column(s) policy_id, reported_at"
    assert path.read_text(encoding="utf-8") == text  # nothing overwritten
    bad = tmp_path / "bad.csv"
    bad.write_text(
        CSV_HEADER + "1,10,100,auto,2026-03-01,2026-03-01T15:30:00Z,lots,false\n", encoding="utf-8"
    )
    assert "bad.csv: column claimed_amount: " in one_line_error(mine("quality", "--csv", str(bad)))
    assert "cannot read as CSV" in one_line_error(mine("quality", "--csv", str(tmp_path / "absent.csv")))


def test_mine_refresh_stores_the_runs_the_pages_read(database: Engine) -> None:
    from claimops.mining.store.models import MiningResult

    assert one_line_error(mine("refresh", "--kind", "horoscope")).startswith(
        "error: unknown analysis horoscope"
    )
    empty = mine("refresh", "--kind", "reserves")
    assert empty.exit_code == 2 and "not_enough_data" in empty.stdout  # stored, with the reason

    seed_database(database, claims=CLAIMS, seed=5, end=date(2026, 6, 30))
    done = mine("refresh", "--kind", "quality", "--kind", "reserves", "--by", "analyst")
    assert done.exit_code == 0, done.stderr
    assert [line.split()[:2] for line in done.stdout.splitlines()] == [["quality", "ok"], ["reserves", "ok"]]
    with database.connect() as conn:
        rows = conn.execute(select(MiningResult.kind, MiningResult.status, MiningResult.created_by)).all()
    assert sorted(rows) == [
        ("quality", "ok", "analyst"),
        ("reserves", "not_enough_data", "cli"),
        ("reserves", "ok", "analyst"),
    ]


# -- reserve --------------------------------------------------------------------------------------


COLUMNS = ["--origin", "origin", "--development", "development", "--value", "values"]


@pytest.fixture
def raa_csv(tmp_path: Path) -> Path:
    path = tmp_path / "raa.csv"
    chainladder_sample("raa").to_csv(path, index=False)
    return path


def run_reserve(*args: str | Path) -> Result:
    return CliRunner().invoke(app, ["reserve", *(str(a) for a in args)])


def test_json_output_for_raa(raa_csv: Path) -> None:
    result = run_reserve(raa_csv, *COLUMNS)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["total_reserve"] == 52135.23 and out["total_mack_se"] == 26909.01
    assert [row["origin"] for row in out["origins"]] == list(range(1981, 1991))
    first, last = out["origins"][0], out["origins"][-1]
    assert {"origin", "latest", "ultimate", "reserve", "mack_se"} <= set(last)
    assert first["reserve"] == 0.0 and first["mack_se"] == 0.0 and first["latest"] == 18834.0
    assert (last["latest"], last["reserve"], last["mack_se"]) == (2063.0, 16339.44, 24566.29)
    assert sum(row["reserve"] for row in out["origins"]) == pytest.approx(52135.23, abs=0.05)
    assert result.stderr == ""


def test_log_linear_sigma_and_table(raa_csv: Path) -> None:
    out = json.loads(run_reserve(raa_csv, *COLUMNS, "--sigma", "log-linear").stdout)
    assert out["total_mack_se"] == 26880.74 and out["sigma"] == "log-linear"
    table = run_reserve(raa_csv, *COLUMNS, "--format", "table")
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["origin", "latest", "ultimate", "reserve", "mack_se", "cv"]
    assert lines[-1].split() == ["total", "52,135.23", "26,909.01", "51.6%"]
    assert any(
        line.split()[:5] == ["1990", "2,063.00", "18,402.44", "16,339.44", "24,566.29"] for line in lines
    )


def test_incremental_lags(tmp_path: Path) -> None:
    df = raa_long()
    df["paid"] = df.groupby("origin")["values"].diff().fillna(df["values"])
    path = tmp_path / "incremental.csv"
    df[["origin", "lag", "paid"]].to_csv(path, index=False)
    args = ["--origin", "origin", "--development", "lag", "--value", "paid"]
    out = json.loads(run_reserve(path, *args, "--incremental").stdout)
    assert out["total_reserve"] == 52135.23
    as_cumulative = json.loads(run_reserve(path, *args).stdout)  # the default reads them as cumulative
    assert as_cumulative["total_reserve"] != 52135.23


def assert_one_line_error(result: Result, *expected: str) -> None:
    line = one_line_error(result)
    for text in expected:
        assert text in line


def test_wrong_column_names_the_column(raa_csv: Path) -> None:
    result = run_reserve(raa_csv, "--origin", "AY", "--development", "development", "--value", "values")
    assert_one_line_error(result, "raa.csv", "missing column(s) 'AY'", "'origin'")


def test_gap_in_a_row(tmp_path: Path) -> None:
    df = chainladder_sample("raa")
    path = tmp_path / "gap.csv"
    df.drop(df[(df.origin == 1983) & (df.development == 1985)].index).to_csv(path, index=False)
    assert_one_line_error(
        run_reserve(path, *COLUMNS), "gap.csv", "origin 1983 has no value at development lag 3"
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "the file is empty"),
        (
            "origin,development,values\n1981,1981,1\n1981,1982,x\n",
            "data row 2: 'values' is not a number ('x')",
        ),
        ("origin,development,values\n1981,1981,1\n1982,1982,2\n", "at least 3 origin periods"),
        ("origin,development,values\n1981,1981,1\n1981,1981,2\n1982,1982,3\n1983,1983,3\n", "more than once"),
    ],
)
def test_bad_content(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    assert_one_line_error(run_reserve(path, *COLUMNS), expected)


def test_missing_and_binary_files(tmp_path: Path) -> None:
    assert_one_line_error(run_reserve(tmp_path / "nope.csv", *COLUMNS), "nope.csv: no such file")
    assert_one_line_error(run_reserve(tmp_path, *COLUMNS), "is a directory")
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81" * 50)
    assert_one_line_error(run_reserve(binary, *COLUMNS), "x.csv")


def test_bad_option_is_a_usage_error(raa_csv: Path) -> None:
    result = run_reserve(raa_csv, *COLUMNS, "--sigma", "linear")
    assert result.exit_code == 2 and "linear" in result.stderr


def test_registers_on_another_app_as_reserve(raa_csv: Path) -> None:
    main = typer.Typer()
    main.command("reserve")(reserve)

    @main.command("other")
    def other() -> None:  # a second command, so "reserve" must be named
        """Placeholder."""

    result = CliRunner().invoke(main, ["reserve", str(raa_csv), *COLUMNS])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["total_reserve"] == 52135.23


# -- forecast -------------------------------------------------------------------------------------

ADDITIVE = ["ETS(A,N,A)", "ETS(A,A,A)", "ETS(A,Ad,A)"]


@pytest.fixture
def forecast_db(staffed_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The CLI's unit_of_work() reaches this empty, migrated database."""
    monkeypatch.setattr(claimops.db, "get_engine", lambda url=None: staffed_engine)
    yield staffed_engine


def run_forecast(*args: str) -> Any:
    return CliRunner().invoke(app, ["forecast", *args])


def test_cli_not_enough_data_is_one_line_and_exit_2(forecast_db: Engine) -> None:
    result = run_forecast("--through", "2025-06")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: not enough data to forecast any line")
    assert len(result.stderr.strip().splitlines()) == 1
    result = run_forecast("--line", "marine")
    assert result.exit_code == 2 and "unknown line" in result.stderr


def test_forecast_command_on_a_database(forecast_db: Engine, settings: Settings) -> None:
    with unit_of_work(forecast_db) as session:
        monthly_auto_claims(session, settings)

    out = run_forecast("--line", "auto", "--horizon", "2", "--through", "2025-08")
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    claims = data["series"][0]
    assert claims["target"] == "claims" and claims["line"] == "auto"
    assert [row["period"] for row in claims["forecast"]] == ["2025-09", "2025-10"]
    assert BASELINE in claims["backtest"] and isinstance(claims["beats_baseline"], bool)
    assert claims["note"]

    everything = json.loads(run_forecast("--through", "2025-08").stdout)
    by_key = {(s["line"], s["target"]): s for s in everything["series"]}
    assert "forecast" in by_key[("all", "claims")] and "forecast" in by_key[("auto", "paid")]
    assert by_key[("health", "claims")]["error"]["code"] == "NOT_ENOUGH_DATA"

    table = run_forecast("--line", "auto", "--horizon", "2", "--through", "2025-08", "--format", "table")
    assert table.exit_code == 0, table.output
    assert "auto · claims (claims)" in table.stdout and "seasonal_naive" in table.stdout
    assert "2025-09" in table.stdout and "note:" in table.stdout

    # Complete quarters 2023Q1 … 2025Q2: 10, short of max(2·4, 10) to learn from plus 2 to test on.
    quarterly = run_forecast("--line", "auto", "--freq", "quarter", "--horizon", "2", "--through", "2025-08")
    assert quarterly.exit_code == 2
    assert "10 quarters, need at least 12" in quarterly.stderr


def test_last_complete_month_is_the_previous_shanghai_month(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(claimops.clock, "utcnow", lambda: datetime(2026, 1, 31, 17, tzinfo=UTC))
    assert last_complete_month() == "2026-01"  # already 1 February in Shanghai
    monkeypatch.setattr(claimops.clock, "utcnow", lambda: datetime(2026, 1, 15, 2, tzinfo=UTC))
    assert last_complete_month() == "2025-12"


# -- train and score ------------------------------------------------------------------------------


def test_commands_refuse_too_little_data_and_save_nothing(database: Engine) -> None:
    seed_database(database, claims=120, seed=3, end=date(2026, 6, 30))
    runner = CliRunner()
    for kind in ("risk", "handling_time", "settlement"):
        result = runner.invoke(app, ["train", kind])
        assert result.exit_code == 2, result.output
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: not enough data for the"), result.stderr
    scored = runner.invoke(app, ["score", "--open"])
    assert scored.exit_code == 2 and "no risk model yet" in scored.stderr
    with Session(database, expire_on_commit=False) as session:
        assert registry.history(session, "risk") == [] and registry.history(session, "settlement") == []
