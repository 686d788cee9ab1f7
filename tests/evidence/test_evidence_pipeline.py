"""The ingest steps end to end, in process (the parse still runs in isolated worker processes)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import struct
import subprocess
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from casefile.config import Workspace
from casefile.errors import EvidenceRejected
from casefile.evidence import inbox as inbox_layout
from casefile.evidence.codes import Outcome, Reason, TextStatus
from casefile.evidence.pipeline import Ingest, add_files, list_evidence, read_text, unlock
from casefile.evidence.watcher import Watcher
from casefile.store import Dossier, sha256_bytes, sha256_file
from evidence.evfixtures import (
    NOW,
    by_name,
    docx_with_merged_table,
    encrypt_ooxml,
    fast_settings,
    image_bytes,
    journal_types,
    load_case,
    make_case,
    text_image,
    text_pdf,
    word97_doc,
    xlsx_bytes,
)

Drop = Callable[[str, bytes], Path]


def reason_of(ws: Workspace, result_moved_to: str | None) -> tuple[str, str]:
    assert result_moved_to
    return inbox_layout.read_reason(ws.inbox_dir / (result_moved_to + inbox_layout.REASON_SUFFIX))


# -- routing and filing ----------------------------------------------------------------------------------
def test_case_folder_files_everything_in_order(ews: Workspace, case_id: str, drop: Drop, ingest: Ingest) -> None:
    data = text_pdf(2, "工资条 2025年7月")
    src = drop(f"{case_id}/工资条/扫描 001.pdf", data)
    res = ingest.inbox_file(src)
    assert res.outcome is Outcome.FILED, res.message
    assert (res.case_id, res.ev_id, res.slot, res.text_status) == (case_id, "E001", "工资条", TextStatus.TEXT)
    assert not src.exists()  # source removed last, after the commit
    ev = load_case(ews, case_id).evidence[0]
    assert ev.original_name == "扫描 001.pdf" and ev.slot == "工资条"
    assert ev.sha256 == sha256_bytes(data) and ev.size == len(data) and ev.pages == 2
    assert ev.received_at == NOW and ev.source == f"inbox/{case_id}/工资条/扫描 001.pdf"
    assert ev.text_status == "text" and ev.media_type == "application/pdf" and ev.text_chars > 20
    d = Dossier(ews, case_id)
    assert ev.file == "evidence/E001-扫描 001.pdf"
    assert sha256_file(d.safe_path(ev.file)) == ev.sha256
    assert "工资条 2025年7月" in d.safe_path(ev.text_file or "").read_text(encoding="utf-8")
    assert "\f" in read_text(ews, case_id, "E001")  # pages separated by form feeds
    assert journal_types(ews, case_id)[-1] == "evidence_filed"
    from casefile import views

    view = views.case_view(load_case(ews, case_id), NOW.date())
    assert view["evidence"][0]["sha256"] == ev.sha256


def test_name_prefix_route(ews: Workspace, case_id: str, drop: Drop, ingest: Ingest) -> None:
    src = drop(f"{case_id}_工资条.pdf", text_pdf(1))
    res = ingest.inbox_file(src)
    assert res.outcome is Outcome.FILED and res.case_id == case_id
    ev = load_case(ews, case_id).evidence[0]
    assert ev.original_name == f"{case_id}_工资条.pdf" and ev.file == "evidence/E001-工资条.pdf"


@pytest.mark.parametrize(("rel", "reason"), [
    ("scan0001.pdf", Reason.NO_CASE),
    ("扫描仪/scan0002.pdf", Reason.NO_CASE),
    ("SBZY-140932-2026-0999/x.pdf", Reason.CASE_NOT_FOUND),
    ("SBZY-140932-2026-0999_工资条.pdf", Reason.CASE_NOT_FOUND),
])
def test_unmatched_goes_aside_with_a_reason_file(ews: Workspace, case_id: str, drop: Drop, ingest: Ingest,
                                                  rel: str, reason: Reason) -> None:
    src = drop(rel, text_pdf(1, tag=rel))
    res = ingest.inbox_file(src)
    assert res.outcome is Outcome.UNMATCHED and res.reason is reason
    assert not src.exists() and res.moved_to and res.moved_to.startswith("_unmatched/")
    code, text = reason_of(ews, res.moved_to)
    assert code == reason.code and text == reason.text
    assert load_case(ews, case_id).evidence == []


def test_duplicates_are_noted_not_filed_twice(ews: Workspace, case_id: str, drop: Drop, ingest: Ingest) -> None:
    data = text_pdf(1, "劳动合同")
    first = ingest.inbox_file(drop(f"{case_id}/合同.pdf", data))
    second = ingest.inbox_file(drop(f"{case_id}/合同（再次扫描）.pdf", data))
    third = add_files(ews, case_id, [drop("../elsewhere/合同.pdf", data)], actor="测试员", clock=lambda: NOW)[0]
    assert first.outcome is Outcome.FILED
    assert second.outcome is Outcome.DUPLICATE and second.ev_id == "E001"
    assert third.outcome is Outcome.DUPLICATE
    case = load_case(ews, case_id)
    assert len(case.evidence) == 1 and case.evidence[0].duplicates == [NOW, NOW]
    assert journal_types(ews, case_id)[-3:] == ["evidence_filed", "evidence_duplicate", "evidence_duplicate"]
    assert not (ews.inbox_dir / case_id / "合同（再次扫描）.pdf").exists()
    assert len(list((Dossier(ews, case_id).path / "evidence").glob("*.pdf"))) == 1


def test_manual_add_never_touches_the_users_files(ews: Workspace, case_id: str, tmp_path: Path) -> None:
    good = tmp_path / "我的文件" / "调解记录.pdf"
    good.parent.mkdir()
    good.write_bytes(text_pdf(1, "调解记录"))
    bad = tmp_path / "我的文件" / "坏文件.pdf"
    bad.write_bytes(b"%PDF-1.7\n garbage")
    empty = tmp_path / "我的文件" / "空.pdf"
    empty.write_bytes(b"")
    results = add_files(ews, case_id, [good, bad, empty, tmp_path / "missing.pdf"], actor="测试员",
                        clock=lambda: NOW, slot="调解材料")
    assert [r.outcome for r in results] == [Outcome.FILED, Outcome.REJECTED, Outcome.REJECTED, Outcome.SKIPPED]
    assert results[1].reason is Reason.TRUNCATED and results[2].reason is Reason.EMPTY
    assert good.exists() and bad.exists() and empty.exists()
    assert not any((ews.inbox_dir / "_failed").iterdir())
    ev = list_evidence(ews, case_id)
    assert [(e.ev_id, e.slot, e.source) for e in ev] == [("E001", "调解材料", "manual")]


def test_archived_case_refuses_evidence(ews: Workspace, case_id: str, drop: Drop, ingest: Ingest) -> None:
    from casefile.errors import CaseArchived
    from casefile.models.enums import State

    with Dossier(ews, case_id).transaction("测试员", NOW) as tx:
        tx.case.state = State.ARCHIVED
        tx.event("archived")
    res = ingest.inbox_file(drop(f"{case_id}/late.pdf", text_pdf(1)))
    assert res.outcome is Outcome.UNMATCHED and res.reason is Reason.CASE_ARCHIVED
    with pytest.raises(CaseArchived):
        add_files(ews, case_id, [], actor="测试员", clock=lambda: NOW)


# -- bad input -----------------------------------------------------------------------------------------
def png_claiming(width: int, height: int) -> bytes:
    """A PNG header that claims a huge size (cheap stand-in for a 35,000 × 35,000 pixel bomb)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 1024)) + chunk(b"IEND", b"")


def test_bad_files_are_quarantined_with_stable_reasons(ews: Workspace, case_id: str, drop: Drop,
                                                       watch_once: Callable[..., object]) -> None:
    pdf = text_pdf(3, tag="truncate-me")
    jpeg = image_bytes(text_image("截断"), "JPEG")
    cases = {
        "zero.pdf": (b"", Reason.EMPTY),
        "truncated.pdf": (pdf[: len(pdf) // 2], Reason.TRUNCATED),
        "truncated.jpg": (jpeg[: len(jpeg) // 2], Reason.TRUNCATED),
        "not-a-pdf.pdf": (b"<html><body>404 Not Found</body></html>", Reason.TYPE_MISMATCH),
        "readme.txt": (b"just text", Reason.UNSUPPORTED_TYPE),
        "huge 35000x35000.png": (png_claiming(35_000, 35_000), Reason.PIXEL_LIMIT),
        "broken.docx": (docx_with_merged_table()[:3000], Reason.TRUNCATED),
    }
    for name, (data, _reason) in cases.items():
        drop(f"{case_id}/{name}", data)
    drop(f"{case_id}/good.pdf", text_pdf(1, tag="good"))
    report = watch_once()
    results = by_name(report.results)  # type: ignore[attr-defined]
    for name, (_data, reason) in cases.items():
        r = results[f"{case_id}/{name}"]
        assert r.outcome is Outcome.QUARANTINED and r.reason is reason, (name, r.message)
        assert r.moved_to and r.moved_to.startswith("_failed/")
        assert reason_of(ews, r.moved_to)[0] == reason.code
    assert results[f"{case_id}/good.pdf"].outcome is Outcome.FILED
    assert [e.original_name for e in load_case(ews, case_id).evidence] == ["good.pdf"]


def test_symlink_out_of_the_inbox_is_refused(ews: Workspace, case_id: str, tmp_path: Path, ingest: Ingest) -> None:
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(text_pdf(1, "机密"))
    link = ews.inbox_dir / case_id / "link.pdf"
    link.parent.mkdir()
    link.symlink_to(secret)
    res = ingest.inbox_file(link)
    assert res.outcome is Outcome.QUARANTINED and res.reason is Reason.SYMLINK
    assert "收件目录之外" in res.detail
    moved = ews.inbox_dir / (res.moved_to or "")
    assert moved.is_symlink() and secret.exists()  # the link was moved, its target untouched
    assert load_case(ews, case_id).evidence == []


def test_names_with_spaces_chinese_and_dots(ews: Workspace, case_id: str, drop: Drop, ingest: Ingest) -> None:
    names = ["带 空格 的 文件.pdf", "..工资条..2025.pdf", "a..b.pdf", "第1页（原件）【复印】.pdf"]
    for i, name in enumerate(names):
        res = ingest.inbox_file(drop(f"{case_id}/{name}", text_pdf(1, tag=str(i))))
        assert res.outcome is Outcome.FILED, res.message
    case = load_case(ews, case_id)
    d = Dossier(ews, case_id)
    for ev in case.evidence:
        path = d.safe_path(ev.file)
        assert path.parent == d.path.resolve() / "evidence" and ".." not in path.name
    assert [e.original_name for e in case.evidence] == names


def test_a_file_still_being_written_is_taken_complete_and_once(ews: Workspace, case_id: str) -> None:
    data = text_pdf(6, "分段写入")
    target = ews.inbox_dir / case_id / "slow.pdf"
    target.parent.mkdir()
    stop = threading.Event()
    watcher = Watcher(ews, actor="测试员", clock=lambda: NOW, stability_seconds=0.3, rescan_seconds=0.2)
    thread = threading.Thread(target=watcher.run_forever, args=(stop,))
    thread.start()
    try:
        with target.open("wb") as f:
            step = len(data) // 8 + 1
            for i in range(0, len(data), step):
                f.write(data[i:i + step])
                f.flush()
                time.sleep(0.12)
        deadline = time.monotonic() + 30
        while target.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        watcher.wake()
        thread.join(60)
    assert not thread.is_alive()
    filed = [r for r in watcher.report.results if r.outcome is Outcome.FILED]
    assert len(filed) == 1 and len(watcher.report.results) == 1
    assert load_case(ews, case_id).evidence[0].sha256 == sha256_bytes(data)


def test_watcher_survives_a_burst_and_files_each_once(ews: Workspace, case_id: str, drop: Drop) -> None:
    """A burst of 500 files in several cases, with bad files mixed in."""
    cases = [case_id, *(make_case(ews) for _ in range(3))]
    n = 0
    expected: dict[str, str] = {}
    pdf = text_pdf(1, "批量")
    for i in range(500):
        cid = cases[i % len(cases)]
        if i % 50 == 7:
            drop(f"{cid}/坏{i}.pdf", b"%PDF-1.4 broken")
            continue
        if i % 50 == 9:
            drop(f"{cid}/空{i}.pdf", b"")
            continue
        data = pdf + f"\n% unique {i}\n".encode()  # unique bytes, same text
        drop(f"{cid}/批量 {i:03d}.pdf", data)
        expected[sha256_bytes(data)] = cid
        n += 1
    report = Watcher(ews, actor="测试员", clock=lambda: NOW, use_events=False).run_once()
    counts = report.counts()
    assert counts == {"filed": n, "quarantined": 20}, counts
    filed: dict[str, str] = {}
    for cid in cases:
        for ev in load_case(ews, cid).evidence:
            assert ev.sha256 not in filed
            filed[ev.sha256] = cid
    assert filed == expected
    assert [p.name for p in ews.inbox_dir.iterdir() if p.is_file()] == ["说明.txt"]


# -- read-only inbox ---------------------------------------------------------------------------------------
@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [path, *path.rglob("*")] if p.is_dir()}
        for p in modes:
            p.chmod(0o555)
        try:
            yield
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
        return
    # root ignores permissions: a read-only bind mount is the honest test
    ok = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True).returncode == 0
    if ok:
        ok = subprocess.run(["mount", "-o", "remount,ro,bind", str(path)], capture_output=True).returncode == 0
        if not ok:
            subprocess.run(["umount", str(path)], capture_output=True)
    if not ok:
        pytest.skip("以 root 运行且无法挂载只读目录：无法模拟只读收件目录")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_read_only_inbox_files_without_losing_or_doubling(ews: Workspace, case_id: str, drop: Drop,
                                                           watch_once: Callable[..., object]) -> None:
    good = drop(f"{case_id}/只读目录中的文件.pdf", text_pdf(1, "只读"))
    bad = drop(f"{case_id}/bad.pdf", b"not a pdf at all")
    with read_only(ews.inbox_dir):
        first = watch_once()
        second = watch_once()
    r1 = by_name(first.results)  # type: ignore[attr-defined]
    assert r1[f"{case_id}/只读目录中的文件.pdf"].outcome is Outcome.FILED
    assert r1[f"{case_id}/只读目录中的文件.pdf"].warnings
    assert r1[f"{case_id}/bad.pdf"].outcome is Outcome.RETRY  # could not be moved aside: left, reported
    r2 = by_name(second.results)  # type: ignore[attr-defined]
    assert r2[f"{case_id}/只读目录中的文件.pdf"].outcome is Outcome.ALREADY_FILED
    assert good.exists() and bad.exists()
    case = load_case(ews, case_id)
    assert len(case.evidence) == 1 and case.evidence[0].duplicates == []
    third = watch_once()  # writable again: the leftovers are cleared, nothing filed twice
    r3 = by_name(third.results)  # type: ignore[attr-defined]
    assert r3[f"{case_id}/只读目录中的文件.pdf"].outcome is Outcome.ALREADY_FILED
    assert r3[f"{case_id}/bad.pdf"].outcome is Outcome.QUARANTINED
    assert not good.exists() and len(load_case(ews, case_id).evidence) == 1


# -- formats -------------------------------------------------------------------------------------------------
def test_office_files(ews: Workspace, case_id: str, drop: Drop, ingest: Ingest) -> None:
    results = {
        name: ingest.inbox_file(drop(f"{case_id}/{name}", data))
        for name, data in (("合同.docx", docx_with_merged_table()), ("明细.xlsx", xlsx_bytes()),
                           ("旧文档.doc", word97_doc()), ("表格.pdf", docx_with_merged_table("另一份")))
    }
    assert {n: r.text_status for n, r in results.items()} == {
        "合同.docx": TextStatus.TEXT, "明细.xlsx": TextStatus.TEXT, "旧文档.doc": TextStatus.UNSUPPORTED,
        "表格.pdf": TextStatus.TEXT}
    text = read_text(ews, case_id, results["合同.docx"].ev_id or "")
    assert text.count("偏关县鑫达运输有限公司") == 1  # vertically merged cell, once
    assert "用人单位基本情况登记" in text and text.count("用人单位基本情况登记") == 1
    assert "缴费明细" in read_text(ews, case_id, results["明细.xlsx"].ev_id or "")
    case = load_case(ews, case_id)
    by = {e.original_name: e for e in case.evidence}
    assert by["表格.pdf"].file.endswith("表格.pdf.docx")  # content decides, the name is kept visible
    assert "扩展名与内容不符" in (by["表格.pdf"].note or "")
    assert by["旧文档.doc"].text_file is None and by["旧文档.doc"].media_type == "application/msword"


def test_encrypted_office_file_needs_password_then_unlocks(ews: Workspace, case_id: str, drop: Drop,
                                                          ingest: Ingest) -> None:
    data = encrypt_ooxml(docx_with_merged_table(), "偏关2026")
    res = ingest.inbox_file(drop(f"{case_id}/加密合同.docx", data))
    assert res.outcome is Outcome.FILED and res.text_status is TextStatus.NEEDS_PASSWORD
    with pytest.raises(EvidenceRejected) as err:
        unlock(ews, case_id, res.ev_id or "", "wrong", actor="测试员", now=NOW)
    assert err.value.code == "wrong-password" and "密码不正确" in err.value.message
    rec = unlock(ews, case_id, (res.ev_id or "").lower(), "偏关2026", actor="测试员", now=NOW)
    assert rec.text_status == "text" and rec.text_chars > 10
    assert "偏关县鑫达运输有限公司" in read_text(ews, case_id, rec.ev_id)
    assert sha256_file(Dossier(ews, case_id).safe_path(rec.file)) == sha256_bytes(data)  # kept as received
    assert journal_types(ews, case_id)[-1] == "evidence_unlocked"
    with pytest.raises(EvidenceRejected):
        unlock(ews, case_id, rec.ev_id, "偏关2026", actor="测试员", now=NOW)  # not encrypted any more


def encrypted_pdf(user: str, owner: str) -> bytes:
    import io

    from pypdf import PdfReader, PdfWriter

    w = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(1, "加密的工资条"))))
    w.encrypt(user_password=user, owner_password=owner, algorithm="AES-256")
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def test_encrypted_pdfs(ews: Workspace, case_id: str, drop: Drop, ingest: Ingest) -> None:
    owner_only = ingest.inbox_file(drop(f"{case_id}/owner.pdf", encrypted_pdf("", "owner-secret")))
    assert owner_only.text_status is TextStatus.TEXT  # decrypt("") opens it
    locked = ingest.inbox_file(drop(f"{case_id}/locked.pdf", encrypted_pdf("工资123", "owner-secret")))
    assert locked.text_status is TextStatus.NEEDS_PASSWORD
    rec = unlock(ews, case_id, locked.ev_id or "", "工资123", actor="测试员", now=NOW)
    assert rec.text_status == "text" and "加密的工资条" in read_text(ews, case_id, rec.ev_id)


def test_images_get_a_lossless_archive_pdf(ews: Workspace, case_id: str, drop: Drop, ingest: Ingest) -> None:
    from PIL import Image

    img = text_image("证据照片", size=(600, 200), font_px=64)
    exif = Image.Exif()
    exif[0x0112] = 3  # stored upside down
    jpeg = image_bytes(img.rotate(180), "JPEG", exif=exif, quality=90)
    tiff = image_bytes(img, "TIFF", save_all=True, append_images=[img.rotate(90, expand=True)], compression="tiff_lzw")
    r_jpg = ingest.inbox_file(drop(f"{case_id}/照片.jpg", jpeg))
    r_tif = ingest.inbox_file(drop(f"{case_id}/扫描.tif", tiff))
    assert r_jpg.outcome is Outcome.FILED and r_tif.outcome is Outcome.FILED
    case = load_case(ews, case_id)
    d = Dossier(ews, case_id)
    jpg_rec, tif_rec = case.evidence
    assert jpg_rec.media_type == "image/jpeg" and jpg_rec.pages == 1 and tif_rec.pages == 2
    archive = d.safe_path(jpg_rec.archive_pdf or "").read_bytes()
    assert jpeg[jpeg.index(b"\xff\xda"):] in archive  # the JPEG scan data embedded as is: lossless
    assert b"/Rotate 180" in archive  # EXIF orientation kept as page rotation
    from pypdf import PdfReader

    assert len(PdfReader(str(d.safe_path(tif_rec.archive_pdf or ""))).pages) == 2


# -- cover sheets -----------------------------------------------------------------------------------------------
def test_cover_sheet_round_trip_through_a_scanner(ews: Workspace, case_id: str, drop: Drop) -> None:
    """Generate the cover, print it to PDF, scan it with the pages behind it (200 dpi, a little
    rotation and noise), drop the scan anywhere: filed under case and slot, cover page gone."""
    from casefile.evidence.coversheet import coversheet_for_case, decode_cover
    from evidence.evfixtures import rasterise, scan_like

    ews = fast_settings(ews, max_ocr_pages=0)  # OCR is not what this test is about
    cover_pdf = coversheet_for_case(ews, case_id, "工资条", NOW)
    pages = rasterise(cover_pdf, 200) + rasterise(text_pdf(2, "工资条正文"), 200)
    scan = scan_like(pages, rotate=1.3, noise=14)
    src = drop("scan_20261122_0001.pdf", scan)
    other = drop("scan_20261122_0002.pdf", scan_like(rasterise(cover_pdf, 200), rotate=-0.8))
    report = Watcher(ews, actor="测试员", clock=lambda: NOW, use_events=False).run_once()
    res = by_name(report.results)
    r = res["scan_20261122_0001.pdf"]
    assert r.outcome is Outcome.FILED and r.case_id == case_id and r.slot == "工资条", r.message
    assert res["scan_20261122_0002.pdf"].reason is Reason.COVER_ONLY
    assert not src.exists() and not other.exists()
    ev = load_case(ews, case_id).evidence[0]
    assert ev.slot == "工资条" and ev.pages == 2 and ev.source_sha256 == sha256_bytes(scan)
    assert "已去掉封面页" in (ev.note or "")
    filed = Dossier(ews, case_id).safe_path(ev.file)
    assert ev.sha256 == sha256_file(filed)
    from evidence.evfixtures import pdf_pages

    assert pdf_pages(filed) == 2
    assert decode_cover(rasterise(filed.read_bytes(), 150)[0]) is None  # page 1 is content, not the cover
    # the same scan again (with its cover) is recognised as a duplicate of what was filed
    again = Watcher(ews, actor="测试员", clock=lambda: NOW, use_events=False)
    drop("again.pdf", scan)
    assert again.run_once().results[0].outcome is Outcome.DUPLICATE


def test_cover_conflicting_with_the_folder_is_unmatched(ews: Workspace, case_id: str, drop: Drop,
                                                         ingest: Ingest) -> None:
    from casefile.evidence.coversheet import coversheet_for_case
    from evidence.evfixtures import rasterise, scan_like

    other = make_case(ews)
    cover = coversheet_for_case(ews, other, None, NOW)
    scan = scan_like(rasterise(cover, 150) + rasterise(text_pdf(1), 150), rotate=0.5)
    res = ingest.inbox_file(drop(f"{case_id}/混放.pdf", scan))
    assert res.outcome is Outcome.UNMATCHED and res.reason is Reason.COVER_CONFLICT
    assert other in res.detail and case_id in res.detail


def test_staging_is_cleaned(ews: Workspace, case_id: str, drop: Drop, ingest: Ingest) -> None:
    from casefile.evidence.pipeline import STAGING_DIR

    ingest.inbox_file(drop(f"{case_id}/a.jpg", image_bytes(text_image(), "JPEG")))
    ingest.inbox_file(drop(f"{case_id}/b.pdf", b"%PDF-1.4 nothing %%EOF"))
    staging = ews.state_dir / STAGING_DIR
    assert not staging.exists() or not any(staging.iterdir())
    shutil.rmtree(staging, ignore_errors=True)


def test_same_content_in_two_cases_is_filed_in_both(ews: Workspace, case_id: str, drop: Drop, ingest: Ingest) -> None:
    other = make_case(ews)
    data = text_pdf(1, "共同证据")
    assert ingest.inbox_file(drop(f"{case_id}/x.pdf", data)).outcome is Outcome.FILED
    assert ingest.inbox_file(drop(f"{other}/x.pdf", data)).outcome is Outcome.FILED
    assert hashlib.sha256(data).hexdigest() == load_case(ews, other).evidence[0].sha256


# -- isolation: a parser that hangs, crashes or eats memory ---------------------------------------------------
def test_hanging_parse_is_killed_and_quarantined(ews: Workspace, case_id: str, drop: Drop) -> None:
    ews = fast_settings(ews, parse_timeout_seconds=0.5)
    slow = drop(f"{case_id}/三百页.pdf", text_pdf(300, "很长的文件"))
    good = drop(f"{case_id}/短.docx", docx_with_merged_table())
    report = Watcher(ews, actor="测试员", clock=lambda: NOW, use_events=False).run_once()
    res = by_name(report.results)
    r = res[f"{case_id}/三百页.pdf"]
    assert r.outcome is Outcome.QUARANTINED and r.reason is Reason.TIMEOUT and r.seconds < 10, r.message
    assert res[f"{case_id}/短.docx"].outcome is Outcome.FILED
    assert not slow.exists() and not good.exists()


def test_crashing_parser_is_quarantined(ews: Workspace, case_id: str, drop: Drop,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from casefile.evidence.worker import WORKER_FAULT_VAR, WorkerPool

    monkeypatch.setenv(WORKER_FAULT_VAR, "worker.parse")  # every parse process SIGKILLs itself
    with WorkerPool(1) as crashing:
        res = Ingest(ews, "测试员", lambda: NOW, pool=crashing).inbox_file(drop(f"{case_id}/a.pdf", text_pdf(1)))
    assert res.outcome is Outcome.QUARANTINED and res.reason is Reason.PARSER_CRASH and "SIGKILL" in res.detail
    monkeypatch.delenv(WORKER_FAULT_VAR)
    with WorkerPool(1) as fine:
        res = Ingest(ews, "测试员", lambda: NOW, pool=fine).inbox_file(drop(f"{case_id}/b.pdf", text_pdf(1)))
    assert res.outcome is Outcome.FILED


def test_memory_cap_stops_a_bomb(ews: Workspace, case_id: str, drop: Drop) -> None:
    """A 1-bit image of 11,000 × 10,000 pixels: 14 MB as bits, under the pixel cap, but 330 MB once
    converted to RGB for OCR: over a 350 MB address-space cap."""
    from PIL import Image

    ews = fast_settings(ews, memory_limit_mb=350, max_ocr_pages=1)
    img = Image.new("1", (11_000, 10_000), 1)
    path = drop(f"{case_id}/大图.png", image_bytes(img, "PNG"))
    with ews_pool(ews) as ingest:
        res = ingest.inbox_file(path)
    assert res.outcome is Outcome.QUARANTINED, res.message
    assert res.reason in (Reason.MEMORY_LIMIT, Reason.PARSER_CRASH), res.message


@contextlib.contextmanager
def ews_pool(ws: Workspace) -> Iterator[Ingest]:
    from casefile.evidence.worker import WorkerPool

    with WorkerPool(1) as p:
        yield Ingest(ws, "测试员", lambda: NOW, pool=p)


def test_startup_scan_and_periodic_rescan_without_events(ews: Workspace, case_id: str, drop: Drop) -> None:
    before = drop(f"{case_id}/启动前.pdf", text_pdf(1, tag="before"))
    stop = threading.Event()
    watcher = Watcher(ews, actor="测试员", clock=lambda: NOW, use_events=False, rescan_seconds=0.3)
    thread = threading.Thread(target=watcher.run_forever, args=(stop,))
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while before.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        after = drop(f"{case_id}/启动后.pdf", text_pdf(1, tag="after"))  # no event will tell the watcher
        while after.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        watcher.wake()
        thread.join(60)
    assert [r.outcome for r in watcher.report.results] == [Outcome.FILED, Outcome.FILED]


def test_gbk_encoded_file_names(ews: Workspace, case_id: str, ingest: Ingest) -> None:
    """A zip made on Chinese Windows and unpacked here leaves GBK bytes in file names."""
    folder = ews.inbox_dir / case_id
    folder.mkdir()
    raw = os.fsencode(folder) + b"/" + "工资条.pdf".encode("gbk")
    with open(raw, "wb") as f:
        f.write(text_pdf(1))
    path = Path(os.fsdecode(raw))
    res = ingest.inbox_file(path)
    assert res.outcome is Outcome.FILED and res.name.endswith("工资条.pdf")
    assert load_case(ews, case_id).evidence[0].original_name == "工资条.pdf"
    bad = os.fsencode(folder) + b"/" + "坏.pdf".encode("gbk")
    with open(bad, "wb") as f:
        f.write(b"%PDF-1.4 broken")
    res = ingest.inbox_file(Path(os.fsdecode(bad)))
    assert res.outcome is Outcome.QUARANTINED and res.moved_to and res.moved_to.endswith("坏.pdf")


def test_a_retry_says_who_retries() -> None:
    from casefile.evidence.pipeline import IngestResult

    watched = IngestResult(Outcome.RETRY, "收件/扫描1.pdf", detail="磁盘空间不足")
    manual = IngestResult(Outcome.RETRY, "扫描1.pdf", detail="磁盘空间不足", manual=True)
    assert watched.message.endswith("将稍后重试")  # the watcher comes back to the file
    assert manual.message.endswith("请稍后重新运行") and "将稍后重试" not in manual.message  # nothing will


def test_fsck_removes_reason_files_a_killed_watcher_left_half_written(ews: Workspace) -> None:
    from casefile.workspace import fsck

    failed = ews.inbox_dir / inbox_layout.FAILED_DIR
    unmatched = ews.inbox_dir / inbox_layout.UNMATCHED_DIR
    failed.mkdir(parents=True, exist_ok=True)
    unmatched.mkdir(parents=True, exist_ok=True)
    # what store.atomic_write leaves when killed before its rename
    stale = [failed / ".SBZY-140932-2026-0005_坏3.pdf.reason.txt.62ae2d98.tmp",
             unmatched / ".扫描.pdf.reason.txt.0a1b2c3d.tmp"]
    for p in stale:
        p.write_bytes(b"reason: damaged\n")
    kept = [failed / ".用户自己的.tmp", failed / "坏1.pdf", failed / "坏1.pdf.reason.txt"]
    for p in kept:
        p.write_bytes(b"x")
    report = fsck(ews, repair=True, now=NOW)
    assert not any(p.exists() for p in stale) and all(p.exists() for p in kept)
    assert sum("隔离操作留下的临时文件" in r for r in report.recovered) == 2
