"""Facts about the storage a workspace lives on. Stdlib only: the read path (``list``, ``due``,
``search``) imports this without loading the pydantic models that ``casefile.store`` brings."""

from __future__ import annotations

import os
from pathlib import Path


def on_read_only_medium(path: Path) -> bool:
    """True when ``path`` lies on a file system mounted read-only (an archive volume, a snapshot)."""
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False
