"""whoosh-reloaded engine (the default).

Text fields receive the token streams computed by :mod:`analysis` (in worker processes during a
rebuild), encoded as ``token\\x1fposition`` items joined by ``\\x1e``; the field analyzer only
decodes them, so whoosh indexes exactly the positions the shared analysis produced.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh import query as wq
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.filedb import compound, structfile
from whoosh.formats import Positions
from whoosh.writing import IndexWriter

from casefile.search_engines.base import (
    FACET_FIELDS,
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
    Tokens,
)


class _MappedBufferFile(structfile.BufferFile):  # type: ignore[misc]
    """whoosh's view of one part of a memory-mapped compound segment, read in place.

    ``BufferFile`` wraps the mapped bytes in ``BytesIO``, which copies every part of the segment into
    memory when it is opened or first read sequentially (about 50 ms for the postings of 10,000
    documents, paid by every fresh ``casefile search``). Here ``read``/``seek``/``tell`` work on
    the mapped buffer itself, so only the bytes actually read are copied.
    """

    def __init__(self, buf: Any, name: str | None = None, onclose: Any = None) -> None:
        self._buf = buf
        self._name = name
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False
        self._pos = 0

    @property
    def file(self) -> _MappedBufferFile:  # read_pickle() and iteration read "the wrapped file": that is this
        return self

    def read(self, n: int | None = -1) -> bytes:
        end = len(self._buf) if n is None or n < 0 else min(len(self._buf), self._pos + n)
        data = bytes(self._buf[self._pos : end])
        self._pos = max(self._pos, end)
        return data

    def readline(self, limit: int | None = -1) -> bytes:
        stop = len(self._buf) if limit is None or limit < 0 else min(len(self._buf), self._pos + limit)
        start = self._pos
        while self._pos < stop:
            chunk = bytes(self._buf[self._pos : min(stop, self._pos + 4096)])
            nl = chunk.find(b"\n")
            if nl >= 0:
                self._pos += nl + 1
                break
            self._pos += len(chunk)
        return bytes(self._buf[start : self._pos])

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: len(self._buf)}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def flush(self) -> None:
        pass

    def close(self) -> None:
        if self.onclose:
            self.onclose(self)
        self.is_closed = True


compound.BufferFile = _MappedBufferFile

_ITEM = "\x1e"
_POS = "\x1f"
WRITE_TIMEOUT = 2.0  # our own lock is held while writing, so any other holder is a stranger


def encode_tokens(tokens: Tokens) -> str:
    return _ITEM.join(f"{t}{_POS}{p}" for t, p in tokens)


def encode_keywords(values: Sequence[str]) -> str:
    return _ITEM.join(v.replace(_ITEM, " ").replace(_POS, " ") for v in values if v)


class PreTokenized(Tokenizer):  # type: ignore[misc]
    """Decodes ``encode_tokens`` output; positions are taken as given."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PreTokenized)

    def __hash__(self) -> int:
        return hash("PreTokenized")

    def __call__(
        self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
        removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
        mode: str = "", **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not value:
            return
        for n, item in enumerate(value.split(_ITEM)):
            text, sep, pos = item.rpartition(_POS)
            if not sep:
                text, pos = item, str(n)
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = text
            if positions:
                t.pos = start_pos + int(pos)
            if chars:
                t.startchar = start_char
                t.endchar = start_char
            yield t


class PreIndexedText(TEXT):  # type: ignore[misc]
    """A positional text field that also accepts postings encoded in advance (see ``encode_postings``),
    so the per-term work of a rebuild happens in the worker processes, not in the writing one."""

    def index(self, value: Any, **kwargs: Any) -> Any:
        if isinstance(value, list):
            return value
        return super().index(value, **kwargs)


_POSITIONS = Positions()


def encode_postings(tokens: Tokens) -> list[tuple[bytes, int, float, bytes]]:
    """What ``Positions.word_values`` would yield for these tokens: (term, freq, weight, positions)."""
    poses: dict[str, list[int]] = {}
    for text, pos in tokens:
        poses.setdefault(text, []).append(pos)
    return [(t.encode("utf-8"), len(p), float(len(p)), _POSITIONS.encode(sorted(p))) for t, p in poses.items()]


def make_schema() -> Schema:
    fields: dict[str, Any] = {"id": ID(stored=True, unique=True), "data": STORED()}
    for name in KEYWORD_FIELDS:
        fields[name] = KEYWORD(analyzer=PreTokenized(), scorable=False)
    for name in TEXT_FIELDS:
        fields[name] = PreIndexedText(analyzer=PreTokenized(), phrase=True)
    return Schema(**fields)


def to_whoosh(q: Q) -> wq.Query:
    if isinstance(q, Term):
        return wq.Term(q.field, q.text, boost=q.boost)
    if isinstance(q, Phrase):
        if len(q.terms) == 1:
            return wq.Term(q.field, q.terms[0], boost=q.boost)
        return wq.Phrase(q.field, list(q.terms), slop=1, boost=q.boost)
    if isinstance(q, MatchAll):
        return wq.Every(boost=q.boost)
    if isinstance(q, Bool):
        base: wq.Query
        must = [to_whoosh(c) for c in q.must]
        should = [to_whoosh(c) for c in q.should]
        if must:
            base = must[0] if len(must) == 1 else wq.And(must)
            if should:
                base = wq.AndMaybe(base, should[0] if len(should) == 1 else wq.Or(should))
        elif should:
            base = should[0] if len(should) == 1 else wq.Or(should)
        else:
            base = wq.Every() if q.must_not else wq.NullQuery
        if q.must_not:
            nots = [to_whoosh(c) for c in q.must_not]
            base = wq.AndNot(base, nots[0] if len(nots) == 1 else wq.Or(nots))
        if q.boost != 1.0:
            base = base.with_boost(q.boost)
        return base
    raise TypeError(q)


def _filter_queries(filters: Sequence[Filter]) -> tuple[wq.Query | None, wq.Query | None]:
    keep: list[wq.Query] = []
    drop: list[wq.Query] = []
    for f in filters:
        terms = [wq.Term(f.field, v) for v in f.values]
        if not terms:
            continue
        one = terms[0] if len(terms) == 1 else wq.Or(terms)
        (drop if f.negate else keep).append(one)
    allow = None if not keep else keep[0] if len(keep) == 1 else wq.And(keep)
    mask = None if not drop else drop[0] if len(drop) == 1 else wq.Or(drop)
    return allow, mask


class _Writer(EngineWriter):
    def __init__(self, w: IndexWriter) -> None:
        self.w = w

    def add(self, doc: IndexedDoc) -> None:
        fields: dict[str, Any] = {"id": doc.doc.id, "data": doc.doc.stored()}
        for name, values in doc.doc.keywords().items():
            if values:
                fields[name] = encode_keywords(values)
        encoded = doc.encoded or {}
        for name in TEXT_FIELDS:
            postings = encoded.get(name)
            if postings is None:
                tokens = doc.tokens(name)
                postings = encode_postings(tokens) if tokens else None
            if postings:
                fields[name] = postings
        self.w.add_document(**fields)

    def delete(self, field: str, value: str) -> None:
        self.w.delete_by_term(field, value)

    def commit(self) -> None:
        self.w.commit()

    def cancel(self) -> None:
        self.w.cancel()


class WhooshEngine(Engine):
    name = "whoosh"

    @classmethod
    def precompute(cls, doc: IndexedDoc) -> IndexedDoc:
        encoded = {name: encode_postings(doc.tokens(name)) for name in TEXT_FIELDS}
        return IndexedDoc(doc.doc, [], [], [], [], encoded)

    def __init__(self, path: Path, ix: windex.Index) -> None:
        super().__init__(path)
        self.ix = ix
        self._searcher: Any = None
        self._facet_cache: dict[str, dict[str, int]] = {}
        self._facet_cache_gen: int | None = None

    @classmethod
    def create(cls, path: Path) -> WhooshEngine:
        path.mkdir(parents=True, exist_ok=True)
        return cls(path, windex.create_in(str(path), make_schema()))

    @classmethod
    def open(cls, path: Path) -> WhooshEngine:
        try:
            ix = windex.open_dir(str(path))
            if set(ix.schema.names()) != set(make_schema().names()):
                raise EngineError("索引字段与当前版本不一致")
            searcher = ix.searcher()
            try:
                searcher.doc_count()
            except BaseException:
                searcher.close()
                raise
        except EngineError:
            raise
        except Exception as exc:  # whoosh raises many kinds on damaged files
            raise EngineError(f"{type(exc).__name__}: {exc}") from exc
        engine = cls(path, ix)
        engine._searcher = searcher  # the one that proved the index readable answers the first query
        return engine

    def close(self) -> None:
        self._drop_searcher()
        with contextlib.suppress(Exception):
            self.ix.close()

    @property
    def searcher(self) -> Any:
        # Not Searcher.refresh(): it reuses segment readers and misses deletions made since.
        if self._searcher is not None and self.ix.latest_generation() != self._searcher.reader().generation():
            self._drop_searcher()
        if self._searcher is None:
            self._searcher = self.ix.searcher()
        return self._searcher

    def _drop_searcher(self) -> None:
        if self._searcher is not None:
            with contextlib.suppress(Exception):
                self._searcher.close()
            self._searcher = None

    @contextlib.contextmanager
    def writer(self) -> Iterator[EngineWriter]:
        try:
            w = self.ix.writer(timeout=WRITE_TIMEOUT, limitmb=256)
        except windex.LockError as exc:
            raise EngineError("索引被另一个进程锁定") from exc
        writer = _Writer(w)
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        self._drop_searcher()
        with contextlib.suppress(Exception):  # only a cache: the next query builds it otherwise
            self._facet_bits()

    # reading -----------------------------------------------------------------------------------
    def _full(self, query: Q, filters: Sequence[Filter]) -> tuple[wq.Query, wq.Query | None, wq.Query | None]:
        allow, mask = _filter_queries(filters)
        return to_whoosh(query), allow, mask

    def search(self, query: Q, filters: Sequence[Filter], limit: int, facets: Sequence[str] = ()) -> EngineResults:
        q, allow, mask = self._full(query, filters)
        s = self.searcher
        # limit=None: one pass scores every match and records the matched set, which both the total
        # and the facet counts need (a top-N search would have to run the query again for them).
        results = s.search(q, limit=None, filter=allow, mask=mask)
        hits = [EngineHit(hit["id"], float(hit.score or 0.0), hit["data"]) for hit in results[:limit]] if limit else []
        matched = results.docs()
        counts = {name: self._count(name, matched) for name in facets}
        return EngineResults(len(matched), hits, counts)

    def _count(self, name: str, matched: set[int]) -> dict[str, int]:
        counts: dict[str, int] = {}
        if not matched:
            return counts
        bits = self._bits(matched)
        for term, term_bits in self._facet_bits().get(name, {}).items():
            n = (term_bits & bits).bit_count()
            if n:
                counts[term] = n
        return counts

    @staticmethod
    def _bits(docnums: Iterable[int]) -> int:
        docnums = list(docnums)
        out = bytearray((max(docnums, default=0) >> 3) + 1)
        for d in docnums:
            out[d >> 3] |= 1 << (d & 7)
        return int.from_bytes(out, "little")

    def _facet_bits(self) -> dict[str, dict[str, int]]:
        """value → bitset of documents, per keyword field. Reading every posting list costs a fresh
        process about 0.3 s at 10k documents, so the sets are kept in a file per index generation."""
        gen = self.searcher.reader().generation()
        if self._facet_cache_gen == gen:
            return self._facet_cache
        path = self.path / f"casefile-facets-{gen}.pickle"
        data: dict[str, dict[str, int]] | None = None
        with contextlib.suppress(OSError, ValueError, EOFError, pickle.UnpicklingError):
            loaded = pickle.loads(path.read_bytes())
            if isinstance(loaded, dict):
                data = {f: {t: int.from_bytes(b, "little") for t, b in v.items()} for f, v in loaded.items()}
        if data is None:
            s = self.searcher
            data = {name: {term: self._bits(s.postings(name, term).all_ids()) for term in s.reader().field_terms(name)}
                    for name in FACET_FIELDS}
            raw = {f: {t: b.to_bytes((b.bit_length() + 7) // 8, "little") for t, b in v.items()} for f, v in data.items()}
            with contextlib.suppress(OSError):
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_bytes(pickle.dumps(raw, protocol=pickle.HIGHEST_PROTOCOL))
                os.replace(tmp, path)
                for old in self.path.glob("casefile-facets-*.pickle"):
                    if old != path:
                        with contextlib.suppress(OSError):
                            old.unlink()
        self._facet_cache, self._facet_cache_gen = data, gen
        return data

    def get(self, doc_id: str) -> dict[str, Any] | None:
        fields = self.searcher.document(id=doc_id)
        return None if fields is None else dict(fields["data"])

    def doc_freq(self, field: str, term: str) -> int:
        return int(self.searcher.doc_frequency(field, term))

    def doc_count(self) -> int:
        return int(self.searcher.doc_count())

    def ids(self, field: str = "", value: str = "") -> Iterator[str]:
        s = self.searcher
        if not field:
            for fields in s.reader().all_stored_fields():
                yield fields["id"]
            return
        try:
            docnums = list(s.postings(field, value).all_ids())
        except Exception:  # whoosh raises TermNotFound for a value nobody holds
            return
        for docnum in docnums:
            yield s.stored_fields(docnum)["id"]


def destroy(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
