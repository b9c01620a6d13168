"""Shaping documents for output."""

from __future__ import annotations

from claimops.documents.models import Document
from claimops.documents.schemas import DocumentOut


def document_out(doc: Document) -> DocumentOut:
    return DocumentOut(
        id=doc.id,
        doc_type=doc.doc_type,
        filename=doc.filename,
        content_type=doc.content_type,
        size=doc.size,
        sha256=doc.sha256,
        uploaded_at=doc.uploaded_at,
    )
