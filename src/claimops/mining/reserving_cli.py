"""`claimops reserve FILE.csv --origin COL --development COL --value COL [--cumulative] --format json`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from claimops.errors import ClaimopsError


def reserve(
    file: Annotated[Path, typer.Argument(help="CSV in long form: one row per origin and development")],
    origin: Annotated[str, typer.Option(help="origin (accident) period column")],
    development: Annotated[str, typer.Option(help="development column: a lag or a calendar period")],
    value: Annotated[str, typer.Option(help="paid or incurred amount column")],
    cumulative: Annotated[
        bool, typer.Option("--cumulative/--incremental", help="values are cumulative")
    ] = True,
    sigma: Annotated[str, typer.Option(help="last sigma: mack (Mack 1993) or log-linear")] = "mack",
    format: Annotated[str, typer.Option("--format", help="json or table")] = "json",  # noqa: A002
) -> None:
    """Chain-ladder reserves (IBNR) with Mack standard errors."""
    import pandas as pd

    from claimops.mining.reserving import ChainLadder
    from claimops.mining.triangle import from_long

    try:
        if format not in ("json", "table"):
            raise ClaimopsError(f"unknown format {format!r}; json or table", code="INVALID_FORMAT")
        try:
            frame = pd.read_csv(file)
        except (OSError, ValueError) as exc:
            raise ClaimopsError(f"cannot read {file}: {exc}", code="BAD_FILE") from exc
        tri = from_long(frame, origin=origin, development=development, value=value, cumulative=cumulative)
        result = ChainLadder(sigma).fit(tri).to_dict()
    except ClaimopsError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    if format == "json":
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{'origin':>10} {'latest':>16} {'ultimate':>16} {'reserve':>16} {'mack_se':>14}")
    for row in result["origins"]:
        typer.echo(
            f"{row['origin']:>10} {row['latest']:>16,.2f} {row['ultimate']:>16,.2f} "
            f"{row['reserve']:>16,.2f} {row['mack_se']:>14,.2f}"
        )
    typer.echo(
        f"{'total':>10} {'':>16} {'':>16} {result['total_reserve']:>16,.2f} {result['total_mack_se']:>14,.2f}"
    )
