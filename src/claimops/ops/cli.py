"""`claimops audit verify`, `claimops backup OUT`, `claimops restore IN`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from claimops.claims.audit import LedgerReport
from claimops.config import get_settings
from claimops.errors import ClaimopsError

audit_app = typer.Typer(help="Audit: the claim ledger's integrity", no_args_is_help=True)


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _print_ledger(report: LedgerReport) -> None:
    for problem in report.problems:
        typer.echo(str(problem))
    if report.problem_count > len(report.problems):
        typer.echo(f"… and {report.problem_count - len(report.problems):,} more")
    verdict = "intact" if report.intact else f"BROKEN in {report.problem_count:,} claim(s)"
    typer.echo(
        f"ledger {verdict}: {report.claims:,} claims, {report.events:,} events checked; "
        f"digest {report.digest}"
    )


@audit_app.command("verify")
def verify(
    limit: Annotated[int, typer.Option(min=1, help="print at most this many broken claims")] = 1000,
) -> None:
    """Recompute the hash chain of every claim's history: exits 1 on any edited, missing or truncated
    event, printing the claim number and the first bad seq."""
    from sqlalchemy.orm import Session

    from claimops.claims.audit import verify_ledger
    from claimops.db import get_engine, reading

    with reading(get_engine()) as conn, Session(bind=conn) as session:
        report = verify_ledger(session=session, keep=limit)
    _print_ledger(report)
    if not report.intact:
        raise typer.Exit(1)


def backup(out: Annotated[Path, typer.Argument(help="the archive to write (.tar.gz)")]) -> None:
    """Back up the database and the stored files into one .tar.gz with a manifest."""
    from claimops.clock import utcnow
    from claimops.db import get_engine
    from claimops.ops.backup import backup as run_backup

    settings = get_settings()
    try:
        manifest = run_backup(engine=get_engine(), data_dir=settings.data_dir, out=out, now=utcnow())
    except ClaimopsError as exc:
        _fail(exc.message)
    counts = manifest["counts"]
    typer.echo(
        f"backed up {counts.get('claims', 0):,} claims, {counts.get('claim_events', 0):,} events, "
        f"{len(manifest['files']):,} stored files (schema {manifest['schema_revision']}) to {out}"
    )
    if manifest["missing_files"]:
        typer.echo(
            f"warning: {len(manifest['missing_files']):,} document file(s) the database names were not "
            "in the data directory",
            err=True,
        )


def restore(
    archive: Annotated[Path, typer.Argument(help="a .tar.gz written by `claimops backup`", exists=True)],
    force: Annotated[bool, typer.Option("--force", help="replace a database that holds data")] = False,
) -> None:
    """Restore a backup into the configured database and data directory, then verify the ledger."""
    from claimops.db import get_engine
    from claimops.ops.backup import restore as run_restore

    settings = get_settings()
    try:
        result = run_restore(engine=get_engine(), data_dir=settings.data_dir, archive=archive, force=force)
    except ClaimopsError as exc:
        _fail(exc.message)
    m = result.manifest
    typer.echo(
        f"restored the backup of {m['created_at']} (schema {m['schema_revision']}): "
        f"{m['counts'].get('claims', 0):,} claims, {len(m['files']):,} stored files"
    )
    _print_ledger(result.ledger)
    if not result.ledger.intact:
        raise typer.Exit(1)
