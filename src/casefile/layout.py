"""The names of a workspace's archive layout, in one place (docs/format.md §1 describes them).

No imports beyond the standard library: the fast read paths (``list``, ``show``) use these names
without loading the store or the models. :mod:`casefile.store` re-exports them and is the only
module that writes these files.
"""

from __future__ import annotations

import re
from pathlib import Path

CASE_ID_RE = re.compile(r"^[A-Z]{2,8}-\d{6}-(\d{4})-\d{4,6}$")

CASE_FILE = "case.json"
JOURNAL_FILE = "journal.jsonl"
NEXT_FILE = ".case.json.next"
INTENT_FILE = ".tx-intent.json"
DOCUMENTS_DIR = "documents"
EVIDENCE_DIR = "evidence"
SEQ_DIR = "_seq"  # archive/_seq/<name>.jsonl: number sequences
PRESERVATION_DIR = "_preservation"  # archive/_preservation/<year>.jsonl: what happened to archived cases
ARCHIVE_META = "archive.json"  # the archive record beside case.json in a sealed bag
ACCESS_LOG = "access.jsonl"  # in the workspace state folder: reads of archived (sealed) cases
GENESIS = "0" * 64


def case_folder(archive_dir: Path, case_id: str) -> Path:
    """``archive/<year>/<case id>``: the year is the id's third part (``SBZY-140932-2026-0001``)."""
    return archive_dir / case_id.split("-")[2] / case_id
