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
    return fault_page(request, "系统出错", "系统处理时出错，您的操作没有保存。请稍后重试；如反复出现，请联系管理员。",
                      status=500)
