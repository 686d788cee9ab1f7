"""A query-time segmenter that cuts exactly like the full one without loading the whole dictionary.

``import rjieba`` builds jieba-rs's default dictionary of 350,000 words (about 0.12 s), which a
one-shot ``casefile search`` would otherwise pay on every call. Yet jieba's default mode without
HMM depends only on two things: the frequencies of the dictionary words that occur inside the text,
and the dictionary's total frequency. So ``index rebuild`` writes a snapshot of the effective
dictionary (jieba's ``dict.txt`` plus the shipped domain words, with the frequencies jieba-rs itself
assigned them) into the index folder, and a query builds an *empty* jieba-rs instance that holds only
the words found inside its own text, plus one placeholder word that restores the total. The cut is
then jieba-rs's own algorithm on the same numbers; ``tests/search/test_segdict.py`` compares it with
the full segmenter over the shipped statutes and the test texts.

Index and query must segment identically: the snapshot is named by the analysis fingerprint, so a
changed dictionary is never paired with an index built from another one.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sqlite3
from pathlib import Path
from typing import Any

from casefile.search_engines.analysis import Segmenter, dictionary_fingerprint, domain_words

PLACEHOLDER = "\U0010fffd"  # a noncharacter no normalised text contains: carries the rest of the total
_BATCH = 900  # SQLite's default limit is 999 bound parameters


def snapshot_path(index_root: Path) -> Path:
    return index_root / f"segdict-{dictionary_fingerprint()}.sqlite"


def _jieba_class() -> Any:
    """jieba-rs's ``Jieba`` class without running ``rjieba/__init__.py``, which builds the default
    dictionary on import (the very cost this module avoids). Falls back to the ordinary import."""
    spec = importlib.util.find_spec("rjieba")
    if spec is None or spec.origin is None:
        raise ImportError("rjieba")
    folder = Path(spec.origin).parent
    for lib in sorted(folder.glob("rjieba.*")):
        if lib.suffix in {".so", ".pyd"}:
            ext = importlib.util.spec_from_file_location("rjieba.rjieba", lib)
            if ext is not None and ext.loader is not None:
                module = importlib.util.module_from_spec(ext)
                ext.loader.exec_module(module)
                return module.Jieba
    import rjieba

    return rjieba.Jieba


def _jieba_dictionary() -> Path:
    """jieba's ``dict.txt`` (the dictionary jieba-rs embeds), found without importing jieba."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise ImportError("jieba")
    return Path(spec.origin).parent / "dict.txt"


def write_snapshot(index_root: Path) -> Path:
    """The effective dictionary as a small SQLite table (kept if already current); older ones go."""
    target = snapshot_path(index_root)
    if not target.exists():
        jieba = _jieba_class().empty()
        freqs: dict[str, int] = {}
        with _jieba_dictionary().open(encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2:
                    freqs[parts[0]] = jieba.add_word(parts[0], int(parts[1]), parts[2] if len(parts) > 2 else None)
        for word in domain_words():  # as analysis._load_segmenter adds them: jieba-rs suggests the frequency
            freqs[word] = jieba.add_word(word, None, None)
        tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        con = sqlite3.connect(tmp)
        try:
            con.execute("CREATE TABLE words (w TEXT PRIMARY KEY, f INTEGER NOT NULL) WITHOUT ROWID")
            con.execute("CREATE TABLE meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL)")
            con.executemany("INSERT INTO words VALUES (?, ?)", freqs.items())
            con.executemany("INSERT INTO meta VALUES (?, ?)",
                            [("total", sum(freqs.values())), ("longest", max(map(len, freqs)))])
            con.commit()
        finally:
            con.close()
        os.replace(tmp, target)
    for old in index_root.glob("segdict-*.sqlite"):
        if old != target:
            with contextlib.suppress(OSError):
                old.unlink()
    return target


class SnapshotSegmenter(Segmenter):
    """Cuts like ``Segmenter()`` (jieba-rs, HMM off, domain words) from the snapshot."""

    def __init__(self, path: Path) -> None:
        self.name = "rjieba（查询词典）"
        self._jieba_cls = _jieba_class()
        self._con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        meta = dict(self._con.execute("SELECT k, v FROM meta").fetchall())
        self._total, self._longest = int(meta["total"]), int(meta["longest"])
        self._cut = self._snapshot_cut

    def _snapshot_cut(self, text: str) -> list[str]:
        n = len(text)
        subs = list({text[i:j] for i in range(n) for j in range(i + 1, min(n, i + self._longest) + 1)})
        found: list[tuple[str, int]] = []
        for k in range(0, len(subs), _BATCH):
            part = subs[k : k + _BATCH]
            found += self._con.execute(f"SELECT w, f FROM words WHERE w IN ({','.join('?' * len(part))})", part)
        jieba = self._jieba_cls.empty()
        for word, freq in found:
            jieba.add_word(word, freq, None)
        rest = self._total - sum(freq for _, freq in found)
        if rest > 0:
            jieba.add_word(PLACEHOLDER, rest, None)
        return list(jieba.cut(text, False))

    def tag(self, text: str) -> list[tuple[str, str]]:
        raise NotImplementedError("part-of-speech tagging needs the full segmenter")


def query_segmenter(index_root: Path) -> Segmenter | None:
    """The snapshot segmenter when the index has a current snapshot and jieba-rs is installed."""
    path = snapshot_path(index_root)
    if not path.exists():
        return None
    try:
        return SnapshotSegmenter(path)
    except (ImportError, OSError, sqlite3.Error, KeyError, ValueError):
        return None
