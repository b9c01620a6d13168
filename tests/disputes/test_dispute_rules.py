"""The stages the dispute page offers are exactly the moves the workflow accepts."""

from __future__ import annotations

import pytest

from claimops.disputes import rules
from claimops.errors import ClaimopsError


def _accepted(current: str) -> list[str]:
    ok = []
    for target in rules.STAGES:
        try:
            rules.check_move(current, target)
        except ClaimopsError:
            continue
        ok.append(target)
    return ok


@pytest.mark.parametrize("current", rules.STAGES)
def test_next_stages_are_the_moves_check_move_accepts(current: str) -> None:
    assert rules.next_stages(current) == _accepted(current)


def test_a_stage_never_moves_back_and_a_closed_dispute_not_at_all() -> None:
    assert rules.next_stages("mediation") == ["arbitration", "litigation", "resolved", "withdrawn"]
    assert rules.next_stages("litigation") == ["resolved", "withdrawn"]
    assert rules.next_stages("resolved") == []
