"""The documents domain's output shape (API and the claim page)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class DocumentOut(BaseModel):
    id: int
    doc_type: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
