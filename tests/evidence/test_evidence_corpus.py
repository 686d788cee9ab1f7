"""Real files nobody on this project wrote (../shared/corpus): every PDF and Word file ends in exactly
one state within its time budget, and the watcher stays up throughout."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import threading
import time
import unicodedata
from pathlib import Path

import pytest

from casefile.config import Workspace
from casefile.errors import EvidenceRejected
from casefile.evidence.codes import Outcome, TextStatus
from casefile.evidence.pipeline import IngestResult, unlock
from casefile.evidence.watcher import Watcher
from evidence.evfixtures import NOW, fast_settings, load_case, make_case, read_text, text_pdf

# ../shared/corpus beside the checkout, or wherever CASEFILE_CORPUS points (a worktree one level deeper)
CORPUS = Path(os.environ.get("CASEFILE_CORPUS") or Path(__file__).resolve().parents[3] / "shared" / "corpus")
pytestmark = [pytest.mark.corpus, pytest.mark.slow,
              pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus 不存在（只在带共享语料的检出中运行，或用 CASEFILE_CORPUS 指明语料目录）")]

# bug1978317 (pypdf ~14 s idle, 30+ s under load) may end as a timeout: also a final state. The OCR of a
# PDF gets a wall-clock budget of 0.85 × this − 1 s counted from the start of its parse, so on an
# overloaded machine pypdf's text layer of freeculture's 351 pages (3–4 s idle, 15+ s at load 9 on two
# cores) used up a 20 s budget and its cover page went un-OCRd ("解析时限将到", status text). 40 s leaves
# a 33 s budget: still a third of the default (120 s), short enough to keep the run quick.
PARSE_TIMEOUT = 40.0
FINAL = {Outcome.FILED, Outcome.QUARANTINED, Outcome.DUPLICATE}

# What must happen to particular files (by corpus path). Status values: a TextStatus, or "quarantined".
EXPECTED: dict[str, str] = {
    "pdf/cjk/pdfjs_XiaoBiaoSong_GBK_simplefont_mojibake.pdf": "text",  # GBK mojibake repaired
    "pdf/cjk/pdfjs_SimFang-variant_GBK_simplefont_mojibake.pdf": "text",
    "pdf/cjk/pdfjs_issue3521_GBKp-EUC-H.pdf": "ocr",  # Hangul garbage → OCR
    "pdf/cjk/pdfjs_noembed-identity_noToUnicode.pdf": "ocr",
    "pdf/cjk/pdfminer_issue_566_test_1_wrong_CJK.pdf": "ocr",  # wrong but real hanzi → OCR
    "pdf/cjk/pdfminer_issue_566_test_2_contract_seal.pdf": "text",
    "pdf/cjk/pdfjs_issue14438_UniGB-UTF16-H.pdf": "text",  # English under CJK CMaps: not garbage
    "pdf/cjk/cnocr_intro-cnstd-cnocr_35p_slides.pdf": "text",
    "pdf/cjk/pdfminer_simple3_japanese_no_startxref.pdf": "text",  # pypdf fails, pdfium reads it
    "pdf/encrypted/pypdf_r2-user-password.pdf": "needs-password",
    "pdf/encrypted/pypdf_r4-aes-user-password.pdf": "needs-password",
    "pdf/encrypted/pypdf_r6-both-passwords.pdf": "needs-password",
    "pdf/encrypted/pdfminer_aes-256-r6.pdf": "needs-password",
    "pdf/encrypted/pypdf_r6-owner-password.pdf": "text",  # owner password only: decrypt("") opens it
    "pdf/encrypted/pypdf_r6-empty-password.pdf": "text",
    "pdf/encrypted/pypdf_unencrypted.pdf": "text",
    "pdf/malformed/qpdf_bad7_AttributeError.pdf": "quarantined",
    "pdf/malformed/qpdf_bad35_AssertionError.pdf": "quarantined",
    "pdf/malformed/pdfjs_bug1020226_truncated_stream.pdf": "quarantined",
    "pdf/malformed/ocrmypdf_invalid_header_then_EOF.pdf": "quarantined",
    "pdf/large/pdfjs_freeculture_352p.pdf": "ocr",  # 351 text pages; the cover picture page is OCRd
    "pdf/scanned/mineru_small_ocr_chinese_scanned_8p.pdf": "ocr",
    "pdf/misc/ocrmypdf_no_contents.pdf": "empty",
    "docx/real_chinese/oxml_document_with_password.docx": "needs-password",
    "docx/broken/poi_bug53475-password-is-pass.docx": "needs-password",
    "docx/broken/poi_truncated62886.docx": "quarantined",
    "docx/real_chinese/oxml_strict_ooxml_tbRl.docx": "text",  # python-docx fails; raw XML fallback
    "docx/real_chinese/oxml_2006_form_table.docx": "text",
}


def corpus_files() -> list[Path]:
    return sorted(p for folder in ("pdf", "docx") for p in (CORPUS / folder).rglob("*")
                  if p.is_file() and p.suffix.lower() in (".pdf", ".docx", ".png", ".jpg"))


def flat(rel: str) -> str:
    return rel.replace("/", "__")


def status_of(r: IngestResult) -> str:
    if r.outcome is Outcome.QUARANTINED:
        return "quarantined"
    return r.text_status.value if r.text_status else r.outcome.value


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, str, dict[str, IngestResult], dict[str, str]]:
    """All of the corpus through one running watcher (events + rescans), then one good file more."""
    from testkit import init_test_workspace as init_workspace

    ws = fast_settings(init_workspace(tmp_path_factory.mktemp("corpus") / "ws", "pianguan"),
                       parse_timeout_seconds=PARSE_TIMEOUT, max_ocr_pages=1, ocr_dpi=100, max_pixels=20_000_000)
    case_id = make_case(ws)
    files = corpus_files()
    folder = ws.inbox_dir / case_id
    folder.mkdir()
    names: dict[str, str] = {}
    for p in files:
        rel = p.relative_to(CORPUS).as_posix()
        names[f"{case_id}/{flat(rel)}"] = rel
    watcher = Watcher(ws, actor="测试员", clock=lambda: NOW, rescan_seconds=1.0)
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run_forever, args=(stop,), daemon=True)
    thread.start()
    for p in files:  # dropped while the watcher runs, as a scanner would
        shutil.copyfile(p, folder / flat(p.relative_to(CORPUS).as_posix()))
    deadline = time.monotonic() + 600
    while len(watcher.report.results) < len(files) and time.monotonic() < deadline and thread.is_alive():
        time.sleep(0.2)
    assert thread.is_alive(), "the watcher died"
    done = len(watcher.report.results)
    (folder / "after-the-corpus.pdf").write_bytes(text_pdf(1, "语料之后"))
    while len(watcher.report.results) == done and time.monotonic() < deadline:
        time.sleep(0.1)
    stop.set()
    watcher.wake()
    thread.join(120)
    results = {r.name: r for r in watcher.report.results}
    assert results[f"{case_id}/after-the-corpus.pdf"].outcome is Outcome.FILED  # still up after all that
    return ws, case_id, results, names


def test_every_corpus_file_ends_in_exactly_one_state(corpus_run: tuple[Workspace, str, dict[str, IngestResult], dict[str, str]]) -> None:
    ws, case_id, results, names = corpus_run
    missing = sorted(set(names) - set(results))
    assert not missing, missing
    for name, rel in names.items():
        r = results[name]
        assert r.outcome in FINAL, (rel, r.message)
        assert r.seconds <= PARSE_TIMEOUT + 20, (rel, r.seconds)
        if r.outcome is Outcome.FILED:
            assert r.text_status in (TextStatus.TEXT, TextStatus.OCR, TextStatus.NEEDS_PASSWORD, TextStatus.UNSUPPORTED,
                                     TextStatus.EMPTY), rel
    case = load_case(ws, case_id)
    filed = [r for r in results.values() if r.outcome is Outcome.FILED]
    assert len(case.evidence) == len(filed)
    assert len({e.sha256 for e in case.evidence}) == len(case.evidence)
    failed = ws.inbox_dir / "_failed"
    quarantined = [r for r in results.values() if r.outcome is Outcome.QUARANTINED]
    for r in quarantined:
        assert (failed / Path(r.moved_to or "").name).exists()
        assert (failed / (Path(r.moved_to or "").name + ".reason.txt")).exists()
    assert [p for p in (ws.inbox_dir / case_id).iterdir() if p.is_file()] == []


def test_known_files_get_the_right_state(corpus_run: tuple[Workspace, str, dict[str, IngestResult], dict[str, str]]) -> None:
    _ws, case_id, results, _names = corpus_run
    from casefile.evidence import ocr

    wrong = {}
    for rel, want in EXPECTED.items():
        if want == "ocr" and not ocr.available():
            want = "empty"  # garbage or image-only pages are still recognised; nothing reads them
        r = results[f"{case_id}/{flat(rel)}"]
        if status_of(r) != want:
            wrong[rel] = (want, status_of(r), r.message)
    assert not wrong, wrong


def test_garbage_never_reaches_the_text_and_nfkc_applies(corpus_run: tuple[Workspace, str, dict[str, IngestResult], dict[str, str]]) -> None:
    ws, case_id, results, _names = corpus_run

    def text(rel: str) -> str:
        return read_text(ws, case_id, results[f"{case_id}/{flat(rel)}"].ev_id or "")

    assert "关于红军作战" in text("pdf/cjk/pdfjs_XiaoBiaoSong_GBK_simplefont_mojibake.pdf")
    assert "全世界无产者" in text("pdf/cjk/pdfjs_SimFang-variant_GBK_simplefont_mojibake.pdf")
    slides = text("pdf/cjk/cnocr_intro-cnstd-cnocr_35p_slides.pdf")
    assert "文本检测" in slides and "\u2f42" not in slides
    for rel in ("pdf/cjk/pdfjs_issue3521_GBKp-EUC-H.pdf", "pdf/cjk/pdfjs_vertical_Identity-V_nonembedded.pdf",
                "pdf/cjk/pdfminer_issue_566_test_1_wrong_CJK.pdf", "pdf/cjk/pdfjs_issue5874_fake_CJK_from_Urdu.pdf"):
        r = results[f"{case_id}/{flat(rel)}"]
        t = text(rel) if r.ev_id else ""
        assert not any(0xAC00 <= ord(c) <= 0xD7AF or 0x0C80 <= ord(c) <= 0x0EFF for c in t), (rel, t[:80])
        assert "㦓" not in t
    form = text("docx/real_chinese/oxml_2006_form_table.docx")
    cjk = sum(1 for c in form if "\u4e00" <= c <= "\u9fff")
    assert 200 < cjk < 2000  # merged cells once (python-docx alone repeats them: 5,093 CJK characters)
    assert text("pdf/large/pdfjs_freeculture_352p.pdf").count("\f") >= 300
    case = load_case(ws, case_id)
    big = next(e for e in case.evidence if e.original_name == flat("pdf/large/pdfjs_freeculture_352p.pdf"))
    assert big.pages == 352


def test_encrypted_corpus_files_unlock_with_their_passwords(
        corpus_run: tuple[Workspace, str, dict[str, IngestResult], dict[str, str]]) -> None:
    ws, case_id, results, _names = corpus_run
    manifest = {row["path"]: row["password_or_ground_truth"]
                for row in csv.DictReader((CORPUS / "MANIFEST.tsv").open(encoding="utf-8"), delimiter="\t")}
    unlocked = 0
    for rel, spec in manifest.items():
        name = f"{case_id}/{flat(rel)}"
        r = results.get(name)
        if r is None or r.text_status is not TextStatus.NEEDS_PASSWORD:
            continue
        password = _password(spec)
        if password is None:
            continue
        if rel == "docx/broken/poi_bug53475-password-is-pass.docx":
            # POI's file uses a 160-bit AES key that msoffcrypto cannot derive: a clear refusal, not "wrong password"
            with pytest.raises(EvidenceRejected) as err:
                unlock(ws, case_id, r.ev_id or "", password, actor="测试员", now=NOW)
            assert err.value.code == "unsupported-encryption"
            continue
        rec = unlock(ws, case_id, r.ev_id or "", password, actor="测试员", now=NOW)
        assert rec.text_status in ("text", "ocr", "empty"), rel
        unlocked += 1
    assert unlocked >= 8


def _password(spec: str) -> str | None:
    import ast

    for part in spec.split():
        if part.startswith("user=") and part != "user=(empty)":
            value = part[len("user="):]
            if value.startswith("'"):
                value = ast.literal_eval(spec[spec.index("user=") + 5: spec.index("(Python") - 1].strip())
            return value
        if part.startswith("password="):
            return part[len("password="):]
    return None


@pytest.mark.ocr
def test_text_of_the_scanned_chinese_book_is_chinese(
        corpus_run: tuple[Workspace, str, dict[str, IngestResult], dict[str, str]]) -> None:
    from casefile.evidence import ocr

    if not ocr.available():
        pytest.skip(f"OCR 不可用：{ocr.unavailable_reason()}")
    ws, case_id, results, _names = corpus_run
    r = results[f"{case_id}/{flat('pdf/scanned/mineru_small_ocr_chinese_scanned_8p.pdf')}"]
    t = read_text(ws, case_id, r.ev_id or "")
    assert sum(1 for c in t if "\u4e00" <= c <= "\u9fff") > 100
    assert unicodedata.normalize("NFKC", t) == t
    assert hashlib.sha256(t.encode()).hexdigest()  # text file is valid UTF-8
