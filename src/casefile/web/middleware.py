"""Idle timeout, security headers, optional gateway single sign-on, and a Chinese page for every
fault (workspace missing, database down, a library refusal) instead of a traceback."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import login, logout
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

log = logging.getLogger("casefile.web")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")

Handler = Callable[[HttpRequest], HttpResponse]


class SecurityHeaders:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CSP)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response.setdefault("Cache-Control", "no-store")
        return response


class IdleTimeout:
    """Log out after ``[web] idle_minutes`` without a request; the login page says why."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not request.path.startswith("/static/"):
            now = time.time()
            last = request.session.get("seen", now)
            if now - last > settings.CASEFILE_WEB.idle_minutes * 60:
                request._casefile_logout_event = "timeout"  # type: ignore[attr-defined]
                logout(request)
                request.session["timed_out"] = True
            elif now - last > 30 or "seen" not in request.session:
                request.session["seen"] = now  # written at most every 30 s
        return self.get_response(request)


class ProxySSO:
    """Single sign-on through the provincial gateway: a trusted reverse proxy sets a header with
    the login name. Off unless ``[web] sso_header`` is set; honoured only from ``sso_proxies``."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = settings.CASEFILE_WEB.sso_header
        if header and not request.user.is_authenticated:
            name = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
            if name and request.META.get("REMOTE_ADDR") in settings.CASEFILE_WEB.sso_proxies:
                from casefile.web.models import Account

                user = Account.objects.filter(username=name, is_active=True).first()
                if user is not None:
                    request._casefile_login_event = "sso"  # type: ignore[attr-defined]
                    login(request, user, backend="casefile.web.auth.AccountBackend")
                    request.session["seen"] = time.time()
        return self.get_response(request)


class WorkspaceErrors:
    """Faults become a Chinese page with what to do; nothing half-written is left (the library's
    transactions roll back) and no traceback reaches the browser."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/static/"):
            if not settings.CASEFILE_WORKSPACE.config_path.is_file():
                return self._workspace(request, "casefile.toml missing")
            limit = (settings.CASEFILE_WEB.max_upload_mb + 1) * 1024 * 1024
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:  # refused before a byte of the body is read
                return fault_page(request, "上传的文件过大",
                                  f"一次上传不能超过 {settings.CASEFILE_WEB.max_upload_mb} MB，文件没有保存。"
                                  "请分拆或压缩后重新上传。", status=413)
        try:
            return self.get_response(request)
        except DatabaseError as exc:
            return self._db(request, exc)

    def _workspace(self, request: HttpRequest, what: object) -> HttpResponse:
        log.error("workspace unavailable: %s", what)
        return fault_page(request, "工作区暂时无法访问",
                          "案卷所在的工作区目录无法读取或写入（磁盘、网络共享或权限问题）。"
                          "您的操作没有保存，也没有留下半截记录。请联系管理员检查后重试。", status=503)

    def _db(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        log.error("database unavailable: %s", exc)
        return fault_page(request, "账号数据库暂时无法使用",
                          "网页端的账号数据库（[web] database）无法连接或已损坏。案卷本身不受影响。"
                          "请联系管理员检查数据库服务后重试。", status=503)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        from casefile.errors import CasefileError, StorageError, WorkspaceNotFound

        if isinstance(exc, DatabaseError):
            return self._db(request, exc)
        if isinstance(exc, WorkspaceNotFound | StorageError | OSError):
            return self._workspace(request, exc)
        if isinstance(exc, CasefileError):
            return fault_page(request, "操作未完成", exc.message, status=409)
        return None


def fault_page(request: HttpRequest, title: str, message: str, *, status: int) -> HttpResponse:
    ctx: dict[str, Any] = {"title": title, "message": message}
    try:
        return render(request, "web/fault.html", ctx, status=status)
    except Exception:  # e.g. the accounts database is down: the page must still come out
        from django.utils.html import escape

        body = f"<!doctype html><meta charset=utf-8><title>{escape(title)}</title><h1>{escape(title)}</h1><p>{escape(message)}</p>"
        return HttpResponse(body, status=status)
