"""`claimops` command line: database, users, demo data, server."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Annotated

import typer

import claimops.models  # noqa: F401 - registers every table before any query
from claimops.config import Settings, get_settings
from claimops.errors import ClaimopsError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

app = typer.Typer(
    help="claimops — claims operations platform", no_args_is_help=True, pretty_exceptions_show_locals=False
)
db_app = typer.Typer(help="Database schema (Alembic migrations)", no_args_is_help=True)
users_app = typer.Typer(help="User accounts", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")


def _import_app() -> typer.Typer:
    from claimops.imports.cli import app as import_app

    return import_app


app.add_typer(_import_app(), name="import")


def _mining_commands() -> None:
    from claimops.mining.cli import forecast, mine_app

    app.add_typer(mine_app, name="mine")
    app.command("forecast")(forecast)


_mining_commands()


def _report_command() -> None:
    from claimops.deck_sections import default_sections
    from claimops.mining.cli import reserve, score, train
    from claimops.reporting.report_cli import report_command

    app.command("report")(report_command(default_sections))
    app.command("reserve")(reserve)
    app.command("train")(train)
    app.command("score")(score)


_report_command()


def _partner_commands() -> None:
    from claimops.partners.cli import disputes_app, partners_app

    app.add_typer(partners_app, name="partners")
    app.add_typer(disputes_app, name="disputes")


_partner_commands()


def _investigation_commands() -> None:
    from claimops.investigations.cli import app as investigations_app

    app.add_typer(investigations_app, name="investigations")


_investigation_commands()


def _team_commands() -> None:
    from claimops.team.cli import team_app

    app.add_typer(team_app, name="team")


_team_commands()


def _ops_commands() -> None:
    from claimops.ops.cli import audit_app, backup, restore

    app.add_typer(audit_app, name="audit")
    app.command("backup")(backup)
    app.command("restore")(restore)


_ops_commands()


def _customer_commands() -> None:
    from claimops.notifications.cli import app as notifications_app
    from claimops.surveys.cli import app as surveys_app

    app.add_typer(notifications_app, name="notifications")
    app.add_typer(surveys_app, name="surveys")


_customer_commands()

DEMO_PASSWORD = "demo-pass-2026"


def fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Create or migrate the schema to the latest version."""
    from claimops.migrate import upgrade

    url = get_settings().resolved_database_url
    upgrade(url, revision)
    typer.echo(f"database at {revision}: {_safe_url(url)}")


@db_app.command("downgrade")
def db_downgrade(
    revision: str,
    yes: Annotated[bool, typer.Option("--yes", help="do not ask, even though claims would be lost")] = False,
) -> None:
    """Migrate the schema back to REVISION. On a database holding claims this asks first; without a
    terminal to ask on it refuses unless --yes."""
    from claimops.migrate import claims_held, downgrade

    url = get_settings().resolved_database_url
    held = claims_held(url)
    if held and not yes:
        holds = f"the database holds {held:,} claim(s)"
        if not _interactive():
            fail(f"{holds}; refusing to downgrade without --yes")
        typer.confirm(f"{holds}; downgrading to {revision} may drop their data. Go on?", abort=True)
    downgrade(url, revision)
    typer.echo(f"database at {revision}: {_safe_url(url)}")


def _interactive() -> bool:
    import sys

    return sys.stdin is not None and sys.stdin.isatty()


@contextmanager
def _user_work() -> Iterator[Session]:
    """One unit of work for a users command; a refusal is a one-line error."""
    from claimops.db import unit_of_work

    try:
        with unit_of_work() as session:
            yield session
    except ClaimopsError as exc:
        fail(exc.message)


@users_app.command("create")
def users_create(
    username: str,
    role: Annotated[str, typer.Option(help="handler, reviewer, approver, finance, manager, admin, auditor")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True)],
    authority_limit: Annotated[str | None, typer.Option(help="decision authority in CNY")] = None,
    full_name: str = "",
) -> None:
    """Create a user (passwords: at least 12 characters, not a common one, not containing the name)."""
    from claimops.users.service import create_user

    limit = None
    if authority_limit is not None:
        try:
            limit = Decimal(authority_limit)
        except InvalidOperation:
            fail(f"authority limit {authority_limit!r} is not an amount")
    with _user_work() as session:
        create_user(
            session=session,
            username=username,
            password=password,
            role=role,
            authority_limit=limit,
            full_name=full_name,
            min_password_length=get_settings().password_min_length,
        )
    typer.echo(f"created {role} {username}")


@users_app.command("set-password")
def users_set_password(
    username: str,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
) -> None:
    """Set a user's password; the user's sessions end."""
    from claimops.users.service import set_password

    with _user_work() as session:
        set_password(
            session=session,
            username=username,
            password=password,
            min_password_length=get_settings().password_min_length,
        )
    typer.echo(f"password of {username} set; their sessions have ended")


@users_app.command("deactivate")
def users_deactivate(username: str) -> None:
    """Stop a user from logging in; every token they hold stops working now."""
    from claimops.users.service import deactivate_user

    with _user_work() as session:
        deactivate_user(session=session, username=username)
    typer.echo(f"deactivated {username}; their tokens are revoked")


@users_app.command("unlock")
def users_unlock(username: str) -> None:
    """Lift the lockout that failed logins put on an account."""
    from claimops.users.service import unlock_user

    with _user_work() as session:
        was_locked = unlock_user(session=session, username=username)
    typer.echo(f"unlocked {username}" if was_locked else f"{username} had no failed logins on record")


@app.command("seed")
def seed(
    claims: Annotated[int, typer.Option(min=1, help="number of claims")] = 5000,
    seed: Annotated[int, typer.Option(help="random seed (same seed, same data)")] = 42,
    password: Annotated[str, typer.Option(help="password of the demo users")] = DEMO_PASSWORD,
) -> None:
    """Generate reproducible demo data (customers, policies, claims with full histories)."""
    from claimops.db import get_engine
    from claimops.demo.bulk import seed_database

    try:
        report = seed_database(
            get_engine(), claims=claims, seed=seed, password=password, data_dir=get_settings().data_dir
        )
    except ValueError as exc:
        fail(str(exc))
    typer.echo(f"seeded {report}")


@app.command("serve")
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: Annotated[int, typer.Option(min=1)] = 1,
) -> None:
    """Run the web app and API."""
    import uvicorn

    uvicorn.run(
        "claimops.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        # uvicorn kills a worker that misses a 5 s health ping; a worker still importing, or one whose
        # pong thread waits for the GIL behind busy request threads, is slow, not hung
        timeout_worker_healthcheck=60,
        # SIGTERM: stop accepting, let running requests finish, then cancel what is left (a client
        # that never sends the rest of its body would otherwise keep the server up forever)
        timeout_graceful_shutdown=get_settings().shutdown_grace_seconds,
    )


@app.command("demo")
def demo(
    host: str = "127.0.0.1",
    port: int = 8000,
    claims: int = 5000,
    seed: int = 42,
) -> None:
    """Everything in one go: schema, demo data and users, then the web app."""
    from claimops.db import get_engine
    from claimops.demo.bulk import seed_database
    from claimops.migrate import claims_held, upgrade

    os.environ.setdefault("CLAIMOPS_STP_ENABLED", "true")
    get_settings.cache_clear()
    settings = get_settings()
    upgrade(settings.resolved_database_url)
    existing = claims_held(settings.resolved_database_url)
    if existing:
        typer.echo(f"database already holds {existing} claims; not seeding again")
    else:
        report = seed_database(
            get_engine(), claims=claims, seed=seed, password=DEMO_PASSWORD, data_dir=settings.data_dir
        )
        typer.echo(f"seeded {report}")
        # while the site is already up: models for the review, analyses for the pages and the deck
        threading.Thread(target=_demo_analytics, args=(settings,), daemon=True).start()
        typer.echo("training the models and computing the analyses in the background (a minute or two)")
    _demo_mail(settings, host, port)
    typer.echo(f"\nclaimops demo: http://{host}:{port}/  (API docs: http://{host}:{port}/api/docs)")
    typer.echo(
        f"demo users (password {DEMO_PASSWORD}): "
        "handler1, reviewer1, approver1, finance1, lead1, lead2 (team leads), manager, admin, auditor"
    )
    from claimops.demo.customers import PORTAL_PASSWORD

    typer.echo(
        f"customer portal: http://{host}:{port}/portal  demo1@example.com .. demo20@example.com "
        f"(password {PORTAL_PASSWORD})"
    )
    serve(host=host, port=port, workers=1)


def _demo_mail(settings: Settings, host: str, port: int) -> None:
    """The SMTP sink (e-mails printed here and kept under <data dir>/mailbox) and a delivery loop."""
    from claimops.notifications.cli import delivery_loop, start_sink
    from claimops.notifications.settings import NotifySettings

    os.environ.setdefault("CLAIMOPS_PORTAL_URL", f"http://{host}:{port}/portal")
    mail = NotifySettings()
    try:
        start_sink(mail.smtp_host, mail.smtp_port, settings.data_dir / "mailbox")
    except OSError as exc:
        typer.echo(f"SMTP sink not started ({exc}); is one already running?", err=True)
    threading.Thread(target=delivery_loop, args=(3.0,), daemon=True).start()
    typer.echo(f"e-mails go to the SMTP sink on {mail.smtp_host}:{mail.smtp_port} (shown below)")


def _demo_analytics(settings: Settings) -> None:
    from claimops.clock import local_date, utcnow
    from claimops.db import get_engine
    from claimops.mining.service.jobs import train_and_refresh

    train_and_refresh(get_engine(), settings, by="demo", today=local_date(utcnow()))


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    app()
