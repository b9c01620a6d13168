"""`claimops report --period 2026-Q3 --lang zh --format pptx -o summary.pptx`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from claimops.errors import ClaimopsError


def report(
    output: Annotated[Path, typer.Option("-o", "--output", help="file to write")],
    period: Annotated[str | None, typer.Option(help="2026, 2026-H1, 2026-Q3 or 2026-07")] = None,
    start: Annotated[str | None, typer.Option(help="first day YYYY-MM-DD (with --end)")] = None,
    end: Annotated[str | None, typer.Option(help="last day YYYY-MM-DD (with --start)")] = None,
    lang: Annotated[str, typer.Option(help="zh or en")] = "zh",
    format: Annotated[str, typer.Option("--format", help="pptx, html or md")] = "pptx",  # noqa: A002
) -> None:
    """Write the claims work summary (理赔工作总结) for a period."""
    from claimops.config import get_settings
    from claimops.db import unit_of_work
    from claimops.reporting.deck import render
    from claimops.reporting.periods import resolve

    try:
        if lang not in ("zh", "en"):
            raise ClaimopsError(f"unknown language {lang!r}; zh or en", code="INVALID_LANGUAGE")
        chosen = resolve(
            period=period,
            start=date.fromisoformat(start) if start else None,
            end=date.fromisoformat(end) if end else None,
        )
        with unit_of_work() as session:
            data = render(session, chosen, get_settings(), lang=lang, fmt=format)
    except (ClaimopsError, ValueError) as exc:
        typer.echo(f"error: {getattr(exc, 'message', exc)}", err=True)
        raise typer.Exit(2) from None
    output.write_bytes(data)
    typer.echo(f"wrote {output} ({len(data):,} bytes)")
