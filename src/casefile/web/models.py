"""What the dossiers do not hold: accounts (with department and roles) and login records."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models

from casefile.web.roles import ROLES


class Account(AbstractUser):
    """A person who logs in. ``username`` is the login, ``display_name`` the name written in journals."""

    display_name = models.CharField("姓名", max_length=50)
    dept = models.CharField("部门代码", max_length=16)
    roles = models.CharField("角色", max_length=200, default="")
    # set by the admin who creates or resets an account: the holder must choose a new password first
    must_change_password = models.BooleanField(default=False)

    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = "账号"

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(r for r in self.roles.split(",") if r in ROLES)

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_set.intersection(codes))

    def __str__(self) -> str:
        return self.display_name or self.username


class LoginRecord(models.Model):
    """One line of the login log an auditor reads: who, when, from where, what happened."""

    EVENTS: ClassVar[dict[str, str]] = {"login": "登录成功", "logout": "退出", "failure": "登录失败", "locked": "账号锁定",
              "timeout": "超时退出", "sso": "统一身份认证登录", "otp_failure": "动态口令错误",
              "password": "修改密码"}

    at = models.DateTimeField(db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    event = models.CharField(max_length=16)
    address = models.CharField(max_length=64, default="")
    agent = models.CharField(max_length=200, default="")

    class Meta:
        ordering = ("-at", "-id")

    @property
    def event_label(self) -> str:
        return self.EVENTS.get(self.event, self.event)
