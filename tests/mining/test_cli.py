"""`claimops mine quality|rules|segments` on a seeded database: tables, JSON, and one-line errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner, Result

from claimops.cli import app
from claimops.config import get_settings
from claimops.demo.bulk import seed_database

CLAIMS = 1_500


@pytest.fixture
def database(empty_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The CLI's configured database is the test's own migrated one."""
    monkeypatch.setenv("CLAIMOPS_DATABASE_URL", empty_engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    yield empty_engine
    get_settings.cache_clear()


def run(*args: str) -> Result:
    return CliRunner().invoke(app, ["mine", *args])


def one_line_error(result: Result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_mine_commands_on_demo_data(database: Engine) -> None:
    seed_database(database, claims=CLAIMS, seed=5, end=date(2026, 6, 30))
    from claimops.claims.models import Claim

    with database.connect() as conn:
        before = conn.scalar(select(func.count()).select_from(Claim))

    quality = run("quality", "--format", "json", "--lang", "en")
    assert quality.exit_code == 0, quality.stderr
    report = json.loads(quality.stdout)
    assert report["n_rows"] == CLAIMS and report["cleaning"]["rows_in"] == CLAIMS
    assert {i["check"] for i in report["issues"]} >= {
        "duplicate_claim_id",
        "invalid_id_number",
        "amount_outlier",
    }
    table = run("quality")
    assert table.exit_code == 0 and "claims checked: 1,500" in table.stdout and "理赔编号重复" in table.stdout

    rules = run("rules", "--target", "fraud", "--min-support", "0.003", "--limit", "5", "--format", "json")
    assert rules.exit_code == 0, rules.stderr
    out = json.loads(rules.stdout)
    assert out["target"] == "fraud" and out["thresholds"]["min_support"] == 0.003
    assert 1 <= len(out["rules"]) <= 5 and [r["rank"] for r in out["rules"]] == list(
        range(1, len(out["rules"]) + 1)
    )
    for rule in out["rules"]:
        assert rule["support"] >= 0.003 and rule["confidence"] >= 0.1 and rule["lift"] >= 1.0
        assert rule["text"].endswith(f"→ 欺诈，提升度 {rule['lift']:.1f}")
    english = run("rules", "--target", "denied", "--lang", "en")
    assert english.exit_code == 0 and english.stdout.startswith("denied (denied): 1,500 claims, base rate ")

    claims = run("segments", "claims", "--k", "3", "--format", "json")
    assert claims.exit_code == 0, claims.stderr
    seg = json.loads(claims.stdout)
    assert seg["k"] == 3 and sum(s["size"] for s in seg["segments"]) == seg["n_rows"] == CLAIMS
    customers = run("segments", "customers", "--k-max", "4", "--lang", "en")
    assert customers.exit_code == 0, customers.stderr
    assert "highest mean silhouette among k = 2–4" in customers.stdout and "Segment 1: " in customers.stdout

    assert "no dispute data" in one_line_error(run("rules", "--target", "dispute", "--lang", "en"))
    assert "min_support" in one_line_error(run("rules", "--min-support", "0"))
    assert "--k-min (5) is above --k-max (3)" in one_line_error(
        run("segments", "--k-min", "5", "--k-max", "3")
    )
    assert "--since: not a date" in one_line_error(run("quality", "--since", "2026-13-01"))
    with database.connect() as conn:  # nothing written
        assert conn.scalar(select(func.count()).select_from(Claim)) == before


def test_too_few_claims_is_one_clear_line(database: Engine) -> None:
    message = one_line_error(run("rules"))
    assert message == "error: rules: 0 claim(s) in the selection, at least 50 are needed"
    assert "segments: 0 claim(s)" in one_line_error(run("segments", "customers"))
    empty = run("quality", "--format", "json")
    assert empty.exit_code == 0 and json.loads(empty.stdout)["n_rows"] == 0
    without_truth = run("rules", "--target", "fraud")
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
    result = run("quality", "--csv", str(path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["n_rows"] == 3 and report["issues"][0]["rows"] == 2  # claim 1 twice
    assert report["cleaning"]["rows_out"] == 2
    few = one_line_error(run("rules", "--csv", str(path)))
    assert few == "error: rules: 3 claim(s) in the selection, at least 50 are needed"


def test_csv_with_wrong_columns_or_values_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    text = "claim_id,policy,customer_id,line,incident_date,claimed_amount\n1,10,100,auto,2026-03-01,8000\n"
    path.write_text(text, encoding="utf-8")
    message = one_line_error(run("segments", "--csv", str(path)))
    assert message == "error: claims.csv: missing column(s) policy_id, reported_at"
    assert path.read_text(encoding="utf-8") == text  # nothing overwritten
    bad = tmp_path / "bad.csv"
    bad.write_text(
        CSV_HEADER + "1,10,100,auto,2026-03-01,2026-03-01T15:30:00Z,lots,false\n", encoding="utf-8"
    )
    assert "bad.csv: column claimed_amount: " in one_line_error(run("quality", "--csv", str(bad)))
    assert "cannot read as CSV" in one_line_error(run("quality", "--csv", str(tmp_path / "absent.csv")))


def test_mine_refresh_stores_the_runs_the_pages_read(database: Engine) -> None:
    from claimops.mining.store.models import MiningResult

    assert one_line_error(run("refresh", "--kind", "horoscope")).startswith(
        "error: unknown analysis horoscope"
    )
    empty = run("refresh", "--kind", "reserves")
    assert empty.exit_code == 2 and "not_enough_data" in empty.stdout  # stored, with the reason

    seed_database(database, claims=CLAIMS, seed=5, end=date(2026, 6, 30))
    done = run("refresh", "--kind", "quality", "--kind", "reserves", "--by", "analyst")
    assert done.exit_code == 0, done.stderr
    assert [line.split()[:2] for line in done.stdout.splitlines()] == [["quality", "ok"], ["reserves", "ok"]]
    with database.connect() as conn:
        rows = conn.execute(select(MiningResult.kind, MiningResult.status, MiningResult.created_by)).all()
    assert sorted(rows) == [
        ("quality", "ok", "analyst"),
        ("reserves", "not_enough_data", "cli"),
        ("reserves", "ok", "analyst"),
    ]
