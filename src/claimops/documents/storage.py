"""Which files are accepted, and the content-addressed store: DATA_DIR/files/ab/abcdef… by SHA-256.

A file is accepted when its name's extension names an accepted type and its content is of that type:
both together, so that neither a harmless name nor a harmless first few bytes lets anything else in.
Office and OFD documents are zip containers: their directory is read (bounded, nothing extracted) for
the parts that make them what they claim to be; any other archive is refused.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from claimops.errors import UnsupportedMedia

# Limits on a zip container's directory: a 10 MB upload could otherwise list ~200,000 entries or
# claim gigabytes once inflated. Only [Content_Types].xml is ever inflated, and only this much of it.
MAX_ZIP_ENTRIES = 10_000
MAX_ZIP_INFLATED = 512 * 1024 * 1024
MAX_CONTENT_TYPES_XML = 256 * 1024
HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})
ACCEPTED = "PDF, JPEG, PNG, TIFF, HEIC, Word (.docx), Excel (.xlsx) and OFD files"


def _starts(*magic: bytes) -> Callable[[bytes], bool]:
    return lambda data: data.startswith(magic)


def _heic(data: bytes) -> bool:
    """An ISO-BMFF file whose first box is a well-formed `ftyp` with a HEIF brand."""
    size = int.from_bytes(data[:4], "big")
    return data[4:8] == b"ftyp" and data[8:12] in HEIC_BRANDS and 16 <= size <= len(data) and size % 4 == 0


def _open_zip(data: bytes) -> zipfile.ZipFile | None:
    """The container, if it is a sane, unencrypted zip; only its directory has been read."""
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, NotImplementedError):
        return None
    infos = archive.infolist()
    if (
        len(infos) > MAX_ZIP_ENTRIES
        or sum(i.file_size for i in infos) > MAX_ZIP_INFLATED
        or any(i.flag_bits & 0x1 for i in infos)  # encrypted
    ):
        archive.close()
        return None
    return archive


def _ooxml(main_part: str, main_type: str) -> Callable[[bytes], bool]:
    """An Office Open XML package: [Content_Types].xml declaring `main_part` of type `main_type`
    (so a macro-enabled workbook renamed .xlsx is refused), without any VBA project."""

    def check(data: bytes) -> bool:
        archive = _open_zip(data)
        if archive is None:
            return False
        with archive:
            names = set(archive.namelist())
            if {"[Content_Types].xml", main_part} - names or any(n.endswith("vbaProject.bin") for n in names):
                return False
            try:
                with archive.open("[Content_Types].xml") as fh:
                    declared = fh.read(MAX_CONTENT_TYPES_XML)
            except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, OSError):
                return False
        return main_type.encode() in declared

    return check


def _ofd(data: bytes) -> bool:
    """GB/T 33190 OFD: a zip with OFD.xml, the document's entry point, at its root."""
    archive = _open_zip(data)
    if archive is None:
        return False
    with archive:
        return "OFD.xml" in archive.namelist()


@dataclass(frozen=True)
class FileType:
    content_type: str
    label: str
    suffixes: frozenset[str]
    matches: Callable[[bytes], bool]


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TYPES: tuple[FileType, ...] = (
    FileType("application/pdf", "PDF", frozenset({".pdf"}), _starts(b"%PDF-")),
    FileType("image/jpeg", "JPEG image", frozenset({".jpg", ".jpeg"}), _starts(b"\xff\xd8\xff")),
    FileType("image/png", "PNG image", frozenset({".png"}), _starts(b"\x89PNG\r\n\x1a\n")),
    FileType("image/tiff", "TIFF image", frozenset({".tif", ".tiff"}), _starts(b"II*\x00", b"MM\x00*")),
    FileType("image/heic", "HEIC image", frozenset({".heic", ".heif"}), _heic),
    FileType(DOCX, "Word document", frozenset({".docx"}), _ooxml("word/document.xml", f"{DOCX}.main+xml")),
    FileType(XLSX, "Excel workbook", frozenset({".xlsx"}), _ooxml("xl/workbook.xml", f"{XLSX}.main+xml")),
    FileType("application/ofd", "OFD document", frozenset({".ofd"}), _ofd),
)
BY_SUFFIX = {suffix: kind for kind in TYPES for suffix in kind.suffixes}


def clean_filename(name: str) -> str:
    """The last part of a path (/ or \\), without control characters (NUL, line breaks), ≤ 255."""
    last = PurePosixPath(name.replace("\\", "/")).name
    text = "".join(c for c in last if unicodedata.category(c) != "Cc").strip()
    return text[-255:]


def classify(filename: str, data: bytes) -> str:
    """The content type of an accepted file; UnsupportedMedia (415) for anything else."""
    suffix = PurePosixPath(filename).suffix.lower()
    kind = BY_SUFFIX.get(suffix)
    if kind is None:
        what = f"{suffix} files are" if suffix else "a file name without an extension is"
        raise UnsupportedMedia(f"{what} not accepted; only {ACCEPTED}", code="UNSUPPORTED_FILE_TYPE")
    if not kind.matches(data):
        raise UnsupportedMedia(
            f"{filename} is not a {kind.label} (its content does not match its name)",
            code="UNSUPPORTED_FILE_TYPE",
        )
    return kind.content_type


def store(data: bytes, root: Path) -> tuple[str, Path]:
    digest = hashlib.sha256(data).hexdigest()
    target = root / "files" / digest[:2] / digest
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    return digest, target


def path_for(digest: str, root: Path) -> Path:
    return root / "files" / digest[:2] / digest
