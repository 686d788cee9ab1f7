"""The typical-case write-up edited in the browser by its drafter while it is a draft, and again after a
reviewer sends it back (退回修改): every save goes through the library's de-identification and leak
check, a text that still identifies someone is refused with the form kept, and only the drafter edits."""

from __future__ import annotations

from typing import Any

import pytest

from casefile import library
from casefile.store import Dossier
from web.webkit import closed_case

BODY = """## 案情简介

李建国反映山西晋北建材有限公司自2024年1月起按最低缴费基数为职工申报社会保险费，联系电话13834561234。

## 争议焦点

缴费基数是否应按实际工资申报。

## 处理结果

责令该单位按实际工资补报缴费基数并补缴差额。

## 法律依据

《中华人民共和国社会保险法》第六十三条。

## 经验启示

基数争议应先核实工资台账。
"""


@pytest.fixture
def draft(ws: Any, as_user: Any) -> tuple[str, str]:
    """A closed case of 县税务局 and the typical-case draft its officer 张磊 made of it in the browser."""
    cid = closed_case(ws)
    before = {w.id for w in library.list_writeups(ws)}
    r = as_user("zhanglei").post(f"/cases/{cid}/typical/")
    assert r.status_code == 302 and r["Location"] == "/typical/"
    (tid,) = {w.id for w in library.list_writeups(ws)} - before
    return cid, tid


def _edit(client: Any, tid: str, **over: str) -> Any:
    data = {"title": "最低基数申报引发的缴费基数争议", "keywords": "缴费基数、补缴", "body": BODY, **over}
    return client.post(f"/typical/{tid}/edit/", data)


def test_drafter_edits_and_the_text_is_deidentified_before_it_is_saved(ws: Any, draft: tuple[str, str],
                                                                        as_user: Any) -> None:
    cid, tid = draft
    c = as_user("zhanglei")
    page = c.get(f"/typical/{tid}/edit/").content.decode()
    assert "保存（先脱敏检查）" in page and "脱敏检查" in page
    assert "修改</a>" in c.get("/typical/").content.decode()
    r = _edit(c, tid)
    assert r.status_code == 302, r.content.decode()[-2000:]
    shown = c.get(r["Location"]).content.decode()
    assert "已保存" in shown and "已按本案脱敏对照表自动替换：正文" in shown
    w = library.load(ws, tid)
    assert "李建国" not in w.body and "山西晋北建材有限公司" not in w.body and "13834561234" not in w.body
    assert "基数争议应先核实工资台账" in w.body and w.title == "最低基数申报引发的缴费基数争议"
    assert w.keywords == ["缴费基数", "补缴"] and w.effective_status == "draft"
    assert not library.check(ws, tid)
    entries, _ = Dossier(ws, cid).journal()
    assert entries[-1].type == "typical_edited" and entries[-1].payload["content_sha256"] == w.content_sha256()


def test_a_text_that_still_identifies_someone_is_refused_and_kept_in_the_form(ws: Any, draft: tuple[str, str],
                                                                             as_user: Any) -> None:
    _, tid = draft
    c = as_user("zhanglei")
    before = library.load(ws, tid).body
    leak = BODY.replace("缴费基数是否应按实际工资申报。", "太原市恒通物流有限公司也有同样做法，缴费基数是否应按实际工资申报。")
    r = _edit(c, tid, body=leak)
    text = r.content.decode()
    assert r.status_code == 409
    assert "仍含可识别个人的信息" in text and "太原市恒通物流有限公司" in text and "未保存" in text
    assert "也有同样做法" in text  # the form keeps what was typed
    assert library.load(ws, tid).body == before
    r = _edit(c, tid, title="")
    assert r.status_code == 409 and "标题：不能为空" in r.content.decode()


@pytest.mark.parametrize("login", ["liuyang", "chenjing", "sunli", "lirs"])
def test_only_the_drafter_edits(ws: Any, draft: tuple[str, str], as_user: Any, login: str) -> None:
    _, tid = draft
    c = as_user(login)
    before = library.load(ws, tid).body
    assert c.get(f"/typical/{tid}/edit/").status_code == 403
    assert _edit(c, tid).status_code == 403
    assert library.load(ws, tid).body == before


def test_reviewed_text_is_locked_until_sent_back_then_edited_and_reviewed_again(ws: Any, draft: tuple[str, str],
                                                                                 as_user: Any) -> None:
    cid, tid = draft
    drafter, head, other_head = as_user("zhanglei"), as_user("chenjing"), as_user("zhouqiang")
    assert _edit(drafter, tid).status_code == 302
    r = head.post(f"/typical/{tid}/review/")
    assert r.status_code == 302 and library.load(ws, tid).effective_status == "reviewed"
    page = drafter.get(f"/typical/{tid}/edit/").content.decode()
    assert "不能再修改" in page and "<textarea" not in page
    r = _edit(drafter, tid, body=BODY + "\n补充。")
    assert r.status_code == 409 and "不能再修改" in r.content.decode()
    # the drafter cannot send his own text back; a 负责人 can, saying what to change
    drafter.post(f"/typical/{tid}/return/", {"note": "自己退回"})
    assert "不能退回自己的稿件" in drafter.get("/typical/").content.decode()
    r = other_head.post(f"/typical/{tid}/return/", {"note": ""})
    assert "修改意见：不能为空" in other_head.get("/typical/").content.decode()
    r = other_head.post(f"/typical/{tid}/return/", {"note": "经验启示过于简略，请补充核查工资台账的方法"})
    assert r.status_code == 302
    w = library.load(ws, tid)
    assert w.effective_status == "draft" and not w.reviewer and w.returned_by == "周强"
    listing = drafter.get("/typical/").content.decode()
    assert "退回修改：经验启示过于简略" in listing
    assert "退回修改（周强）：经验启示过于简略" in drafter.get(f"/typical/{tid}/edit/").content.decode()
    new_body = BODY.replace("基数争议应先核实工资台账。", "基数争议应先核实工资台账，并与个税申报收入比对。")
    assert _edit(drafter, tid, body=new_body).status_code == 302
    assert head.post(f"/typical/{tid}/review/").status_code == 302
    w = library.load(ws, tid)
    assert w.effective_status == "reviewed" and w.reviewer == "陈静" and not w.returned_note
    types = [e.type for e in Dossier(ws, cid).journal()[0]]
    assert types[-4:] == ["typical_reviewed", "typical_returned", "typical_edited", "typical_reviewed"]
