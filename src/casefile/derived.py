"""Derived data follows the dossier: after every committed change, the search index is told and the
catalog row refreshed. Both are disposable, so a failure here never undoes the committed change:
fsck repairs a stale catalog (and queues its cases for the index) and `catalog rebuild` /
`index rebuild` rebuild them from the dossiers.

:func:`refresh` is the commit hook the application layer registers (:mod:`casefile.events`).
The index is queued first: a process killed in between leaves the catalog stale, which fsck sees,
rather than the index, which it cannot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import logging

    from casefile.config import Workspace


def _log() -> logging.Logger:
    import logging  # only when something failed: a read does not load it

    return logging.getLogger(__name__)


def refresh(ws: Workspace, case_id: str, kinds: frozenset[str] | None = None) -> None:
    """Queue the case for the index, unless the change only recorded a read (a reveal, a download):
    the index holds none of that, and re-indexing a case costs the next search a writer commit.
    The catalog row is refreshed always (the record's version and hash changed)."""
    from casefile import catalog
    from casefile.models.events import READ_RECORDS
    from casefile.search import notify_change
    from casefile.store import Dossier

    try:
        if kinds is None or not kinds <= READ_RECORDS:
            notify_change(ws, case_id)
    except Exception as exc:
        _log().warning("检索索引未能更新（%s），请运行 casefile index rebuild：%s", case_id, exc)
    try:
        dossier = Dossier(ws, case_id)
        if dossier.exists():
            catalog.upsert(ws, dossier.load())
        else:  # taken back (a registration that failed half-way)
            catalog.remove(ws, case_id)
    except Exception as exc:
        _log().warning("目录库未能更新（%s），请运行 casefile catalog rebuild：%s", case_id, exc)
