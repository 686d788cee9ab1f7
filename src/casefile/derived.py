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


def refresh(ws: Workspace, case_id: str) -> None:
    from casefile import catalog
    from casefile.search import notify_change
    from casefile.store import Dossier

    try:
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
