"""The engine interface: every engine passes the same suite (add/update/delete, filters, facets,
phrases, rare characters, mixed queries, ranking prior, highlights, more-like-this)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from casefile.search_engines import searcher
from casefile.search_engines.base import Engine, Filter, SearchDoc
from casefile.search_engines.query import BuiltQuery, build, parse
from casefile.search_engines.sources import index_doc

DOCS = [
    SearchDoc(id="law:a:86", kind="law", title="《社会保险法》（2018年）第八十六条",
              body="用人单位未按时足额缴纳社会保险费的，由社会保险费征收机构责令限期缴纳或者补足，并自欠缴之日起，按日加收万分之五的滞纳金。",
              year=2018, status="现行有效"),
    SearchDoc(id="law:fy2017:9", kind="law", title="《行政复议法》（2017年）第九条【已修订】",
              body="公民、法人或者其他组织认为具体行政行为侵犯其合法权益的，可以自知道之日起六十日内提出行政复议申请。",
              year=2017, status="已修订", rank=0.6),
    SearchDoc(id="law:fy2023:20", kind="law", title="《行政复议法》（2023年）第二十条",
              body="公民、法人或者其他组织认为行政行为侵犯其合法权益的，可以自知道之日起六十日内提出行政复议申请。",
              year=2023, status="现行有效"),
    SearchDoc(id="case:1", kind="case", title="晋北建材公司职工反映缴费基数申报过低", case_id="C-1",
              body="职工王䶮等17人反映单位按最低缴费基数申报社会保险费，2025年起被加收滞纳金。受理渠道：12345热线。",
              category=("C03", "C06"), year=2025, outcome="调解成功", dept=("SW",), region=("偏关县新关镇", "偏关县"),
              risk="中"),
    SearchDoc(id="case:2", kind="case", title="李𠮷祥申请退还重复缴纳的医疗保险费", case_id="C-2",
              body="本人於2026年重複繳納醫療保險費，申請退費。", category=("C07",), year=2026, outcome="办理中",
              dept=("SW", "YBJ"), region=("偏关县老营镇", "偏关县"), risk="低"),
    SearchDoc(id="case:3", kind="case", title="某物流公司拖欠社会保险费强制执行案", case_id="C-3",
              body="税务机关下达责令限期缴纳通知书后单位仍未缴纳社会保险费，经催告后申请人民法院强制执行。",
              category=("C09",), year=2024, outcome="执行完毕", dept=("SW",), region=("偏关县万家寨镇", "偏关县"),
              risk="高"),
    SearchDoc(id="typical:1", kind="typical", title="某餐饮公司滞纳金减免争议案",
              body="单位申请减免滞纳金，社会保险费及滞纳金不得减免。", category=("C06",), year=2025, status="已发布"),
]


@pytest.fixture(params=["whoosh", "tantivy"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "whoosh":
        from casefile.search_engines.whoosh_engine import WhooshEngine as cls
    else:
        from casefile.search_engines.tantivy_engine import TantivyEngine as cls  # type: ignore[assignment]
    eng = cls.create(tmp_path / request.param)
    eng.add_many(cls.precompute(index_doc(d)) for d in DOCS)
    yield eng
    eng.close()


def ids(engine: Engine, text: str, filters: list[Filter] | None = None, per_page: int = 10) -> list[str]:
    page = searcher.run(engine, build(parse(text)), filters or [], per_page=per_page, facets=False)
    return [h.id for h in page.hits]


def test_word_and_substring_recall(engine: Engine) -> None:
    assert set(ids(engine, "滞纳金")) == {"law:a:86", "case:1", "typical:1"}
    # 社会保险 is a substring of the word 社会保险费
    assert {"law:a:86", "case:1", "case:3", "typical:1"} <= set(ids(engine, "社会保险"))


def test_every_part_must_match(engine: Engine) -> None:
    assert ids(engine, "滞纳金 减免") == ["typical:1"]


def test_phrase_query(engine: Engine) -> None:
    assert set(ids(engine, '"责令限期缴纳"')) == {"law:a:86", "case:3"}
    assert ids(engine, '"缴纳责令"') == []


def test_rare_characters_outside_the_basic_block(engine: Engine) -> None:
    assert ids(engine, "䶮") == ["case:1"]
    assert ids(engine, "𠮷") == ["case:2"]
    assert ids(engine, "王䶮") == ["case:1"]


def test_mixed_and_numeric_queries(engine: Engine) -> None:
    assert ids(engine, "2025年滞纳金")[0] == "case:1"
    assert ids(engine, "12345") == ["case:1"]


def test_traditional_and_simplified_meet(engine: Engine) -> None:
    assert ids(engine, "重复缴纳 医疗保险费") == ["case:2"]
    assert ids(engine, "滯納金 減免") == ["typical:1"]


def test_statute_in_force_ranks_above_superseded(engine: Engine) -> None:
    hits = ids(engine, "行政复议申请 六十日")
    assert hits[:2] == ["law:fy2023:20", "law:fy2017:9"]


def test_filters_and_exclusions(engine: Engine) -> None:
    assert ids(engine, "滞纳金", [Filter("kind", ("case",))]) == ["case:1"]
    assert set(ids(engine, "社会保险费", [Filter("kind", ("law",), negate=True)])) == {"case:1", "case:3", "typical:1"}
    assert ids(engine, "社会保险费", [Filter("risk", ("高",))]) == ["case:3"]
    assert ids(engine, "社会保险费", [Filter("region", ("偏关县万家寨镇",))]) == ["case:3"]
    assert set(ids(engine, "保险", [Filter("region", ("偏关县",)), Filter("year", ("2025", "2026"))])) == {"case:1", "case:2"}
    assert ids(engine, "滞纳金", [Filter("category", ("C06",)), Filter("kind", ("case",))]) == ["case:1"]
    assert ids(engine, "-滞纳金 社会保险费") == ["case:3"]


def test_filter_only_query_lists_everything_matching(engine: Engine) -> None:
    page = searcher.run(engine, build(parse("")), [Filter("kind", ("case",))], per_page=10)
    assert page.total == 3


def test_facets_count_the_whole_result_set(engine: Engine) -> None:
    page = searcher.run(engine, build(parse("社会保险费")), [], per_page=1)
    assert page.total == 4 and len(page.hits) == 1
    assert page.facets["kind"] == {"case": 2, "law": 1, "typical": 1}
    assert page.facets["category"] == {"C03": 1, "C06": 2, "C09": 1}
    assert page.facets["dept"] == {"SW": 2}
    assert page.facets["region"]["偏关县"] == 2


def test_paging_is_stable(engine: Engine) -> None:
    everything = ids(engine, "社会保险费", per_page=10)
    pages = []
    for p in (1, 2, 3, 4):
        built = build(parse("社会保险费"))
        pages += [h.id for h in searcher.run(engine, built, [], page=p, per_page=1, facets=False).hits]
    assert pages == everything


def test_highlights_and_masking(engine: Engine) -> None:
    from casefile.privacy import mask_text

    eng_doc = SearchDoc(id="case:9", kind="case", title="李建国反映", case_id="C-9",
                        body="李建国，身份证号140932198512310043，手机13834561234，反映单位未缴纳滞纳金。")
    engine.add_many([type(engine).precompute(index_doc(eng_doc))])
    page = searcher.run(engine, build(parse("李建国 滞纳金")), [Filter("case_id", ("C-9",))], mask=mask_text)
    hit = page.hits[0]
    assert "140932********0043" in hit.snippet and "138****1234" in hit.snippet
    assert "<em>滞纳金</em>" in hit.snippet and "<em>李建国</em>" in hit.snippet
    raw = searcher.run(engine, build(parse("李建国")), [Filter("case_id", ("C-9",))], mask=None).hits[0]
    assert "140932198512310043" in raw.snippet


def test_update_and_delete(engine: Engine) -> None:
    changed = SearchDoc(id="case:3", kind="case", title="某物流公司补缴完毕", case_id="C-3", body="单位已补缴全部欠费。")
    with engine.writer() as w:
        w.update(type(engine).precompute(index_doc(changed)))
    assert ids(engine, "强制执行") == []
    assert ids(engine, "补缴完毕") == ["case:3"]
    with engine.writer() as w:
        w.delete("case_id", "C-1")
    assert "case:1" not in ids(engine, "滞纳金")
    assert engine.get("case:1") is None
    assert engine.get("case:3")["title"] == "某物流公司补缴完毕"  # type: ignore[index]
    assert sorted(engine.ids("kind", "case")) == ["case:2", "case:3"]


def test_relaxed_when_nothing_matches_every_word(engine: Engine) -> None:
    page = searcher.run(engine, build(parse("拖欠社会保险费的单位应当如何强制执行")), [], facets=False)
    assert page.hits and page.hits[0].id == "case:3"


def test_more_like_this(engine: Engine) -> None:
    query, terms = searcher.similar_query(engine, ["单位申请减免社会保险费滞纳金，按最低缴费基数申报"])
    assert query is not None and "滞纳金" in terms
    page = searcher.run(engine, BuiltQuery(query, tuple(terms), True), [Filter("kind", ("case", "typical"))],
                        facets=False)
    assert {h.id for h in page.hits[:2]} == {"case:1", "typical:1"}
