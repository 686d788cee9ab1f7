"""What every engine shares above the engine interface: ranking prior, paging, snippets, facets,
masking of personal data, more-like-this. Engines differ only in their BM25 arithmetic."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from casefile.search_engines.analysis import QUERY_STOPWORDS, Segmenter, analyse, is_cjk, make_snippet
from casefile.search_engines.base import FACET_FIELDS, Bool, Engine, Filter, Q, Term
from casefile.search_engines.query import BuiltQuery

RERANK_EXTRA = 20  # hits beyond the requested page that the ranking prior may move up (superseded
# statutes only ever move down, so a short window is enough and keeps stored-field reads few)
MLT_TERMS = 25
SNIPPET_WIDTH = 110


@dataclass(frozen=True)
class Hit:
    id: str
    kind: str
    title: str
    score: float
    snippet: str  # with <em>…</em> around matches
    snippet_plain: str
    spans: tuple[tuple[int, int], ...]
    ref: str = ""
    case_id: str = ""
    status: str = ""
    year: int | None = None
    category: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "title": self.title, "score": round(self.score, 4),
                "snippet": self.snippet}


@dataclass
class Page:
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    relaxed: bool = False  # nothing matched every word; these hits match some of them

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1


def _sorted_facets(raw: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {name: dict(sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))) for name, values in raw.items()}


def run(
    engine: Engine,
    built: BuiltQuery,
    filters: Sequence[Filter],
    *,
    page: int = 1,
    per_page: int = 10,
    facets: bool = True,
    mask: Callable[[str], str] | None = None,
    visible: Callable[[Sequence[str]], set[str]] | None = None,
) -> Page:
    """One page of hits: engine score × the document's prior, ties by id, snippets masked by ``mask``.

    ``visible`` (given the case ids of candidate hits, returns those the reader may see) restricts
    hits, total and facets to what the reader may see; hits of no case (statutes, typical cases)
    stay. The restricted total counts at most ``VISIBLE_WINDOW`` candidates."""
    page = max(1, page)
    per_page = max(1, per_page)
    want = page * per_page
    if visible is not None:
        return _run_visible(engine, built, filters, page, per_page, facets, mask, visible)
    fields = FACET_FIELDS if facets else ()
    res = engine.search(built.query, filters, want + RERANK_EXTRA, fields)
    relaxed = False
    if res.total == 0 and built.relaxed is not None:
        relaxed = True
        res = engine.search(built.relaxed, filters, want + RERANK_EXTRA, fields)
    ranked = sorted(res.hits, key=lambda h: (-round(h.score * float(h.stored.get("rank", 1.0)), 6), h.id))
    chosen = ranked[(page - 1) * per_page : want]
    hits = [_hit(h.stored, h.score * float(h.stored.get("rank", 1.0)), built.needles, mask) for h in chosen]
    return Page(res.total, page, per_page, hits, _sorted_facets(res.facets), relaxed)


VISIBLE_WINDOW = 2000


def _run_visible(engine: Engine, built: BuiltQuery, filters: Sequence[Filter], page: int, per_page: int,
                 facets: bool, mask: Callable[[str], str] | None,
                 visible: Callable[[Sequence[str]], set[str]]) -> Page:
    def kept(query: Q) -> list[Any]:
        res = engine.search(query, filters, VISIBLE_WINDOW, ())
        allowed = visible([str(h.stored.get("case_id") or "") for h in res.hits])
        return [h for h in res.hits if not h.stored.get("case_id") or h.stored["case_id"] in allowed]

    hits = kept(built.query)
    relaxed = False
    if not hits and built.relaxed is not None:
        relaxed = True
        hits = kept(built.relaxed)
    counts: dict[str, dict[str, int]] = {}
    if facets:
        for h in hits:
            for name in FACET_FIELDS:
                value = h.stored.get(name)
                values = value if isinstance(value, list) else [value] if value not in (None, "") else []
                for v in values:
                    bucket = counts.setdefault(name, {})
                    bucket[str(v)] = bucket.get(str(v), 0) + 1
    ranked = sorted(hits, key=lambda h: (-round(h.score * float(h.stored.get("rank", 1.0)), 6), h.id))
    chosen = ranked[(page - 1) * per_page : page * per_page]
    out = [_hit(h.stored, h.score * float(h.stored.get("rank", 1.0)), built.needles, mask) for h in chosen]
    return Page(len(hits), page, per_page, out, _sorted_facets(counts), relaxed)


def _hit(stored: dict[str, Any], score: float, needles: Sequence[str], mask: Callable[[str], str] | None) -> Hit:
    body = str(stored.get("body", ""))
    snippet = make_snippet(body, needles, width=SNIPPET_WIDTH, transform=mask)
    from casefile.privacy import escape_controls

    title = str(stored.get("title", ""))
    if mask is not None:
        title = mask(title)
    title = escape_controls(title)  # a file name with a line break or U+202E must not spoof the list
    return Hit(
        id=str(stored["id"]), kind=str(stored.get("kind", "")), title=title, score=score,
        snippet=snippet.marked(), snippet_plain=snippet.text, spans=snippet.spans, ref=str(stored.get("ref", "")),
        case_id=str(stored.get("case_id", "")), status=str(stored.get("status", "")), year=stored.get("year"),
        category=tuple(stored.get("category") or ()),
    )


# -- more like this -----------------------------------------------------------------------------------
def _eligible(term: str) -> bool:
    if term in QUERY_STOPWORDS or term.isdigit():
        return False
    if len(term) == 1:
        return is_cjk(term) and not ("\u4e00" <= term <= "\u9fff")  # rare characters only
    return True


def similar_query(engine: Engine, texts: Sequence[str], seg: Segmenter | None = None) -> tuple[Q | None, list[str]]:
    """The ``MLT_TERMS`` most characteristic words of ``texts`` (tf × idf over the index), as one query."""
    tf: Counter[str] = Counter()
    for text in texts:
        tf.update(w for w, _ in analyse(text, seg).words if _eligible(w))
    n = max(1, engine.doc_count())
    scored: list[tuple[float, str]] = []
    for term, freq in tf.items():
        df = engine.doc_freq("body_w", term)
        if df == 0 or df > n * 0.5:
            continue
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        scored.append(((1 + math.log(freq)) * idf, term))
    scored.sort(key=lambda x: (-x[0], x[1]))
    top = scored[:MLT_TERMS]
    if not top:
        return None, []
    best = top[0][0]
    clauses: list[Q] = []
    for score, term in top:
        weight = round(score / best, 4)
        clauses.append(Term("body_w", term, weight))
        clauses.append(Term("title_w", term, weight * 0.5))
    return Bool(should=tuple(clauses)), [t for _, t in top]
