"""`claimops reserve FILE.csv …`: JSON and table output, and one-line errors with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import chainladder as cl
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from claimops.cli import app
from claimops.mining.cli import reserve

RAA = Path(cl.__file__).parent / "utils" / "data" / "raa.csv"
COLUMNS = ["--origin", "origin", "--development", "development", "--value", "values"]


@pytest.fixture
def raa_csv(tmp_path: Path) -> Path:
    path = tmp_path / "raa.csv"
    pd.read_csv(RAA).to_csv(path, index=False)
    return path


def run(*args: str | Path) -> typer.testing.Result:
    return CliRunner().invoke(app, ["reserve", *(str(a) for a in args)])


def test_json_output_for_raa(raa_csv: Path) -> None:
    result = run(raa_csv, *COLUMNS)
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
    out = json.loads(run(raa_csv, *COLUMNS, "--sigma", "log-linear").stdout)
    assert out["total_mack_se"] == 26880.74 and out["sigma"] == "log-linear"
    table = run(raa_csv, *COLUMNS, "--format", "table")
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["origin", "latest", "ultimate", "reserve", "mack_se", "cv"]
    assert lines[-1].split() == ["total", "52,135.23", "26,909.01", "51.6%"]
    assert any(
        line.split()[:5] == ["1990", "2,063.00", "18,402.44", "16,339.44", "24,566.29"] for line in lines
    )


def test_incremental_lags(tmp_path: Path) -> None:
    df = pd.read_csv(RAA)
    df["lag"] = df["development"] - df["origin"] + 1
    df = df.sort_values(["origin", "lag"])
    df["paid"] = df.groupby("origin")["values"].diff().fillna(df["values"])
    path = tmp_path / "incremental.csv"
    df[["origin", "lag", "paid"]].to_csv(path, index=False)
    args = ["--origin", "origin", "--development", "lag", "--value", "paid"]
    out = json.loads(run(path, *args, "--incremental").stdout)
    assert out["total_reserve"] == 52135.23
    as_cumulative = json.loads(run(path, *args).stdout)  # the default reads them as cumulative
    assert as_cumulative["total_reserve"] != 52135.23


def assert_one_line_error(result: typer.testing.Result, *expected: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for text in expected:
        assert text in lines[0]
    assert "Traceback" not in result.output


def test_wrong_column_names_the_column(raa_csv: Path) -> None:
    result = run(raa_csv, "--origin", "AY", "--development", "development", "--value", "values")
    assert_one_line_error(result, "raa.csv", "missing column(s) 'AY'", "'origin'")


def test_gap_in_a_row(tmp_path: Path) -> None:
    df = pd.read_csv(RAA)
    path = tmp_path / "gap.csv"
    df.drop(df[(df.origin == 1983) & (df.development == 1985)].index).to_csv(path, index=False)
    assert_one_line_error(run(path, *COLUMNS), "gap.csv", "origin 1983 has no value at development lag 3")


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
    assert_one_line_error(run(path, *COLUMNS), expected)


def test_missing_and_binary_files(tmp_path: Path) -> None:
    assert_one_line_error(run(tmp_path / "nope.csv", *COLUMNS), "nope.csv: no such file")
    assert_one_line_error(run(tmp_path, *COLUMNS), "is a directory")
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81" * 50)
    assert_one_line_error(run(binary, *COLUMNS), "x.csv")


def test_bad_option_is_a_usage_error(raa_csv: Path) -> None:
    result = run(raa_csv, *COLUMNS, "--sigma", "linear")
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
