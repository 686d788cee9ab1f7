"""Login, logout and failure records (an auditor reads them on the 登录记录 page)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone


def client_address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def record(event: str, username: str, request: HttpRequest | None) -> None:
    from casefile.web.models import LoginRecord

    agent = str(request.META.get("HTTP_USER_AGENT", ""))[:200] if request is not None else ""
    LoginRecord.objects.create(at=timezone.now(), username=username[:150], event=event,
                               address=client_address(request), agent=agent)


@receiver(user_logged_in)
def _in(sender: Any, request: HttpRequest, user: Any, **kw: Any) -> None:
    record(getattr(request, "_casefile_login_event", "login"), user.username, request)


@receiver(user_logged_out)
def _out(sender: Any, request: HttpRequest, user: Any, **kw: Any) -> None:
    if user is not None:
        record(getattr(request, "_casefile_logout_event", "logout"), user.username, request)


@receiver(user_login_failed)
def _failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kw: Any) -> None:
    record("failure", str(credentials.get("username", "")), request)
