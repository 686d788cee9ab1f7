"""四性检测 (DA/T 70): 真实性, 完整性, 可用性, 安全性 of archived case files.

:func:`check_archive` checks one archived dossier folder (in the workspace, at a transfer
destination, or while it is being built); :func:`verify` checks cases of a workspace, adds the
year-level 件号 continuity and logs each result as a preservation event (never touching the bag).
The ``typical/`` annex beside the bag (:mod:`.annex`) is accepted only as its own rules allow.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from casefile.archive import annex, preservation
from casefile.archive.bag import BAG_INFO, check_bag, manifest_name
from casefile.archive.findings import (
    AnchorMismatch,
    BagMissing,
    BrokenChain,
    CountMismatch,
    DuplicateNumber,
    Finding,
    Inconsistent,
    Malformed,
    NotArchived,
    Property,
    RequiredMissing,
    SequenceGap,
    Unusable,
)
from casefile.archive.fixity import sm3_bytes
from casefile.archive.pdfpack import CJK_RE, pdf_text, qpdf_check
from casefile.archive.requirements import required_documents
from casefile.config import Workspace
from casefile.errors import ArchiveProblem, CasefileError
from casefile.identity import ActorLike
from casefile.models.case import Case
from casefile.models.enums import State
from casefile.store import (
    ARCHIVE_META,
    CASE_FILE,
    JOURNAL_FILE,
    Dossier,
    check_case_id,
    iter_dossiers,
    read_journal,
    sha256_bytes,
)

CASE_TAG = CASE_FILE
JOURNAL_TAG = JOURNAL_FILE
META_TAG = ARCHIVE_META
SCHEMA_TAG = "case.schema.json"  # since casefile-archive/1 bags made after 2026-12; older bags lack it
KNOWN_TAGS = (CASE_TAG, JOURNAL_TAG, META_TAG, SCHEMA_TAG)


@dataclass
class ArchiveCheck:
    """The result for one archived dossier folder."""

    root: Path
    case_id: str = ""
    dang_hao: str = ""
    year: int | None = None
    jian_hao: int | None = None
    findings: list[Finding] = field(default_factory=list)
    payload_bytes: int = 0
    hashed_bytes: int = 0
    hash_seconds: float = 0.0
    seconds: float = 0.0
    quick: bool = False

    @property
    def ok(self) -> bool:
        return not self.findings

    def by_property(self) -> dict[Property, list[Finding]]:
        out: dict[Property, list[Finding]] = {p: [] for p in Property}
        for f in self.findings:
            out[f.prop].append(f)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "dang_hao": self.dang_hao, "ok": self.ok, "quick": self.quick,
                "payload_bytes": self.payload_bytes, "hashed_bytes": self.hashed_bytes,
                "seconds": round(self.seconds, 3), "findings": [f.as_dict() for f in self.findings]}


def load_meta(root: Path) -> dict[str, Any]:
    try:
        data = json.loads((root / META_TAG).read_bytes())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def check_archive(root: Path, *, quick: bool = False, expect_readonly: bool = True, workers: int = 0,
                  usability: bool | None = None, deep: bool = False,
                  on_file: Callable[[str, int], None] | None = None) -> ArchiveCheck:
    """Every check of one archived dossier that needs nothing but the folder itself.

    ``usability`` (every PDF opens and has text) defaults to ``not quick``; ``deep`` also runs
    ``qpdf --check`` on the merged PDF again.
    """
    t0 = time.perf_counter()
    out = ArchiveCheck(root, quick=quick)
    meta = load_meta(root)
    sizes = meta.get("sizes") if isinstance(meta.get("sizes"), dict) else None
    bc = check_bag(root, quick=quick, expect_readonly=expect_readonly, workers=workers, known_tags=KNOWN_TAGS,
                   sizes=sizes, on_file=on_file)
    # typical/ beside the bag is the annex (see casefile.archive.annex): checked by its own rules
    out.findings.extend(annex.without_annex(root, bc.findings))
    out.findings.extend(annex.annex_findings(root))
    out.payload_bytes, out.hashed_bytes, out.hash_seconds = bc.payload_bytes, bc.hashed_bytes, bc.hash_seconds
    f = out.findings
    info = bc.info
    out.dang_hao = info.get("External-Identifier", "")

    # -- the record and its journal (真实性) --------------------------------------------------------
    case: Case | None = None
    case_raw = b""
    try:
        case_raw = (root / CASE_TAG).read_bytes()
        case = Case.model_validate_json(case_raw)
    except FileNotFoundError:
        if not any(x.path == CASE_TAG for x in f):
            f.append(Malformed(CASE_TAG, detail="缺少案件记录"))
    except (OSError, ValidationError, ValueError):
        f.append(Malformed(CASE_TAG, detail="案件记录无法读取或格式不符"))
    entries, problems = read_journal(root / JOURNAL_TAG)
    if (root / JOURNAL_TAG).exists():
        for p in problems:
            f.append(BrokenChain(JOURNAL_TAG, line=p.line, detail=p.message))
    if case is not None:
        out.case_id = case.id
        if case.state is not State.ARCHIVED or case.archive is None:
            f.append(Inconsistent(CASE_TAG, detail=f"案件记录的状态为“{case.state.label}”，不是已归档"))
        else:
            a = case.archive
            out.year, out.jian_hao = a.year, a.jian_hao
            if out.dang_hao and a.dang_hao != out.dang_hao:
                f.append(Inconsistent(BAG_INFO, detail=f"bag-info 的档号 {out.dang_hao} 与案件记录的档号 {a.dang_hao} 不符"))
            out.dang_hao = out.dang_hao or a.dang_hao
            if a.payload_oxum and info.get("Payload-Oxum") and a.payload_oxum != info["Payload-Oxum"]:
                f.append(Inconsistent(BAG_INFO, detail="bag-info 的 Payload-Oxum 与案件记录不符"))
    if entries:
        last = entries[-1]
        if last.type != "archived" or last.payload.get("transition") != "T24":
            f.append(Inconsistent(JOURNAL_TAG, detail="日志的最后一条不是归档记录（归档后日志被追加或截断）"))
        else:
            recorded = info.get("Journal-Archived-Event-SHA256")
            if recorded and recorded != last.sha256:
                f.append(Inconsistent(JOURNAL_TAG, detail="归档记录的哈希与 bag-info 中登记的不符"))
            for alg, key in (("sha256", "manifest_sha256"), ("sm3", "manifest_sm3")):
                mpath = root / manifest_name(alg)
                want = last.payload.get(key)
                if want and mpath.is_file():
                    data = mpath.read_bytes()
                    got = sha256_bytes(data) if alg == "sha256" else sm3_bytes(data)
                    if got != want:
                        f.append(Inconsistent(manifest_name(alg), detail=f"{manifest_name(alg)} 与归档时日志记录的摘要不符"))
        if case_raw and last.case_sha256 != sha256_bytes(case_raw):
            f.append(Inconsistent(CASE_TAG, detail="case.json 与日志最后一条记录的哈希不一致（记录被改动）"))

    # -- counts and required documents (完整性) --------------------------------------------------------
    if case is not None:
        for label, key, n in (("文书件数", "Document-Count", len(case.documents)),
                              ("证据件数", "Evidence-Count", len(case.evidence))):
            if key in info and info[key].isdigit() and int(info[key]) != n:
                f.append(CountMismatch(BAG_INFO, what=label, expected=int(info[key]), actual=n))
        for rel in _record_files(case):
            if rel not in bc.listed:
                f.append(Inconsistent(rel, detail=f"案件记录引用的文件 {rel} 不在归档包中"))
        comp = required_documents(case, entries)
        for r in comp.missing:
            f.append(RequiredMissing(CASE_TAG, detail=r.label))

    # -- every PDF opens and has text (可用性) -----------------------------------------------------------
    if usability if usability is not None else not quick:
        f.extend(_usability(root, meta, {x.path for x in f}, bc.payload, deep=deep))
    out.seconds = time.perf_counter() - t0
    return out


def _record_files(case: Case) -> list[str]:
    rels: list[str] = []
    for d in case.documents:
        rels += [d.file, d.data_file] + ([d.pdf] if d.pdf else [])
    for e in case.evidence:
        rels += [e.file] + [x for x in (e.archive_pdf, e.text_file) if x]
    return rels


def _usability(root: Path, meta: dict[str, Any], already: set[str], payload: Iterable[str], *,
               deep: bool = False) -> list[Finding]:
    out: list[Finding] = []
    raw_merged = meta.get("merged")
    merged: dict[str, Any] = raw_merged if isinstance(raw_merged, dict) else {}
    merged_rel = str(merged.get("file", ""))
    text_docs = {str(p.get("pdf")) for p in meta.get("parts", []) if isinstance(p, dict) and p.get("kind") == "document"}
    for rel in sorted(r for r in payload if r.lower().endswith(".pdf")):
        if rel in already:
            continue  # already reported as changed/renamed: its content is not what was archived
        path = root / rel
        want_pages: list[int] = []
        if rel == merged_rel:
            want_pages = sorted({int(p["first"]) for p in meta.get("parts", [])
                                 if isinstance(p, dict) and p.get("kind") in ("document", "cover")})
        elif rel in text_docs:
            want_pages = [0]
        try:
            n, texts = pdf_text(path, want_pages)
        except ArchiveProblem as exc:
            out.append(Unusable(rel, detail=f"PDF 无法打开（{exc.message}）"))
            continue
        if n == 0:
            out.append(Unusable(rel, detail="PDF 没有页面"))
            continue
        blank = [i + 1 for i in want_pages if not CJK_RE.search(texts.get(i, ""))]
        if blank:
            shown = "、".join(map(str, blank[:8])) + ("等" if len(blank) > 8 else "")
            out.append(Unusable(rel, detail=f"第{shown}页没有可提取的中文文字"))
        if rel == merged_rel:
            if merged.get("pages") and int(merged["pages"]) != n:
                out.append(CountMismatch(rel, what="合并PDF页数", expected=int(merged["pages"]), actual=n))
            # qpdf --check reads every stream (seconds per file); it gates sealing, and a file whose
            # digests still match is byte for byte the one that passed. Only ``deep`` repeats it.
            if deep:
                passed, msg = qpdf_check(path)
                if not passed:
                    out.append(Unusable(rel, detail=msg))
    return out


# -- workspace level -------------------------------------------------------------------------------------
@dataclass
class VerifyReport:
    checks: list[ArchiveCheck] = field(default_factory=list)
    year_findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def findings(self) -> list[Finding]:
        return [x for c in self.checks for x in c.findings] + self.year_findings

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def hashed_bytes(self) -> int:
        return sum(c.hashed_bytes for c in self.checks)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "cases": [c.as_dict() for c in self.checks],
                "year_findings": [f.as_dict() for f in self.year_findings], "notes": self.notes,
                "warnings": self.warnings, "seconds": round(self.seconds, 3), "hashed_bytes": self.hashed_bytes}


@dataclass(frozen=True)
class YearNumbers:
    used: dict[int, list[str]]  # 件号 -> case ids
    dang_hao: dict[int, str]
    accounted: dict[int, str]  # 件号 -> why it has no case (purged / voided)
    allocated: int  # the sequence's last value
    archived: dict[int, tuple[str, str]] = field(default_factory=dict)  # 件号 -> (case, 档号) the log says it sealed


def year_numbers(ws: Workspace, year: int) -> YearNumbers:
    from casefile.store import Sequence

    used: dict[int, list[str]] = {}
    dh: dict[int, str] = {}
    for d in iter_dossiers(ws):
        try:
            case = d.load()
        except CasefileError:
            continue
        a = case.archive
        if a is not None and a.year == year and case.state is State.ARCHIVED:
            used.setdefault(a.jian_hao, []).append(case.id)
            dh[a.jian_hao] = a.dang_hao
    events, _ = preservation.read_log(ws, year)
    accounted: dict[int, str] = {}
    archived: dict[int, tuple[str, str]] = {}
    for ev in events:
        n = ev.data.get("jian_hao")
        if isinstance(n, int) and ev.type in ("purged", "voided"):
            accounted[n] = "已销毁" if ev.type == "purged" else "已作废"
        if isinstance(n, int) and ev.type == "archived":
            archived[n] = (ev.case_id, ev.dang_hao)
    return YearNumbers(used, dh, accounted, Sequence(ws, f"jianhao-{year}").last(), archived)


def sequence_findings(ws: Workspace, year: int) -> list[Finding]:
    nums = year_numbers(ws, year)
    out: list[Finding] = []
    top = max([nums.allocated, *nums.used], default=0)
    # a number the log says was sealed into a bag is a missing bag, not a gap a --void could explain
    missing = {n: v for n, v in nums.archived.items() if n not in nums.used and n not in nums.accounted}
    for n, (cid, dh) in sorted(missing.items()):
        out.append(BagMissing(f"archive/_preservation/{year}.jsonl", case_id=cid, year=year, number=n, dang_hao=dh))
    gaps = tuple(n for n in range(1, top + 1) if n not in nums.used and n not in nums.accounted and n not in missing)
    if gaps:
        out.append(SequenceGap(f"jianhao-{year}", year=year, numbers=gaps))
    for n, cases in sorted(nums.used.items()):
        if len(cases) > 1:
            out.append(DuplicateNumber(f"jianhao-{year}", dang_hao=nums.dang_hao.get(n, str(n)), cases=tuple(cases)))
    _, problems = preservation.read_log(ws, year)
    for p in problems:
        out.append(BrokenChain(f"archive/_preservation/{year}.jsonl", detail=p))
    return out


def archived_dossiers(ws: Workspace, year: int | None = None) -> list[tuple[Dossier, Case]]:
    out: list[tuple[Dossier, Case]] = []
    for d in iter_dossiers(ws):
        try:
            case = d.load()
        except CasefileError:
            continue
        if case.state is State.ARCHIVED and case.archive is not None and (year is None or case.archive.year == year):
            out.append((d, case))
    out.sort(key=lambda dc: (dc[1].archive.year, dc[1].archive.jian_hao))  # type: ignore[union-attr]
    return out


def verify(ws: Workspace, case_ids: Sequence[str] = (), *, all_cases: bool = False, quick: bool = False,
           now: datetime, actor: ActorLike, progress: Callable[[str], None] | None = None) -> VerifyReport:
    """Verify archived cases (the given ones, or all) and log each result in the preservation log."""
    t0 = time.perf_counter()
    say = progress or (lambda _m: None)
    report = VerifyReport()
    workers = ws.settings.archive.verify_workers
    targets: list[tuple[str, Path | None]] = []
    if all_cases:
        targets = [(d.case_id, d.path) for d, _ in archived_dossiers(ws)]
        if not targets:
            report.notes.append("工作区中没有已归档的案卷。")
    for raw in case_ids:
        cid = check_case_id(raw)
        if any(t[0] == cid for t in targets):
            continue
        d = Dossier(ws, cid)
        targets.append((cid, d.path if d.path.is_dir() else None))
    years: set[int] = set()
    for cid, path in targets:
        if path is None:
            gone = _purged_note(ws, cid)
            if gone:
                report.notes.append(gone)
            else:
                report.checks.append(ArchiveCheck(Path(), cid, findings=[NotArchived(case_id=cid, detail=f"找不到案件 {cid}")]))
            continue
        try:
            state = Dossier(ws, cid).load().state
        except CasefileError as exc:
            report.checks.append(ArchiveCheck(path, cid, findings=[Malformed(CASE_TAG, case_id=cid, detail=exc.message)]))
            continue
        if state is not State.ARCHIVED:
            report.checks.append(ArchiveCheck(path, cid, findings=[NotArchived(case_id=cid,
                                 detail=f"案件 {cid} 尚未归档（当前状态：{state.label}），请先运行 casefile archive {cid}")]))
            continue
        say(f"校验 {cid}…")
        check = check_archive(path, quick=quick, workers=workers)
        check.case_id = check.case_id or cid
        if check.year is not None:
            check.findings.extend(annex.unrecorded_findings(ws, check.year, cid, path))
            check.findings.extend(anchor_findings(ws, check.year, cid, check.dang_hao, path))
        check.findings = [x.located(cid) for x in check.findings]
        report.checks.append(check)
        if check.year is not None:
            years.add(check.year)
            try:
                preservation.append(ws, check.year, "verified", now=now, actor=actor, case_id=cid,
                                    dang_hao=check.dang_hao, mode="quick" if quick else "full", ok=check.ok,
                                    findings=[{"code": x.code, "path": x.path} for x in check.findings])
            except CasefileError as exc:
                report.warnings.append(exc.message)
    if all_cases:  # a year whose every bag was removed has no bag left to name it
        years.update(preservation.log_years(ws))
    for y in sorted(years):
        report.year_findings.extend(sequence_findings(ws, y))
    report.seconds = time.perf_counter() - t0
    return report


def anchor_findings(ws: Workspace, year: int, case_id: str, dang_hao: str, bag: Path) -> list[Finding]:
    """The bag's tag manifests against the digests the preservation log took when it was sealed
    (bags sealed before the anchors were logged have none to compare)."""
    from casefile.store import sha256_file

    events, _ = preservation.read_log(ws, year)
    sealed = next((ev for ev in events if ev.type == "archived" and (ev.case_id == case_id or ev.dang_hao == dang_hao)),
                  None)
    if sealed is None:
        return []
    out: list[Finding] = []
    for name in ("tagmanifest-sha256.txt", "tagmanifest-sm3.txt"):
        want = sealed.data.get(f"{name.removesuffix('.txt').replace('-', '_')}_file_sha256")
        if not want:
            continue
        path = bag / name
        if not path.is_file() or sha256_file(path) != want:
            out.append(AnchorMismatch(name))
    return out


def _purged_note(ws: Workspace, case_id: str) -> str | None:
    for y in preservation.log_years(ws):
        events, _ = preservation.read_log(ws, y)
        for ev in events:
            if ev.type == "purged" and ev.case_id == case_id:
                return f"案件 {case_id}（档号 {ev.dang_hao}）已于{ev.time[:10]}经批准销毁。"
    return None
