"""Relevance evaluation: judged queries (tests/fixtures/search/qrels.tsv) over a fixed document set.

Documents: the statutes shipped with casefile, ten more statutes cited by the typical cases
(fixtures/search/laws_extra), the 52 published typical-case write-ups (fixtures/search/typical) and
70 synthetic case records (fixtures/search/synthetic_cases.json). Everything needed is inside
tests/fixtures, so the suite stands alone.

Run ``python tests/search/relevance.py`` for the table (recall@10, nDCG@10) of the baseline (jieba's
stock ChineseAnalyzer on whoosh), the shipped whoosh configuration and the tantivy engine.
"""

from __future__ import annotations

import json
import math
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from casefile.search_engines.base import Engine, Filter, SearchDoc

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "search"
K = 10


# -- documents ------------------------------------------------------------------------------------
def typical_fixture_docs() -> list[SearchDoc]:
    docs = []
    for path in sorted((FIX / "typical").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        first, _, rest = text.partition("\n")
        body = rest.split("<!-- INFO END -->", 1)[-1]
        body = re.sub(r"^#+\s*", "", body, flags=re.MULTILINE).strip()
        docs.append(SearchDoc(id=f"typical:{path.stem}", kind="typical", title=first.lstrip("# ").strip(), body=body,
                              ref=path.name))
    return docs


def synthetic_docs() -> list[tuple[SearchDoc, str]]:
    out = []
    for r in json.loads((FIX / "synthetic_cases.json").read_text(encoding="utf-8")):
        topic = r.pop("topic")
        r["category"] = tuple(r["category"])
        r["dept"] = tuple(r["dept"])
        r["region"] = tuple(r["region"])
        out.append((SearchDoc(**r), topic))
    return out


def fixture_docs() -> list[SearchDoc]:
    from casefile.search_engines.sources import law_catalogue, law_docs

    docs = [d for info in law_catalogue() for d in law_docs(info)]
    extra = FIX / "laws_extra"
    docs += [d for info in law_catalogue(extra) for d in law_docs(info, extra)]
    docs += typical_fixture_docs()
    docs += [d for d, _ in synthetic_docs()]
    return docs


# -- judgments ------------------------------------------------------------------------------------
@dataclass
class Judged:
    qid: str
    text: str
    filters: dict[str, list[str]]
    grades: dict[str, int] = field(default_factory=dict)


def _expand(spec: str, ids: Sequence[str], synthetic: Sequence[tuple[SearchDoc, str]]) -> list[str]:
    if spec.startswith("typical~"):
        part = spec.split("~", 1)[1]
        return [i for i in ids if i.startswith("typical:") and part in i]
    if spec.startswith("topic="):
        topic, _, year = spec.split("=", 1)[1].partition("@")
        return [d.id for d, t in synthetic if t == topic and (not year or d.year == int(year))]
    if spec.startswith("case~"):
        part = spec.split("~", 1)[1]
        return [d.id for d, _ in synthetic if part in d.title + d.body]
    return [spec] if spec in ids else []


def load_qrels(ids: Sequence[str]) -> list[Judged]:
    synthetic = synthetic_docs()
    queries: dict[str, Judged] = {}
    for line in (FIX / "qrels.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        qid, text, filters, spec, grade = line.split("\t")
        flt: dict[str, list[str]] = {}
        for part in filters.split():
            name, _, value = part.partition("=")
            flt.setdefault(name, []).append(value)
        j = queries.setdefault(qid, Judged(qid, text, flt))
        found = _expand(spec, ids, synthetic)
        if not found:
            raise ValueError(f"{qid}: judged document {spec!r} is not in the fixture set")
        for doc_id in found:
            j.grades[doc_id] = max(j.grades.get(doc_id, 0), int(grade))
    return list(queries.values())


# -- metrics --------------------------------------------------------------------------------------
def recall_at(ranked: Sequence[str], grades: dict[str, int], k: int = K) -> float:
    relevant = {d for d, g in grades.items() if g > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def ndcg_at(ranked: Sequence[str], grades: dict[str, int], k: int = K) -> float:
    dcg = sum((2 ** grades.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


@dataclass
class Evaluation:
    name: str
    recall: float
    ndcg: float
    per_query: dict[str, tuple[float, float]]
    index_seconds: float


Runner = Callable[[str, dict[str, list[str]]], list[str]]


def evaluate(name: str, run: Runner, qrels: Sequence[Judged], index_seconds: float = 0.0) -> Evaluation:
    per: dict[str, tuple[float, float]] = {}
    for j in qrels:
        ranked = run(j.text, j.filters)
        per[j.qid] = (recall_at(ranked, j.grades), ndcg_at(ranked, j.grades))
    n = len(per) or 1
    return Evaluation(name, sum(r for r, _ in per.values()) / n, sum(g for _, g in per.values()) / n, per,
                      index_seconds)


# -- the three configurations ---------------------------------------------------------------------------
def _filters(flt: dict[str, list[str]]) -> list[Filter]:
    return [Filter(name, tuple(values)) for name, values in flt.items()]


def shipped_runner(engine_cls: type[Engine], path: Path, docs: Sequence[SearchDoc]) -> tuple[Runner, float, Engine]:
    from casefile.search_engines import searcher
    from casefile.search_engines.query import build, parse
    from casefile.search_engines.sources import index_doc

    started = time.perf_counter()
    engine = engine_cls.create(path)
    engine.add_many(engine_cls.precompute(index_doc(d)) for d in docs)
    seconds = time.perf_counter() - started

    def run(text: str, flt: dict[str, list[str]]) -> list[str]:
        page = searcher.run(engine, build(parse(text)), _filters(flt), per_page=K, facets=False)
        return [h.id for h in page.hits]

    return run, seconds, engine


def baseline_runner(path: Path, docs: Sequence[SearchDoc]) -> tuple[Runner, float]:
    from casefile.search_engines.baseline import BaselineIndex

    started = time.perf_counter()
    ix = BaselineIndex.create(path)
    ix.add_many(docs)
    seconds = time.perf_counter() - started

    def run(text: str, flt: dict[str, list[str]]) -> list[str]:
        return ix.search(text, _filters(flt), K)[1]

    return run, seconds


def evaluate_all(workdir: Path) -> list[Evaluation]:
    from casefile.search_engines.tantivy_engine import TantivyEngine
    from casefile.search_engines.whoosh_engine import WhooshEngine

    docs = fixture_docs()
    qrels = load_qrels([d.id for d in docs])
    out = []
    run, secs = baseline_runner(workdir / "baseline", docs)
    out.append(evaluate("jieba ChineseAnalyzer + whoosh（基线）", run, qrels, secs))
    for label, cls in (("whoosh（发布配置）", WhooshEngine), ("tantivy", TantivyEngine)):
        run, secs, engine = shipped_runner(cls, workdir / cls.name, docs)
        out.append(evaluate(label, run, qrels, secs))
        engine.close()
    return out


def table(results: Sequence[Evaluation], n_queries: int, n_docs: int) -> str:
    lines = [f"{n_queries} judged queries over {n_docs} documents (k = {K})", "",
             "| configuration | recall@10 | nDCG@10 | index build (s) |", "|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r.name} | {r.recall:.3f} | {r.ndcg:.3f} | {r.index_seconds:.1f} |")
    return "\n".join(lines)


def main() -> None:
    docs = fixture_docs()
    qrels = load_qrels([d.id for d in docs])
    with tempfile.TemporaryDirectory() as tmp:
        results = evaluate_all(Path(tmp))
    print(table(results, len(qrels), len(docs)))
    base = results[0]
    for r in results[1:]:
        worse = [q for q, (rec, nd) in r.per_query.items() if nd < base.per_query[q][1] - 1e-9]
        if worse:
            print(f"\n{r.name}: nDCG below the baseline on {', '.join(worse)}")


if __name__ == "__main__":
    main()
