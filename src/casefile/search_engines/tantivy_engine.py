"""tantivy engine (``[search] engine = "tantivy"`` in casefile.toml).

Text fields are filled with tantivy's pre-tokenized strings, so tantivy indexes exactly the tokens
and positions of the shared analysis (unigrams and bigrams share positions in the grams fields).
Keyword fields are raw fast fields, which the terms aggregation counts for facets.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import tantivy

from casefile.search_engines.base import (
    KEYWORD_FIELDS,
    TEXT_FIELDS,
    Bool,
    Engine,
    EngineError,
    EngineHit,
    EngineResults,
    EngineWriter,
    Filter,
    IndexedDoc,
    MatchAll,
    Phrase,
    Q,
    Term,
)

HEAP = 128_000_000


def make_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    for name in KEYWORD_FIELDS:
        sb.add_text_field(name, stored=False, fast=True, tokenizer_name="raw", index_option="basic")
    for name in TEXT_FIELDS:
        sb.add_text_field(name, stored=False, tokenizer_name="raw", index_option="position")
    sb.add_bytes_field("data", stored=True, indexed=False)
    return sb.build()


class _Compiler:
    def __init__(self, schema: tantivy.Schema) -> None:
        self.schema = schema

    def term(self, field: str, text: str) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, field, text)

    def __call__(self, q: Q) -> tantivy.Query:
        out = self._compile(q)
        boost = getattr(q, "boost", 1.0)
        return tantivy.Query.boost_query(out, boost) if boost != 1.0 else out

    def _compile(self, q: Q) -> tantivy.Query:
        if isinstance(q, Term):
            return self.term(q.field, q.text)
        if isinstance(q, Phrase):
            if len(q.terms) == 1:
                return self.term(q.field, q.terms[0])
            return tantivy.Query.phrase_query(self.schema, q.field, list(q.terms))
        if isinstance(q, MatchAll):
            return tantivy.Query.all_query()
        if isinstance(q, Bool):
            clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
            clauses += [(tantivy.Occur.Must, self(c)) for c in q.must]
            clauses += [(tantivy.Occur.Should, self(c)) for c in q.should]
            if not q.must and not q.should:
                if not q.must_not:
                    return tantivy.Query.empty_query()
                clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
            clauses += [(tantivy.Occur.MustNot, self(c)) for c in q.must_not]
            return tantivy.Query.boolean_query(clauses)
        raise TypeError(q)

    def with_filters(self, q: Q, filters: Sequence[Filter]) -> tantivy.Query:
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = [(tantivy.Occur.Must, self(q))]
        for f in filters:
            if not f.values:
                continue
            anyof = tantivy.Query.boolean_query([(tantivy.Occur.Should, self.term(f.field, v)) for v in f.values])
            if f.negate:
                clauses.append((tantivy.Occur.MustNot, anyof))
            else:
                clauses.append((tantivy.Occur.Must, tantivy.Query.const_score_query(anyof, 0.0)))
        if len(clauses) == 1:
            return clauses[0][1]
        return tantivy.Query.boolean_query(clauses)


class _Writer(EngineWriter):
    def __init__(self, engine: TantivyEngine, w: tantivy.IndexWriter) -> None:
        self.engine = engine
        self.w = w

    def add(self, doc: IndexedDoc) -> None:
        d = tantivy.Document()
        d.add_text("id", doc.doc.id)
        for name, values in doc.doc.keywords().items():
            for v in values:
                d.add_text(name, v)
        for name in TEXT_FIELDS:
            tokens = doc.tokens(name)
            if tokens:
                pts = tantivy.PreTokenizedString("", [tantivy.Token(t, p, 0, 0) for t, p in tokens])
                d.add_pre_tokenized_text(name, pts)
        d.add_bytes("data", json.dumps(doc.doc.stored(), ensure_ascii=False).encode("utf-8"))
        self.w.add_document(d)

    def delete(self, field: str, value: str) -> None:
        self.w.delete_documents_by_term(field, value)

    def commit(self) -> None:
        self.w.commit()
        self.w.wait_merging_threads()
        self.engine.ix.reload()

    def cancel(self) -> None:
        with contextlib.suppress(Exception):
            self.w.rollback()


class TantivyEngine(Engine):
    name = "tantivy"

    def __init__(self, path: Path, ix: tantivy.Index) -> None:
        super().__init__(path)
        self.ix = ix
        self.schema = make_schema()
        self.compile = _Compiler(self.schema)

    @classmethod
    def create(cls, path: Path) -> TantivyEngine:
        path.mkdir(parents=True, exist_ok=True)
        return cls(path, tantivy.Index(make_schema(), path=str(path), reuse=False))

    @classmethod
    def open(cls, path: Path) -> TantivyEngine:
        try:
            if not tantivy.Index.exists(str(path)):
                raise EngineError("索引不存在")
            ix = tantivy.Index.open(str(path))
            ix.searcher().num_docs  # noqa: B018 - reads the meta and every segment's header
        except EngineError:
            raise
        except Exception as exc:  # tantivy reports damage as ValueError or OSError
            raise EngineError(f"{type(exc).__name__}: {exc}") from exc
        return cls(path, ix)

    @contextlib.contextmanager
    def writer(self) -> Iterator[EngineWriter]:
        try:
            w = self.ix.writer(heap_size=HEAP, num_threads=1)
        except Exception as exc:  # "LockBusy" when another writer holds the directory
            raise EngineError(f"索引被另一个进程锁定（{exc}）") from exc
        writer = _Writer(self, w)
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    # reading -----------------------------------------------------------------------------------
    def _doc(self, searcher: tantivy.Searcher, address: tantivy.DocAddress) -> dict[str, Any]:
        data = searcher.doc(address).get_first("data")
        if data is None:
            raise ValueError("索引中的文档缺少存储字段")
        return dict(json.loads(bytes(data).decode("utf-8")))

    def search(self, query: Q, filters: Sequence[Filter], limit: int, facets: Sequence[str] = ()) -> EngineResults:
        s = self.ix.searcher()
        q = self.compile.with_filters(query, filters)
        result = s.search(q, max(1, limit), count=True)
        hits = []
        for score, address in result.hits[:limit] if limit else []:
            stored = self._doc(s, address)
            hits.append(EngineHit(stored["id"], float(score), stored))
        count = getattr(result, "count", None)  # present at runtime, missing from tantivy's stub
        counts: dict[str, dict[str, int]] = {}
        if facets:
            raw = s.aggregate(q, {name: {"terms": {"field": name, "size": 10000}} for name in facets})
            for name in facets:
                buckets = raw.get(name, {}).get("buckets", [])
                counts[name] = {str(b["key"]): int(b["doc_count"]) for b in buckets if int(b["doc_count"])}
        return EngineResults(int(count or 0), hits, counts)

    def get(self, doc_id: str) -> dict[str, Any] | None:
        s = self.ix.searcher()
        hits = s.search(self.compile.term("id", doc_id), 1).hits
        return self._doc(s, hits[0][1]) if hits else None

    def doc_freq(self, field: str, term: str) -> int:
        return int(self.ix.searcher().doc_freq(field, term))

    def doc_count(self) -> int:
        return int(self.ix.searcher().num_docs)

    def ids(self, field: str = "", value: str = "") -> Iterator[str]:
        s = self.ix.searcher()
        q = self.compile.term(field, value) if field else tantivy.Query.all_query()
        n = s.num_docs
        if not n:
            return
        for _, address in s.search(q, n).hits:
            yield str(s.doc(address).get_first("id"))
