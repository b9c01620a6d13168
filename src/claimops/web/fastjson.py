"""JSON responses built from plain values and encoded by orjson, with no model in between.

FastAPI validates a returned object against the route's response_model and then serialises it; a
handler that returns this response skips both (the route keeps its response_model for OpenAPI).
Output matches Pydantic's for the same values: UTC as "Z", Decimal as its string.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson
from starlette.responses import JSONResponse


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(content: Any) -> bytes:
    return orjson.dumps(content, default=_default, option=orjson.OPT_UTC_Z)


class FastJSON(JSONResponse):  # a JSONResponse, so OpenAPI shows the route's response_model
    def render(self, content: Any) -> bytes:
        return dumps(content)
