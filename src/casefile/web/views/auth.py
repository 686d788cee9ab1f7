"""Login (password, lockout, optional TOTP), logout, password change, login records."""

from __future__ import annotations

import base64
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from casefile.web.signals import record
from casefile.web.views.common import account_required

OTP_PENDING = "otp_pending_user"


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) or not target.startswith("/"):
        return "/"
    return target


def _needs_totp(user: Any) -> bool:
    return bool(user.role_set.intersection(settings.CASEFILE_WEB.totp_roles))


def _finish_login(request: HttpRequest, user: Any) -> HttpResponse:
    pending = request.session.get("pending_form")
    login(request, user, backend="casefile.web.auth.AccountBackend")  # cycles the session id
    if pending:
        request.session["pending_form"] = pending  # the form input survives the new session
    request.session["seen"] = time.time()
    if user.must_change_password:
        return HttpResponseRedirect("/password/")
    return HttpResponseRedirect(_safe_next(request))


def locked_out(request: HttpRequest, credentials: dict[str, Any] | None = None, *args: Any, **kwargs: Any) -> HttpResponse:
    username = str((credentials or {}).get("username", "") or request.POST.get("username", ""))
    record("locked", username, request)
    minutes = settings.CASEFILE_WEB.lockout_minutes
    return render(request, "web/login.html", {
        "error": f"该账号连续{settings.CASEFILE_WEB.lockout_failures}次密码错误，已锁定{minutes}分钟。"
                 "请稍后再试，或请管理员用 casefile user passwd 重置密码。",
        "locked": True, "username": username}, status=403)


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    ctx: dict[str, Any] = {"next": _safe_next(request)}
    if request.session.pop("timed_out", False):
        ctx["notice"] = f"超过{settings.CASEFILE_WEB.idle_minutes}分钟未操作，已自动退出，请重新登录。"
    elif request.session.get("pending_form"):
        ctx["notice"] = "登录已过期。您刚才填写的内容已保留，重新登录后会自动填回。"
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        password = request.POST.get("password", "")
        ctx["username"] = username
        user = authenticate(request, username=username, password=password)
        if getattr(request, "axes_locked_out", False):
            return locked_out(request, {"username": username})
        if user is None:
            ctx["error"] = "登录名或密码不正确。连续多次错误后账号将被锁定。"
            return render(request, "web/login.html", ctx, status=401)
        if _needs_totp(user):
            request.session[OTP_PENDING] = user.pk
            request.session["otp_next"] = ctx["next"]
            return HttpResponseRedirect("/otp/")
        return _finish_login(request, user)
    return render(request, "web/login.html", ctx)


@require_http_methods(["GET", "POST"])
def otp_view(request: HttpRequest) -> HttpResponse:
    """Second factor for the roles in ``[web] totp_roles``; the first time, the device is enrolled."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from casefile.web.models import Account

    pk = request.session.get(OTP_PENDING)
    user = Account.objects.filter(pk=pk, is_active=True).first() if pk else None
    if user is None:
        return HttpResponseRedirect("/login/")
    device = TOTPDevice.objects.filter(user=user).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="casefile", confirmed=False)
    ctx: dict[str, Any] = {"enrol": not device.confirmed}
    if not device.confirmed:
        import segno

        ctx["secret"] = base64.b32encode(device.bin_key).decode("ascii")
        ctx["qr"] = segno.make(device.config_url, micro=False).svg_data_uri(scale=4)
    if request.method == "POST":
        token = request.POST.get("token", "").strip()
        if token.isdigit() and device.verify_token(token):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            del request.session[OTP_PENDING]
            from django_otp import login as otp_login

            request.POST = request.POST.copy()
            request.POST["next"] = request.session.pop("otp_next", "/")
            response = _finish_login(request, user)
            otp_login(request, device)
            return response
        record("otp_failure", user.username, request)
        ctx["error"] = "动态口令不正确或已过期，请输入验证器上当前显示的6位数字。"
    return render(request, "web/otp.html", ctx)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect("/login/")


@require_http_methods(["GET", "POST"])
@account_required
def password_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    ctx: dict[str, Any] = {"forced": user.must_change_password}  # type: ignore[union-attr]
    if request.method == "POST":
        old, new, again = (request.POST.get(k, "") for k in ("old", "new", "again"))
        problems = []
        if not user.check_password(old):  # type: ignore[union-attr]
            problems.append("原密码不正确")
        if new != again:
            problems.append("两次输入的新密码不一致")
        try:
            validate_password(new, user)
        except ValidationError as exc:
            problems.extend(m.rstrip("。") for m in exc.messages)
        if old and new == old:
            problems.append("新密码不能与原密码相同")
        if problems:
            ctx["error"] = "；".join(problems) + "。"
        else:
            user.set_password(new)  # type: ignore[union-attr]
            user.must_change_password = False  # type: ignore[union-attr]
            user.save()  # type: ignore[union-attr]
            update_session_auth_hash(request, user)  # type: ignore[arg-type]
            record("password", user.username, request)  # type: ignore[union-attr]
            return HttpResponseRedirect("/")
    return render(request, "web/password.html", ctx)
