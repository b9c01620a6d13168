"""Lines of business."""

from __future__ import annotations

from enum import StrEnum


class Line(StrEnum):
    AUTO = "auto"
    HEALTH = "health"
    PROPERTY = "property"
    OTHER = "other"


LINES: tuple[Line, ...] = tuple(Line)
