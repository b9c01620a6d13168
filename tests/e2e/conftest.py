"""Browser tests: Playwright driving Debian's chromium against the app on a free local port.

The server runs in a background thread on its own SQLite file; tests share it and make their own
policies and claims (unique numbers), so they do not depend on each other or on their order.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Dialog, Page
from sqlalchemy import Engine

from claimops.config import Settings
from claimops.db import make_engine, unit_of_work
from claimops.migrate import upgrade
from claimops.users.service import create_user

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
E2E_PASSWORD = "e2e-pass-2026"
E2E_ROLES = ("handler", "reviewer", "approver", "finance")


@dataclass(frozen=True)
class Live:
    url: str
    engine: Engine
    settings: Settings
    password: str = E2E_PASSWORD

    @staticmethod
    def username(role: str) -> str:
        return f"e2e_{role}"


@pytest.fixture(scope="session", autouse=True)
def _needs_chromium() -> None:
    """Skip where there is no browser (a laptop); fail in CI, which installs it."""
    if Path(CHROMIUM).exists():
        return
    reason = f"Debian chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
    if os.environ.get("CLAIMOPS_TEST_REQUIRE_BROWSER"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # Chinese browser settings, as in a claims department; the app's default is Chinese anyway.
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    from claimops.app import create_app

    root = tmp_path_factory.mktemp("e2e")
    url = f"sqlite:///{root / 'e2e.db'}"
    upgrade(url)
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        for role in E2E_ROLES:
            create_user(session=session, username=Live.username(role), password=E2E_PASSWORD, role=role)
    settings = Settings(data_dir=root, database_url=url, secret_key="e2e-secret-key-0123456789abcdef0123")
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, engine), host="127.0.0.1", port=0, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the test server did not start")
        thread.join(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield Live(url=f"http://127.0.0.1:{port}", engine=engine, settings=settings)
    server.should_exit = True
    thread.join()
    engine.dispose()


@pytest.fixture
def workbench(page: Page, live: Live) -> Page:
    """The browser page, answering the workbench's confirm dialogs with OK (a person would)."""

    def accept(dialog: Dialog) -> None:
        dialog.accept()

    page.on("dialog", accept)
    return page
