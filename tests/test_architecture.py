"""Import cycles between claimops's top-level packages: none may be added, and the known ones (listed
here with what keeps each) may only go. tools/package_cycles.py prints every cycle with its chains."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

TOOL = Path(__file__).resolve().parents[1] / "tools" / "package_cycles.py"

# Each pair imports the other today. web: the page toolkit and the request dependencies authenticate
# through users' services while users' own edges use the toolkit. The core domains: claims reads
# documents, payments and policies for its views and review; their services act on claims.
# (claimops/app.py, the composition root, mounts every domain's routers; it is no package's member.)
KNOWN = {
    ("claims", "documents"),
    ("claims", "payments"),
    ("documents", "payments"),
}


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("package_cycles", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_new_import_cycle_between_packages_and_the_known_ones_only_go() -> None:
    tool = _tool()
    cycles = tool.package_cycles()
    found = {(a.split(".")[1], b.split(".")[1]): tool.describe((a, b, x, y)) for a, b, x, y in cycles}
    new = sorted(set(found) - KNOWN)
    assert not new, "new import cycles between packages:\n" + "\n".join(found[p] for p in new)
    gone = sorted(KNOWN - set(found))
    assert not gone, f"these cycles are gone: take them out of KNOWN: {gone}"


def test_the_packages_outside_the_known_cycles_are_acyclic() -> None:
    tool = _tool()
    in_cycles = {name for pair in KNOWN for name in pair}
    for a, b, there, back in tool.package_cycles():
        assert {a.split(".")[1], b.split(".")[1]} <= in_cycles, tool.describe((a, b, there, back))
    # demo, imports, ops, mining's own layers, reporting, customers and the shared modules are in none
    assert not in_cycles & {"demo", "imports", "ops", "customers", "bulkload", "db", "schemas"}
