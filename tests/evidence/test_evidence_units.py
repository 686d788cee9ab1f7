"""Pure parts of evidence intake: stability tracker, name filters, routing, type sniffing, text checks."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from casefile.evidence import inbox
from casefile.evidence.codes import Outcome, Reason, TextStatus
from casefile.evidence.coversheet import parse_payload, payload
from casefile.evidence.formats import Kind, sniff
from casefile.evidence.pipeline import safe_name
from casefile.evidence.stability import FileStabilityTracker, Signature
from casefile.evidence.textcheck import assess, normalise, repair_gbk_mojibake
from evidence.evfixtures import word97_doc


# -- FileStabilityTracker ----------------------------------------------------------------------------
class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_tracker_waits_for_the_delay_and_hands_out_once() -> None:
    clock = FakeClock()
    tr = FileStabilityTracker(3.0, clock)
    p = Path("/inbox/a.pdf")
    tr.observe(p, Signature(10, 1))
    assert tr.ready() == [] and tr.pending() == [p]
    clock.t += 2.9
    tr.observe(p, Signature(10, 1))
    assert tr.ready() == []
    assert tr.next_due() == pytest.approx(0.1)
    clock.t += 0.2
    assert tr.ready() == [p]
    assert tr.ready() == []  # never queued twice
    tr.observe(p, Signature(10, 1))
    clock.t += 100
    assert tr.ready() == [] and tr.pending() == []


def test_tracker_restarts_the_wait_when_size_mtime_or_inode_change() -> None:
    clock = FakeClock()
    tr = FileStabilityTracker(1.0, clock)
    p = Path("/inbox/growing.pdf")
    for size in (100, 200, 300):
        tr.observe(p, Signature(size, size))
        clock.t += 0.9
        assert tr.ready() == []
    tr.observe(p, Signature(300, 300, inode=2))  # replaced by another file with the same size and mtime
    clock.t += 0.9
    assert tr.ready() == []
    clock.t += 0.2
    assert tr.ready() == [p]
    tr.observe(p, Signature(400, 400, inode=2))  # changed after being handed out: a new file, queued again
    clock.t += 1.1
    assert tr.ready() == [p]


def test_tracker_forgets_vanished_files_and_retries_on_request() -> None:
    clock = FakeClock()
    tr = FileStabilityTracker(0.5, clock)
    a, b = Path("/i/a"), Path("/i/b")
    tr.observe(a, Signature(1, 1))
    tr.observe(b, Signature(1, 1))
    clock.t += 1
    assert tr.ready() == [a, b]
    tr.sync([b])
    assert len(tr) == 1
    tr.retry(b, after=5)
    clock.t += 4
    assert tr.ready() == []
    clock.t += 1.1
    assert tr.ready() == [b]
    with pytest.raises(ValueError):
        FileStabilityTracker(-1)


def test_tracker_with_a_real_clock_and_a_file_being_written(tmp_path: Path) -> None:
    """0.1 s delay, a writer appending every 0.04 s: the file is taken only after the writer stops."""
    tr = FileStabilityTracker(0.1)
    p = tmp_path / "scan.pdf"
    start = time.monotonic()
    with p.open("wb") as f:
        for _ in range(10):
            f.write(b"x" * 1000)
            f.flush()
            st = p.stat()
            tr.observe(p, Signature(st.st_size, st.st_mtime_ns, st.st_ino))
            assert tr.ready() == []
            time.sleep(0.04)
    finished = time.monotonic()
    taken = None
    while taken is None and time.monotonic() - start < 5:
        st = p.stat()
        tr.observe(p, Signature(st.st_size, st.st_mtime_ns, st.st_ino))
        if tr.ready():
            taken = time.monotonic()
        time.sleep(0.01)
    assert taken is not None and taken - finished >= 0.05
    assert p.stat().st_size == 10_000


# -- the drop folder's rules -------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["scan.pdf.part", "a.tmp", "~$报告.docx", "x.crdownload", "Thumbs.db", ".DS_Store",
                                  "desktop.ini", "._scan.pdf", ".~lock.x.docx#", "backup~"])
def test_temp_and_clutter_names_are_ignored(name: str) -> None:
    assert inbox.ignored_file(name)


@pytest.mark.parametrize("name", ["扫描 001.pdf", "SBZY-140932-2026-0003_工资条.pdf", "..工资条.pdf", "a..b.jpg"])
def test_real_names_are_candidates(name: str) -> None:
    assert not inbox.ignored_file(name)


def test_scan_skips_clutter_dirs_and_special_folders(tmp_path: Path) -> None:
    root = tmp_path / "inbox"
    for rel in ("说明.txt", "a.pdf", "@eaDir/a.pdf/SYNOPHOTO.jpg", "_failed/x.pdf", "_unmatched/y.pdf",
                "SBZY-140932-2026-0001/工资条/b.pdf", "SBZY-140932-2026-0001/c.pdf.part", ".hidden/d.pdf"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(b"x")
    (root / "link.pdf").symlink_to("/etc/hostname")
    found = {e.path.relative_to(root).as_posix(): e for e in inbox.scan(root)}
    assert set(found) == {"a.pdf", "SBZY-140932-2026-0001/工资条/b.pdf", "link.pdf"}
    assert found["link.pdf"].is_symlink and not found["a.pdf"].is_symlink


def test_route_by_path_three_ways(tmp_path: Path) -> None:
    root = tmp_path
    r = inbox.route_by_path(root, root / "SBZY-140932-2026-0003" / "x.pdf")
    assert (r.case_id, r.slot, r.how) == ("SBZY-140932-2026-0003", None, "folder")
    r = inbox.route_by_path(root, root / "SBZY-140932-2026-0003" / "劳动合同" / "x.pdf")
    assert (r.case_id, r.slot) == ("SBZY-140932-2026-0003", "劳动合同")
    r = inbox.route_by_path(root, root / "sbzy-140932-2026-0003_工资条.pdf")
    assert (r.case_id, r.how) == ("SBZY-140932-2026-0003", "prefix")
    r = inbox.route_by_path(root, root / "SBZY-140932-2026-00031.pdf")
    assert r.case_id == "SBZY-140932-2026-00031"
    r = inbox.route_by_path(root, root / "scan0001.pdf")
    assert (r.case_id, r.how) == (None, "none")
    r = inbox.route_by_path(root, root / "扫描仪" / "scan0001.pdf")
    assert (r.case_id, r.folder) == (None, "扫描仪")


@pytest.mark.parametrize(("name", "kind", "expected"), [
    ("工资条 2025.pdf", Kind.PDF, "工资条 2025.pdf"),
    ("../../etc/passwd", Kind.PDF, "_._etc_passwd.pdf"),
    ("..工资条.pdf", Kind.PDF, "工资条.pdf"),
    ("a:b*c?.PDF", Kind.PDF, "a_b_c_.PDF"),
    ("扫描.pdf", Kind.JPEG, "扫描.pdf.jpg"),
    ("noext", Kind.PNG, "noext.png"),
    ("Ｆｕｌｌ.pdf", Kind.PDF, "Full.pdf"),
])
def test_safe_name(name: str, kind: Kind, expected: str) -> None:
    assert safe_name(name, kind) == expected


def test_safe_name_is_bounded_in_bytes() -> None:
    name = safe_name("工" * 200 + ".pdf", Kind.PDF)
    assert len(name.encode("utf-8")) <= 150 and name.endswith(".pdf")


# -- codes ---------------------------------------------------------------------------------------------
def test_codes_are_stable_and_chinese() -> None:
    assert {o.value for o in Outcome} >= {"filed", "duplicate", "unmatched", "quarantined"}
    assert {s.value for s in TextStatus} == {"text", "ocr", "needs-password", "unsupported", "empty", "quarantined"}
    codes = [r.code for r in Reason]
    assert len(codes) == len(set(codes))
    for r in Reason:
        assert any("\u4e00" <= c <= "\u9fff" for c in r.text)
        assert Reason.from_code(r.code) is r
    assert Reason.EMPTY.quarantine and not Reason.NO_CASE.quarantine


# -- type by magic bytes -------------------------------------------------------------------------------
def test_sniff_by_content_not_by_name(tmp_path: Path) -> None:
    from evidence.evfixtures import (
        docx_with_merged_table,
        encrypt_ooxml,
        image_bytes,
        text_image,
        text_pdf,
        xlsx_bytes,
    )

    img = text_image("测试")
    cases = {
        "a.jpg": (text_pdf(1), Kind.PDF),
        "b.pdf": (image_bytes(img, "JPEG"), Kind.JPEG),
        "c.png": (image_bytes(img, "PNG"), Kind.PNG),
        "d.tif": (image_bytes(img, "TIFF"), Kind.TIFF),
        "e.bin": (docx_with_merged_table(), Kind.DOCX),
        "f.xlsx": (xlsx_bytes(), Kind.XLSX),
        "g.doc": (word97_doc(), Kind.DOC),
        "h.docx": (encrypt_ooxml(docx_with_merged_table(), "pw"), Kind.ENCRYPTED_OOXML),
        "i.pdf": (b"<html>not a pdf</html>", Kind.UNKNOWN),
        "j.pdf": (b"", Kind.EMPTY),
        "k.zip": (b"PK\x03\x04" + b"\0" * 40, Kind.ZIP),
    }
    for name, (data, kind) in cases.items():
        p = tmp_path / name
        p.write_bytes(data)
        assert sniff(p).kind is kind, name


# -- text checks -----------------------------------------------------------------------------------------
def test_nfkc_turns_kangxi_radicals_into_ideographs() -> None:
    assert normalise("\u2f42本检测") == "文本检测"
    assert normalise("ＡＢＣ１２３") == "ABC123"
    assert normalise("我 是 中 国 人", join_cjk=True) == "我是中国人"


@pytest.mark.parametrize(("text", "reason"), [
    ("¹ØÓÚºì¾ü×÷Õ½µÄÔ­Ôò", "mojibake"),
    ("컒쏇뚼쫇뫚쳥ퟖ", "wrong-script"),
    ("ABC \u034d\u034b\u034f\u0353\u0351 123", "wrong-script"),
    ("\u0cd4ຊޠ\u034d\u034b", "wrong-script"),
    ("ISSUE Date˖2019-4-25 Buyer˖哾㦓", "rare-hanzi"),
    ("㐂㐄㐆㐈㐊㐌㐎㐐㐒", "rare-hanzi"),
    ("/g437/g258", "glyph-names"),
    ("a" * 500, "repetition"),
    ('"7+%-', "symbols"),
    ("   \n ", "empty"),
])
def test_garbage_is_recognised(text: str, reason: str) -> None:
    q = assess(normalise(text))
    assert not q.ok and q.reason == reason, q


@pytest.mark.parametrize("text", [
    "甲方：中国饮料有限公司（盖章）", "坚持社会主义核心价值体系 增强文化自觉和文化自信", "中文姓名 Name in Chinese 胡駿",
    "Trace-based Just-in-Time Type Specialization for Dynamic Languages", "あのイーハトーヴォのすきとおった風",
    "2025年7月 应缴 672.00 元", "姓名：王㛃（身份证号 14093219800101123X），申请减免滞纳金共计一千二百元整。",
])
def test_real_text_passes(text: str) -> None:
    assert assess(normalise(text)).ok


def test_gbk_mojibake_is_repaired_not_guessed() -> None:
    assert repair_gbk_mojibake("È« ÊÀ ½ç ÎÞ ²ú Õß") == "全世界无产者"
    assert repair_gbk_mojibake("Ä¿ ¡¡ ¡¡ Â¼\n¹Ø ÓÚ ºì ¾ü ×÷ Õ½") == "目录\n关于红军作战"
    assert repair_gbk_mojibake("Café crème brûlée") is None  # real Latin-1 text stays what it is


def test_cover_payload_round_trip() -> None:
    text = payload("SBZY-140932-2026-0003", "工资条 2025/07")
    assert text.isascii()
    cover = parse_payload(text)
    assert cover is not None and cover.case_id == "SBZY-140932-2026-0003" and cover.slot == "工资条 2025/07"
    assert parse_payload("https://inv.example/qr?case=SBZY-140932-2026-0003") is None  # an invoice's QR code
    assert parse_payload("casefile:ev?case=../../etc") is None
