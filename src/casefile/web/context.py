from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from casefile.web.roles import labels


def common(request: HttpRequest) -> dict[str, Any]:
    ws = settings.CASEFILE_WORKSPACE
    user = getattr(request, "user", None)
    out: dict[str, Any] = {"office_name": ws.raw.get("office", {}).get("name", "casefile")}
    session = getattr(request, "session", None)
    if session is not None:
        out["flash"] = session.pop("flash", "")
        out["flash_error"] = session.pop("flash_error", "")
    if user is not None and user.is_authenticated:
        out["me_dept"] = ws.dept_name(user.dept)
        out["me_roles"] = labels(user.role_set)
        out["idle_minutes"] = settings.CASEFILE_WEB.idle_minutes
    return out
