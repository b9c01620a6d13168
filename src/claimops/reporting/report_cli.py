"""`claimops report --period 2026-Q3 --lang zh --format pptx -o summary.pptx`: the work summary to a file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from claimops.errors import ClaimopsError

if TYPE_CHECKING:
    from claimops.reporting.deck.registry import SectionRegistry

FORMATS = ("pptx", "html", "md")
LANGS = ("zh", "en")


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def report_command(sections: Callable[[], SectionRegistry]) -> Callable[..., None]:
    """The `claimops report` command; `sections` assembles the deck's sections when it runs."""

    def report(
        output: Annotated[Path, typer.Option("-o", "--output", help="file to write", dir_okay=False)],
        period: Annotated[
            str | None, typer.Option(help="2026, 2026-H1, 2026-Q3 or 2026-07 (or give --start and --end)")
        ] = None,
        lang: Annotated[str, typer.Option(help="zh or en")] = "zh",
        format: Annotated[str, typer.Option("--format", help="pptx, html or md")] = "pptx",  # noqa: A002
        start: Annotated[
            datetime | None,
            typer.Option(formats=["%Y-%m-%d"], help="first day, with --end (instead of --period)"),
        ] = None,
        end: Annotated[
            datetime | None, typer.Option(formats=["%Y-%m-%d"], help="last day, inclusive")
        ] = None,
    ) -> None:
        """Write the claims work summary (理赔工作总结) of a period as PowerPoint, HTML or Markdown."""
        from claimops.config import get_settings
        from claimops.db import unit_of_work
        from claimops.reporting.deck import render
        from claimops.reporting.periods import resolve

        if format not in FORMATS:
            _fail(f"unknown format {format!r}; use one of {', '.join(FORMATS)}")
        if lang not in LANGS:
            _fail(f"unknown language {lang!r}; use zh or en")
        try:
            chosen = resolve(
                period=period, start=start.date() if start else None, end=end.date() if end else None
            )
            with unit_of_work() as session:
                data = render(session, chosen, get_settings(), sections=sections(), lang=lang, fmt=format)
        except ClaimopsError as exc:
            _fail(exc.message)
        output.write_bytes(data)
        typer.echo(f"wrote {output} ({len(data):,} bytes, {chosen.label})")

    return report
