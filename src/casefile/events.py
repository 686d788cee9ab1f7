"""What happens after a dossier change is committed: one list of hooks, fired by the store.

The store (and the two commit protocols beside it: archiving's directory swap and the preservation
log of a sealed case) calls :func:`committed` once per committed change; the application layer
registers the refresh of derived data (catalog, search queue) once, at import
(:mod:`casefile.app`). A hook that fails never undoes the committed change: it is logged, and
``casefile fsck`` / the rebuild commands repair derived data.

Tiny and import-free, so the fast read paths can import it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import logging

    from casefile.config import Workspace


def _log() -> logging.Logger:
    import logging  # only when something failed: a read does not load it

    return logging.getLogger(__name__)


CommitHook = Callable[["Workspace", str, "frozenset[str] | None"], None]
_hooks: list[CommitHook] = []


def on_commit(hook: CommitHook) -> CommitHook:
    """Register ``hook(ws, case_id, kinds)`` to run after every committed change (once, however often
    called); ``kinds`` are the event types the change journaled, None when not known (creation, a swap)."""
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def committed(ws: Workspace, case_id: str, kinds: frozenset[str] | None = None) -> None:
    """Tell every hook that ``case_id`` changed (by events of ``kinds``, if known); never raises."""
    for hook in list(_hooks):
        try:
            hook(ws, case_id, kinds)
        except Exception as exc:  # derived data only: the committed change stands, fsck repairs the rest
            _log().warning("提交后的处理未完成（%s，%s）：%s", case_id, getattr(hook, "__name__", hook), exc)


def hooks() -> tuple[CommitHook, ...]:
    return tuple(_hooks)
