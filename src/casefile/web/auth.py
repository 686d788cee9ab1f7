"""Password policy and the authentication backend."""

from __future__ import annotations

import string
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

MIN_LENGTH = 10


def password_problems(password: str, username: str = "") -> list[str]:
    """Every way ``password`` breaks the policy, as Chinese sentences (empty = acceptable)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"密码至少{MIN_LENGTH}位")
    classes = [any(c.islower() for c in password), any(c.isupper() for c in password),
               any(c.isdigit() for c in password), any(c in string.punctuation or not c.isascii() for c in password)]
    if sum(classes) < 3:
        problems.append("密码须包含大写字母、小写字母、数字、符号中的至少三类")
    if username and username.lower() in password.lower():
        problems.append("密码不得包含登录名")
    return problems


class PasswordPolicy:
    def validate(self, password: str, user: Any = None) -> None:
        problems = password_problems(password, getattr(user, "username", "") or "")
        if problems:
            raise ValidationError("；".join(problems) + "。")

    def get_help_text(self) -> str:
        return f"至少{MIN_LENGTH}位，包含大写字母、小写字母、数字、符号中的至少三类，不得包含登录名。"


class AccountBackend(ModelBackend):
    """Django's model backend; disabled accounts never log in (``is_active``)."""
