from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimops.claims.lifecycle import (
    INTERNAL_ACTIONS,
    TERMINAL,
    TRANSITIONS,
    Action,
    Status,
    allowed_actions,
    transition,
)
from claimops.errors import Conflict, IllegalTransition

HAPPY_PATH = [
    (Action.ACCEPT, Status.ACCEPTED),
    (Action.REQUEST_DOCUMENTS, Status.DOCUMENTS_PENDING),
    (Action.START_INVESTIGATION, Status.INVESTIGATING),
    (Action.FINISH_INVESTIGATION, Status.UNDER_REVIEW),
    (Action.DECIDE, Status.DECIDED),
    (Action.RELEASE, Status.PAYMENT_PENDING),
    (Action.PAY, Status.PAID),
    (Action.CLOSE, Status.CLOSED),
    (Action.REOPEN, Status.UNDER_REVIEW),
]


def test_the_five_steps_from_report_to_closed_and_reopen() -> None:
    status = Status.REPORTED
    for action, expected in HAPPY_PATH:
        step = transition(status, action)
        assert (step.from_status, step.to_status) == (status, expected)
        status = step.to_status


def test_illegal_transition_names_state_and_allowed_actions() -> None:
    with pytest.raises(IllegalTransition) as err:
        transition(Status.REPORTED, Action.DECIDE)
    assert err.value.status == 409
    assert "reported" in err.value.message
    assert "accept" in err.value.message and "reject" in err.value.message
    assert err.value.details["allowed"] == ["accept", "reject", "withdraw"]


def test_side_exits_are_terminal_and_only_closed_reopens() -> None:
    assert transition(Status.REPORTED, Action.REJECT).to_status is Status.REJECTED
    assert transition(Status.UNDER_REVIEW, Action.WITHDRAW).to_status is Status.WITHDRAWN
    assert allowed_actions(Status.REJECTED) == []
    assert allowed_actions(Status.WITHDRAWN) == []
    assert allowed_actions(Status.CLOSED) == [Action.REOPEN]
    with pytest.raises(IllegalTransition):
        transition(Status.PAID, Action.WITHDRAW)


def test_a_paid_claim_cannot_be_paid_or_decided_again() -> None:
    for action in (Action.PAY, Action.DECIDE, Action.RELEASE):
        with pytest.raises(IllegalTransition):
            transition(Status.PAID, action)


@given(st.sampled_from(list(Status)), st.sampled_from(list(Action)))
def test_transition_is_total_either_edge_or_refusal(status: Status, action: Action) -> None:
    if status in TRANSITIONS.get(action, {}):
        assert transition(status, action).to_status is TRANSITIONS[action][status]
    else:
        with pytest.raises(IllegalTransition) as err:
            transition(status, action)
        assert err.value.details["status"] == status.value


@given(st.lists(st.sampled_from(list(Action)), max_size=40))
def test_random_walks_stay_in_known_states_and_terminal_states_hold(actions: list[Action]) -> None:
    status = Status.REPORTED
    for action in actions:
        try:
            status = transition(status, action).to_status
        except IllegalTransition:
            continue
        assert status in Status
        if status in TERMINAL and status is not Status.CLOSED:
            assert allowed_actions(status) == []


def test_allowed_actions_exclude_internal_ones() -> None:
    for status in Status:
        assert not set(allowed_actions(status)) & INTERNAL_ACTIONS


def test_a_decided_claim_waits_for_payment_only_when_something_is_payable() -> None:
    # something payable: approve (then pay), no close; nothing payable: close, no approve
    assert allowed_actions(Status.DECIDED, payable=True) == [Action.APPROVE]
    assert allowed_actions(Status.DECIDED, payable=False) == [Action.CLOSE]
    assert transition(Status.DECIDED, Action.CLOSE, payable=False).to_status is Status.CLOSED
    with pytest.raises(Conflict) as early:
        transition(Status.DECIDED, Action.CLOSE, payable=True)
    assert early.value.code == "CLOSE_BEFORE_PAYMENT"
    with pytest.raises(Conflict) as nothing:
        transition(Status.DECIDED, Action.APPROVE, payable=False)
    assert nothing.value.code == "NOT_AWAITING_APPROVAL"
    # not knowing whether anything is payable, the state machine alone answers (bulk checks use it)
    assert allowed_actions(Status.DECIDED) == [Action.APPROVE, Action.CLOSE]


@given(st.sampled_from(list(Status)), st.sampled_from(list(Action)), st.booleans())
def test_payable_only_narrows_the_state_machine(status: Status, action: Action, payable: bool) -> None:
    assert set(allowed_actions(status, payable=payable)) <= set(allowed_actions(status))
    if action in allowed_actions(status, payable=payable):
        assert transition(status, action, payable=payable).to_status is TRANSITIONS[action][status]
