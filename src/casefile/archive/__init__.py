"""立卷归档: 档号, arrangement, the merged archival PDF, the BagIt bag (SHA-256 + SM3), 四性检测,
handover, destruction and reopening.

An archived case folder is itself a BagIt bag::

    archive/<年>/<案件ID>/
      bagit.txt  bag-info.txt  manifest-{sha256,sm3}.txt  tagmanifest-{sha256,sm3}.txt
      case.json  journal.jsonl  archive.json          (tag files)
      data/<档号>.pdf  data/documents/…  data/evidence/…

Modules: :mod:`.rules` (档号, retention), :mod:`.requirements` (documents a path requires),
:mod:`.arrange` (order), :mod:`.pdfpack` (merged PDF), :mod:`.fixity` and :mod:`.bag` (manifests),
:mod:`.build` (archiving), :mod:`.verify` (四性检测), :mod:`.handover` (D28, transfer),
:mod:`.lifecycle` (reopen, destruction, voided numbers), :mod:`.preservation` (the log).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from casefile.archive.build import ArchiveRefused, ArchiveResult, archive_case, recover
    from casefile.archive.checks import ArchiveCheck, VerifyReport, check_archive, verify
    from casefile.archive.handover import CATALOGUE_COLUMNS, TransferReport, archive_catalogue, transfer
    from casefile.archive.lifecycle import (
        PurgeResult,
        ReopenResult,
        purge_approve,
        purge_request,
        reopen_archived,
        void_number,
    )
    from casefile.archive.rules import DangHao

_EXPORTS = {
    "ArchiveRefused": "build", "ArchiveResult": "build", "archive_case": "build", "recover": "build",
    "CATALOGUE_COLUMNS": "handover", "TransferReport": "handover", "archive_catalogue": "handover",
    "transfer": "handover",
    "PurgeResult": "lifecycle", "ReopenResult": "lifecycle", "purge_approve": "lifecycle",
    "purge_request": "lifecycle", "reopen_archived": "lifecycle", "void_number": "lifecycle",
    "DangHao": "rules",
    "ArchiveCheck": "checks", "VerifyReport": "checks", "check_archive": "checks", "verify": "checks",
}

__all__ = [
    "CATALOGUE_COLUMNS", "ArchiveCheck", "ArchiveRefused", "ArchiveResult", "DangHao", "PurgeResult", "ReopenResult",
    "TransferReport", "VerifyReport", "archive_case", "archive_catalogue", "check_archive", "purge_approve",
    "purge_request", "recover", "reopen_archived", "transfer", "verify", "void_number",
]


def __getattr__(name: str) -> Any:
    # Submodules load on first use: `casefile --help` and commands that never archive stay fast.
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(f"casefile.archive.{module}"), name)
