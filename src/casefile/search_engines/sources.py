"""Turn what the workspace holds into :class:`SearchDoc` units, and analyse them (in worker processes).

Sources: the case record (claim, findings, decision …), the issued documents (text of the .docx),
the extracted text of evidence, the typical-case write-ups of ``library/`` and the statutes shipped in
``casefile/data/search/laws`` (one unit per article).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casefile.errors import UnknownDepartment
from casefile.search_engines.analysis import Segmenter, analyse, data_dir, segmenter
from casefile.search_engines.base import Engine, IndexedDoc, SearchDoc

if TYPE_CHECKING:
    from casefile.config import Settings, Workspace
    from casefile.models.case import Case

MAX_TEXT = 200_000  # characters of one document or evidence text that are indexed

IN_FORCE = "现行有效"
STATUS_RANK = {IN_FORCE: 1.0, "已修订": 0.6, "已废止": 0.5}


# -- statutes -----------------------------------------------------------------------------------
_ARTICLE_RE = re.compile(r"^(第[一二三四五六七八九十百千零〇两]+条(?:之[一二三四五六七八九十]+)?)[\s\u3000]+(.*)$")
_LAW_FILE_RE = re.compile(r"^(?P<name>.+)\((?P<date>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\)\.md$")


@dataclass(frozen=True)
class LawInfo:
    file: str
    name: str  # short name from the file name: 行政复议法
    title: str  # full title from the text: 中华人民共和国行政复议法
    date: str
    year: int
    status: str = IN_FORCE
    superseded_by: str = ""
    note: str = ""

    @property
    def label(self) -> str:
        return "" if self.status == IN_FORCE else f"【{self.status}】"


def laws_dir() -> Path:
    return data_dir() / "laws"


def law_catalogue(directory: Path | None = None) -> list[LawInfo]:
    """Every shipped statute with its validity (``laws.toml``; files not listed there are in force)."""
    directory = directory or laws_dir()
    meta: dict[str, dict[str, Any]] = {}
    toml_path = directory / "laws.toml"
    if toml_path.is_file():
        for entry in tomllib.loads(toml_path.read_text(encoding="utf-8")).get("law", []):
            meta[str(entry["file"])] = entry
    out: list[LawInfo] = []
    for path in sorted(directory.glob("*.md")):
        m = _LAW_FILE_RE.match(path.name)
        if not m:
            continue
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        title = first.lstrip("# ").strip() or m.group("name")
        info = meta.get(path.name, {})
        out.append(LawInfo(
            file=path.name, name=m.group("name"), title=title, date=f"{m.group('date')}-{m.group('m')}-{m.group('d')}",
            year=int(m.group("date")), status=str(info.get("status", IN_FORCE)),
            superseded_by=str(info.get("superseded_by", "")), note=str(info.get("note", "")),
        ))
    return out


def split_articles(text: str) -> list[tuple[str, str]]:
    """(条, text) pairs; text before the first article (a judicial interpretation's preamble) is "序言"."""
    body = text.split("<!-- INFO END -->", 1)[-1]
    articles: list[tuple[str, list[str]]] = []
    preamble: list[str] = []
    for raw in body.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _ARTICLE_RE.match(line)
        if m:
            articles.append((m.group(1), [m.group(2)] if m.group(2) else []))
        elif articles:
            articles[-1][1].append(line)
        else:
            preamble.append(line)
    out = [("序言", "\n".join(preamble))] if preamble else []
    out.extend((label, "\n".join(lines)) for label, lines in articles)
    return out


def law_docs(info: LawInfo, directory: Path | None = None) -> list[SearchDoc]:
    path = (directory or laws_dir()) / info.file
    docs: list[SearchDoc] = []
    for article, text in split_articles(path.read_text(encoding="utf-8")):
        title = f"《{info.title}》（{info.year}年）{article}{info.label}"
        body = text
        if info.status != IN_FORCE and info.note:
            body = f"{text}\n（{info.status}：{info.note}）"
        docs.append(SearchDoc(
            id=f"law:{path.stem}:{article}", kind="law", title=title, body=body, year=info.year,
            status=info.status, rank=STATUS_RANK.get(info.status, 1.0), ref=f"{info.file}#{article}",
        ))
    return docs


# -- .docx ------------------------------------------------------------------------------------
def docx_text(path: Path) -> str:
    """Paragraphs and tables in document order; a merged cell's text once, not once per grid cell."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    lines: list[str] = []

    def table_lines(table: Table) -> None:
        seen: list[Any] = []  # the cell elements themselves: keeps their proxies alive for "is"
        for row in table.rows:
            cells: list[str] = []
            for cell in row.cells:
                tc = cell._tc
                if any(tc is s for s in seen):
                    continue
                seen.append(tc)
                parts = [p.text.strip() for p in cell.paragraphs if p.text.strip()]
                if parts:
                    cells.append(" ".join(parts))
                for inner in cell.tables:
                    table_lines(inner)
            if cells:
                lines.append(" | ".join(cells))

    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(child, document).text.strip()
            if text:
                lines.append(text)
        elif tag == "tbl":
            table_lines(Table(child, document))
    return "\n".join(lines)


# -- cases --------------------------------------------------------------------------------------
_COUNTY_RE = re.compile(r"^(.+?(?:县|旗|市|区))(?=.)")


def region_values(name: str) -> tuple[str, ...]:
    """偏关县新关镇 → (偏关县新关镇, 偏关县): the place and its county, both filterable."""
    m = _COUNTY_RE.match(name)
    return (name, m.group(1)) if m else (name,)


def dept_codes(values: Sequence[str | None], settings: Settings | None) -> tuple[str, ...]:
    out: list[str] = []
    for v in values:
        if not v:
            continue
        code = v
        if settings is not None:
            try:
                code = settings.dept(v).code
            except UnknownDepartment:
                code = v
        out.append(code)
    return tuple(dict.fromkeys(out))


def _lines(*parts: tuple[str, str | None]) -> str:
    return "\n".join(f"{label}：{value}" if label else value for label, value in parts if value)


def case_record_text(case: Case, settings: Settings | None) -> str:
    dn = settings.dept_name if settings is not None else (lambda c: c)
    parties: list[tuple[str, str | None]] = []
    for label, p in (("反映人", case.applicant), ("对方当事人", case.counterparty)):
        if p is None:
            continue
        ids = " ".join(x for x in (p.credit_code, p.id_number, p.mobile, p.phone, p.bank_account) if x)
        parties.append((label, " ".join(x for x in (p.name, ids, p.address, p.legal_rep, p.represents) if x)))
    d = case.decision
    parts: list[tuple[str, str | None]] = [
        ("案件编号", case.number), ("案件ID", case.id), ("受理渠道", f"{case.channel.value} {case.channel_ref or ''}".strip()),
        *parties,
        ("争议类别", "、".join(f"{c.short} {c.label}" for c in case.categories)),
        ("险种", "、".join(i.value for i in case.insurance_types)),
        ("所属期", "、".join(case.periods)),
        ("辖区", case.jurisdiction.name),
        ("受理部门", dn(case.intake_dept)), ("主办部门", dn(case.lead_dept) if case.lead_dept else None),
        ("协办部门", "、".join(dn(c) for c in case.co_depts)),
        ("反映事项", case.claim), ("备注", case.note), ("分类说明", case.triage_note),
        ("查明事实", d.findings if d else None), ("处理意见", d.text if d else None),
        ("法律依据", "；".join(d.basis) if d else None), ("履行义务", d.obligations if d else None),
    ]
    for o in case.opinions:
        parts.append((f"{dn(o.dept)}意见", " ".join(x for x in (o.text, o.basis) if x)))
    for m in case.meetings:
        parts.append((m.title, " ".join(x for x in (m.summary, m.policy_basis, m.opinion) if x)))
    if case.mediation is not None:
        parts.append(("调解协议", "；".join(case.mediation.terms)))
    if case.referral is not None:
        parts.append(("报送反馈", case.referral.reply_text))
    for f in case.followups:
        parts.append(("回访意见", f.suggestions))
    for r in case.remedies:
        parts.append((f"{r.kind.value}结果", r.outcome))
    if case.enforcement is not None:
        parts.append(("执行结果", case.enforcement.outcome))
    parts.append(("办结说明", case.close_reason))
    return _lines(*parts)


def case_docs(case: Case, dossier_dir: Path, settings: Settings | None) -> tuple[list[SearchDoc], list[str]]:
    """The case record, its issued documents and its evidence texts; problems are reported, not raised."""
    problems: list[str] = []
    common: dict[str, Any] = {
        "case_id": case.id,
        "category": tuple(dict.fromkeys(c.short for c in case.categories)),
        "outcome": case.outcome,
        "dept": dept_codes([case.intake_dept, case.coordinator_dept, case.lead_dept, *case.co_depts], settings),
        "region": region_values(case.jurisdiction.name),
        "risk": case.risk.value if case.risk else "",
        "ref": case.id,
    }
    labels = "、".join(c.label for c in case.categories)
    title = f"{case.number} {case.applicant.name}反映{labels}"
    docs = [SearchDoc(id=f"case:{case.id}", kind="case", title=title, body=case_record_text(case, settings),
                      year=case.year, status=case.state.label, **common)]
    for d in case.documents:
        path = dossier_dir / d.file
        if path.suffix.lower() != ".docx":
            continue
        try:
            text = docx_text(path)
        except Exception as exc:  # python-docx raises many kinds on damaged or encrypted files
            problems.append(f"{case.id} 文书 {d.doc_id}（{d.file}）无法读取：{type(exc).__name__}")
            continue
        doc_title = f"{d.title}（{d.wenhao}）" if d.wenhao else d.title
        docs.append(SearchDoc(
            id=f"doc:{case.id}:{d.doc_id}", kind="document", title=doc_title, body=text[:MAX_TEXT], year=d.year,
            status="已更正" if d.superseded_by else "有效", rank=0.8 if d.superseded_by else 1.0, **common,
        ))
    for e in case.evidence:
        if not e.text_file:
            continue
        path = dossier_dir / e.text_file
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            problems.append(f"{case.id} 证据 {e.ev_id} 的文本无法读取：{exc.strerror}")
            continue
        docs.append(SearchDoc(
            id=f"ev:{case.id}:{e.ev_id}", kind="evidence", title=e.original_name + (f"（{e.note}）" if e.note else ""),
            body=text[:MAX_TEXT], year=e.received_at.year, status=e.text_status, **common,
        ))
    return docs, problems


# -- analysis (runs in worker processes during a rebuild) ------------------------------------------
def index_doc(doc: SearchDoc, seg: Segmenter | None = None) -> IndexedDoc:
    seg = seg or segmenter()
    t = analyse(doc.title, seg)
    b = analyse(doc.body, seg)
    return IndexedDoc(doc, t.words, t.grams, b.words, b.grams)


@dataclass
class Prepared:
    unit: tuple[str, str]
    docs: list[IndexedDoc] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


_WS: Workspace | None = None
_ENGINE: type[Engine] | None = None
# How a typical-case file becomes a search document is the library's business
# (casefile.library.writeup.search_doc); the caller hands it in, so this package never imports the
# library (which itself uses the segmenter of this package).
_TYPICAL: Callable[[Path], SearchDoc] | None = None


def init_worker(ws: Workspace | None, engine: type[Engine] | None = None,
                typical_doc: Callable[[Path], SearchDoc] | None = None) -> None:
    global _WS, _ENGINE, _TYPICAL
    _WS = ws
    _ENGINE = engine
    _TYPICAL = typical_doc
    segmenter()  # load the dictionary once per process


def prepare(unit: tuple[str, str]) -> Prepared:
    """Load and analyse one unit: ("law", file), ("case", case id) or ("typical", file name)."""
    kind, key = unit
    out = Prepared(unit)
    try:
        docs: list[SearchDoc]
        if kind == "law":
            info = next(i for i in law_catalogue() if i.file == key)
            docs = law_docs(info)
        elif kind == "case":
            docs, out.problems = _case_unit(key)
        elif kind == "typical":
            assert _WS is not None and _TYPICAL is not None
            docs = [_TYPICAL(_WS.library_dir / key)]
        else:
            raise ValueError(kind)
        indexed = [index_doc(d) for d in docs]
        out.docs = [_ENGINE.precompute(d) for d in indexed] if _ENGINE is not None else indexed
    except Exception as exc:  # one unreadable unit must not stop a rebuild
        out.problems.append(f"{key} 无法建立索引：{type(exc).__name__}: {exc}")
    return out


def _case_unit(case_id: str) -> tuple[list[SearchDoc], list[str]]:
    from casefile.store import Dossier

    assert _WS is not None
    dossier = Dossier(_WS, case_id)
    if not dossier.exists():
        return [], []
    return case_docs(dossier.load(), dossier.path, _WS.settings)


def iter_units(ws: Workspace) -> Iterator[tuple[str, str]]:
    from casefile.store import iter_dossiers

    for info in law_catalogue():
        yield ("law", info.file)
    for path in typical_files(ws):
        yield ("typical", path.name)
    for dossier in iter_dossiers(ws):
        yield ("case", dossier.case_id)


def typical_files(ws: Workspace) -> list[Path]:
    if not ws.library_dir.is_dir():
        return []
    return sorted(p for p in ws.library_dir.glob("*.md") if p.is_file() and not p.name.startswith("."))
