"""What a file is, decided by its bytes (magic numbers), never by its name.

Runs inside the isolated worker; the ZIP and OLE probes only read directory structures.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePath


class Kind(StrEnum):
    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"
    TIFF = "tiff"
    DOCX = "docx"
    XLSX = "xlsx"
    DOC = "doc"  # Word 97–2003 (OLE)
    XLS = "xls"  # Excel 97–2003 (OLE)
    ENCRYPTED_OOXML = "encrypted-ooxml"  # password-protected .docx/.xlsx: an OLE container
    ZIP = "zip"  # a ZIP that is not a Word/Excel file
    OLE = "ole"  # another OLE file (.msg, .ppt, …)
    EMPTY = "empty"
    UNKNOWN = "unknown"

    @property
    def accepted(self) -> bool:
        return self in ACCEPTED

    @property
    def is_image(self) -> bool:
        return self in (Kind.JPEG, Kind.PNG, Kind.TIFF)


ACCEPTED = frozenset({Kind.PDF, Kind.JPEG, Kind.PNG, Kind.TIFF, Kind.DOCX, Kind.XLSX, Kind.DOC, Kind.XLS,
                      Kind.ENCRYPTED_OOXML})

MEDIA_TYPES: dict[Kind, str] = {
    Kind.PDF: "application/pdf",
    Kind.JPEG: "image/jpeg",
    Kind.PNG: "image/png",
    Kind.TIFF: "image/tiff",
    Kind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Kind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Kind.DOC: "application/msword",
    Kind.XLS: "application/vnd.ms-excel",
    Kind.ENCRYPTED_OOXML: "application/x-ms-encrypted-office",
}

# The extension a file of this kind should carry in the dossier.
EXTENSIONS: dict[Kind, tuple[str, ...]] = {
    Kind.PDF: (".pdf",),
    Kind.JPEG: (".jpg", ".jpeg", ".jpe"),
    Kind.PNG: (".png",),
    Kind.TIFF: (".tif", ".tiff"),
    Kind.DOCX: (".docx", ".docm"),
    Kind.XLSX: (".xlsx", ".xlsm"),
    Kind.DOC: (".doc",),
    Kind.XLS: (".xls",),
    Kind.ENCRYPTED_OOXML: (".docx", ".xlsx", ".docm", ".xlsm", ".pptx"),
}

# Names that claim one of our kinds; content that is none of them is "not what its name says".
CLAIMED_BY_NAME = {ext for exts in EXTENSIONS.values() for ext in exts} | {".pptx", ".ofd", ".bmp", ".gif", ".webp"}

KIND_LABELS: dict[Kind, str] = {
    Kind.PDF: "PDF", Kind.JPEG: "JPEG 图像", Kind.PNG: "PNG 图像", Kind.TIFF: "TIFF 图像",
    Kind.DOCX: "Word 文档", Kind.XLSX: "Excel 工作簿", Kind.DOC: "Word 97-2003 文档",
    Kind.XLS: "Excel 97-2003 工作簿", Kind.ENCRYPTED_OOXML: "加密的 Office 文档", Kind.ZIP: "ZIP 压缩包",
    Kind.OLE: "OLE 复合文档", Kind.EMPTY: "空文件", Kind.UNKNOWN: "未知类型",
}

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Sniffed:
    kind: Kind
    detail: str = ""

    @property
    def media_type(self) -> str | None:
        return MEDIA_TYPES.get(self.kind)


def sniff(path: Path) -> Sniffed:
    with path.open("rb") as f:
        head = f.read(2048)
    if not head:
        return Sniffed(Kind.EMPTY)
    # PDF: the header may follow some junk (readers accept it within the first 1 KB)
    if b"%PDF-" in head[:1024]:
        return Sniffed(Kind.PDF)
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed(Kind.JPEG)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed(Kind.PNG)
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return Sniffed(Kind.TIFF)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(path)
    if head.startswith(OLE_MAGIC):
        return _sniff_ole(path)
    return Sniffed(Kind.UNKNOWN)


def _sniff_zip(path: Path) -> Sniffed:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        # A truncated or fuzzed Office file still *claims* to be a ZIP; the caller sees it is broken.
        return Sniffed(Kind.ZIP, f"broken:{type(exc).__name__}")
    if any(n.startswith("word/") for n in names):
        return Sniffed(Kind.DOCX)
    if any(n.startswith("xl/") for n in names):
        return Sniffed(Kind.XLSX)
    return Sniffed(Kind.ZIP)


def _sniff_ole(path: Path) -> Sniffed:
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            streams = {"/".join(parts) for parts in ole.listdir()}
    except Exception as exc:  # olefile raises OSError, struct.error, IndexError… on damaged files
        return Sniffed(Kind.OLE, f"broken:{type(exc).__name__}")
    # An encrypted .docx/.xlsx keeps a stub WordDocument stream beside EncryptedPackage: check it first.
    if "EncryptedPackage" in streams:
        return Sniffed(Kind.ENCRYPTED_OOXML)
    if "WordDocument" in streams:
        return Sniffed(Kind.DOC)
    if "Workbook" in streams or "Book" in streams:
        return Sniffed(Kind.XLS)
    return Sniffed(Kind.OLE)


def extension_for(kind: Kind, name: str) -> str:
    """Keep the file's own extension when it fits its content, else the canonical one."""
    ext = PurePath(name).suffix.lower()
    allowed = EXTENSIONS.get(kind, ())
    if not allowed or ext in allowed:
        return ext
    return allowed[0]


def name_claims_other_kind(kind: Kind, name: str) -> bool:
    ext = PurePath(name).suffix.lower()
    return ext in CLAIMED_BY_NAME and ext not in EXTENSIONS.get(kind, ())
