"""归档 in the browser: a year handed over (移交) into the configured folder and verified there, and the
destruction of an expired bag requested by one logged-in account and approved by another — the same
library functions as ``casefile transfer`` and ``casefile purge``; the same account is refused as its
own approver, and the roles that may not are refused with 403."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from archive.helpers import fake_soffice_script
from casefile.models.enums import State
from casefile.store import Dossier
from web.webkit import closed_case


@pytest.fixture
def archived_case(ws: Any, as_user: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A closed case of 县税务局 archived through the archive page by its 档案员 (LibreOffice faked)."""
    monkeypatch.setenv("CASEFILE_SOFFICE", str(fake_soffice_script(tmp_path)))
    cid = closed_case(ws)
    r = as_user("wumin").post("/archive/", {"what": "archive", "case_id": cid})
    assert r.status_code == 200, r.content.decode()[:500]
    case = Dossier(ws, cid).load()
    assert case.state is State.ARCHIVED and case.archive is not None, r.content.decode()[-3000:]
    return cid


def _page(r: Any) -> str:
    assert r.status_code == 200, (r.status_code, r.content.decode()[:300])
    return str(r.content.decode())


def test_transfer_goes_into_the_configured_folder_and_is_verified_there(ws: Any, archived_case: str, as_user: Any,
                                                                        tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    archivist = as_user("wumin")
    dang_hao = Dossier(ws, archived_case).load().archive.dang_hao  # type: ignore[union-attr]
    year = dang_hao.split("·")[1][:4]
    # not configured: the page says how to configure it, nothing is written anywhere
    monkeypatch.setattr(ws.settings.archive, "transfer_dir", "")
    page = _page(archivist.post("/archive/", {"what": "transfer", "year": year}))
    assert "未配置移交目录" in page and "transfer_dir" in page
    dest = tmp_path / "档案馆接收"
    monkeypatch.setattr(ws.settings.archive, "transfer_dir", str(dest))
    page = _page(archivist.post("/archive/", {"what": "transfer", "year": "20x6"}))
    assert "移交年度：“20x6”不是有效的年度" in page and not dest.exists()
    page = _page(archivist.get("/archive/"))
    assert f'<option value="{year}">{year}年度</option>' in page and str(dest) in page
    page = _page(archivist.post("/archive/", {"what": "transfer", "year": year}))
    assert f"{dang_hao}：已复制，校验通过" in page and "有问题" not in page
    assert (dest / year / dang_hao / "bagit.txt").is_file()
    assert "移交清单" in page
    # a head may hand over too; the bag already there is verified, not copied again
    page = _page(as_user("chenjing").post("/archive/", {"what": "transfer", "year": year}))
    assert f"{dang_hao}：目的地已有，校验通过" in page


@pytest.mark.parametrize("login", ["zhanglei", "sunli", "lirs", "admin"])
def test_transfer_and_destruction_are_refused_to_other_roles(ws: Any, archived_case: str, as_user: Any,
                                                             login: str, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    dest = tmp_path / "移交"
    monkeypatch.setattr(ws.settings.archive, "transfer_dir", str(dest))
    c = as_user(login)
    year = Dossier(ws, archived_case).load().archive.dang_hao.split("·")[1][:4]  # type: ignore[union-attr]
    assert c.post("/archive/", {"what": "transfer", "year": year}).status_code == 403
    assert c.post("/archive/", {"what": "purge_request", "case_id": archived_case, "reason": "保管期满"}).status_code == 403
    assert not dest.exists() and Dossier(ws, archived_case).exists()


def test_destruction_needs_two_different_logged_in_accounts(ws: Any, archived_case: str, as_user: Any,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from casefile import clock

    cid = archived_case
    dang_hao = Dossier(ws, cid).load().archive.dang_hao  # type: ignore[union-attr]
    head, other_head, archivist = as_user("chenjing"), as_user("zhouqiang"), as_user("wumin")
    # by the real clock the retention has not ended (CASEFILE_NOW plays no part)
    page = _page(archivist.post("/archive/", {"what": "purge_request", "case_id": cid, "reason": "保管期满"}))
    assert "届满前不得销毁" in page
    monkeypatch.setattr(clock, "system_now", lambda: datetime.fromisoformat("2060-03-02T10:00:00+08:00"))
    page = _page(archivist.post("/archive/", {"what": "purge_request", "case_id": cid, "reason": ""}))
    assert "销毁理由：必填" in page
    page = _page(head.post("/archive/", {"what": "purge_request", "case_id": cid,
                                         "reason": "保管期满，经鉴定无继续保存价值"}))
    assert f"已登记档号 {dang_hao} 的销毁申请（申请人 陈静）" in page
    assert "批准并销毁" in page and "保管期满，经鉴定无继续保存价值" in page  # pending, shown to a head
    assert "待负责人批准" in _page(archivist.get("/archive/"))  # an archivist sees it, cannot approve
    assert archivist.post("/archive/", {"what": "purge_approve", "case_id": cid}).status_code == 403
    # the requester's own account is refused as the second person
    page = _page(head.post("/archive/", {"what": "purge_approve", "case_id": cid}))
    assert "销毁申请人（陈静）与批准人不能是同一人" in page
    assert Dossier(ws, cid).exists()
    # another head approves: the bag is gone, both accounts are in the preservation log
    page = _page(other_head.post("/archive/", {"what": "purge_approve", "case_id": cid}))
    assert f"档号 {dang_hao}（案件 {cid}）已销毁：申请人 陈静，批准人 周强" in page
    assert not Dossier(ws, cid).exists()
    from casefile.archive import preservation

    events, problems = preservation.read_log(ws, int(dang_hao.split("·")[1][:4]))
    mine = [e for e in events if e.case_id == cid]
    assert not problems
    assert [(e.type, e.login) for e in mine][-3:] == [("purge_requested", "chenjing"), ("purge_approved", "zhouqiang"),
                                                      ("purged", "zhouqiang")]
