from __future__ import annotations

from typing import Any

from web.webkit import joint_case


def test_pages_render_for_an_officer(as_user: Any, ws: Any) -> None:
    case_id = joint_case(ws)
    c = as_user("zhanglei")
    for url in ("/", "/due/", "/cases/", f"/cases/{case_id}/", "/cases/new/", "/search/?q=滞纳金", "/typical/",
                "/report/", "/risks/"):
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code, r.content.decode()[:3000])
        assert "<title>" in r.content.decode()
