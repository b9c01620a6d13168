"""List import cycles between claimops's top-level packages (with one chain each way).

Run ``PYTHONPATH=src python tools/package_cycles.py``; exits 1 when a cycle exists. The test
tests/test_architecture.py asserts the same, so CI keeps the packages acyclic.
"""

from __future__ import annotations

import sys
from itertools import combinations

import grimp


def top_level_packages(graph: grimp.ImportGraph, root: str = "claimops") -> list[str]:
    return sorted(m for m in graph.find_children(root))


def package_cycles(root: str = "claimops") -> list[tuple[str, str, tuple[str, ...], tuple[str, ...]]]:
    """Every pair of top-level packages (or modules) that import each other, with the shortest chains."""
    graph = grimp.build_graph(root, cache_dir=None, exclude_type_checking_imports=True)
    found = []
    for a, b in combinations(top_level_packages(graph, root), 2):
        there = graph.find_shortest_chains(importer=a, imported=b, as_packages=True)
        if not there:
            continue
        back = graph.find_shortest_chains(importer=b, imported=a, as_packages=True)
        if back:
            found.append((a, b, min(there, key=len), min(back, key=len)))
    return found


def describe(cycle: tuple[str, str, tuple[str, ...], tuple[str, ...]]) -> str:
    a, b, there, back = cycle
    return f"{a} <-> {b}\n    {' -> '.join(there)}\n    {' -> '.join(back)}"


if __name__ == "__main__":
    cycles = package_cycles()
    for c in cycles:
        print(describe(c))
    print(f"{len(cycles)} package cycle(s)")
    sys.exit(1 if cycles else 0)
