"""Derived data follows the dossier: after every committed change, the search index is told and the
catalog row refreshed. Both are disposable, so a failure here never undoes the committed change:
fsck repairs a stale catalog (and queues its cases for the index) and `catalog rebuild` /
`index rebuild` rebuild them from the dossiers.

The index is queued first: a process killed in between leaves the catalog stale, which fsck sees,
rather than the index, which it cannot.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from casefile.config import Workspace
    from casefile.store import Dossier

log = logging.getLogger(__name__)


def refresh(ws: Workspace, dossier: Dossier) -> None:
    from casefile import catalog

    try:
        from casefile.search import notify_change

        notify_change(ws, dossier.case_id)
    except Exception as exc:
        log.warning("检索索引未能更新（%s），请运行 casefile index rebuild：%s", dossier.case_id, exc)
    try:
        catalog.upsert(ws, dossier.load())
    except Exception as exc:
        log.warning("目录库未能更新（%s），请运行 casefile catalog rebuild：%s", dossier.case_id, exc)
