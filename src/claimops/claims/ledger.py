"""The claim ledger's hash chain (pure: no session, no clock).

Each event stores ``hash = sha256(canonical)`` where the canonical content is the JSON text

    [prev_hash, claim_number, seq, action, from_status, to_status, actor_id, actor, at, note]

(compact separators, ASCII escapes) immediately followed by the event's data as JSON with sorted keys.
``prev_hash`` is the previous event's hash ("" for the first), ``at`` the UTC time as
"YYYY-MM-DDTHH:MM:SS.ffffffZ". The claim row keeps the seq and hash of its last event (the head), so a
history cut short at the end is told apart from an intact one. The same text comes out of SQLite and
PostgreSQL: amounts in event data are strings, times are formatted here, keys are sorted.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

GENESIS = ""  # the prev_hash of a claim's first event

EDITED, MISSING, TRUNCATED = "edited", "missing", "truncated"


_DATA = json.JSONEncoder(separators=(",", ":"), sort_keys=True)  # made once: dumps builds one per call
_STR = json.encoder.encode_basestring_ascii  # how json.dumps writes a str (ASCII escapes)


def at_text(at: datetime) -> str:
    """An event time as the chain spells it (UTC, microseconds, Z)."""
    if at.tzinfo is None:
        raise ValueError("event times are timezone-aware")
    if at.tzinfo is not UTC:
        at = at.astimezone(UTC)
    return at.isoformat(timespec="microseconds")[:-6] + "Z"  # "+00:00" -> "Z"


def data_text(data: Mapping[str, Any]) -> str:
    return _DATA.encode(data)


def json_value(value: str | int | None) -> str:
    """One field as json.dumps writes it (ASCII escapes)."""
    if value is None:
        return "null"
    return _STR(value) if isinstance(value, str) else str(int(value))


def fields_text(
    claim_number: str,
    seq: int,
    action: str,
    from_status: str | None,
    to_status: str,
    actor_id: int | None,
    actor: str,
    at: str,
    note: str,
) -> str:
    """The head's fields after prev as json.dumps writes them in a list, written out (a test holds
    the two equal): this runs once per event in `audit verify` and the bulk writers."""
    return (
        f"{_STR(claim_number)},{int(seq)},{_STR(action)},"
        f"{'null' if from_status is None else _STR(from_status)},{_STR(to_status)},"
        f"{'null' if actor_id is None else int(actor_id)},{_STR(actor)},{_STR(at)},{_STR(note)}"
    )


def head_text(prev: str, *fields: Any) -> str:
    """json.dumps([prev, *fields], separators=(",", ":")); the bulk writers build `fields_text`
    column by column instead."""
    return f"[{_STR(prev)},{fields_text(*fields)}]"


def event_hash(
    prev: str,
    claim_number: str,
    seq: int,
    action: str,
    from_status: str | None,
    to_status: str,
    actor_id: int | None,
    actor: str,
    at: datetime,
    note: str,
    data: Mapping[str, Any],
) -> str:
    fields = fields_text(
        claim_number, seq, action, from_status, to_status, actor_id, actor, at_text(at), note
    )
    return digest(f"[{_STR(prev)},{fields}]", data_text(data))


def digest(head: str, data: str) -> str:
    return hashlib.sha256((head + data).encode()).hexdigest()


def chain(first: Iterable[bool], fields: Iterable[str], data: Iterable[str]) -> list[str]:
    """Hashes of events grouped by claim in seq order, for bulk writers: `first` marks each claim's
    first event, `fields` is each event's fields_text and `data` its data_text."""
    out: list[str] = []
    prev = GENESIS
    for is_first, head, text in zip(first, fields, data, strict=True):
        # _STR(prev) is prev in quotes: a hash is hex
        prev = hashlib.sha256(f'["{GENESIS if is_first else prev}",{head}]{text}'.encode()).hexdigest()
        out.append(prev)
    return out


@dataclass(frozen=True)
class EventContent:
    """What the chain covers of one event."""

    claim_number: str
    seq: int
    action: str
    from_status: str | None
    to_status: str
    actor_id: int | None
    actor: str
    at: datetime
    note: str
    data: Mapping[str, Any]

    def hash(self, prev: str) -> str:
        return event_hash(prev, *astuple_shallow(self))

    def stored(self, hash: str) -> StoredEvent:
        c = self
        return StoredEvent(
            c.seq, c.action, c.from_status, c.to_status, c.actor_id, c.actor, c.at, c.note, c.data, hash
        )


def astuple_shallow(c: EventContent) -> tuple[Any, ...]:
    return (
        c.claim_number,
        c.seq,
        c.action,
        c.from_status,
        c.to_status,
        c.actor_id,
        c.actor,
        c.at,
        c.note,
        c.data,
    )


class StoredEvent(NamedTuple):
    """An event as read back: its content after the claim number, and its stored hash."""

    seq: int
    action: str
    from_status: str | None
    to_status: str
    actor_id: int | None
    actor: str
    at: datetime
    note: str
    data: Mapping[str, Any]
    hash: str


@dataclass(frozen=True)
class Problem:
    claim_number: str
    seq: int  # the first bad seq
    kind: str  # edited, missing or truncated
    detail: str

    def __str__(self) -> str:
        return f"{self.claim_number}: seq {self.seq} {self.kind} ({self.detail})"


def check_history(
    claim_number: str, head_seq: int, head_hash: str, events: Iterable[StoredEvent]
) -> Problem | None:
    """The first break in one claim's history (events in seq order), or None when it is intact.

    edited: an event's content no longer gives its hash (or the head's hash differs from the last
    event's); missing: a seq is absent inside the history; truncated: the history ends before the head
    the claim row recorded (the last events, or all of them, are gone)."""
    prev, expected = GENESIS, 1
    for ev in events:
        if ev.seq != expected:
            return Problem(claim_number, expected, MISSING, f"the next event present is seq {ev.seq}")
        if event_hash(prev, claim_number, *ev[:9]) != ev.hash:
            return Problem(claim_number, ev.seq, EDITED, "its content does not give its stored hash")
        prev, expected = ev.hash, expected + 1
    last = expected - 1
    if last < head_seq:
        return Problem(
            claim_number, expected, TRUNCATED, f"the claim records {head_seq} events, {last} remain"
        )
    if last > head_seq:
        return Problem(
            claim_number, head_seq + 1, EDITED, f"the claim records {head_seq} events, {last} exist"
        )
    if prev != head_hash:
        return Problem(claim_number, last, EDITED, "the last event is not the head the claim recorded")
    return None
