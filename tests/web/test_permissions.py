"""The role × page/action matrix, checked on the server: every denied cell is a 403 (never data),
also for URLs copied from another department's screen, downloads, fragments and search."""

from __future__ import annotations

from typing import Any

import pytest

from web.webkit import joint_case

# login → (department, roles) in webkit.ACCOUNTS
OFFICER, HEAD, ARCHIVIST, READER, ADMIN = "zhanglei", "chenjing", "wumin", "sunli", "admin"
RSJ, YBJ = "lirs", "wangyb"  # RSJ is asked for its opinion on the case; YBJ is not involved

OK, NO = 200, 403


@pytest.fixture(scope="module")
def case_id(site: Any) -> str:
    return joint_case(site.ws)


@pytest.fixture(scope="module")
def doc_id(site: Any, case_id: str) -> str:
    from casefile.store import Dossier

    return Dossier(site.ws, case_id).load().documents[0].doc_id


PAGES: list[tuple[str, str, dict[str, int]]] = [
    # name, url (with {case}), expected status per login
    ("工作台", "/", {OFFICER: OK, HEAD: OK, ARCHIVIST: OK, READER: OK, ADMIN: OK, RSJ: OK, YBJ: OK}),
    ("台账", "/due/", {OFFICER: OK, HEAD: OK, ARCHIVIST: OK, READER: NO, ADMIN: NO, RSJ: OK, YBJ: OK}),
    ("案件列表", "/cases/", {OFFICER: OK, HEAD: OK, ARCHIVIST: OK, READER: NO, ADMIN: NO, RSJ: OK, YBJ: OK}),
    ("案件页", "/cases/{case}/", {OFFICER: OK, HEAD: OK, ARCHIVIST: OK, READER: NO, ADMIN: NO, RSJ: OK, YBJ: NO}),
    ("回复表单", "/cases/{case}/reply/", {OFFICER: NO, HEAD: NO, ARCHIVIST: NO, READER: NO, ADMIN: NO, RSJ: OK, YBJ: NO}),
    ("文书下载", "/cases/{case}/doc/{doc}.docx",
     {OFFICER: OK, HEAD: OK, ARCHIVIST: OK, READER: NO, ADMIN: NO, RSJ: OK, YBJ: NO}),
    ("受理登记", "/cases/new/", {OFFICER: OK, HEAD: NO, ARCHIVIST: NO, READER: NO, ADMIN: NO, RSJ: NO, YBJ: NO}),
    ("检索", "/search/?q=滞纳金", {OFFICER: OK, HEAD: OK, ARCHIVIST: OK, READER: OK, ADMIN: NO, RSJ: OK, YBJ: OK}),
    ("典型案例库", "/typical/", {OFFICER: OK, HEAD: OK, ARCHIVIST: OK, READER: OK, ADMIN: NO, RSJ: OK, YBJ: OK}),
    ("归档", "/archive/", {OFFICER: NO, HEAD: OK, ARCHIVIST: OK, READER: NO, ADMIN: NO, RSJ: NO, YBJ: NO}),
    ("月度报告", "/report/", {OFFICER: OK, HEAD: OK, ARCHIVIST: NO, READER: NO, ADMIN: NO, RSJ: NO, YBJ: NO}),
    ("风险预警", "/risks/", {OFFICER: OK, HEAD: OK, ARCHIVIST: NO, READER: NO, ADMIN: NO, RSJ: OK, YBJ: OK}),
    ("账号", "/admin/accounts/", {OFFICER: NO, HEAD: NO, ARCHIVIST: NO, READER: NO, ADMIN: OK, RSJ: NO, YBJ: NO}),
    ("登录记录", "/admin/logins/", {OFFICER: NO, HEAD: OK, ARCHIVIST: NO, READER: NO, ADMIN: OK, RSJ: NO, YBJ: NO}),
]


@pytest.mark.parametrize(("name", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_page_matrix(name: str, url: str, expected: dict[str, int], as_user: Any, case_id: str, doc_id: str) -> None:
    target = url.format(case=case_id, doc=doc_id)
    for login, status in expected.items():
        r = as_user(login).get(target)
        assert r.status_code == status, (name, login, r.status_code)
        if status == NO:
            body = b"".join(r) if hasattr(r, "streaming_content") else r.content
            assert case_id.encode() not in body and "无权访问".encode() in body


POSTS: list[tuple[str, str, dict[str, str], dict[str, int]]] = [
    ("办理步骤(形成处理意见)", "/cases/{case}/step/decide/", {"text": "x"},
     {HEAD: NO, ARCHIVIST: NO, READER: NO, ADMIN: NO, RSJ: NO, YBJ: NO}),
    ("负责人步骤(批准延期)", "/cases/{case}/step/extend_approve/", {},
     {OFFICER: NO, ARCHIVIST: NO, READER: NO, ADMIN: NO, RSJ: NO, YBJ: NO}),
    ("查看完整信息", "/cases/{case}/reveal/", {"purpose": "核对"},
     {ARCHIVIST: NO, READER: NO, ADMIN: NO, YBJ: NO}),
    ("证据上传", "/cases/{case}/upload/", {}, {HEAD: NO, ARCHIVIST: NO, READER: NO, ADMIN: NO, YBJ: NO}),
    ("协办回复", "/cases/{case}/reply/", {"kind": "opinion", "text": "x"},
     {OFFICER: NO, HEAD: NO, ARCHIVIST: NO, READER: NO, ADMIN: NO, YBJ: NO}),
    ("典型案例审批", "/typical/TC-2026-0001/approve/", {}, {OFFICER: NO, ARCHIVIST: NO, READER: NO, ADMIN: NO, RSJ: NO}),
    ("归档操作", "/archive/", {"what": "verify"}, {HEAD: NO, OFFICER: NO, READER: NO, ADMIN: NO, RSJ: NO}),
]


@pytest.mark.parametrize(("name", "url", "data", "expected"), POSTS, ids=[p[0] for p in POSTS])
def test_action_matrix(name: str, url: str, data: dict[str, str], expected: dict[str, int], as_user: Any,
                       ws: Any, case_id: str) -> None:
    from casefile.store import Dossier

    before = Dossier(ws, case_id).journal_path.read_bytes()
    for login, status in expected.items():
        r = as_user(login).post(url.format(case=case_id), data)
        assert r.status_code == status, (name, login, r.status_code)
    assert Dossier(ws, case_id).journal_path.read_bytes() == before  # nothing was recorded


def test_other_department_finds_nothing_in_search_counts_or_facets(as_user: Any, case_id: str, ws: Any,
                                                                   search_engine: str) -> None:
    from casefile.store import Dossier

    number = Dossier(ws, case_id).load().number
    seen = as_user(RSJ).get("/search/", {"q": "滞纳金 银行代扣"}).content.decode()
    hidden = as_user(YBJ).get("/search/", {"q": "滞纳金 银行代扣"}).content.decode()
    assert number in seen and number not in hidden
    assert f"检索引擎 {search_engine}" in seen and f"检索引擎 {search_engine}" in hidden
    case_only = as_user(YBJ).get("/search/", {"q": "银行代扣", "kind": "case"}).content.decode()
    assert "共 0 条结果" in case_only and "县人社局" not in case_only  # no facet leaks the case's departments
    listed = as_user(YBJ).get("/cases/").content.decode()
    assert number not in listed and "共 0 件" in listed
    assert case_id not in as_user(YBJ).get("/").content.decode()


def test_reader_search_is_masked_and_links_to_no_case(as_user: Any, case_id: str, search_engine: str) -> None:
    page = as_user(READER).get("/search/", {"q": "滞纳金"}).content.decode()
    assert f"检索引擎 {search_engine}" in page
    assert f"/cases/{case_id}/" not in page
    assert "13900001111" not in page


def test_unknown_case_id_is_403_like_a_hidden_one(as_user: Any) -> None:
    r = as_user(OFFICER).get("/cases/SBZY-140932-2026-9999/")
    assert r.status_code == 403


def test_involved_department_becomes_read_only_after_replying(as_user: Any, ws: Any) -> None:
    other = joint_case(ws)
    c = as_user(RSJ)
    from casefile.store import Dossier

    version = Dossier(ws, other).load().version
    r = c.post(f"/cases/{other}/reply/", {"kind": "opinion", "text": "经核查，单位已按期申报。", "version": version})
    assert r.status_code == 302
    assert c.get(f"/cases/{other}/").status_code == 200  # still sees it
    assert c.get(f"/cases/{other}/reply/").status_code == 403  # but its part is done
    assert "只读" in c.get(f"/cases/{other}/").content.decode()


def test_anonymous_gets_the_login_page(case_id: str) -> None:
    from django.test import Client

    r = Client().get(f"/cases/{case_id}/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")


def test_ledger_export_holds_only_the_departments_cases(as_user: Any, case_id: str) -> None:
    import io

    from openpyxl import load_workbook

    def ids(login: str) -> str:
        r = as_user(login).get("/archive/ledger.xlsx")
        assert r.status_code == 200
        book = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True)
        return " ".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row)

    assert case_id in ids(ARCHIVIST)
    assert case_id not in ids("zhaoyb")  # an archivist of a department that was never involved
