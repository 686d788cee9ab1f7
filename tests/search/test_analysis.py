"""Chinese analysis: normalisation, token streams with ordinal positions, query side, snippets."""

from __future__ import annotations

import pytest

from casefile.search_engines import analysis as an
from casefile.search_engines.query import parse


def test_nfkc_folds_kangxi_radicals_and_full_width() -> None:
    assert an.normalise("⽂本") == "文本"  # U+2F42 from Skia PDFs
    assert an.normalise("ＡＢＣ１２３") == "abc123"


def test_traditional_is_folded_to_simplified() -> None:
    assert an.normalise("社會保險費滯納金") == "社会保险费滞纳金"
    assert an.normalise("稅務機關") == "税务机关"


def test_whitespace_between_cjk_is_removed_but_not_elsewhere() -> None:
    assert an.normalise("通  知") == "通知"
    assert an.normalise("2025 年") == "2025 年"


def test_rare_characters_are_cjk() -> None:
    for ch in "䶮𠮷〇":
        assert an.is_cjk(ch)
    assert not an.is_cjk("a")


def test_gram_tokens_unigram_and_bigram_share_positions() -> None:
    assert an.gram_tokens("社会保险") == [
        ("社", 0), ("社会", 0), ("会", 1), ("会保", 1), ("保", 2), ("保险", 2), ("险", 3)]


def test_gram_tokens_keep_rare_characters_and_alnum_runs() -> None:
    toks = an.gram_tokens("王䶮2025年")
    assert ("䶮", 1) in toks and ("王䶮", 0) in toks
    assert ("2025", 2) in toks and ("年", 3) in toks


def test_punctuation_breaks_phrases() -> None:
    toks = dict((t, p) for t, p in an.gram_tokens("保险，费"))
    assert "险费" not in toks
    assert toks["费"] == toks["险"] + 2


def test_word_tokens_have_ordinal_positions_and_domain_words() -> None:
    words = an.word_tokens(an.normalise("用人单位应参未参，送达责令限期缴纳通知书并加收滞纳金"))
    texts = [w for w, _ in words]
    for term in ("应参未参", "责令限期缴纳通知书", "滞纳金"):
        assert term in texts
    positions = [p for _, p in words]
    assert positions == sorted(positions)
    assert max(positions) < 20  # ordinal, not character offsets


def test_statute_names_and_articles_are_single_words() -> None:
    texts = [w for w, _ in an.word_tokens(an.normalise("依据社会保险费征缴暂行条例第十三条和行政复议法第二百条"))]
    assert "社会保险费征缴暂行条例" in texts
    assert "第十三条" in texts and "第二百条" in texts and "行政复议法" in texts


def test_chinese_numerals() -> None:
    assert [an.chinese_numeral(n) for n in (1, 10, 11, 20, 21, 100, 101, 110, 120, 305)] == [
        "一", "十", "十一", "二十", "二十一", "一百", "一百零一", "一百一十", "一百二十", "三百零五"]


def test_gram_sequences_make_consecutive_phrases() -> None:
    assert an.gram_sequences("社会保险") == [["社会", "会保", "保险"]]
    assert an.gram_sequences("2025年滞纳金") == [["2025", "年滞", "滞纳", "纳金"]]
    assert an.gram_sequences("滞纳金2025") == [["滞纳", "纳金", "金", "2025"]]
    assert an.gram_sequences("䶮") == [["䶮"]]
    assert an.gram_sequences("社保，滞纳金") == [["社保"], ["滞纳", "纳金"]]


def test_query_and_document_analysis_agree() -> None:
    q = an.analyse_query("社會保險費 ")
    doc = an.analyse("社会保险费")
    assert list(q.words) == [w for w, _ in doc.words]


def test_rjieba_and_jieba_segment_identically() -> None:
    pytest.importorskip("jieba")
    pytest.importorskip("rjieba")
    from .relevance import fixture_docs

    rj = an.Segmenter("rjieba")
    jb = an.Segmenter("jieba")
    assert (rj.name, jb.name) == ("rjieba", "jieba")
    texts = [d.title + d.body for d in fixture_docs()[::7]]
    for text in texts:
        norm = an.normalise(text)
        assert rj.cut(norm) == jb.cut(norm)


def test_snippet_marks_matches_and_masks_first() -> None:
    from casefile.privacy import mask_text

    text = "前言。" * 40 + "反映人李建国（身份证号140932198512310043）称单位欠缴社会保险费并加收滞纳金。" + "后记。" * 40
    snip = an.make_snippet(text, ["滞纳金", "140932"], width=60, transform=mask_text)
    assert "滞纳金" in snip.text
    assert "198512310043" not in snip.text
    assert snip.marked().count("<em>") == len(snip.spans) >= 1
    marked = [snip.text[a:b] for a, b in snip.spans]
    assert "滞纳金" in marked
    assert all("1985" not in m for m in marked)


def test_snippet_highlights_traditional_text_for_simplified_query() -> None:
    snip = an.make_snippet("本人被收取滯納金，要求說明依據。", ["滞纳金"])
    assert [snip.text[a:b] for a, b in snip.spans] == ["滯納金"]


@pytest.mark.parametrize(
    ("text", "chunks", "fields"),
    [
        ("滞纳金 减免", [("滞纳金", False, False), ("减免", False, False)], []),
        ('"责令限期缴纳" -撤回', [("责令限期缴纳", True, False), ("撤回", False, True)], []),
        ("category:C06 year:2025 滞纳金", [("滞纳金", False, False)], [("category", "C06", False), ("year", "2025", False)]),
        ("类别：C06 -kind:law", [], [("category", "C06", False), ("kind", "law", True)]),
        ("12:30 “信访 事项”", [("12:30", False, False), ("信访 事项", True, False)], []),
    ],
)
def test_query_syntax(text: str, chunks: list[tuple[str, bool, bool]], fields: list[tuple[str, str, bool]]) -> None:
    p = parse(text)
    assert [(c.text, c.phrase, c.negate) for c in p.chunks] == chunks
    assert [(f.field, f.value, f.negate) for f in p.fields] == fields
