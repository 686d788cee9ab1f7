"""Bad input and faults: replayed and concurrent forms, disallowed steps, oversized and hostile
uploads, a missing workspace or accounts database. Each says so in Chinese and changes nothing."""

from __future__ import annotations

import io
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest

from testkit import text_pdf
from web.webkit import joint_case


def _case(ws: Any, case_id: str) -> Any:
    from casefile.store import Dossier

    return Dossier(ws, case_id).load()


def test_double_submit_of_a_step_has_one_effect(as_user: Any, ws: Any) -> None:
    case_id = joint_case(ws)
    c = as_user("zhanglei")
    form = {"dept": "RSJ", "facts": "单位2026年各月均已申报。", "text": "人社局意见：单位已按期申报。",
            "version": _case(ws, case_id).version}
    first = c.post(f"/cases/{case_id}/step/opinion/", form)
    second = c.post(f"/cases/{case_id}/step/opinion/", form)
    assert first.status_code == 302 and second.status_code == 409
    assert "已由他人更新" in second.content.decode() and "当前状态" in second.content.decode()
    case = _case(ws, case_id)
    assert [o.received_at is not None for o in case.opinions] == [True]
    assert len([d for d in case.documents if d.doc_type == "D05"]) == 1


def test_double_submit_of_intake_registers_one_case(as_user: Any, ws: Any) -> None:
    from casefile import catalog

    c = as_user("zhanglei")
    page = c.get("/cases/new/").content.decode()
    once = page.split('name="once" value="')[1].split('"')[0]
    form = {"once": once, "channel": "窗口来访", "received_at": "2026-11-22T09:30", "jurisdiction": "偏关县老营镇|140932",
            "applicant_kind": "person", "applicant_name": "赵某某一", "applicant_id": "140932198503120029",
            "applicant_mobile": "13900002222", "categories": ["C06_LATE_FEE"],
            "claim": "对滞纳金有异议（重复提交测试）。"}
    before = len(catalog.list_cases(ws, catalog.CaseFilter()))
    a, b = c.post("/cases/new/", form), c.post("/cases/new/", form)
    assert a.status_code == b.status_code == 302 and a["Location"] == b["Location"]
    assert len(catalog.list_cases(ws, catalog.CaseFilter())) == before + 1


def test_intake_errors_are_listed_at_once_and_the_input_is_kept(as_user: Any) -> None:
    c = as_user("zhanglei")
    r = c.post("/cases/new/", {"channel": "窗口来访", "received_at": "2030-01-01T09:00", "applicant_kind": "person",
                               "applicant_name": "钱某", "applicant_id": "110101199001011234", "claim": "诉求内容保留"})
    body = r.content.decode()
    assert r.status_code == 400 and "处错误" in body and "诉求内容保留" in body
    check = c.post("/cases/new/check/", {"field": "applicant_id", "applicant_id": "110101199001011234"})
    assert "校验位" in check.content.decode()


def test_two_departments_at_once_one_wins_the_other_is_told(as_user: Any, ws: Any) -> None:
    case_id = joint_case(ws)
    version = _case(ws, case_id).version
    officer, contact = as_user("zhanglei"), as_user("lirs")
    results: dict[str, Any] = {}
    start = threading.Barrier(2)

    def go(name: str, client: Any, url: str, data: dict[str, Any]) -> None:
        start.wait()
        results[name] = client.post(url, data)

    t1 = threading.Thread(target=go, args=("officer", officer, f"/cases/{case_id}/step/opinion/",
                                           {"dept": "RSJ", "facts": "经核查属实", "text": "代为登记的意见",
                                            "version": version}))
    t2 = threading.Thread(target=go, args=("contact", contact, f"/cases/{case_id}/reply/",
                                           {"kind": "opinion", "text": "人社局自己的意见", "version": version}))
    t1.start(), t2.start()
    t1.join(), t2.join()
    codes = sorted(r.status_code for r in results.values())
    assert codes == [302, 409], codes
    loser = next(r for r in results.values() if r.status_code == 409).content.decode()
    assert "已由他人更新" in loser and "当前状态" in loser
    assert len([o for o in _case(ws, case_id).opinions if o.received_at]) == 1


def test_a_step_the_state_does_not_allow_is_refused(as_user: Any, ws: Any) -> None:
    case_id = joint_case(ws)
    r = as_user("zhanglei").post(f"/cases/{case_id}/step/notify/", {"version": _case(ws, case_id).version})
    body = r.content.decode()
    assert r.status_code == 409 and "不能进行" in body and "联办" in body
    assert _case(ws, case_id).state.value == "JOINT"


def test_200_mb_upload_is_refused_before_it_is_read(as_user: Any, ws: Any) -> None:
    case_id = joint_case(ws)
    c = as_user("zhanglei")
    r = c.generic("POST", f"/cases/{case_id}/upload/", b"--x--\r\n", content_type="multipart/form-data; boundary=x",
                  CONTENT_LENGTH=str(200 * 1024 * 1024))
    assert r.status_code == 413 and "MB" in r.content.decode() and "没有保存" in r.content.decode()
    assert _case(ws, case_id).evidence == []
    assert not any((ws.state_dir / "uploads").iterdir())


def test_a_file_over_the_limit_inside_the_limit_of_the_request_is_refused(as_user: Any, ws: Any,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from django.conf import settings

    case_id = joint_case(ws)
    monkeypatch.setattr(settings, "CASEFILE_WEB", settings.CASEFILE_WEB.model_copy(update={"max_upload_mb": 1}))
    big = io.BytesIO(b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
    big.name = "扫描件.pdf"
    r = as_user("zhanglei").post(f"/cases/{case_id}/upload/", {"files": big}, headers={"HX-Request": "true"})
    assert r.status_code in (400, 413) and ("上限" in r.content.decode() or "过大" in r.content.decode())
    assert _case(ws, case_id).evidence == []


def test_zip_bomb_is_set_aside_with_the_reason_shown(as_user: Any, ws: Any) -> None:
    case_id = joint_case(ws)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            chunk = b"\0" * (1 << 20)
            for _ in range(400):  # 400 MB of zeros in a few hundred KB
                f.write(chunk)
        z.writestr("[Content_Types].xml", "<Types/>")
    buf.seek(0)
    buf.name = "工资条.docx"
    assert len(buf.getvalue()) < 2 * 1024 * 1024
    r = as_user("zhanglei").post(f"/cases/{case_id}/upload/", {"files": buf, "slot": "工资条"},
                                 headers={"HX-Request": "true"})
    body = r.content.decode()
    assert r.status_code == 200 and "✗" in body, body
    assert all(e.size < 5 * 1024 * 1024 for e in _case(ws, case_id).evidence)


def test_dotdot_file_name_lands_inside_the_dossier(as_user: Any, ws: Any) -> None:
    case_id = joint_case(ws)
    f = io.BytesIO(text_pdf(1, "工资条 2026年10月"))
    f.name = "../../../../etc/evil.pdf"
    r = as_user("zhanglei").post(f"/cases/{case_id}/upload/", {"files": f}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and "✓" in r.content.decode(), r.content.decode()
    ev = _case(ws, case_id).evidence
    assert len(ev) == 1 and ".." not in ev[0].file and "/" not in ev[0].original_name
    assert not Path("/etc/evil.pdf").exists() and not (ws.root.parent / "evil.pdf").exists()
    assert not any((ws.state_dir / "uploads").iterdir())  # the spooled upload is gone


def test_workspace_unavailable_gives_a_chinese_page(as_user: Any, ws: Any) -> None:
    c = as_user("zhanglei")
    moved = ws.root.with_name("ws-away")
    ws.root.rename(moved)
    try:
        r = c.get("/cases/")
    finally:
        moved.rename(ws.root)
    body = r.content.decode()
    assert r.status_code == 503 and "工作区暂时无法访问" in body and "Traceback" not in body


def test_accounts_database_unavailable_gives_a_chinese_page(as_user: Any) -> None:
    from django.db import connection
    from django.db.utils import OperationalError

    c = as_user("zhanglei")
    c.raise_request_exception = False  # as a browser sees it

    def down(*_a: Any, **_k: Any) -> None:
        raise OperationalError("could not connect to server")

    connection.close()
    connection.ensure_connection = down  # type: ignore[method-assign]
    try:
        r = c.get("/")
    finally:
        del connection.ensure_connection
    body = r.content.decode()
    assert r.status_code == 503 and "账号数据库" in body and "Traceback" not in body


def test_every_web_step_is_journaled_with_account_department_and_address(as_user: Any, ws: Any) -> None:
    from casefile.store import Dossier

    case_id = joint_case(ws)
    c = as_user("lirs")
    c.post(f"/cases/{case_id}/reply/", {"kind": "opinion", "text": "人社局意见。", "version": _case(ws, case_id).version})
    c.get(f"/cases/{case_id}/doc/{_case(ws, case_id).documents[-1].doc_id}.docx")
    entries, _ = Dossier(ws, case_id).journal()
    text = "\n".join(str(e.payload) for e in entries[-2:])
    assert "lirs" in text and "RSJ" in text and "10.0.0.7" in text
    assert "document_downloaded" in str(entries[-1].payload) or entries[-1].type == "document_downloaded"
