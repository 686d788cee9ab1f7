"""The query language of ``casefile search`` and its translation into the engine-neutral tree.

Syntax (whitespace separates parts):

- ``滞纳金 减免``: every part must match; a part matches as a whole word or as an exact substring.
- a long part (more than three content words, e.g. a pasted question) needs only some of its words;
  the more words and the closer together, the higher the score.
- ``"责令限期缴纳"`` (also “…” and 「…」): exact phrase.
- ``-撤回``: exclude; ``-kind:law`` excludes a filter value.
- ``field:value``: filter on a keyword field (``kind`` ``category`` ``year`` ``outcome`` ``dept``
  ``region`` ``risk`` ``status`` ``case``; also the Chinese names 类型 类别 年份 结果 部门 辖区 风险
  状态 案件). ``year:2024..2026`` is a range. An unknown ``x:y`` is ordinary text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from casefile.search_engines.analysis import QueryText, Segmenter, analyse_query, word_sequences
from casefile.search_engines.base import Bool, MatchAll, Phrase, Q, Term

FIELD_NAMES: dict[str, str] = {
    "kind": "kind", "类型": "kind", "种类": "kind",
    "category": "category", "类别": "category", "cat": "category",
    "year": "year", "年份": "year", "年度": "year",
    "outcome": "outcome", "结果": "outcome",
    "dept": "dept", "部门": "dept",
    "region": "region", "辖区": "region", "地区": "region",
    "risk": "risk", "风险": "risk",
    "status": "status", "状态": "status", "效力": "status",
    "case": "case_id", "案件": "case_id",
}

_PART_RE = re.compile(
    r"""(?P<neg>-)?(?:(?P<field>[^\s:："“”「」]+)[:：])?"""
    r"""(?:"(?P<q1>[^"]*)"?|“(?P<q2>[^”]*)”?|「(?P<q3>[^」]*)」?|(?P<word>[^\s"“「]+))"""
)

# Chunks with at most this many content words need all of them.
STRICT_WORDS = 3

# Boosts: a whole word in the title counts most; exact substrings (grams) keep recall.
B_TITLE_W, B_BODY_W, B_TITLE_G, B_BODY_G = 3.0, 1.0, 1.5, 0.5
B_EXACT_TITLE, B_EXACT_BODY = 4.0, 2.0


@dataclass(frozen=True)
class Chunk:
    text: str
    phrase: bool = False
    negate: bool = False


@dataclass(frozen=True)
class FieldTerm:
    field: str
    value: str
    negate: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    chunks: tuple[Chunk, ...]
    fields: tuple[FieldTerm, ...]

    @property
    def text(self) -> str:
        return " ".join(c.text for c in self.chunks if not c.negate)


def parse(text: str) -> ParsedQuery:
    chunks: list[Chunk] = []
    fields: list[FieldTerm] = []
    for m in _PART_RE.finditer(text or ""):
        negate = bool(m.group("neg"))
        quoted = next((m.group(g) for g in ("q1", "q2", "q3") if m.group(g) is not None), None)
        value = quoted if quoted is not None else m.group("word") or ""
        field = m.group("field")
        if field is not None:
            name = FIELD_NAMES.get(field.lower(), FIELD_NAMES.get(field))
            if name is not None:
                if value.strip():
                    fields.append(FieldTerm(name, value.strip(), negate))
                continue
            # not a field: keep the whole part as text ("12:30", "第8:条")
            value = f"{field}{m.group(0)[len(field) + (1 if negate else 0)]}{value}"
        if value.strip():
            chunks.append(Chunk(value.strip(), phrase=quoted is not None, negate=negate))
    return ParsedQuery(tuple(chunks), tuple(fields))


# -- building the tree -------------------------------------------------------------------------
def _phrases(field: str, sequences: tuple[tuple[str, ...], ...], boost: float) -> Q:
    parts = [Phrase(field, seq, boost) for seq in sequences if seq]
    if len(parts) == 1:
        return parts[0]
    return Bool(must=tuple(parts), boost=1.0)


def _grams(field: str, sequences: tuple[tuple[str, ...], ...], boost: float) -> Q:
    """All the word's grams, positions unchecked: for one word of a few characters adjacent bigrams
    practically always are the word, and skipping the position check keeps whoosh fast. Quoted
    phrases and the whole-chunk bonus (``exact_clause``) do check positions."""
    terms = tuple(dict.fromkeys(t for seq in sequences for t in seq))
    if len(terms) == 1:
        return Term(field, terms[0], boost)
    return Bool(must=tuple(Term(field, t) for t in terms), boost=boost)


def word_clause(word: str) -> Q:
    """One content word: the whole word (words fields) or its characters (grams fields)."""
    seqs = word_sequences(word)
    alts: list[Q] = [Term("title_w", word, B_TITLE_W), Term("body_w", word, B_BODY_W)]
    if seqs:
        alts += [_grams("title_g", seqs, B_TITLE_G), _grams("body_g", seqs, B_BODY_G)]
    return Bool(should=tuple(alts))


def exact_clause(qt: QueryText) -> Q | None:
    if not qt.sequences:
        return None
    return Bool(should=(_phrases("title_g", qt.sequences, B_EXACT_TITLE), _phrases("body_g", qt.sequences, B_EXACT_BODY)))


@dataclass(frozen=True)
class ChunkClauses:
    strict: Q | None  # what the chunk must match
    words: tuple[Q, ...]  # its telling content words, each optional in the relaxed query
    exact: Q | None
    text: QueryText


def _telling(word: str) -> bool:
    """A single common character (年, 费, 人) says too little to match on its own when relaxing."""
    return not (len(word) == 1 and "\u4e00" <= word <= "\u9fff")


def chunk_clauses(chunk: Chunk, seg: Segmenter | None = None) -> ChunkClauses:
    qt = analyse_query(chunk.text, seg)
    exact = exact_clause(qt)
    if chunk.phrase or chunk.negate:
        return ChunkClauses(exact, (), exact, qt)
    words = tuple(word_clause(w) for w in qt.content_words)
    if not words:
        return ChunkClauses(exact, (), exact, qt)
    if qt.content_words == (qt.norm,):
        exact = None  # one word: its own gram phrase already is the exact match
    telling = tuple(word_clause(w) for w in qt.content_words if _telling(w)) or words
    extra = (exact,) if exact is not None else ()
    if len(words) <= STRICT_WORDS:
        return ChunkClauses(Bool(must=words, should=extra), telling, exact, qt)
    return ChunkClauses(Bool(should=(*telling, *extra)), telling, exact, qt)


@dataclass(frozen=True)
class BuiltQuery:
    query: Q
    needles: tuple[str, ...]  # normalised strings to highlight
    has_text: bool
    relaxed: Q | None = None  # tried when ``query`` finds nothing: any content word may match


def _combine(must: list[Q], must_not: list[Q]) -> Q:
    if not must:
        must = [MatchAll()]
    if len(must) == 1 and not must_not:
        return must[0]
    return Bool(must=tuple(must), must_not=tuple(must_not))


def build(parsed: ParsedQuery, seg: Segmenter | None = None) -> BuiltQuery:
    must: list[Q] = []
    must_not: list[Q] = []
    loose: list[Q] = []
    needles: list[str] = []
    for chunk in parsed.chunks:
        c = chunk_clauses(chunk, seg)
        if c.strict is None:
            continue
        if chunk.negate:
            must_not.append(c.strict)
            continue
        must.append(c.strict)
        needles.append(c.text.norm)
        if not chunk.phrase:
            needles.extend(c.text.content_words)
        if c.words and not chunk.phrase:
            loose.extend(c.words)
            if c.exact is not None:
                loose.append(c.exact)
        else:
            loose.append(c.strict)
    has_text = bool(must)
    query = _combine(must, must_not)
    relaxed: Q | None = None
    if has_text and loose:
        candidate = _combine([Bool(should=tuple(loose))], must_not)
        if candidate != query:
            relaxed = candidate
    return BuiltQuery(query, tuple(dict.fromkeys(needles)), has_text, relaxed)
