"""Chinese text analysis shared by indexing and querying (the two must never differ).

Pipeline for every text, document or query:

1. ``normalise``: NFKC (Kangxi radicals such as U+2F42 "⽂" become "文", full-width Latin and digits
   become ASCII), lower case, Traditional → Simplified with OpenCC's own t2s tables (phrases, then
   characters), and whitespace between two CJK characters removed ("通  知" → "通知").
2. Two token streams, both with *ordinal* positions (0, 1, 2 …), so phrase queries work:

   - ``words``: jieba default (accurate) mode without HMM, plus the shipped domain dictionary, for
     ranking. Punctuation takes a position but is not indexed, so a phrase cannot jump over it.
   - ``grams``: every CJK character (any CJK block, not only U+4E00–U+9FD5, so 䶮 and 𠮷 are
     searchable) as a unigram, and every pair of adjacent CJK characters as a bigram at the
     position of its first character; a run of letters or digits is one token. This field gives
     exact, phrase and rare-character recall: "社会保险" is the bigram phrase 社会·会保·保险, which
     also occurs inside "社会保险费".

The segmenter is rjieba (jieba-rs; about 7× faster to load than jieba). With HMM off and the same
dictionary it segments exactly like jieba 0.42, which is kept only as a fallback when rjieba cannot
be imported (``tests/search/test_analysis.py`` checks the identity on the fixture texts).
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

ANALYSIS_VERSION = 3

CJK_RANGES = (
    "\u3007"
    "\u3400-\u4dbf"
    "\u4e00-\u9fff"
    "\uf900-\ufaff"
    "\U00020000-\U0002a6df"
    "\U0002a700-\U0002ebef"
    "\U0002f800-\U0002fa1f"
    "\U00030000-\U000323af"
)
_CJK = f"[{CJK_RANGES}]"
_CJK_RE = re.compile(_CJK)
_CJK_SPACE_RE = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")
# One CJK run, one run of other letters/digits, or one other visible character.
_RUN_RE = re.compile(rf"(?P<cjk>{_CJK}+)|(?P<alnum>(?:(?!{_CJK})[^\W_])+)|(?P<other>\S)")

# Query-side only: words that carry no meaning of their own in a question. They are never dropped
# from the index (phrases need them) and are ignored only when a query needs its content words.
QUERY_STOPWORDS = frozenset(
    ["的", "了", "和", "与", "及", "或", "是", "在", "对", "等", "之", "其", "该", "这", "那", "被", "把", "将", "为", "由", "以", "于", "而", "并", "也", "都", "就", "吗", "呢", "吧", "啊", "如何", "怎么", "怎样", "什么", "哪些", "是否", "能否", "可否", "可以", "应当", "应该", "一个", "关于", "有关", "进行", "哪个", "何时", "多少"]
)


def is_cjk(ch: str) -> bool:
    return bool(_CJK_RE.match(ch))


# -- Traditional → Simplified -----------------------------------------------------------------
@dataclass(frozen=True)
class _T2S:
    chars: dict[int, str]
    phrases: dict[str, str]
    phrase_re: re.Pattern[str] | None
    trad: frozenset[str]


def _opencc_dictionary(name: str) -> str:
    return resources.files("opencc").joinpath("dictionary", name).read_text(encoding="utf-8")


@functools.cache
def _t2s() -> _T2S:
    """OpenCC's t2s tables (TSPhrases, then TSCharacters), applied so that offsets do not move."""
    chars: dict[int, str] = {}
    for line in _opencc_dictionary("TSCharacters.txt").splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and len(parts[0]) == 1:
            target = parts[1].split(" ")[0]
            if len(target) == 1 and target != parts[0]:
                chars[ord(parts[0])] = target
    phrases: dict[str, str] = {}
    for line in _opencc_dictionary("TSPhrases.txt").splitlines():
        parts = line.split("\t")
        if len(parts) == 2:
            target = parts[1].split(" ")[0]
            if len(target) == len(parts[0]):
                phrases[parts[0]] = target
    alternation = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    trad = frozenset(chr(c) for c in chars) | frozenset(ch for p in phrases for ch in p)
    return _T2S(chars, phrases, re.compile(alternation) if alternation else None, trad)


def to_simplified(text: str) -> str:
    table = _t2s()
    if table.trad.isdisjoint(text):
        return text
    if table.phrase_re is not None:
        text = table.phrase_re.sub(lambda m: table.phrases[m.group(0)], text)
    return text.translate(table.chars)


def normalise(text: str) -> str:
    """NFKC, lower case, Traditional → Simplified, no whitespace between CJK characters."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = to_simplified(text)
    return _CJK_SPACE_RE.sub("", text)


def normalise_aligned(text: str) -> tuple[str, list[int]]:
    """``normalise`` per character, with the original index of every output character.

    Used for highlighting: matches found in the normalised text are mapped back to the original.
    Whitespace is kept (it would only shift offsets), so a match across removed spaces is missed.
    """
    table = _t2s()
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        n = unicodedata.normalize("NFKC", ch).lower().translate(table.chars)
        out.append(n)
        index.extend([i] * len(n))
    return "".join(out), index


# -- segmentation ---------------------------------------------------------------------------------
_NUMERALS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 101 → 一百零一, 110 → 一百一十 (as statutes number articles)."""
    if not 0 < n < 1000:
        raise ValueError(n)
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    parts: list[str] = []
    if hundreds:
        parts.append(_NUMERALS[hundreds] + "百")
        if tens == 0 and ones:
            parts.append("零")
    if tens:
        parts.append(("" if tens == 1 and not hundreds else _NUMERALS[tens]) + "十")
    if ones:
        parts.append(_NUMERALS[ones])
    return "".join(parts)


def data_dir() -> Path:
    return Path(str(resources.files("casefile").joinpath("data", "search")))


@functools.cache
def domain_words() -> tuple[str, ...]:
    """The shipped user dictionary (one word per line, ``#`` comments) plus 第一条…第五百条."""
    words: list[str] = []
    text = (data_dir() / "userdict.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.append(normalise(word.split()[0]))
    words.extend(f"第{chinese_numeral(n)}条" for n in range(1, 501))
    return tuple(dict.fromkeys(words))


def dictionary_fingerprint() -> str:
    """Changes whenever the analysis would produce different tokens: stored with the index."""
    h = hashlib.sha256(f"analysis-{ANALYSIS_VERSION}".encode())
    h.update("\n".join(domain_words()).encode("utf-8"))
    return h.hexdigest()[:16]


class Segmenter:
    """jieba default mode, HMM off, with the domain dictionary. ``name`` says which library runs."""

    def __init__(self, prefer: str = "rjieba") -> None:
        self.name, self._cut, self._tag = _load_segmenter(prefer)

    def cut(self, text: str) -> list[str]:
        return self._cut(text)

    def tag(self, text: str) -> list[tuple[str, str]]:
        """Part-of-speech tags (HMM on, to find unknown names); not used for indexing."""
        return self._tag(text)


def _load_segmenter(
    prefer: str,
) -> tuple[str, Callable[[str], list[str]], Callable[[str], list[tuple[str, str]]]]:
    if prefer == "rjieba":
        try:
            import rjieba
        except ImportError:
            prefer = "jieba"
        else:
            # rjieba builds its default instance on import; a second Jieba() would load the
            # dictionary again (about 0.1 s), so the module-level functions of that instance are used.
            for word in domain_words():
                rjieba.add_word(word, None, None)
            return "rjieba", functools.partial(rjieba.cut, hmm=False), functools.partial(rjieba.tag, hmm=True)
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.ERROR)
    tok = jieba.Tokenizer()
    tok.initialize()
    for word in domain_words():
        tok.add_word(word)
    pos = jieba.posseg.POSTokenizer(tok)

    def tag(text: str) -> list[tuple[str, str]]:
        return [(p.word, p.flag) for p in pos.lcut(text, HMM=True)]

    return "jieba", functools.partial(tok.lcut, HMM=False), tag


def person_names(text: str) -> list[str]:
    """Words the segmenter tags as personal names (nr), for a reviewer to check; may over-report."""
    found = [w for w, flag in segmenter().tag(text) if flag == "nr" and 2 <= len(w) <= 4]
    return list(dict.fromkeys(found))


@functools.cache
def segmenter() -> Segmenter:
    return Segmenter()


# -- token streams ---------------------------------------------------------------------------------
Tokens = list[tuple[str, int]]


def _has_alnum(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def word_tokens(norm: str, seg: Segmenter | None = None) -> Tokens:
    """Segmenter tokens with ordinal positions; whitespace takes no position, punctuation one."""
    out: Tokens = []
    pos = 0
    for token in (seg or segmenter()).cut(norm):
        if token.isspace():
            continue
        if _has_alnum(token):
            out.append((token, pos))
        pos += 1
    return out


def gram_tokens(norm: str) -> Tokens:
    """CJK unigrams and bigrams (a bigram at its first character's position), other runs whole."""
    out: Tokens = []
    pos = 0
    for m in _RUN_RE.finditer(norm):
        run = m.group(0)
        if m.lastgroup == "cjk":
            last = len(run) - 1
            for i, ch in enumerate(run):
                out.append((ch, pos + i))
                if i < last:
                    out.append((run[i : i + 2], pos + i))
            pos += len(run)
        elif m.lastgroup == "alnum":
            out.append((run, pos))
            pos += 1
        else:
            pos += 1
    return out


def gram_sequences(norm: str) -> list[list[str]]:
    """The query side of ``gram_tokens``: consecutive terms whose phrase matches the text exactly.

    A CJK run of two or more characters becomes its bigrams (plus its last character when another
    run follows, so positions stay consecutive); one character is its unigram. Punctuation splits
    the text into separate sequences, each of which must match.
    """
    sequences: list[list[str]] = []
    current: list[str] = []
    runs = list(_RUN_RE.finditer(norm))
    for k, m in enumerate(runs):
        run = m.group(0)
        if m.lastgroup == "other":
            if current:
                sequences.append(current)
            current = []
            continue
        if m.lastgroup == "alnum" or len(run) == 1:
            current.append(run)
            continue
        current.extend(run[i : i + 2] for i in range(len(run) - 1))
        followed = k + 1 < len(runs) and runs[k + 1].lastgroup != "other"
        if followed:
            current.append(run[-1])
    if current:
        sequences.append(current)
    return sequences


@dataclass(frozen=True)
class Analysed:
    words: Tokens
    grams: Tokens


def analyse(text: str, seg: Segmenter | None = None) -> Analysed:
    norm = normalise(text)
    return Analysed(word_tokens(norm, seg), gram_tokens(norm))


@dataclass(frozen=True)
class QueryText:
    """One free-text chunk of a query, analysed exactly as documents are."""

    text: str
    norm: str
    words: tuple[str, ...]
    content_words: tuple[str, ...]
    sequences: tuple[tuple[str, ...], ...]


def analyse_query(text: str, seg: Segmenter | None = None) -> QueryText:
    norm = normalise(text)
    words = tuple(w for w, _ in word_tokens(norm, seg))
    content = tuple(dict.fromkeys(w for w in words if w not in QUERY_STOPWORDS)) or tuple(dict.fromkeys(words))
    sequences = tuple(tuple(s) for s in gram_sequences(norm))
    return QueryText(text, norm, words, content, sequences)


def word_sequences(word: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(s) for s in gram_sequences(word))


# -- highlighting ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Snippet:
    text: str
    spans: tuple[tuple[int, int], ...]  # [start, end) offsets of highlighted parts in ``text``

    def marked(self, before: str = "<em>", after: str = "</em>") -> str:
        out: list[str] = []
        last = 0
        for start, end in self.spans:
            out.append(self.text[last:start])
            out.append(before + self.text[start:end] + after)
            last = end
        out.append(self.text[last:])
        return "".join(out)


def _find_spans(text: str, needles: Iterable[str]) -> list[tuple[int, int]]:
    norm, index = normalise_aligned(text)
    found: list[tuple[int, int]] = []
    for needle in sorted({n for n in needles if n}, key=len, reverse=True):
        start = norm.find(needle)
        while start != -1:
            end = start + len(needle)
            found.append((index[start], index[end - 1] + 1))
            start = norm.find(needle, end)
    found.sort()
    merged: list[tuple[int, int]] = []
    for s, e in found:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


_SENTENCE_END = "。；！？\n"


def make_snippet(
    text: str,
    needles: Iterable[str],
    *,
    width: int = 110,
    transform: Callable[[str], str] | None = None,
) -> Snippet:
    """The window of ``text`` (about ``width`` characters) with the most distinct query matches.

    ``transform`` (masking of personal data) is applied to the window *before* matches are marked,
    so a marked span can never reveal what the transform hides.
    """
    needles = [n for n in needles if n]
    flat = " ".join(text.split())
    start = 0
    if len(flat) > width:
        spans = _find_spans(flat, needles)
        best: tuple[int, int] = (-1, -1)
        for s, _ in spans:
            lo = max(0, min(s - width // 5, len(flat) - width))
            inside = [(a, b) for a, b in spans if a >= lo and b <= lo + width]
            score = (len({flat[a:b] for a, b in inside}), sum(b - a for a, b in inside))
            if score > best:
                best, start = score, lo
        if start:
            # begin at a sentence when one starts shortly before the window
            cut = max(flat.rfind(ch, max(0, start - 15), start) for ch in _SENTENCE_END)
            if cut >= 0:
                start = cut + 1
    window = flat[start : start + width]
    if transform is not None:
        window = transform(window)
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(flat) else ""
    marks = tuple((a + len(prefix), b + len(prefix)) for a, b in _find_spans(window, needles))
    return Snippet(prefix + window + suffix, marks)
