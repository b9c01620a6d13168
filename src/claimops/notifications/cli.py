"""`claimops notifications deliver|log|sink`."""

from __future__ import annotations

import time
from email import message_from_bytes
from email import policy as email_policy
from pathlib import Path
from typing import Annotated, Any

import typer

from claimops.clock import fmt_local, utcnow
from claimops.config import get_settings
from claimops.db import get_engine, unit_of_work
from claimops.notifications.channels import default_channels
from claimops.notifications.service import deliver_due, delivery_log
from claimops.notifications.settings import NotifySettings

app = typer.Typer(help="Notifications: delivery worker, log, local SMTP sink", no_args_is_help=True)


def deliver_once() -> dict[str, int]:
    settings = NotifySettings()
    with unit_of_work(get_engine()) as session:
        return deliver_due(
            session=session, channels=default_channels(settings), now=utcnow(), settings=settings
        )


def delivery_loop(every: float = 5.0) -> None:
    while True:
        try:
            deliver_once()
        except Exception as exc:  # the loop outlives a bad round (the database restarting, say)
            typer.echo(f"delivery round failed: {exc}", err=True)
        time.sleep(every)


@app.command("deliver")
def deliver(
    loop: Annotated[bool, typer.Option(help="keep delivering every few seconds")] = False,
    every: Annotated[float, typer.Option(min=0.5)] = 5.0,
) -> None:
    """Send what is due from the outbox (retries back off exponentially)."""
    if loop:
        delivery_loop(every)
    typer.echo(f"delivered {deliver_once()}")


@app.command("log")
def log(limit: Annotated[int, typer.Option(min=1, max=1000)] = 30) -> None:
    """What was sent to whom (recipients masked)."""
    with unit_of_work(get_engine()) as session:
        for row in delivery_log(session=session, limit=limit):
            state = "ok" if row.ok else f"failed: {row.error}"
            typer.echo(
                f"{fmt_local(row.at)}  {row.channel:6} {row.kind:18} {row.recipient_masked:28} {state}"
            )


class MailboxHandler:
    """Keeps every message it receives as an .eml file and prints its headers and text."""

    def __init__(self, folder: Path, echo: bool = True) -> None:
        self.folder = folder
        self.echo = echo
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content: bytes = envelope.content
        path = self.folder / f"{time.time_ns()}.eml"
        path.write_bytes(content)
        if self.echo:
            mail = message_from_bytes(content, policy=email_policy.default)
            body = mail.get_body(("plain",))
            text = body.get_content() if body is not None else ""
            typer.echo(f"\n--- mail to {mail['To']}: {mail['Subject']}\n{text}")
        return "250 OK"


def start_sink(host: str, port: int, folder: Path, echo: bool = True) -> Any:
    from aiosmtpd.controller import Controller

    controller = Controller(MailboxHandler(folder, echo), hostname=host, port=port)
    controller.start()
    return controller


@app.command("sink")
def sink(host: str = "127.0.0.1", port: int = 8025) -> None:
    """A local SMTP server for the demo: prints each e-mail and keeps it under <data dir>/mailbox."""
    folder = get_settings().data_dir / "mailbox"
    controller = start_sink(host, port, folder)
    typer.echo(f"SMTP sink on {host}:{port}; mails kept in {folder}. Ctrl-C to stop.")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        controller.stop()
