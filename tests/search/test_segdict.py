"""The query-time dictionary snapshot (search_engines/segdict.py) must cut exactly like the full
segmenter that built the index, and a fresh ``casefile search`` must not load the full dictionary."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from casefile import search
from casefile.search_engines import analysis as an
from casefile.search_engines import segdict

from .helpers import make_case

pytest.importorskip("rjieba")

LAWS = Path(__file__).resolve().parents[2] / "src" / "casefile" / "data" / "search" / "laws"

TRICKY = [
    "用人单位未按时足额缴纳社会保险费", "2025年滞纳金", "12345", "䶮", "C++ 与 AT&T 的 B超 费用", "第一百二十条",
    "依据《中华人民共和国社会保险法》第八十六条", "社会保险 强制执行", "应参未参、缴费基数不实", "ａｂｃ１２３",
    "王某甲与某公司劳动关系确认", "责令限期缴纳通知书（偏税社争〔2026〕12号）", "退费 12366 热线", "关系转移接续",
    "", " ", "、。", "x", "网格员反映：2024年1月至2025年6月未参保",
]


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> segdict.SnapshotSegmenter:
    root = tmp_path_factory.mktemp("segdict")
    path = segdict.write_snapshot(root)
    assert path == segdict.snapshot_path(root) and path.stat().st_size > 1_000_000
    seg = segdict.query_segmenter(root)
    assert isinstance(seg, segdict.SnapshotSegmenter)
    return seg


def test_snapshot_cuts_like_the_full_segmenter(snapshot: segdict.SnapshotSegmenter) -> None:
    full = an.segmenter()
    lines = [line for f in sorted(LAWS.glob("*.md"))[:8] for line in f.read_text(encoding="utf-8").splitlines()
             if line.strip()][:600]
    texts = [an.normalise(t) for t in TRICKY + lines + list(an.domain_words()[:300])]
    differ = [t for t in texts if snapshot.cut(t) != full.cut(t)]
    assert not differ, differ[:3]


def test_query_analysis_is_the_same_with_either_segmenter(snapshot: segdict.SnapshotSegmenter) -> None:
    for text in TRICKY:
        assert an.analyse_query(text, snapshot) == an.analyse_query(text)


def test_snapshot_is_kept_when_current_and_replaced_when_not(tmp_path: Path) -> None:
    old = tmp_path / "segdict-0000000000000000.sqlite"
    old.write_bytes(b"from another dictionary")
    path = segdict.write_snapshot(tmp_path)
    stamp = path.stat().st_mtime_ns
    assert not old.exists() and segdict.write_snapshot(tmp_path) == path and path.stat().st_mtime_ns == stamp
    assert not list(tmp_path.glob("*.tmp"))


def test_missing_or_damaged_snapshot_falls_back(tmp_path: Path) -> None:
    assert segdict.query_segmenter(tmp_path) is None
    segdict.snapshot_path(tmp_path).write_bytes(b"not a database")
    assert segdict.query_segmenter(tmp_path) is None


def test_fresh_search_process_does_not_load_the_full_dictionary(search_ws: Any,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from casefile.search_engines import sources

    laws = search_ws.root / "laws-small"
    laws.mkdir()
    for name in ("社会保险费征缴暂行条例(2019-03-24).md", "laws.toml"):
        (laws / name).write_bytes((LAWS / name).read_bytes())
    monkeypatch.setattr(sources, "laws_dir", lambda: laws)
    make_case(search_ws, 1, claim="申请减免社会保险费滞纳金，银行扣款失败导致逾期")
    search.rebuild(search_ws)
    assert segdict.snapshot_path(search.index_root(search_ws)).exists()
    code = ("import sys\nfrom pathlib import Path\nfrom casefile.config import find_workspace\n"
            "from casefile import search\nfrom casefile.search_engines import sources\n"
            f"sources.laws_dir = lambda: Path({str(laws)!r})\nws = find_workspace({str(search_ws.root)!r})\n"
            "r = search.search(ws, '滞纳金 银行扣款', filters={'kind': ['case']})\n"
            "print(r.total, 'rjieba' in sys.modules, 'jieba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["1", "False", "False"], out.stderr
