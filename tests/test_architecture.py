"""Import cycles between claimops's top-level packages: there are none, and none may come back.
tools/package_cycles.py prints every cycle with its chains; docs/ARCHITECTURE.md says which way each
package may import (the import-linter contracts in pyproject.toml hold the same order)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

TOOL = Path(__file__).resolve().parents[1] / "tools" / "package_cycles.py"

# Pairs of packages that still import each other. Empty: claims builds on documents, payments and
# policies (their use cases that act on a claim live in claims), and web on users (users' API is in web).
KNOWN: frozenset[tuple[str, str]] = frozenset()


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("package_cycles", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_import_cycle_between_packages() -> None:
    tool = _tool()
    cycles = tool.package_cycles()
    found = {(a.split(".")[1], b.split(".")[1]): tool.describe((a, b, x, y)) for a, b, x, y in cycles}
    new = sorted(set(found) - KNOWN)
    assert not new, "import cycles between packages:\n" + "\n".join(found[p] for p in new)
    gone = sorted(KNOWN - set(found))
    assert not gone, f"these cycles are gone: take them out of KNOWN: {gone}"


def test_the_tool_finds_a_cycle_where_there_is_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty list is worth something only if the tool finds cycles at all, imports inside functions
    included."""
    root = tmp_path / "cyclic"
    for name, body in {
        "__init__.py": "",
        "a/__init__.py": "",
        "a/one.py": "from cyclic.b import two\n",
        "b/__init__.py": "",
        "b/two.py": "def f() -> None:\n    from cyclic.a import one\n",
        "c.py": "import cyclic.a.one\n",
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(body)
    monkeypatch.syspath_prepend(str(tmp_path))
    cycles = _tool().package_cycles("cyclic")
    assert [(a, b) for a, b, _, _ in cycles] == [("cyclic.a", "cyclic.b")]
