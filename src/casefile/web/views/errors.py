"""Chinese error pages (403, 404, 500, CSRF failure)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from casefile.web.middleware import fault_page


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return fault_page(request, "表单已失效", "表单的安全校验未通过（页面打开过久或来源不明），操作没有执行。"
                      "请返回上一页，刷新后重新提交。", status=403)


def forbidden(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return fault_page(request, "无权访问", "您所在部门没有参与该事项，或您的角色不能进行此操作。"
                      "如确需查看，请联系主办部门。", status=403)


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return fault_page(request, "页面不存在", "您要找的页面不存在，请从菜单重新进入。", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    import sys

    from django.db import DatabaseError

    exc = sys.exc_info()[1]  # Django calls this inside its except block
    if isinstance(exc, DatabaseError):
        return fault_page(request, "账号数据库暂时无法使用",
                          "网页端的账号数据库（[web] database）无法连接或已损坏。案卷本身不受影响，您的操作没有保存。"
                          "请联系管理员检查数据库服务后重试。", status=503)
    if isinstance(exc, OSError):
        return fault_page(request, "工作区暂时无法访问",
                          "案卷所在的工作区目录无法读取或写入。您的操作没有保存，也没有留下半截记录。请联系管理员检查后重试。",
                          status=503)
    return fault_page(request, "系统出错", "系统处理时出错，您的操作没有保存。请稍后重试；如反复出现，请联系管理员。",
                      status=500)
