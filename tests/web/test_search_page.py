"""The 检索 page on both engines a workspace may choose (tantivy, the default, and whoosh): hits with
highlighted snippets, facets, the kind filter and paging, answered by the configured engine."""

from __future__ import annotations

import re
from typing import Any

from web.webkit import joint_case


def _hits(page: str) -> list[str]:
    return re.findall(r'<li><span class="tag">([^<]+)</span>', page)


def test_search_page_on_each_engine(site: Any, as_user: Any, search_engine: str) -> None:
    joint_case(site.ws)
    officer = as_user("zhanglei")
    page = officer.get("/search/", {"q": "滞纳金"}).content.decode()
    assert f"检索引擎 {search_engine}" in page
    total = int(re.search(r"共 (\d+) 条结果", page).group(1))  # type: ignore[union-attr]
    assert total >= 2 and _hits(page)
    assert "<mark>" in page and "&lt;mark&gt;" not in page  # matches highlighted, the rest escaped
    assert "<h2>分面</h2>" in page and "<h3>类型</h3>" in page
    only_cases = officer.get("/search/", {"q": "滞纳金", "kind": "case"}).content.decode()
    assert _hits(only_cases) and set(_hits(only_cases)) == {"案件"}
    pages = int(re.search(r"第 1/(\d+) 页", page).group(1))  # type: ignore[union-attr]
    assert pages == -(-total // 10)
    if pages > 1:
        second = officer.get("/search/", {"q": "滞纳金", "page": "2"}).content.decode()
        assert "第 2/" in second and _hits(second)
        assert re.findall(r'<p class="snippet">(.*?)</p>', second) != re.findall(r'<p class="snippet">(.*?)</p>', page)
    nothing = officer.get("/search/", {"q": "zqxjvwkpf"}).content.decode()
    assert "共 0 条结果" in nothing and "没有找到结果" in nothing
