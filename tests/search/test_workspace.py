"""casefile.search on a real workspace: sources, the change queue, rebuild, repair, filters, CLI wiring."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from casefile import search
from casefile.errors import InvalidFilters, UsageError

from .helpers import NOW, make_case, with_engine, write_docx

LAWS = Path(__file__).resolve().parents[2] / "src" / "casefile" / "data" / "search" / "laws"
SMALL_LAWS = ("社会保险费征缴暂行条例(2019-03-24).md", "信访条例(2005-01-10).md", "信访工作条例(2022-02-25).md", "laws.toml")


@pytest.fixture(autouse=True)
def small_statute_set(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three statutes instead of twenty-six keep each rebuild fast; the full set is covered elsewhere."""
    from casefile.search_engines import sources

    d = tmp_path_factory.mktemp("laws")
    for name in SMALL_LAWS:
        shutil.copy(LAWS / name, d / name)
    monkeypatch.setattr(sources, "laws_dir", lambda: d)
    return d


@pytest.fixture(params=["whoosh", "tantivy"])
def ws(request: pytest.FixtureRequest, search_ws: Any) -> Any:
    return with_engine(search_ws, request.param)


def hits(report: search.SearchReport) -> list[str]:
    return [h.id for h in report.results]


def test_rebuild_indexes_every_source(ws: Any) -> None:
    case = make_case(ws, 1, claim="单位按最低缴费基数申报，要求补缴。",
                     docs=[("处理意见告知书", ["经查，单位应按实际工资申报缴费基数。"])],
                     evidence="工资条：2026年9月实发工资8600元。")
    lib = ws.library_dir / "TC-2026-0001.md"
    lib.write_text("---\nid: TC-2026-0001\ntitle: 某公司缴费基数争议案\ncategory: [C03]\nstatus: draft\n---\n"
                   "# 某公司缴费基数争议案\n\n## 案情简介\n\n职工反映工资条与申报不符。\n", encoding="utf-8")
    report = search.rebuild(ws, workers=2)
    assert report.by_kind["case"] == 1 and report.by_kind["document"] == 1 and report.by_kind["evidence"] == 1
    assert report.by_kind["typical"] == 1 and report.by_kind["law"] > 80
    assert report.problems == []
    found = search.search(ws, "工资条")
    assert set(hits(found)) == {f"ev:{case.id}:E1", "typical:TC-2026-0001"}
    assert hits(search.search(ws, "实际工资", filters={"kind": ["document"]})) == [f"doc:{case.id}:D12-1"]
    assert search.status(ws).documents == report.documents


def test_statutes_are_labelled_and_current_versions_rank_first(ws: Any) -> None:
    search.rebuild(ws, workers=1)
    r = search.search(ws, "信访事项 办理期限", filters={"kind": ["law"]})
    titles = [h.title for h in r.results]
    assert titles[0].startswith("《信访工作条例》（2022年）第三十四条")
    old = next(t for t in titles if "信访条例》（2005年）" in t)
    assert old.endswith("【已废止】")


def test_notify_change_is_cheap_and_applied_before_the_next_query(ws: Any) -> None:
    make_case(ws, 1, claim="反映社会保险费欠缴。")
    search.rebuild(ws, workers=1)
    case2 = make_case(ws, 2, claim="王䶮反映被加收滞纳金。")
    assert search.notify_change(ws, case2.id) is True
    pending = (search.index_root(ws) / search.PENDING_FILE).read_text(encoding="utf-8")
    assert case2.id in pending
    assert hits(search.search(ws, "䶮")) == [f"case:{case2.id}"]
    assert not (search.index_root(ws) / search.PENDING_FILE).exists()
    assert not list(search.index_root(ws).glob("pending-*.claimed"))


def test_notify_change_imports_nothing_heavy(search_ws: Any) -> None:
    code = ("import sys\nfrom casefile.config import find_workspace\nfrom casefile.search import notify_change\n"
            f"ws = find_workspace({str(search_ws.root)!r})\nprint(notify_change(ws, 'SBZY-140932-2026-0001'))\n"
            "print(sorted(m for m in ('whoosh', 'tantivy', 'jieba', 'rjieba', 'opencc', 'docx') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.split("\n")[:2] == ["True", "[]"], out.stderr


def test_notify_change_never_raises(search_ws: Any) -> None:
    root = search.index_root(search_ws)
    root.parent.mkdir(parents=True, exist_ok=True)
    root.write_text("not a directory", encoding="utf-8")
    assert search.notify_change(search_ws, "SBZY-140932-2026-0001") is False


def test_deleted_case_leaves_the_index(ws: Any) -> None:
    case = make_case(ws, 1, claim="反映退费流程过长。")
    search.rebuild(ws, workers=1)
    shutil.rmtree(ws.archive_dir / "2026" / case.id)
    search.notify_change(ws, case.id)
    assert search.search(ws, "退费").total == 0


def test_library_edits_are_picked_up_without_notification(ws: Any) -> None:
    search.rebuild(ws, workers=1)
    path = ws.library_dir / "TC-2026-0002.md"
    path.write_text("---\nid: TC-2026-0002\ntitle: 特殊缴费核定争议\n---\n正文：特殊缴费应征金额。\n", encoding="utf-8")
    assert hits(search.search(ws, "特殊缴费")) == ["typical:TC-2026-0002"]
    path.unlink()
    assert search.search(ws, "特殊缴费").total == 0


@pytest.mark.slow  # six damaged indexes, each rebuilt: the full run, not the inner loop
@pytest.mark.parametrize("damage", ["garbage", "missing", "meta"])
def test_damaged_index_is_rebuilt_not_a_crash(ws: Any, damage: str) -> None:
    make_case(ws, 1, claim="反映滞纳金计算有误。")
    search.rebuild(ws, workers=1)
    before = search.search(ws, "滞纳金").total
    meta = json.loads((search.index_root(ws) / search.META_FILE).read_text())
    index_dir = search.index_root(ws) / meta["dir"]
    if damage == "garbage":
        # Each file is replaced by garbage (a new inode), not overwritten in place: this process may
        # still map the old files (tantivy's reader threads, whoosh's segments until collected), and
        # truncating a mapped file under a reader is a SIGBUS, not a damaged index.
        for f in index_dir.iterdir():
            if f.is_file():
                tmp = f.with_name(f.name + ".garbage")
                tmp.write_bytes(b"\x00garbage" * 10)
                os.replace(tmp, f)
    elif damage == "missing":
        shutil.rmtree(index_dir)
    else:
        (search.index_root(ws) / search.META_FILE).write_text("{not json", encoding="utf-8")
    r = search.search(ws, "滞纳金")
    assert r.total == before
    if damage != "meta":
        assert any("已自动重建" in n for n in r.notices)


def test_engine_switch_rebuilds(search_ws: Any) -> None:
    search_ws = with_engine(search_ws, "whoosh")
    make_case(search_ws, 1, claim="反映滞纳金计算有误。")
    search.rebuild(search_ws, workers=1)
    before = search.search(search_ws, "滞纳金").total
    other = with_engine(search_ws, "tantivy")
    r = search.search(other, "滞纳金")
    assert r.engine == "tantivy" and r.total == before
    assert any("tantivy" in n for n in r.notices)


@pytest.mark.slow  # waits out the query's lock timeout: the full run, not the inner loop
def test_held_lock_does_not_block_a_query(ws: Any) -> None:
    from casefile.store import locked

    case = make_case(ws, 1, claim="反映缴费基数。")
    search.rebuild(ws, workers=1)
    search.notify_change(ws, case.id)
    with locked(ws, search.LOCK_NAME):
        r = search.search(ws, "缴费基数", filters={"kind": ["case"]})
    assert r.total == 1
    assert any("另一个操作" in n for n in r.notices)


def test_stale_engine_lock_file_is_survived(ws: Any) -> None:
    make_case(ws, 1, claim="反映缴费基数。")
    search.rebuild(ws, workers=1)
    meta = json.loads((search.index_root(ws) / search.META_FILE).read_text())
    index_dir = search.index_root(ws) / meta["dir"]
    for name in ("MAIN_WRITELOCK", ".tantivy-writer.lock"):
        (index_dir / name).write_text("left behind by a killed process", encoding="utf-8")
    make_case(ws, 2, claim="另一件缴费基数争议。")
    search.notify_change(ws, "SBZY-140932-2026-0002")
    assert search.search(ws, "缴费基数", filters={"kind": ["case"]}).total == 2


def test_filters_field_syntax_and_validation(ws: Any) -> None:
    make_case(ws, 1, categories=("C06",), risk="高", lead="RSJ", place="偏关县老营镇", claim="滞纳金争议。")
    make_case(ws, 2, categories=("C03",), risk="低", place="偏关县新关镇", claim="缴费基数争议，涉及滞纳金。",
              decision="单位按实际工资补缴。")
    search.rebuild(ws, workers=1)
    assert search.search(ws, "滞纳金 category:C06 kind:case").total == 1
    assert search.search(ws, "滞纳金", filters={"category": ["滞纳金加收"], "kind": ["case"]}).total == 1
    assert search.search(ws, "滞纳金", filters={"risk": ["低"]}).total == 1
    assert search.search(ws, "滞纳金", filters={"dept": ["人社局"]}).total == 1
    assert search.search(ws, "滞纳金", filters={"region": ["偏关县"]}).total == 2
    assert search.search(ws, "滞纳金", filters={"region": ["140932"]}).total == 2
    assert search.search(ws, "滞纳金 region:偏关县老营镇").total == 1
    assert search.search(ws, "滞纳金", filters={"outcome": ["已形成处理意见"]}).total == 1
    assert search.search(ws, "滞纳金", filters={"year": ["2025..2026"], "kind": ["case"]}).total == 2
    assert search.search(ws, "滞纳金 -kind:law").total == 2
    with pytest.raises(InvalidFilters) as err:  # refused (exit 1), every bad value at once
        search.search(ws, "滞纳金 category:C99 year:abc", filters={"dept": ["不存在的局"]})
    msg = str(err.value)
    assert "类别“C99”" in msg and "年份“abc”" in msg and "部门“不存在的局”" in msg
    with pytest.raises(UsageError):
        search.search(ws, "")


def test_results_mask_personal_data_unless_revealed(ws: Any) -> None:
    make_case(ws, 1, claim="反映人手机13834561234，要求退费到银行账户6222021234567890123。")
    search.rebuild(ws, workers=1)
    masked = search.search(ws, "退费").results[0].snippet
    assert "138****1234" in masked and "***************0123" in masked and "13834561234" not in masked
    revealed = search.search(ws, "退费", reveal=True, actor="王晓梅", now=NOW).results[0].snippet
    assert "13834561234" in revealed
    from casefile.store import Dossier

    entries, _ = Dossier(ws, "SBZY-140932-2026-0001").journal()
    assert entries[-1].type == "revealed" and entries[-1].actor == "王晓梅" and "退费" in entries[-1].payload["purpose"]
    with pytest.raises(UsageError):
        search.search(ws, "退费", reveal=True)


def test_similar_cases(ws: Any) -> None:
    a = make_case(ws, 1, categories=("C03",), claim="职工反映单位按最低缴费基数申报养老保险，要求按实际工资补缴。")
    make_case(ws, 2, categories=("C03",), claim="多名职工称公司按最低缴费基数申报，实际工资高出一倍。")
    make_case(ws, 3, categories=("C07",), claim="重复缴纳医疗保险费申请退费。")
    search.rebuild(ws, workers=1)
    r = search.similar(ws, a.id)
    assert hits(r)[0] == "case:SBZY-140932-2026-0002"
    assert f"case:{a.id}" not in hits(r)
    assert "缴费基数" in r.terms


def test_docx_text_dedupes_merged_cells(tmp_path: Path) -> None:
    from casefile.search_engines.sources import docx_text

    path = tmp_path / "t.docx"
    write_docx(path, ["告知书"], table=[["合并单元格内容", "", ""], ["甲", "乙", "丙"]], merge=True)
    text = docx_text(path)
    assert text.count("合并单元格内容") == 1
    assert "甲 | 乙 | 丙" in text


@pytest.mark.corpus
def test_docx_from_the_corpus_has_no_repeated_merged_cells() -> None:
    from casefile.search_engines.sources import docx_text
    from testkit import corpus_or_skip

    corpus = corpus_or_skip()
    path = corpus / "docx" / "real_chinese" / "oxml_2006_form_table.docx"
    if not path.exists():
        pytest.skip("oxml_2006_form_table.docx 不在语料中")
    import docx

    naive = "".join(c.text for t in docx.Document(str(path)).tables for r in t.rows for c in r.cells)
    deduped = docx_text(path)
    cjk = lambda s: sum(1 for ch in s if "\u4e00" <= ch <= "\u9fff")  # noqa: E731
    assert cjk(deduped) < cjk(naive)


# -- CLI wiring (in-process, so the small statute set applies) -------------------------------------------
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, ws: Any, *args: str) -> tuple[int, str, str]:
    from casefile.cli.main import main

    monkeypatch.setenv("CASEFILE_HOME", str(ws.root))
    monkeypatch.setenv("CASEFILE_NOW", NOW.isoformat())
    monkeypatch.setenv("CASEFILE_USER", "测试员")
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out, out.err


def test_cli_search_json_and_text(ws: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    make_case(ws, 1, claim="反映人手机13834561234，反映单位拖欠社会保险费，被加收滞纳金。", categories=("C06",))
    code, out, err = cli(capsys, monkeypatch, ws, "index", "rebuild", "--workers", "1")
    assert code == 0 and "检索索引已重建" in out, err
    code, out, _ = cli(capsys, monkeypatch, ws, "search", "滞纳金", "--json", "--per-page", "5")
    data = json.loads(out)
    assert set(data) >= {"results", "facets"}
    assert data["results"] and all(set(r) == {"id", "kind", "title", "score", "snippet"} for r in data["results"])
    assert data["facets"]["kind"] == {"case": 1, "law": 3}  # 征缴条例第十三、二十四、二十六条
    assert "13834561234" not in out
    code, out, _ = cli(capsys, monkeypatch, ws, "search", "滞纳金", "--kind", "case")
    assert code == 0 and "共1条" in out and "【滞纳金】" in out and "138****1234" in out
    code, out, err = cli(capsys, monkeypatch, ws, "search", "滞纳金", "--risk", "极高")
    assert code == 1 and "风险" in err and "Traceback" not in err  # a value the workspace does not know: refused
    code, out, _ = cli(capsys, monkeypatch, ws, "index", "status", "--json")
    assert json.loads(out)["exists"] is True


def test_cli_similar(ws: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    a = make_case(ws, 1, claim="职工反映单位按最低缴费基数申报养老保险。")
    make_case(ws, 2, claim="公司按最低缴费基数申报，职工要求补缴。")
    code, out, _ = cli(capsys, monkeypatch, ws, "similar", a.id)
    assert code == 0 and "SBZY-140932-2026-0002" in out
    code, _, err = cli(capsys, monkeypatch, ws, "similar", "SBZY-140932-2026-0099")
    assert code == 1 and "找不到案件" in err


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_rebuild_uses_a_process_pool(ws: Any) -> None:
    for i in range(1, 13):
        make_case(ws, i, claim=f"第{i}件：缴费基数争议。")
    report = search.rebuild(ws, workers=2)
    assert report.workers == 2 and report.by_kind["case"] == 12


@pytest.mark.slow  # rebuilds the index: the full run, not the inner loop
def test_index_locked_by_a_stranger_is_rebuilt(ws: Any) -> None:
    make_case(ws, 1, claim="反映缴费基数。")
    search.rebuild(ws, workers=1)
    meta = json.loads((search.index_root(ws) / search.META_FILE).read_text())
    index_dir = search.index_root(ws) / meta["dir"]
    if meta["engine"] == "whoosh":
        from whoosh import index as windex

        stranger = windex.open_dir(str(index_dir)).writer()
    else:
        import tantivy

        stranger = tantivy.Index.open(str(index_dir)).writer()
    try:
        make_case(ws, 2, claim="另一件缴费基数争议。")
        search.notify_change(ws, "SBZY-140932-2026-0002")
        r = search.search(ws, "缴费基数", filters={"kind": ["case"]})
    finally:
        if meta["engine"] == "whoosh":
            with contextlib.suppress(OSError):  # its directory was replaced by the rebuild
                stranger.cancel()
        del stranger
    assert r.total == 2
    assert any("无法更新" in n and "已自动重建" in n for n in r.notices)


@pytest.mark.slow  # starts a fork server and a pool: the full run, not the inner loop
def test_rebuild_from_a_threaded_process_does_not_fork_it(ws: Any) -> None:
    """The web server rebuilds the index from a thread beside its request threads: forking such a
    process can leave a worker waiting forever on a lock copied while held, and the index lock with
    it. A threaded process starts its pool through a fork server instead, with the same result."""
    import threading

    for n in range(1, 10):  # enough units for two workers
        make_case(ws, n, claim=f"单位按最低缴费基数申报，要求补缴（第{n}件）。", evidence="工资条：2026年9月实发工资8600元。")
    holder = threading.Event()
    busy = threading.Thread(target=holder.wait, daemon=True)  # an idle request thread
    busy.start()
    result: dict[str, Any] = {}

    def run() -> None:
        result["method"] = search.pool_start_method()
        result["report"] = search.rebuild(ws, workers=2)

    t = threading.Thread(target=run)
    t.start()
    t.join(timeout=300)
    holder.set()
    assert not t.is_alive(), "the rebuild did not finish"
    assert result["method"] == "forkserver"
    report = result["report"]
    assert report.workers == 2 and report.by_kind["case"] == 9 and report.by_kind["evidence"] == 9
    assert report.problems == []
    assert search.search(ws, "工资条").total == 9


def test_a_read_record_queues_nothing_for_the_index_but_refreshes_the_catalog(search_ws: Any) -> None:
    """A reveal or a download is journaled (the record's version moves on) but changes nothing the
    index holds: the after-commit refresh updates the catalog row and leaves the index queue alone,
    so the next search does not pay for re-indexing the case. Any other change is queued."""
    import casefile.app  # noqa: F401  (registers the after-commit refresh)
    from casefile import catalog
    from casefile.store import Dossier

    case = make_case(search_ws, 1, claim="反映单位未足额缴纳社会保险费。")
    search.rebuild(search_ws, workers=1)
    pending = search.index_root(search_ws) / search.PENDING_FILE
    d = Dossier(search_ws, case.id)
    for kind in ("revealed", "document_downloaded"):
        d.record_read("王晓梅", NOW, kind, purpose="办案需要")
        assert not pending.exists(), kind
        with catalog.connect(search_ws) as con:
            row = con.execute("SELECT version FROM cases WHERE id = ?", (case.id,)).fetchone()
        assert row[0] == d.load().version
    with d.transaction("王晓梅", NOW) as tx:
        tx.event("web_action", action="test")
    assert case.id in pending.read_text(encoding="utf-8")
