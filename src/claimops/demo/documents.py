"""Documents: the placeholder file per type and the documents each claim receives, and when."""

from __future__ import annotations

import base64
import hashlib

import numpy as np

from claimops.demo.model import DOC_TYPES, IMAGE_DOCS, REQUIRED, Arr, Cols

_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19i"
    "Z2hnPk1xeXBkeFxlZ2P/wAALCAAIAAgBAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUF"
    "BAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVW"
    "V1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi"
    "4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAAA/AOkr/9k="
)


def placeholder(doc_type: str) -> bytes:
    """The small real file every demo document of a type points at (stored once, shared by all rows):
    a JPEG for photos and scans, a one-page PDF otherwise, each naming the document type."""
    label = f"claimops demo placeholder: {doc_type}".encode()
    if doc_type in IMAGE_DOCS:
        return _JPEG[:2] + b"\xff\xfe" + (len(label) + 2).to_bytes(2, "big") + label + _JPEG[2:]
    return _pdf(label)


def _pdf(text: bytes) -> bytes:
    content = b"BT /F1 12 Tf 24 60 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 144] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


DOC_SHA256 = tuple(hashlib.sha256(placeholder(d)).hexdigest() for d in DOC_TYPES)
DOC_SIZE = tuple(len(placeholder(d)) for d in DOC_TYPES)


def _documents(c: Cols, offset: int, keep: Arr, T: Arr, ACT: Arr, x: Cols) -> Cols:
    """Received documents: the line's required ones at acceptance, except those asked for later,
    which arrive when the claim moves on; optional ones asked during review arrive before it resumes.
    Each accepted claim has slots for its required documents and the two optional ones, so the rows
    come out grouped by claim without sorting."""
    line = c["line"]
    accepted = np.flatnonzero(keep[:, 2])
    n_req = np.array([len(r) for r in REQUIRED])[line[accepted]]
    slots = n_req + 2
    claim = np.repeat(accepted, slots)
    pos = np.arange(len(claim)) - np.repeat(np.cumsum(slots) - slots, slots)
    n_of = np.repeat(n_req, slots)
    missing = np.where(keep[claim, 3], x["docs1_missing"][claim], 0)
    optional = pos >= n_of
    late = ~optional & (pos >= n_of - missing)
    resumed = np.where(keep[claim, 4], 4, 5)
    code = x["docs2_code"][claim]
    wanted = np.where(pos == n_of, code != 1, code != 0)  # invoice, bank card
    arrived = np.where(optional, keep[claim, 9] & wanted, np.where(late, keep[claim, resumed], True))
    at = np.where(optional, T[claim, 9], np.where(late, T[claim, resumed], T[claim, 2]))
    width = max(len(r) for r in REQUIRED) + 2
    extra = [DOC_TYPES.index("invoice"), DOC_TYPES.index("bank_card")]
    doc_index = np.array(
        [[DOC_TYPES.index(d) for d in r] + extra + [-1] * (width - len(r) - 2) for r in REQUIRED]
    )
    doc = doc_index[line[claim], pos]
    claim, doc, at = claim[arrived], doc[arrived], at[arrived]
    by = np.where(x["uploads_by_staff"][claim], c["handler"][claim], -1)
    return {
        "claim": (claim + offset).astype(np.int32),
        "doc_type": doc.astype(np.int8),
        "uploaded_at": at.astype(np.int64),
        "uploaded_by": by.astype(np.int16),
    }
