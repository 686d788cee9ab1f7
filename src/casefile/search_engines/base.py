"""The small engine interface every full-text engine implements, and the data it exchanges.

An engine stores :class:`IndexedDoc` (a :class:`SearchDoc` plus its analysed token streams) and
answers an engine-neutral query tree (:data:`Q`) with filters. Everything that must behave the same
on every engine (query building, ranking priors, paging, highlights, facets' meaning, more-like-this)
lives above this interface, in :mod:`casefile.search_engines.searcher`.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

KINDS = ("law", "case", "typical", "document", "evidence")
KIND_LABELS = {"law": "法规", "case": "案件", "typical": "典型案例", "document": "文书", "evidence": "证据"}

# Keyword fields usable as filters and facets, in display order.
FACET_FIELDS = ("kind", "category", "year", "outcome", "dept", "region", "risk")
KEYWORD_FIELDS = (*FACET_FIELDS, "status", "case_id")

# Analysed fields: title and body, each as jieba words (``_w``) and CJK grams (``_g``).
TEXT_FIELDS = ("title_w", "title_g", "body_w", "body_g")


@dataclass(frozen=True)
class SearchDoc:
    """One searchable unit: a statute article, a case record, a document, an evidence text, a write-up."""

    id: str
    kind: str
    title: str
    body: str
    case_id: str = ""
    category: tuple[str, ...] = ()
    year: int | None = None
    outcome: str = ""
    dept: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    risk: str = ""
    status: str = ""
    rank: float = 1.0  # prior multiplied into the score (superseded statutes < 1)
    ref: str = ""  # where the hit leads: a case id, a statute file, a library file

    def keywords(self) -> dict[str, tuple[str, ...]]:
        return {
            "kind": (self.kind,),
            "category": self.category,
            "year": (str(self.year),) if self.year else (),
            "outcome": (self.outcome,) if self.outcome else (),
            "dept": self.dept,
            "region": self.region,
            "risk": (self.risk,) if self.risk else (),
            "status": (self.status,) if self.status else (),
            "case_id": (self.case_id,) if self.case_id else (),
        }

    def stored(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "title": self.title, "body": self.body, "case_id": self.case_id,
            "category": list(self.category), "year": self.year, "outcome": self.outcome, "dept": list(self.dept),
            "region": list(self.region), "risk": self.risk, "status": self.status, "rank": self.rank, "ref": self.ref,
        }

    @classmethod
    def from_stored(cls, d: dict[str, Any]) -> SearchDoc:
        return cls(
            id=d["id"], kind=d["kind"], title=d.get("title", ""), body=d.get("body", ""),
            case_id=d.get("case_id", ""), category=tuple(d.get("category") or ()), year=d.get("year"),
            outcome=d.get("outcome", ""), dept=tuple(d.get("dept") or ()), region=tuple(d.get("region") or ()),
            risk=d.get("risk", ""), status=d.get("status", ""), rank=float(d.get("rank", 1.0)), ref=d.get("ref", ""),
        )


Tokens = list[tuple[str, int]]


@dataclass(frozen=True)
class IndexedDoc:
    doc: SearchDoc
    title_w: Tokens
    title_g: Tokens
    body_w: Tokens
    body_g: Tokens
    encoded: dict[str, Any] | None = None  # engine-specific form made in a worker (``Engine.precompute``)

    def tokens(self, name: str) -> Tokens:
        tokens: Tokens = getattr(self, name)
        return tokens


# -- the query tree ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Term:
    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    """Terms at consecutive positions of one field."""

    field: str
    terms: tuple[str, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Bool:
    """All ``must`` match, at least one ``should`` if there is no ``must``, no ``must_not`` matches.

    Scores of matching ``must`` and ``should`` clauses add up.
    """

    must: tuple[Q, ...] = ()
    should: tuple[Q, ...] = ()
    must_not: tuple[Q, ...] = ()
    boost: float = 1.0


@dataclass(frozen=True)
class MatchAll:
    boost: float = 1.0


Q = Term | Phrase | Bool | MatchAll


@dataclass(frozen=True)
class Filter:
    """A keyword field must hold one of ``values`` (``negate``: none of them). Does not score."""

    field: str
    values: tuple[str, ...]
    negate: bool = False


@dataclass(frozen=True)
class EngineHit:
    id: str
    score: float
    stored: dict[str, Any]


@dataclass(frozen=True)
class EngineResults:
    total: int
    hits: list[EngineHit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass
class WriteStats:
    added: int = 0
    deleted: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


class EngineWriter(abc.ABC):
    """Buffered changes; visible to searchers only after :meth:`commit`."""

    @abc.abstractmethod
    def add(self, doc: IndexedDoc) -> None: ...

    @abc.abstractmethod
    def delete(self, field: str, value: str) -> None:
        """Delete every document whose keyword ``field`` (``id``, ``case_id``, ``kind``) is ``value``."""

    def update(self, doc: IndexedDoc) -> None:
        self.delete("id", doc.doc.id)
        self.add(doc)

    @abc.abstractmethod
    def commit(self) -> None: ...

    @abc.abstractmethod
    def cancel(self) -> None: ...


class EngineError(Exception):
    """The engine's files are unusable (corrupt, incompatible, locked by a stranger)."""


class Engine(abc.ABC):
    """One index directory opened by one engine implementation."""

    name: ClassVar[str]

    def __init__(self, path: Path) -> None:
        self.path = path

    # lifecycle ------------------------------------------------------------------------------------
    @classmethod
    @abc.abstractmethod
    def create(cls, path: Path) -> Engine:
        """Make an empty index in ``path`` (which must not hold one yet)."""

    @classmethod
    @abc.abstractmethod
    def open(cls, path: Path) -> Engine:
        """Open an existing index; raise :class:`EngineError` if it cannot be used."""

    @classmethod
    def precompute(cls, doc: IndexedDoc) -> IndexedDoc:
        """Engine-specific work on one document that can run in a worker process before writing."""
        return doc

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release files and threads."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # writing -----------------------------------------------------------------------------------
    @abc.abstractmethod
    def writer(self) -> AbstractContextManager[EngineWriter]:
        """Commit on normal exit, cancel on an exception."""

    def add_many(self, docs: Iterable[IndexedDoc]) -> int:
        n = 0
        with self.writer() as w:
            for d in docs:
                w.add(d)
                n += 1
        return n

    # reading -----------------------------------------------------------------------------------
    @abc.abstractmethod
    def search(self, query: Q, filters: Sequence[Filter], limit: int, facets: Sequence[str] = ()) -> EngineResults:
        """The best ``limit`` hits by score, the number of matches and, for each keyword field in
        ``facets``, value → number of matching documents holding it."""

    @abc.abstractmethod
    def get(self, doc_id: str) -> dict[str, Any] | None:
        """The stored fields of one document."""

    @abc.abstractmethod
    def doc_freq(self, field: str, term: str) -> int: ...

    @abc.abstractmethod
    def doc_count(self) -> int: ...

    @abc.abstractmethod
    def ids(self, field: str = "", value: str = "") -> Iterator[str]:
        """Every document id (or those whose keyword ``field`` is ``value``)."""
