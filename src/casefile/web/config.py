"""Django settings built from a workspace (no settings module on disk: one process serves one workspace)."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from casefile.errors import ConfigError

if TYPE_CHECKING:
    from casefile.config import Workspace
    from casefile.settings import WebCfg

HERE = Path(__file__).resolve().parent


def _secret_key(ws: Workspace) -> str:
    """One random key per workspace, kept beside the workspace's other state, readable only by its owner."""
    path = ws.state_dir / "web-secret"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    with contextlib.suppress(FileExistsError):
        os.link(tmp, path)  # first writer wins: two processes starting together share one key
    os.unlink(tmp)
    return path.read_text(encoding="ascii").strip()


def database(ws: Workspace, url: str) -> dict[str, Any]:
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(ws.state_dir / "web.sqlite3"),
                "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE",
                            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}}
    u = urlparse(url)
    if u.scheme not in ("postgres", "postgresql"):
        raise ConfigError(f"[web] database 的值“{u.scheme}://…”无效：只支持留空（SQLite）或 postgresql://用户:密码@主机:端口/库名。")
    return {"ENGINE": "django.db.backends.postgresql", "NAME": unquote(u.path.lstrip("/")) or "casefile",
            "USER": unquote(u.username or ""), "PASSWORD": unquote(u.password or ""), "HOST": u.hostname or "",
            "PORT": str(u.port or ""), "CONN_MAX_AGE": 60, "OPTIONS": {"connect_timeout": 5}}


def build(ws: Workspace, cfg: WebCfg, *, debug: bool = False, extra_hosts: tuple[str, ...] = ()) -> dict[str, Any]:
    hosts = ["127.0.0.1", "localhost", "[::1]", *cfg.hosts, *extra_hosts]
    return {
        "DEBUG": debug,
        "SECRET_KEY": _secret_key(ws),
        "ALLOWED_HOSTS": hosts,
        "ROOT_URLCONF": "casefile.web.urls",
        "WSGI_APPLICATION": None,
        "INSTALLED_APPS": [
            "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
            "django.contrib.staticfiles", "django_otp", "django_otp.plugins.otp_totp", "axes",
            "casefile.web.apps.WebConfig",
        ],
        "MIDDLEWARE": [
            "django.middleware.security.SecurityMiddleware",
            "whitenoise.middleware.WhiteNoiseMiddleware",
            "casefile.web.middleware.WorkspaceErrors",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "casefile.web.middleware.ProxySSO",
            "django_otp.middleware.OTPMiddleware",
            "casefile.web.middleware.IdleTimeout",
            "casefile.web.middleware.SecurityHeaders",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
            "axes.middleware.AxesMiddleware",
        ],
        "AUTHENTICATION_BACKENDS": ["axes.backends.AxesStandaloneBackend", "casefile.web.auth.AccountBackend"],
        "AUTH_USER_MODEL": "web.Account",
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.Argon2PasswordHasher"],
        "AUTH_PASSWORD_VALIDATORS": [
            {"NAME": "casefile.web.auth.PasswordPolicy"},
        ],
        "DATABASES": {"default": database(ws, cfg.database)},
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "TEMPLATES": [{
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [], "APP_DIRS": True,
            "OPTIONS": {"context_processors": ["django.template.context_processors.request",
                                               "django.contrib.auth.context_processors.auth",
                                               "casefile.web.context.common"],
                        "string_if_invalid": "", "builtins": ["casefile.web.templatetags.cf"]},
        }],
        "LANGUAGE_CODE": "zh-hans",
        "TIME_ZONE": "Asia/Shanghai",
        "USE_I18N": True,
        "USE_TZ": True,
        "STATIC_URL": "/static/",
        "STATIC_ROOT": None,
        "STATICFILES_DIRS": [],
        "WHITENOISE_USE_FINDERS": True,
        "WHITENOISE_AUTOREFRESH": False,
        "LOGIN_URL": "/login/",
        "SESSION_ENGINE": "django.contrib.sessions.backends.db",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Strict",
        "SESSION_COOKIE_SECURE": cfg.https,
        "SESSION_COOKIE_NAME": "casefile_session",
        "SESSION_COOKIE_AGE": cfg.idle_minutes * 60,
        "SESSION_SAVE_EVERY_REQUEST": False,
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Strict",
        "CSRF_COOKIE_SECURE": cfg.https,
        "CSRF_FAILURE_VIEW": "casefile.web.views.errors.csrf_failure",
        "SECURE_HSTS_SECONDS": 31536000 if cfg.https else 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": cfg.https,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
        "DATA_UPLOAD_MAX_MEMORY_SIZE": 2 * 1024 * 1024,
        "FILE_UPLOAD_MAX_MEMORY_SIZE": 2 * 1024 * 1024,
        "FILE_UPLOAD_TEMP_DIR": str(ws.state_dir / "uploads"),
        "AXES_FAILURE_LIMIT": cfg.lockout_failures,
        "AXES_COOLOFF_TIME": cfg.lockout_minutes / 60,
        "AXES_LOCKOUT_PARAMETERS": ["username"],
        "AXES_RESET_ON_SUCCESS": True,
        "AXES_LOCKOUT_CALLABLE": "casefile.web.views.auth.locked_out",
        "AXES_VERBOSE": False,
        "AXES_ENABLE_ACCESS_FAILURE_LOG": True,
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ["REMOTE_ADDR"],
        "OTP_TOTP_ISSUER": "casefile",
        "LOGGING": {"version": 1, "disable_existing_loggers": False,
                    "handlers": {"console": {"class": "logging.StreamHandler"}},
                    "loggers": {"django": {"handlers": ["console"], "level": "WARNING"},
                                "axes": {"handlers": ["console"], "level": "ERROR"}}},
        # casefile's own
        "CASEFILE_WORKSPACE": ws,
        "CASEFILE_WEB": cfg,
    }


_configured: list[str] = []


def configure(ws: Workspace, *, debug: bool = False, extra_hosts: tuple[str, ...] = (),
              database_url: str | None = None) -> None:
    """Configure Django for this workspace (once per process) and bring its tables up to date."""
    import django
    from django.conf import settings

    cfg = ws.settings.web
    if database_url is not None:
        cfg = cfg.model_copy(update={"database": database_url})
    if _configured:
        if _configured[0] != str(ws.root):
            raise RuntimeError("one process serves one workspace")
        return
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    (ws.state_dir / "uploads").mkdir(parents=True, exist_ok=True)
    settings.configure(**build(ws, cfg, debug=debug, extra_hosts=extra_hosts))
    django.setup()
    _configured.append(str(ws.root))
    migrate()


def migrate() -> None:
    from django.core.management import call_command
    from django.db.utils import OperationalError

    try:
        call_command("migrate", interactive=False, verbosity=0)
    except OperationalError as exc:
        raise ConfigError(f"无法连接网页端数据库（[web] database）：{str(exc).strip().splitlines()[0]}。"
                          "请检查数据库是否运行、地址和口令是否正确。") from None
