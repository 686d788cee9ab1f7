"""The baseline for the relevance and speed comparisons: jieba's stock ``ChineseAnalyzer`` on whoosh,
queried with whoosh's stock ``MultifieldParser`` (title, body), as jieba's own documentation shows.

Not used by casefile itself. Its known faults are what the shipped analysis fixes: token positions
are character offsets and search mode overlaps (phrase queries break), characters outside
U+4E00–U+9FD5 are dropped (䶮, 𠮷), no Traditional → Simplified folding, and 社会保险 does not find
社会保险费 when jieba keeps the longer word.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from whoosh import index as windex
from whoosh import query as wq
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.qparser import MultifieldParser

from casefile.search_engines.base import Filter, SearchDoc


def _schema() -> Schema:
    import logging

    import jieba
    from jieba.analyse import ChineseAnalyzer

    jieba.setLogLevel(logging.ERROR)
    analyzer = ChineseAnalyzer()
    return Schema(
        id=ID(stored=True, unique=True), data=STORED(), title=TEXT(analyzer=analyzer), body=TEXT(analyzer=analyzer),
        kind=ID(), category=KEYWORD(), year=ID(), outcome=ID(), dept=KEYWORD(), region=KEYWORD(), risk=ID(),
        status=ID(), case_id=ID(),
    )


class BaselineIndex:
    name = "baseline"

    def __init__(self, ix: windex.Index) -> None:
        self.ix = ix

    @classmethod
    def create(cls, path: Path) -> BaselineIndex:
        path.mkdir(parents=True, exist_ok=True)
        return cls(windex.create_in(str(path), _schema()))

    @classmethod
    def open(cls, path: Path) -> BaselineIndex:
        return cls(windex.open_dir(str(path)))

    def add_many(self, docs: Iterable[SearchDoc]) -> int:
        n = 0
        w = self.ix.writer(limitmb=256)
        for d in docs:
            fields: dict[str, object] = {"id": d.id, "data": {"id": d.id, "kind": d.kind, "title": d.title},
                                         "title": d.title, "body": d.body}
            for name, values in d.keywords().items():
                if values:
                    fields[name] = " ".join(v.replace(" ", "_") for v in values)
            w.add_document(**fields)
            n += 1
        w.commit()
        return n

    def search(self, text: str, filters: Sequence[Filter] = (), limit: int = 10) -> tuple[int, list[str]]:
        parser = MultifieldParser(["title", "body"], schema=self.ix.schema)
        q = parser.parse(text)
        keep = [wq.Or([wq.Term(f.field, v) for v in f.values]) for f in filters if not f.negate and f.values]
        allow = wq.And(keep) if keep else None
        with self.ix.searcher() as s:
            results = s.search(q, limit=limit, filter=allow)
            return len(results), [hit["id"] for hit in results]
