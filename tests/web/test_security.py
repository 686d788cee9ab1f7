"""Login as a 等保 三级 system expects: argon2, password policy, lockout, idle timeout, new session id,
CSRF, cookie flags, headers, TOTP, gateway SSO, login records."""

from __future__ import annotations

import time
from typing import Any

import pytest

from web.webkit import PASSWORD, joint_case


def _client(**kw: Any) -> Any:
    from django.test import Client

    return Client(REMOTE_ADDR="10.0.0.9", **kw)


def test_passwords_are_argon2_and_the_policy_is_enforced(ws: Any) -> None:
    from casefile.errors import UsageError
    from casefile.web import accounts
    from casefile.web.models import Account

    assert Account.objects.get(username="zhanglei").password.startswith("argon2")
    for weak in ("short1A!", "alllowercaseletters", "Xuser99name!!"):
        with pytest.raises(UsageError, match="密码"):
            accounts.add(ws, "user99name", "某人", "SW", "reader", weak)
    assert not Account.objects.filter(username="user99name").exists()


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one() -> None:
    from casefile.web.models import LoginRecord

    c = _client()
    for _ in range(5):
        r = c.post("/login/", {"username": "liuyang", "password": "wrong-Password1"})
        assert r.status_code in (401, 403)
    r = c.post("/login/", {"username": "liuyang", "password": PASSWORD})
    assert r.status_code == 403 and "已锁定" in r.content.decode()
    events = list(LoginRecord.objects.filter(username="liuyang").values_list("event", flat=True))
    assert events.count("failure") >= 5 and "locked" in events and "login" not in events


def test_login_issues_a_new_session_id_and_logout_is_recorded() -> None:
    from casefile.web.models import LoginRecord

    c = _client()
    c.get("/login/")
    c.post("/login/", {"username": "nobody", "password": "x"})  # an anonymous session exists
    before = c.cookies.get("casefile_session")
    r = c.post("/login/", {"username": "zhanglei", "password": PASSWORD})
    after = c.cookies["casefile_session"]
    assert r.status_code == 302 and (before is None or before.value != after.value)
    assert after["httponly"] and after["samesite"] == "Strict" and not after["secure"]
    c.post("/logout/")
    assert LoginRecord.objects.filter(username="zhanglei", event="logout").exists()


def test_security_headers_and_csp_without_inline_script(as_user: Any) -> None:
    r = as_user("zhanglei").get("/")
    csp = r["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert r["X-Frame-Options"] == "DENY" and r["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in r
    assert "<script>" not in r.content.decode() and " onclick=" not in r.content.decode()


def test_https_setting_turns_on_secure_cookies_and_hsts(ws: Any) -> None:
    from casefile.web.config import build

    conf = build(ws, ws.settings.web.model_copy(update={"https": True}))
    assert conf["SESSION_COOKIE_SECURE"] and conf["CSRF_COOKIE_SECURE"] and conf["SECURE_HSTS_SECONDS"] >= 31536000


def test_csrf_missing_or_forged_token_changes_nothing(as_user: Any, ws: Any) -> None:
    from casefile.store import Dossier

    case_id = joint_case(ws)
    c = as_user("zhanglei", enforce_csrf=True)
    before = Dossier(ws, case_id).journal_path.read_bytes()
    for extra in ({}, {"csrfmiddlewaretoken": "forged" * 8}):
        r = c.post(f"/cases/{case_id}/step/decide/", {"text": "同意", **extra})
        assert r.status_code == 403 and "表单已失效" in r.content.decode()
    assert Dossier(ws, case_id).journal_path.read_bytes() == before


def test_idle_timeout_logs_out_and_says_why(as_user: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from casefile.web.models import LoginRecord

    c = as_user("zhanglei")
    assert c.get("/").status_code == 200
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 31 * 60)
    r = c.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    assert "自动退出" in c.get(r["Location"]).content.decode()
    assert LoginRecord.objects.filter(username="zhanglei", event="timeout").exists()


def test_session_expired_mid_form_keeps_the_input(as_user: Any, ws: Any) -> None:
    from casefile.store import Dossier

    case_id = joint_case(ws)
    c = as_user("zhanglei")
    c.cookies.pop("casefile_session")  # the session is gone (expired) while the form was open
    text = "经核查，银行代扣失败属实，建议减免滞纳金。"
    version = Dossier(ws, case_id).load().version
    r = c.post(f"/cases/{case_id}/step/decide/", {"text": text, "version": version, "_step": "decide",
                                                   "_page": f"/cases/{case_id}/"})
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    assert "保留" in c.get(r["Location"]).content.decode()
    r = c.post(r["Location"], {"username": "zhanglei", "password": PASSWORD})
    assert r["Location"] == f"/cases/{case_id}/"
    page = c.get(r["Location"]).content.decode()
    assert text in page  # put back into the same form, not submitted
    assert Dossier(ws, case_id).load().decision is None


def test_totp_second_factor_for_configured_roles(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.conf import settings
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    monkeypatch.setattr(settings, "CASEFILE_WEB", settings.CASEFILE_WEB.model_copy(update={"totp_roles": ["head"]}))
    c = _client()
    r = c.post("/login/", {"username": "zhouqiang", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/otp/"
    assert c.get("/").status_code == 302  # not logged in yet
    page = c.get("/otp/").content.decode()
    assert "data:image/svg+xml" in page
    assert "动态口令不正确" in c.post("/otp/", {"token": "000000"}).content.decode()
    time.sleep(1.1)  # django-otp throttles the next try after a failure
    device = TOTPDevice.objects.get(user__username="zhouqiang")
    r = c.post("/otp/", {"token": f"{totp(device.bin_key):06d}"})
    assert r.status_code == 302 and c.get("/").status_code == 200
    # officers are not asked
    assert _client().post("/login/", {"username": "zhanglei", "password": PASSWORD})["Location"] == "/"


def test_gateway_sso_header_is_off_by_default_and_trusted_only_from_the_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.conf import settings
    from django.test import Client

    hdr = {"HTTP_X_REMOTE_USER": "zhanglei"}
    assert Client(REMOTE_ADDR="127.0.0.1", **hdr).get("/").status_code == 302
    monkeypatch.setattr(settings, "CASEFILE_WEB", settings.CASEFILE_WEB.model_copy(update={"sso_header": "X-Remote-User"}))
    assert Client(REMOTE_ADDR="10.9.9.9", **hdr).get("/").status_code == 302  # not the gateway
    assert Client(REMOTE_ADDR="127.0.0.1", **hdr).get("/").status_code == 200


def test_auditor_reads_login_records_in_the_browser(as_user: Any) -> None:
    _client().post("/login/", {"username": "sunli", "password": "Wrong-pass-1"})
    page = as_user("admin").get("/admin/logins/", {"user": "sunli"}).content.decode()
    assert "登录失败" in page and "10.0.0.9" in page


def test_disabled_account_cannot_log_in_and_loses_its_session(as_user: Any, ws: Any) -> None:
    from casefile.web import accounts

    accounts.add(ws, "tmpuser", "临时用户", "SW", "reader", PASSWORD, must_change=False)
    c = as_user("tmpuser")
    accounts.disable(ws, "tmpuser")
    assert c.get("/").status_code == 302
    assert _client().post("/login/", {"username": "tmpuser", "password": PASSWORD}).status_code == 401


def test_first_login_must_change_password(ws: Any) -> None:
    from casefile.web import accounts

    accounts.add(ws, "newbie", "新同事", "SW", "officer", PASSWORD)
    c = _client()
    assert c.post("/login/", {"username": "newbie", "password": PASSWORD})["Location"] == "/password/"
    assert c.get("/cases/")["Location"] == "/password/"
    r = c.post("/password/", {"old": PASSWORD, "new": "newbie-Pass-2026", "again": "newbie-Pass-2026"})
    assert "不得包含登录名" in r.content.decode()
    r = c.post("/password/", {"old": PASSWORD, "new": "Another#Pass2026", "again": "Another#Pass2026"})
    assert r.status_code == 302 and c.get("/cases/").status_code == 200
