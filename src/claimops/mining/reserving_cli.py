"""`claimops reserve FILE.csv --origin COL --development COL --value COL`: chain-ladder reserves.

Bad input ends with one line on stderr and exit code 2, never a traceback: the file comes from a
user, so every failure is theirs to fix and needs naming, not debugging.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, NoReturn

import typer

from claimops.errors import ClaimopsError

if TYPE_CHECKING:
    import pandas as pd

    from claimops.mining.reserving import ChainLadder

app = typer.Typer(
    help="Loss reserving: chain ladder with Mack (1993) standard errors.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.command()
def reserve(
    file: Annotated[Path, typer.Argument(help="CSV in long form: one row per origin and development period")],
    origin: Annotated[str, typer.Option(help="origin (accident/underwriting period) column")],
    development: Annotated[
        str, typer.Option(help="development column: a lag (1, 2, … or 12, 24, …) or a calendar year/date")
    ],
    value: Annotated[str, typer.Option(help="amount column (paid or incurred)")],
    cumulative: Annotated[
        bool, typer.Option("--cumulative/--incremental", help="whether the amounts are cumulative")
    ] = True,
    sigma: Annotated[
        Literal["mack", "log-linear"],
        typer.Option(help="last-period sigma: mack (Mack 1993) or log-linear (R ChainLadder's default)"),
    ] = "mack",
    output_format: Annotated[
        Literal["json", "table"], typer.Option("--format", help="output format")
    ] = "json",
) -> None:
    """Chain-ladder reserves (IBNR) per origin and in total, with Mack standard errors."""
    try:
        frame = _read_csv(file)
        from claimops.mining.reserving import ChainLadder
        from claimops.mining.triangle import from_long

        tri = from_long(frame, origin=origin, development=development, value=value, cumulative=cumulative)
        model = ChainLadder(sigma=sigma).fit(tri)
    except ClaimopsError as exc:
        _fail(f"{file}: {exc.message}")
    except Exception as exc:  # the last guard before a traceback reaches the user
        _fail(f"{file}: cannot compute reserves ({type(exc).__name__}: {exc})")
    if output_format == "json":
        typer.echo(model.to_json(decimals=2, indent=2))
    else:
        typer.echo(_table(model))


def _read_csv(file: Path) -> pd.DataFrame:
    import pandas as pd

    if not file.exists():
        raise ClaimopsError("no such file", code="BAD_FILE")
    if file.is_dir():
        raise ClaimopsError("is a directory, not a CSV file", code="BAD_FILE")
    try:
        return pd.read_csv(file)
    except pd.errors.EmptyDataError:
        raise ClaimopsError("the file is empty", code="BAD_FILE") from None
    except UnicodeDecodeError:
        raise ClaimopsError("not a text CSV file (cannot decode it as UTF-8)", code="BAD_FILE") from None
    except (OSError, ValueError) as exc:
        raise ClaimopsError(f"cannot read it as CSV: {exc}", code="BAD_FILE") from None


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {' '.join(message.split())}", err=True)
    raise typer.Exit(2)


def _table(model: ChainLadder) -> str:
    result = model.to_dict(decimals=2)
    width = max(8, *(len(str(row["origin"])) for row in result["origins"]))
    head = f"{'origin':<{width}} {'latest':>16} {'ultimate':>16} {'reserve':>16} {'mack_se':>14} {'cv':>7}"
    lines = [head, "-" * len(head)]
    for row in result["origins"]:
        lines.append(
            f"{row['origin']!s:<{width}} {_money(row['latest']):>16} {_money(row['ultimate']):>16} "
            f"{_money(row['reserve']):>16} {_money(row['mack_se']):>14} {_percent(row['cv']):>7}"
        )
    lines.append("-" * len(head))
    lines.append(
        f"{'total':<{width}} {'':>16} {'':>16} {_money(result['total_reserve']):>16} "
        f"{_money(result['total_mack_se']):>14} {_percent(result['total_cv']):>7}"
    )
    return "\n".join(lines)


def _money(x: float | None) -> str:
    return "n/a" if x is None else f"{x:,.2f}"


def _percent(x: float | None) -> str:
    return "" if x is None else f"{x:.1%}"
