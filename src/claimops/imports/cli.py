"""`claimops import claims FILE --mapping MAPPING`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from claimops.errors import ClaimopsError

app = typer.Typer(help="Import historic data exported by another system", no_args_is_help=True)


@app.command("claims")
def claims(
    file: Annotated[Path, typer.Argument(help="CSV or Excel file")],
    mapping: Annotated[Path, typer.Option(help="TOML column mapping (see docs/mappings/prism.toml)")],
    partial: Annotated[bool, typer.Option(help="import the valid rows even if some are rejected")] = False,
    errors: Annotated[Path | None, typer.Option(help="where to write the per-row error report")] = None,
) -> None:
    """Load claims with their dates and amounts; stage timings are rebuilt from the dates."""
    from claimops.db import unit_of_work
    from claimops.imports.mapping import load_mapping
    from claimops.imports.service import import_claims
    from claimops.users.actor import system_actor

    try:
        spec = load_mapping(mapping)
        with unit_of_work() as session:
            result = import_claims(
                session=session,
                actor=system_actor(),
                path=file,
                mapping=spec,
                partial=partial,
                error_report=errors,
            )
    except ClaimopsError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"{result.imported} of {result.rows} rows imported, {result.rejected} rejected")
    if result.error_report:
        typer.echo(f"rejected rows: {result.error_report}")
