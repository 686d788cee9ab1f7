"""What every page shares: the login guard (which keeps a form's input across an expired session),
the clock, and rendering of library refusals."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict

View = Callable[..., HttpResponse]

PENDING = "pending_form"


def now() -> datetime:
    """The clock; CASEFILE_NOW pins it only in a test or demo workspace, as for the CLI."""
    from casefile import clock

    return clock.now(pinned_ok=clock.pinning_allowed(ws().raw))


def ws() -> Any:
    return settings.CASEFILE_WORKSPACE


def _page_of(request: HttpRequest) -> str:
    """The page a posted form was on (its ``_page`` field, else the referring page of this site)."""
    from urllib.parse import urlparse

    page = request.POST.get("_page", "")
    if not page.startswith("/"):
        ref = urlparse(request.META.get("HTTP_REFERER", ""))
        page = ref.path if ref.netloc == request.get_host() and ref.path.startswith("/") else request.path
    return page


def _to_login(request: HttpRequest, page: str | None = None) -> HttpResponse:
    target = page or request.get_full_path()
    if request.headers.get("HX-Request"):
        target = request.headers.get("HX-Current-URL", "/") or "/"
        from urllib.parse import urlparse

        target = urlparse(target).path or "/"
    url = "/login/?" + urlencode({"next": target})
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def account_required(view: View) -> View:
    """Logged in, password current. A form posted after the session ran out is kept (without its
    files or token) and put back into the same form after the next login."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            if request.method == "POST":
                data = {k: v for k, v in request.POST.lists() if k != "csrfmiddlewaretoken"}
                page = _page_of(request)
                request.session[PENDING] = {"path": page, "data": data}
                return _to_login(request, page)
            return _to_login(request)
        if getattr(user, "must_change_password", False) and request.path != "/password/":
            return HttpResponseRedirect("/password/")
        return view(request, *args, **kwargs)

    return wrapper


def pending_form(request: HttpRequest) -> QueryDict | None:
    """The input of a form posted to this page when the session had expired (once)."""
    saved = request.session.get(PENDING)
    if not saved or saved.get("path") != request.path:
        return None
    del request.session[PENDING]
    q = QueryDict(mutable=True)
    for k, values in saved["data"].items():
        q.setlist(k, values)
    return q


def dept_options() -> list[tuple[str, str]]:
    return [(str(d.get("code")), str(d.get("name"))) for d in ws().raw.get("departments", [])]
