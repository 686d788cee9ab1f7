"""Creating a workspace and checking every dossier in it (fsck)."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import sqlite3
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casefile.config import CONFIG_NAME, Workspace, load_settings
from casefile.errors import CasefileError, CorruptRecord, StorageError
from casefile.identity import ActorLike
from casefile.layout import PRESERVATION_DIR, SEQ_DIR

if TYPE_CHECKING:
    from casefile.models.case import Case
    from casefile.store import Dossier, JournalEntry

PROFILES = ("pianguan", "naiman")

FOLDERS_README = {
    "archive": "案卷目录：archive/<年度>/<案件ID>/（case.json、journal.jsonl、documents/、evidence/）。请勿手工修改。\n",
    "inbox": "收件目录：扫描件放在 inbox/<案件ID>/ 下，或文件名以案件ID开头，或首页为 casefile coversheet 打印的封面页。\n",
    "indexes": "派生数据（案件目录、检索索引），可随时删除，用 casefile catalog rebuild / index rebuild 重建。\n",
    "templates": "模板覆盖：放入与内置模板同名的 .docx（如 D17.docx）即可替换内置模板。\n",
}


def default_config_text(profile: str) -> str:
    if profile not in PROFILES:
        raise CasefileError(f"未知的分流模式“{profile}”，应为 pianguan（低/中/高风险）或 naiman（一般/重大疑难/职责不清）。")
    return resources.files("casefile.data.workspace").joinpath(f"{profile}.toml").read_text(encoding="utf-8")


PURPOSES = ("production", "test", "demo")


def staff_toml(staff: Sequence[Mapping[str, Any]]) -> str:
    """``[[staff]]`` tables for casefile.toml (name, dept, roles, optional login and os_user)."""
    out: list[str] = []
    for member in staff:
        out.append("\n[[staff]]")
        for key in ("name", "dept", "roles", "login", "os_user"):
            if key in member and member[key] not in (None, ""):
                out.append(f"{key} = {json.dumps(member[key], ensure_ascii=False)}")
    return "\n".join(out) + "\n"


def init_workspace(root: Path, profile: str = "pianguan", *, force: bool = False, purpose: str = "production",
                   staff: Sequence[Mapping[str, Any]] = ()) -> Workspace:
    """Create casefile.toml and the folders; refuse to overwrite an existing configuration.

    ``purpose`` "test" or "demo" marks a workspace whose clock may be pinned (``CASEFILE_NOW``);
    ``staff`` are written as its ``[[staff]]`` list."""
    text = default_config_text(profile)
    if purpose not in PURPOSES:
        raise CasefileError(f"未知的工作区用途“{purpose}”，应为 production、test 或 demo。")
    if purpose != "production":
        text += f'\n[workspace]  # 测试/演示工作区：允许用 CASEFILE_NOW 固定当前时间\npurpose = "{purpose}"\n'
    if staff:
        text += staff_toml(staff)
    cfg = root / CONFIG_NAME
    if cfg.exists() and not force:
        raise CasefileError(f"{root} 已经是 casefile 工作区（{CONFIG_NAME} 已存在）；如需重建配置请加 --force。")
    try:
        root.mkdir(parents=True, exist_ok=True)
        for name, readme in FOLDERS_README.items():
            (root / name).mkdir(exist_ok=True)
            (root / name / "说明.txt").write_text(readme, encoding="utf-8")
        from casefile.evidence.inbox import FAILED_DIR, UNMATCHED_DIR

        (root / "inbox" / UNMATCHED_DIR).mkdir(exist_ok=True)
        (root / "inbox" / FAILED_DIR).mkdir(exist_ok=True)
        (root / "library").mkdir(exist_ok=True)
        from casefile.store import atomic_write

        atomic_write(cfg, text.encode("utf-8"))
    except OSError as exc:
        raise StorageError(f"无法在 {root} 创建工作区：{exc.strerror}。") from None
    return Workspace(root.resolve(), load_settings(cfg))


# -- fsck ------------------------------------------------------------------------------------------
@dataclass
class FsckFinding:
    case_id: str
    code: str
    message: str


@dataclass
class FsckReport:
    cases: int = 0
    findings: list[FsckFinding] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def fsck(ws: Workspace, *, repair: bool = True, now: datetime | None = None, actor: ActorLike = "fsck") -> FsckReport:
    """Check every dossier: schema, journal chain, journal↔record agreement, referenced files,
    sequences, catalog agreement. One bad dossier never stops the others.

    With ``repair`` it first finishes or undoes what a killed process left: interrupted transactions
    (taking each dossier's lock runs the store's recovery), interrupted archiving runs (staging
    folders beside the case folder) and approved destructions that did not finish."""
    from casefile import catalog
    from casefile.store import Sequence, iter_dossiers, sha256_file

    report = FsckReport()
    when = now or datetime.now().astimezone()
    from casefile.fsio import on_read_only_medium

    if repair and on_read_only_medium(ws.root):
        repair = False  # nothing can be repaired there, and nothing can be half-written either
        report.recovered.append("工作区位于只读介质上：只检查，不修复")
    if repair:
        from casefile.store import clean_scratch

        _recover_archiving(ws, report, when, actor)
        _remove_half_built(ws, report)
        _remove_inbox_temps(ws, report)
        report.recovered.extend(f"删除中断的操作留下的临时目录 {n}" for n in clean_scratch(ws))
    used: dict[str, set[int]] = {}
    catalog_con = catalog.open_for_check(ws)
    edited_rows: list[str] = []
    present: set[str] = set()
    for d in iter_dossiers(ws):
        report.cases += 1
        cid = d.case_id
        present.add(cid)
        if repair:
            try:
                with d.lock():
                    pass  # taking the lock runs recovery of an interrupted transaction
            except CasefileError as exc:
                report.findings.append(FsckFinding(cid, "lock", exc.message))
        entries, problems = d.journal()
        for p in problems:
            report.findings.append(FsckFinding(cid, "journal-chain", f"日志{p.message}"))
        if not entries and not problems:
            report.findings.append(FsckFinding(cid, "journal-empty", "日志 journal.jsonl 为空：案件的全部办理记录被清除"))
        try:
            case = d.load()
        except CasefileError as exc:
            report.findings.append(FsckFinding(cid, "case-json", exc.message))
            continue
        actual_sha = sha256_file(d.case_path) if d.case_path.exists() else ""
        if entries and actual_sha and entries[-1].case_sha256 != actual_sha:
            report.findings.append(FsckFinding(cid, "journal-record", "case.json 与日志最后一条记录的哈希不一致（记录被改动）"))
        if catalog_con is not None and actual_sha:
            diffs = catalog.row_differences(catalog_con, case, actual_sha, catalog.transitions_of(entries))
            if diffs:
                edited_rows.append(cid)
                report.findings.append(FsckFinding(
                    cid, "catalog-edited", f"案件目录中本案的记录与案卷不符（{'、'.join(diffs[:8])}）：目录文件被改动过"
                    + ("，已从案卷重建" if repair else "，请运行 casefile catalog rebuild")))
        _check_files(report, d, case, entries)
        for doc in case.documents:
            if doc.wenhao and doc.serial:
                used.setdefault(f"doc-{doc.doc_type}-{doc.year}", set()).add(doc.serial)
        used.setdefault(f"case-{case.year}", set()).add(case.seq)
        if case.archive is None and d.path.joinpath("data").exists():
            report.findings.append(FsckFinding(cid, "archive", "存在 data/ 目录但记录中没有归档信息"))
    # sequences: every value used must be recorded; values recorded but unused are reported as voids
    for name, values in used.items():
        seq = Sequence(ws, name)
        logged = [int(e["value"]) for e in seq.entries()]
        dupes = {v for v, n in Counter(logged).items() if n > 1}
        for v in sorted(dupes):
            report.findings.append(FsckFinding("-", "sequence-duplicate", f"序号 {name} #{v} 被重复分配"))
        for v in sorted(values - set(logged)):
            # a process killed between creating the dossier and logging its number: record it now
            if repair and seq.record_used(v, "补记：案卷已使用此号，分配记录因进程中断未写入", when):
                report.recovered.append(f"补记序号 {name} #{v} 的分配记录（上次分配后进程中断，未及记录）")
            else:
                report.findings.append(FsckFinding("-", "sequence-unrecorded", f"序号 {name} #{v} 已使用但分配记录中没有"))
        for v in sorted(set(logged) - values):
            report.recovered.append(f"序号 {name} #{v} 已分配但未使用（有分配记录，视为作废号）")
    _missing_dossiers(ws, report, present, catalog_con)
    if catalog_con is not None:
        catalog_con.close()
    from casefile.store import access_log_problems

    for msg in access_log_problems(ws):
        report.findings.append(FsckFinding("-", "access-log", f"归档案件查看记录（.casefile/access.jsonl）{msg}"))
    if edited_rows and repair:
        try:
            catalog.rebuild(ws)
            from casefile.search import notify_change

            for cid in edited_rows:
                notify_change(ws, cid)
        except (CasefileError, sqlite3.Error) as exc:
            report.findings.append(FsckFinding("-", "catalog", f"案件目录无法重建（{exc}），请运行 casefile catalog rebuild"))
    try:
        try:
            stale = catalog.check_agreement(ws)
        except CorruptRecord as exc:  # derived data: a damaged catalog is rebuilt like a stale one
            if not repair:
                raise
            stale = [exc.message]
        if stale and repair:  # derived data: a killed process may leave it behind the dossiers
            catalog.rebuild(ws)
            report.recovered.append(f"案件目录与案卷不一致（{len(stale)}处），已从案卷重建")
            # the same process may have died before queueing the change for the search index
            from casefile.search import notify_change
            from casefile.store import CASE_ID_RE

            for msg in stale:
                cid = msg.split("：", 1)[0]
                if CASE_ID_RE.match(cid):
                    notify_change(ws, cid)
            stale = catalog.check_agreement(ws)
        for msg in stale:
            report.findings.append(FsckFinding("-", "catalog", msg))
    except CasefileError as exc:
        report.findings.append(FsckFinding("-", "catalog", exc.message))
    except sqlite3.Error as exc:  # rebuilding on a full or read-only disk
        report.findings.append(FsckFinding("-", "catalog", f"案件目录无法重建（{exc}），请清理空间后运行 casefile catalog rebuild"))
    return report


def _missing_dossiers(ws: Workspace, report: FsckReport, present: set[str], con: sqlite3.Connection | None) -> None:
    """A case that existed and whose folder is gone, without an approved destruction, is a finding.
    It existed if the catalog lists it, or a number log names it (its 文书's 文号, its 件号, a typical
    case drawn from it): those are written only after the dossier committed, and survive a rebuild of
    the catalog. A case number alone proves nothing: a registration that failed takes its new, empty
    dossier back and leaves the number void."""
    from casefile.store import CASE_ID_RE

    evidence: dict[str, str] = {}
    if con is not None:
        with contextlib.suppress(sqlite3.Error):
            for (cid,) in con.execute("SELECT id FROM cases"):
                evidence.setdefault(str(cid), "案件目录中有它的记录")
    seq_dir = ws.archive_dir / SEQ_DIR
    id_in = re.compile(r"[A-Z]{2,8}-\d{6}-\d{4}-\d{4,6}")
    if seq_dir.is_dir():
        for f in sorted(seq_dir.glob("*.jsonl")):
            if f.stem.startswith("case-"):
                continue
            for raw in f.read_bytes().splitlines():
                try:
                    purpose = str(json.loads(raw).get("for", ""))
                except (ValueError, AttributeError):
                    continue
                m = id_in.search(purpose)
                if m and CASE_ID_RE.match(m.group(0)):
                    evidence.setdefault(m.group(0), f"序号记录 {f.name} 记载了它（{purpose[:40]}）")
    gone = {cid: why for cid, why in evidence.items() if cid not in present}
    if not gone:
        return
    purged: set[str] = set()
    pres_dir = ws.archive_dir / PRESERVATION_DIR
    if pres_dir.is_dir():
        from casefile.archive import preservation

        for year in preservation.log_years(ws):
            events, _ = preservation.read_log(ws, year)
            purged |= {ev.case_id for ev in events if ev.type == "purged"}
    for cid, why in sorted(gone.items()):
        if cid not in purged:
            report.findings.append(FsckFinding(cid, "case-missing",
                                               f"案卷目录不存在，但{why}，且没有经批准的销毁记录：案卷被删除或移走，请从备份恢复"))


def _remove_inbox_temps(ws: Workspace, report: FsckReport) -> None:
    """Reason files half-written by a killed watcher (the watcher also removes them when it starts)."""
    from casefile.evidence.inbox import remove_stale_temps

    for name in remove_stale_temps(ws.inbox_dir):
        report.recovered.append(f"删除中断的隔离操作留下的临时文件 inbox/{name}")


def _remove_half_built(ws: Workspace, report: FsckReport) -> None:
    """Hidden ``.<案件ID>.<hex>.new`` folders: a new dossier whose creating process was killed before
    the rename that puts it in place. Creation runs under the year's case-number lock, so holding
    that lock means no creation is in progress."""
    if not ws.archive_dir.is_dir():
        return
    from casefile.store import CASE_ID_RE, locked

    for year_dir in sorted(ws.archive_dir.iterdir()):
        if not (year_dir.is_dir() and year_dir.name.isdigit()):
            continue
        leftovers = [p for p in year_dir.iterdir()
                     if (m := re.match(r"^\.(.+)\.[0-9a-f]+\.new$", p.name)) and CASE_ID_RE.match(m.group(1))]
        if not leftovers:
            continue
        with locked(ws, f"seq-case-{year_dir.name}"):
            for p in leftovers:
                if p.exists():
                    shutil.rmtree(p, ignore_errors=True)
                    report.recovered.append(f"删除未完成创建的案卷临时目录 {year_dir.name}/{p.name}")


def _recover_archiving(ws: Workspace, report: FsckReport, now: datetime, actor: ActorLike) -> None:
    """Staging folders of an archiving run (``.<案件ID>.archiving-*``) and leftovers of destructions.

    A kill between the two renames of an archiving run leaves no folder under the case id, so the
    candidates are found from the staging folders themselves, not from the dossiers."""
    if not ws.archive_dir.is_dir():
        return
    from casefile.store import CASE_ID_RE, Dossier

    staged: set[str] = set()
    for year_dir in ws.archive_dir.iterdir():
        if not (year_dir.is_dir() and year_dir.name.isdigit()):
            continue
        for p in year_dir.iterdir():
            m = re.match(r"^\.(.+)\.archiving-", p.name)
            if m and CASE_ID_RE.match(m.group(1)):
                staged.add(m.group(1))
    if staged:
        from casefile.archive.build import recover

        for cid in sorted(staged):
            d = Dossier(ws, cid)
            try:
                with d.lock():
                    rec = recover(ws, d, now=now, actor=actor)
                report.recovered.extend(f"{cid}：{a}" for a in rec.actions)
            except CasefileError as exc:
                report.findings.append(FsckFinding(cid, "archive-recovery", exc.message))
    # destructions: only the archive package knows their folder names; import it only when needed
    if any(p.name.startswith(".") and ".purging-" in p.name
           for y in ws.archive_dir.iterdir() if y.is_dir() and y.name.isdigit() for p in y.iterdir()):
        from casefile.archive.lifecycle import purge_leftovers

        report.recovered.extend(f"删除已批准销毁但未删完的目录 {n}" for n in purge_leftovers(ws))


def _check_files(report: FsckReport, d: Dossier, case: Case, entries: list[JournalEntry]) -> None:
    """Every file of an open dossier against the SHA-256 its writing transaction recorded in the journal
    (documents, PDFs, data snapshots, evidence and its extracted text, typical-case maps), or, for
    files written before hashes were journaled, against the record that names them; and every file
    in the folder that no transaction wrote and no record names (put there, or renamed) is a finding.
    An archived case is a bag, checked by ``casefile verify``."""
    from casefile.store import CASE_FILE, JOURNAL_FILE

    cid = case.id
    sealed = case.archive is not None or (d.path / "bagit.txt").exists()
    # a bag moved the files it holds under data/: there only the records' own paths apply
    expected: dict[str, str | None] = {} if sealed else dict(d.recorded_files(entries))
    for doc in case.documents:
        for rel, sha in ((doc.file, doc.sha256), (doc.data_file, None), (doc.pdf, None)):
            if rel:
                expected.setdefault(rel, sha)
    for ev in case.evidence:
        for rel, sha in ((ev.file, ev.sha256), (ev.text_file, None), (ev.archive_pdf, None)):
            if rel:
                expected.setdefault(rel, sha)
    for rel, sha in sorted(expected.items()):
        _check_file(report, d, cid, rel, sha)
    if sealed:
        return
    for p in sorted(d.path.rglob("*")):
        rel = p.relative_to(d.path).as_posix()
        if p.is_dir() or rel in (CASE_FILE, JOURNAL_FILE) or any(part.startswith(".") for part in p.relative_to(d.path).parts):
            continue
        if rel not in expected:
            report.findings.append(FsckFinding(cid, "file-unrecorded",
                                               f"{rel} 不是 casefile 写入的文件（日志与记录中都没有它），可能是被放入或改名的"))


def _check_file(report: FsckReport, d: object, cid: str, rel: str, sha: str | None) -> None:
    from casefile.store import Dossier, sha256_file

    assert isinstance(d, Dossier)
    try:
        path = d.safe_path(rel)
    except CasefileError as exc:
        report.findings.append(FsckFinding(cid, "path", exc.message))
        return
    if not path.exists():
        report.findings.append(FsckFinding(cid, "file-missing", f"引用的文件 {rel} 不存在"))
    elif sha and sha256_file(path) != sha:
        report.findings.append(FsckFinding(cid, "file-changed", f"文件 {rel} 的内容与记录的 SHA-256 不符"))


def copy_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, dirs_exist_ok=True)
