"""The typical-case library (典型案例, DOMAIN.md D29 and §7.3).

``draft`` writes a de-identified write-up of a case to ``library/<ID>.md`` (Markdown with YAML front
matter, for trainers to edit) and keeps the real ↔ pseudonym table *only* inside the case dossier
(``typical/<ID>.map.json``, written in the dossier transaction). A write-up is published only after
a reviewer (脱敏审核人, not the drafter) and a different approver (发布审批人) have signed off on the
exact text, each recorded in the case journal, and only while the leak check finds nothing: no
ID number, mobile number, credit code, 11+ digit run, or real name of anyone in the case record.
``export`` turns published write-ups into a training booklet (.docx).

An archived case is a sealed bag: its record and journal are never written again. For such a case
the map goes to the annex beside the bag (:mod:`casefile.archive.annex`, same path, 0600) and each
step is recorded in the preservation log instead of the journal.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casefile.errors import CasefileError, CorruptRecord, PrivacyLeak, UsageError

if TYPE_CHECKING:
    from casefile.config import Settings, Workspace
    from casefile.models.case import Case

STAGES = ("draft", "reviewed", "approved", "published")
STAGE_LABELS = {"draft": "草稿", "reviewed": "已审核", "approved": "已批准", "published": "已发布"}
SECTIONS = ("案情简介", "争议焦点", "处理结果", "法律依据", "经验启示", "关键词")
TYPICAL_ID_RE = re.compile(r"^TC-(\d{4})-(\d{4,6})$")
MAP_DIR = "typical"  # also the annex of an archived case (casefile.archive.annex.TYPICAL_DIR)
REMOVED = "（略）"


class TypicalNotFound(CasefileError):
    code = "typical-not-found"


class TypicalRefused(CasefileError):
    code = "typical-refused"


# -- the write-up file ------------------------------------------------------------------------------
@dataclass
class WriteUp:
    id: str
    title: str
    body: str
    category: list[str] = field(default_factory=list)
    insurance: list[str] = field(default_factory=list)
    risk: str = ""
    year: int | None = None
    outcome: str = ""
    keywords: list[str] = field(default_factory=list)
    status: str = "draft"
    source_case: str = ""
    drafted_by: str = ""
    drafted_at: str = ""
    reviewer: str = ""
    reviewed_at: str = ""
    reviewed_sha256: str = ""
    approver: str = ""
    approved_at: str = ""
    approved_sha256: str = ""
    published_at: str = ""

    META_KEYS = ("id", "title", "category", "insurance", "risk", "year", "outcome", "keywords", "status",
                 "source_case", "drafted_by", "drafted_at", "reviewer", "reviewed_at", "reviewed_sha256",
                 "approver", "approved_at", "approved_sha256", "published_at")

    def content_sha256(self) -> str:
        """What a reviewer and an approver sign: title, category, keywords and the text."""
        payload = json.dumps({"title": self.title, "category": self.category, "keywords": self.keywords,
                              "body": self.body.strip()}, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    @property
    def effective_status(self) -> str:
        """The stage the text really is at: an edit after a sign-off sends it back to draft."""
        sha = self.content_sha256()
        if self.status in ("approved", "published") and self.approved_sha256 == sha:
            return self.status
        if self.status in ("reviewed", "approved", "published") and self.reviewed_sha256 == sha:
            return "reviewed"
        return "draft"

    def sections(self) -> dict[str, str]:
        out: dict[str, str] = {}
        current: str | None = None
        lines: list[str] = []
        for line in self.body.splitlines():
            m = re.match(r"^##\s+(.+?)\s*$", line)
            if m:
                if current is not None:
                    out[current] = "\n".join(lines).strip()
                current, lines = m.group(1), []
            elif current is not None:
                lines.append(line)
        if current is not None:
            out[current] = "\n".join(lines).strip()
        return out

    def full_text(self) -> str:
        """Everything that is published: title, keywords, outcome and the text (not the internal fields)."""
        return "\n".join([self.title, "、".join(self.keywords), self.outcome, self.body])

    def meta(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.META_KEYS}


def read_writeup(path: Path) -> WriteUp:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TypicalNotFound(f"找不到典型案例文件 {path.name}。") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CorruptRecord(f"典型案例文件 {path.name} 无法读取（{exc}）。") from None
    if not text.startswith("---"):
        raise CorruptRecord(f"典型案例文件 {path.name} 缺少开头的 YAML 信息块（--- … ---）。")
    parts = text.split("\n---", 2)
    if len(parts) < 2:
        raise CorruptRecord(f"典型案例文件 {path.name} 的 YAML 信息块没有以 --- 结束。")
    head = parts[0][3:]
    body = parts[1].split("\n", 1)[1] if "\n" in parts[1] else ""
    if len(parts) == 3:
        body = body + "\n---" + parts[2]
    try:
        meta = yaml.safe_load(head) or {}
    except yaml.YAMLError as exc:
        raise CorruptRecord(f"典型案例文件 {path.name} 的 YAML 信息块有误：{exc}") from None
    if not isinstance(meta, dict):
        raise CorruptRecord(f"典型案例文件 {path.name} 的 YAML 信息块应为“键: 值”。")
    w = WriteUp(id=str(meta.get("id") or path.stem), title=str(meta.get("title") or ""), body=body.lstrip("\n"))
    for key in WriteUp.META_KEYS:
        if key in ("id", "title") or key not in meta or meta[key] is None:
            continue
        value = meta[key]
        if key in ("category", "insurance", "keywords"):
            value = [str(x) for x in value] if isinstance(value, list) else [s for s in re.split(r"[,，、\s]+", str(value)) if s]
        elif key == "year":
            try:
                value = int(value)
            except (TypeError, ValueError):
                value = None
        else:
            value = value.isoformat() if isinstance(value, date | datetime) else str(value)
        setattr(w, key, value)
    if not w.title:
        m = re.search(r"^#\s+(.+)$", w.body, flags=re.MULTILINE)
        w.title = m.group(1).strip() if m else w.id
    return w


def dump_writeup(w: WriteUp) -> bytes:
    import yaml

    head = yaml.safe_dump(w.meta(), allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000)
    return f"---\n{head}---\n{w.body.rstrip()}\n".encode()


def writeup_path(ws: Workspace, typical_id: str) -> Path:
    tid = typical_id.strip().upper()
    if not TYPICAL_ID_RE.match(tid):
        raise UsageError(f"典型案例编号“{typical_id}”格式不正确，应形如 TC-2026-0001。")
    return ws.library_dir / f"{tid}.md"


def load(ws: Workspace, typical_id: str) -> WriteUp:
    return read_writeup(writeup_path(ws, typical_id))


def _save(ws: Workspace, w: WriteUp) -> Path:
    from casefile.store import atomic_write

    path = writeup_path(ws, w.id)
    ws.library_dir.mkdir(parents=True, exist_ok=True)
    atomic_write(path, dump_writeup(w))
    return path


# -- de-identification -------------------------------------------------------------------------------
COMPOUND_SURNAMES = ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "轩辕", "令狐", "钟离", "端木", "独孤", "南宫", "申屠", "西门", "百里", "呼延", "澹台", "万俟", "闻人", "赫连", "太史", "公羊", "濮阳", "淳于", "单于", "仲孙", "拓跋", "完颜"]
_LEGAL_SUFFIXES = ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团公司", "分公司", "公司",
                   "合作社", "工作室", "商行", "门市部", "经营部", "厂", "店", "中心", "所")
_INDUSTRIES = (
    "房地产开发", "建筑工程", "信息技术", "网络科技", "劳务派遣", "物业服务", "物业管理", "餐饮管理", "酒店管理",
    "建材", "建筑", "建设", "房地产", "物业", "餐饮", "酒店", "商贸", "贸易", "科技", "纺织", "服装", "煤业", "煤矿",
    "矿业", "化工", "食品", "运输", "物流", "医药", "农业", "牧业", "机械", "电子", "电力", "劳务", "保安", "家政",
    "文化", "传媒", "教育", "汽车", "能源", "环保", "水泥", "钢铁", "印刷", "家具", "药业", "乳业", "保洁",
)
_REGION_PREFIX_RE = re.compile(
    r"^(?:(?:内蒙古|广西|西藏|宁夏|新疆)(?:自治区)?|[\u4e00-\u9fa5]{2,3}省|北京|天津|上海|重庆|河北|山西|辽宁|吉林|"
    r"黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|贵州|云南|陕西|甘肃|青海|台湾)?"
    r"(?:[\u4e00-\u9fa5]{1,4}?(?:市|盟|州))?(?:[\u4e00-\u9fa5]{1,4}?(?:县|区|旗))?"
)


def surname_of(name: str) -> str:
    n = name.strip()
    if "·" in n or "•" in n:  # minority or foreign names: keep the first character
        return n[:1]
    for s in COMPOUND_SURNAMES:
        if n.startswith(s) and len(n) > len(s):
            return s
    return n[:1]


def company_core(name: str) -> str:
    """山西晋北建材有限公司 → 晋北建材 (region prefix and legal form removed)."""
    core = name.strip()
    for suffix in _LEGAL_SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core[: -len(suffix)]
            break
    core = re.sub(r"[（(][^）)]*[）)]$", "", core)
    stripped = _REGION_PREFIX_RE.sub("", core, count=1)
    return stripped if len(stripped) >= 2 else core


def industry_of(name: str) -> str:
    core = company_core(name)
    for ind in _INDUSTRIES:
        if core.endswith(ind):
            return ind
    return ""


@dataclass
class Mapping:
    """real text → published text, for one case. Stored only in the dossier."""

    persons: dict[str, str] = field(default_factory=dict)
    officials: dict[str, str] = field(default_factory=dict)
    companies: dict[str, str] = field(default_factory=dict)
    places: dict[str, str] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)  # identifiers removed outright (工单号, addresses …)

    def replacements(self) -> list[tuple[str, str]]:
        pairs: dict[str, str] = {}
        for table in (self.places, self.companies, self.officials, self.persons):
            for real, pseudo in table.items():
                if real and real != pseudo:
                    pairs.setdefault(real, pseudo)
        for real in self.removed:
            if real:
                pairs.setdefault(real, REMOVED)
        return sorted(pairs.items(), key=lambda kv: (-len(kv[0]), kv[0]))

    def real_names(self) -> list[str]:
        """What the leak check must never find in a published text."""
        names = [*self.persons, *self.officials, *self.companies]
        return sorted({n for n in names if len(n) >= 2}, key=lambda n: (-len(n), n))

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


_OFFICIAL_ROLES = {"first_handler": "受理人员", "handler": "承办人员", "mediator": "调解员", "followup": "回访人员",
                   "issued_by": "工作人员", "approver": "审批人员"}


def build_mapping(case: Case, settings: Settings | None = None) -> Mapping:
    """Pseudonyms for everyone and everything in the case record that could identify someone."""
    from casefile.models.enums import PartyKind

    m = Mapping()
    people: list[str] = []
    units: list[str] = []
    for p in (case.applicant, case.counterparty):
        if p is None:
            continue
        (units if p.kind is PartyKind.UNIT else people).append(p.name)
        people.extend(x for x in (p.legal_rep, p.agent) if x)
        m.removed.extend(x for x in (p.address, p.id_number, p.credit_code, p.mobile, p.phone, p.bank_account) if x)
    people = list(dict.fromkeys(n.strip() for n in people if n and n.strip()))
    by_surname: dict[str, list[str]] = {}
    for name in people:
        by_surname.setdefault(surname_of(name), []).append(name)
    for surname, names in by_surname.items():
        if len(names) == 1:
            m.persons[names[0]] = f"{surname}某"
        else:
            for i, name in enumerate(names):
                m.persons[name] = f"{surname}某{'甲乙丙丁戊己庚辛壬癸'[i] if i < 10 else i + 1}"
    units = list(dict.fromkeys(u.strip() for u in units if u and u.strip()))
    for i, unit in enumerate(units):
        ind = industry_of(unit)
        label = f"某{ind}公司" if len(units) == 1 else f"{'ABCDEFGHIJ'[i % 10]}{ind}公司"
        m.companies[unit] = label
        core = company_core(unit)
        if core != unit and len(core) >= 2:
            m.companies.setdefault(core + "公司", label)
            m.companies.setdefault(core, label)
    officials: list[tuple[str, str]] = [(case.first_handler, _OFFICIAL_ROLES["first_handler"])]
    officials += [(o.handler, _OFFICIAL_ROLES["handler"]) for o in case.opinions if o.handler]
    if case.mediation is not None:
        officials.append((case.mediation.mediator, _OFFICIAL_ROLES["mediator"]))
    officials += [(f.by, _OFFICIAL_ROLES["followup"]) for f in case.followups]
    officials += [(d.issued_by, _OFFICIAL_ROLES["issued_by"]) for d in case.documents]
    officials += [(e.approver, _OFFICIAL_ROLES["approver"]) for e in case.extensions]
    for name, role in officials:
        n = (name or "").strip()
        if n and n not in m.persons and _looks_like_person(n):
            m.officials.setdefault(n, role)
    places = [case.jurisdiction.name]
    if settings is not None:
        places += [p.name for p in settings.jurisdictions]
    for place in dict.fromkeys(places):
        _generalise_place(place, m.places)
    if case.channel_ref:
        m.removed.append(case.channel_ref)
    m.removed.extend([case.id])
    return m


def _looks_like_person(name: str) -> bool:
    return 2 <= len(name) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in name) and not name.endswith(
        ("局", "办", "委", "院", "会", "中心", "部门", "所", "站", "科", "股"))


_PLACE_RE = re.compile(r"^(?P<county>[\u4e00-\u9fa5]{1,6}?(?:县|旗|区|市))?(?P<town>[\u4e00-\u9fa5]{1,6}?(?:镇|乡|街道|苏木))?$")


def _generalise_place(place: str, table: dict[str, str]) -> None:
    m = _PLACE_RE.match(place.strip())
    if not m:
        return
    county, town = m.group("county"), m.group("town")
    if county:
        table.setdefault(county, f"某{county[-1]}")
    if town:
        suffix = "街道" if town.endswith("街道") else town[-1]
        table.setdefault(town, f"某{suffix}")
        if county:
            table.setdefault(county + town, f"某{county[-1]}某{suffix}")


_ID18_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_USCC_RE = re.compile(r"(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Za-z])")
_MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[\s\-]?)?1[3-9]\d[\s\-]?\d{4}[\s\-]?\d{4}(?!\d)")
# 11 or more digits in a row, or bank-style groups of four (6222 0212 3456 7890).
_LONG_DIGITS_RE = re.compile(r"(?<!\d)(?:\d{11,}|\d{4}(?:[ \-]\d{4}){2,}\d*)(?!\d)")
_LANDLINE_RE = re.compile(r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")
_CASE_ID_RE = re.compile(r"[A-Z]{2,8}-\d{6}-\d{4}-\d{4,6}")
_WENHAO_RE = re.compile(r"[\u4e00-\u9fa5A-Za-z×]{1,12}[〔\[【(（](?:19|20)\d{2}[〕\]】)）]\d+号")
_COURT_NO_RE = re.compile(r"[（(]((?:19|20)\d{2})[）)][\u4e00-\u9fa5\d]{2,14}?号")
_DATE_RE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?")
_ISO_DATE_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})[\-/.](\d{1,2})[\-/.](\d{1,2})(?!\d)")
_TIME_AFTER_MONTH_RE = re.compile(
    r"(\d{4}年\d{1,2}月)\s*(?:(?:[上下]午)?\d{1,2}\s*[时点](?:\s*\d{1,2}\s*分)?|\d{1,2}:\d{2}(?::\d{2})?)"
)
_MONTH_DAY_RE = re.compile(r"(?<![年\d])(\d{1,2})月(\d{1,2})[日号]")
_STREET_RE = re.compile(r"[\u4e00-\u9fa5]{1,10}(?:路|街|巷|大街|大道|胡同|弄|园区|小区|社区)\d+(?:号|栋|幢|组)(?:(?:院)?\d+(?:号楼|栋|幢|单元|层|室))*")


def _generalise_wenhao(m: re.Match[str]) -> str:
    from casefile.rules.wenhao import generalise_wenhao

    text = m.group(0)
    normal = re.sub(r"[\[【(（]", "〔", re.sub(r"[\]】)）]", "〕", text))
    try:
        return generalise_wenhao(normal)
    except ValueError:
        return "×〔" + re.search(r"(?:19|20)\d{2}", text).group(0) + "〕×号"  # type: ignore[union-attr]


def deidentify_text(text: str, mapping: Mapping) -> str:
    """Names → pseudonyms, identifiers removed, 文号/案号 generalised, dates to the month."""
    for real, pseudo in mapping.replacements():
        text = text.replace(real, pseudo)
    text = _CASE_ID_RE.sub(REMOVED, text)
    text = _ID18_RE.sub(REMOVED, text)
    text = _USCC_RE.sub(REMOVED, text)
    text = _MOBILE_RE.sub(REMOVED, text)
    text = _LONG_DIGITS_RE.sub(REMOVED, text)
    text = _LANDLINE_RE.sub(REMOVED, text)
    text = _WENHAO_RE.sub(_generalise_wenhao, text)
    text = _COURT_NO_RE.sub(lambda m: f"（{m.group(1)}）×号", text)
    text = _ISO_DATE_RE.sub(lambda m: f"{m.group(1)}年{int(m.group(2))}月", text)
    text = _DATE_RE.sub(lambda m: f"{m.group(1)}年{int(m.group(2))}月", text)
    text = _MONTH_DAY_RE.sub(lambda m: f"{int(m.group(1))}月", text)
    text = _TIME_AFTER_MONTH_RE.sub(r"\1", text)
    text = _STREET_RE.sub("某处", text)
    return text


# -- the leak check ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class LeakFinding:
    kind: str  # id_number | uscc | mobile | digits | name | case_id
    text: str
    line: int
    column: int

    @property
    def label(self) -> str:
        return LEAK_LABELS.get(self.kind, self.kind)

    def __str__(self) -> str:
        return f"第{self.line}行第{self.column}列：{self.label}“{self.text}”"


LEAK_LABELS = {"id_number": "身份证号码", "uscc": "统一社会信用代码", "mobile": "手机号码", "digits": "11位以上数字",
               "name": "当事人真实姓名/名称", "case_id": "案件ID"}
_LEAK_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("id_number", re.compile(r"(?<![0-9A-Za-z])\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])")),
    ("uscc", _USCC_RE),
    ("mobile", _MOBILE_RE),
    ("digits", _LONG_DIGITS_RE),
    ("case_id", _CASE_ID_RE),
)


def leak_check(text: str, real_names: Iterable[str] = ()) -> list[LeakFinding]:
    """Every hit of an identifier pattern or a real name, in reading order (one finding per place)."""
    import unicodedata

    norm = unicodedata.normalize("NFKC", text)  # full-width digits are digits too
    taken: list[tuple[int, int]] = []
    hits: list[tuple[int, str, str]] = []
    for kind, pattern in _LEAK_PATTERNS:
        for m in pattern.finditer(norm):
            if any(a <= m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            hits.append((m.start(), kind, m.group(0)))
    for name in real_names:
        name = unicodedata.normalize("NFKC", name.strip())
        if len(name) < 2:
            continue
        start = norm.find(name)
        while start != -1:
            hits.append((start, "name", name))
            start = norm.find(name, start + len(name))
    out = []
    for pos, kind, found in sorted(hits):
        line = norm.count("\n", 0, pos) + 1
        col = pos - (norm.rfind("\n", 0, pos) + 1) + 1
        out.append(LeakFinding(kind, found, line, col))
    return out


# -- drafting --------------------------------------------------------------------------------------
FOCUS = {
    "C01": "社会保险登记和关系转移是否依法办理，责任在哪一方。",
    "C02": "社会保险登记信息是否及时、准确地在部门间传递。",
    "C03": "用人单位申报的缴费基数是否与职工实际工资相符，应否按实际工资补缴社会保险费。",
    "C04": "应缴社会保险费金额的计算是否正确。",
    "C05": "人社、医保部门核定的特殊缴费应征金额是否有依据。",
    "C06": "滞纳金的起算时间、计算方法是否正确，能否减免。",
    "C07": "退（抵）费的条件、流程和金额是否符合规定。",
    "C08": "社会保险待遇的核定和支付是否正确。",
    "C09": "征缴、缴费检查和欠费追缴的程序与依据是否合法。",
    "C10": "征缴过程中其他争议事项的处理。",
    "P1": "用人单位是否应为职工参保（应参未参），如何补办登记和补缴。",
    "P2": "已申报未按时缴纳的社会保险费如何追缴，滞纳金如何计算。",
    "P3": "已缴纳但申报的缴费基数与实际不符时如何处理。",
    "P4": "征缴、待遇享受等方面其他争议的处理。",
}


@dataclass
class DraftReport:
    typical_id: str
    case_id: str
    path: str
    map_file: str
    findings: list[LeakFinding]
    warnings: list[str]

    def to_json(self) -> dict[str, Any]:
        return {"typical_id": self.typical_id, "case_id": self.case_id, "path": self.path, "map_file": self.map_file,
                "findings": [str(f) for f in self.findings], "warnings": self.warnings}


def _period_cn(period: str) -> str:
    """202401-202609 → 2024年1月至2026年9月 (a run of digits would look like an account number)."""
    m = re.fullmatch(r"(\d{4})(\d{2})(?:\s*[-–—~～至]\s*(\d{4})(\d{2}))?", period.strip())
    if not m:
        return period
    first = f"{m.group(1)}年{int(m.group(2))}月"
    return first if m.group(3) is None else f"{first}至{m.group(3)}年{int(m.group(4))}月"


def _month(d: datetime | date | None) -> str:
    from casefile.rules.dates import month_cn

    return month_cn(d) if d is not None else ""


def compose(case: Case, mapping: Mapping, settings: Settings | None = None) -> tuple[str, str, list[str]]:
    """(title, Markdown body, keywords) of the de-identified write-up."""
    from casefile.models.enums import PartyKind

    def d(text: str | None) -> str:
        return deidentify_text(text or "", mapping).strip()

    dn = settings.dept_name if settings is not None else (lambda c: c)
    applicant = d(case.applicant.name)
    if case.applicant.represents:
        count = case.applicant.represents_count
        applicant = f"职工{applicant}等{count}人" if count else f"{applicant}（代表{d(case.applicant.represents)}）"
    unit = next((p for p in (case.counterparty, case.applicant) if p is not None and p.kind is PartyKind.UNIT), None)
    subject = d(unit.name) if unit is not None else d(case.applicant.name)
    labels = [c.label for c in case.categories]
    title = f"{subject}{labels[0] if labels else ''}争议案"
    facts = [f"{_month(case.received_at)}，{applicant}通过{case.channel.value}反映：{d(case.claim)}"]
    extra = []
    if case.insurance_types:
        extra.append(f"涉及险种：{'、'.join(i.value for i in case.insurance_types)}")
    if case.periods:
        extra.append(f"所属期：{'、'.join(_period_cn(p) for p in case.periods)}")
    if case.amounts:
        extra.append(f"涉及金额：{case.total_amount}元")
    if extra:
        facts.append("；".join(extra) + "。")
    focus = [FOCUS.get(c.short, c.label) for c in case.categories]
    if case.decision is not None and case.decision.findings:
        focus.append(f"经调查：{d(case.decision.findings)}")
    result: list[str] = []
    lead = dn(case.lead_dept) if case.lead_dept else dn(case.coordinator_dept)
    if case.route and case.route != "未分类":
        result.append(f"本案按“{case.route}”办理，由{d(lead)}主办。")
    if case.decision is not None:
        result.append(f"{_month(case.decision.decided_at)}，{d(case.decision.source)}形成处理意见：{d(case.decision.text)}")
        if case.decision.obligations:
            result.append(d(case.decision.obligations))
    if case.mediation is not None and case.mediation.terms:
        result.append("调解协议：" + "；".join(d(t) for t in case.mediation.terms))
    if case.enforcement is not None and case.enforcement.outcome:
        result.append(f"征缴执法：{d(case.enforcement.outcome)}")
    if case.close_reason:
        result.append(f"办结情况：{d(case.close_reason)}")
    basis = [f"- {d(b)}" for b in case.decision.basis] if case.decision is not None else []
    keywords = list(dict.fromkeys([*labels, *(i.value for i in case.insurance_types), case.channel.value]))
    body = "\n".join([
        f"# {title}", "",
        "## 案情简介", "", "\n\n".join(facts), "",
        "## 争议焦点", "", "\n".join(f"{i}. {f}" for i, f in enumerate(focus, 1)), "",
        "## 处理结果", "", "\n\n".join(result) or "（待补充）", "",
        "## 法律依据", "", "\n".join(basis) or "（待补充：可用 casefile search --kind law 检索相关条文）", "",
        "## 经验启示", "", "（待培训人员补充）", "",
        "## 关键词", "", "、".join(keywords), "",
    ])
    return title, body, keywords


COMMON_SURNAMES = frozenset(
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴"
    "夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文庞樊兰殷施陶洪翟"
    "安颜倪严牛温芦季俞章鲁葛伍韦申尤毕聂丛焦向柳邢路岳齐沿梅莫庄辛管祝左涂谷祁时舒耿牟卜詹关苗凌费纪靳盛童欧甄项"
    "曲成游阳裴席卫查屈鲍位覃霍翁隋植甘景薄单包司柏宁柯阮桂闵解强柴华车冉房边"
)


# Role words the segmenter may tag as names because they start with a surname character (申, 于, 何…).
ROLE_WORDS = frozenset({"申请人", "被申请人", "申诉人", "于是", "何时", "任何", "高于", "明确", "经办人", "代理人",
                        "当事人", "法定代表人", "负责人", "联系人", "反映人", "投诉人", "举报人", "证明人"})


def _probable_names(text: str, mapping: Mapping) -> list[str]:
    """Words tagged as personal names that start with a common surname and are not pseudonyms."""
    try:
        from casefile.search_engines.analysis import person_names
    except ImportError:  # pragma: no cover - the segmenter is a dependency
        return []
    known = set(mapping.persons.values()) | set(mapping.officials.values())
    return [n for n in person_names(text)
            if n not in known and "某" not in n and n not in ROLE_WORDS
            and (n[0] in COMMON_SURNAMES or n[:2] in COMPOUND_SURNAMES)]


def draft(ws: Workspace, case_id: str, actor: str, now: datetime) -> DraftReport:
    """Write the de-identified draft of ``case_id`` to the library; keep the pseudonym table in the dossier."""
    from casefile.models.records import TypicalInfo
    from casefile.store import Dossier, Sequence

    dossier = Dossier(ws, case_id)
    case = dossier.load()
    existing = next((w.id for w in list_writeups(ws) if w.source_case == case.id), "")
    if (case.typical is not None and case.typical.draft) or (_sealed(case) and existing):
        raise TypicalRefused(f"案件 {case.id} 已有典型案例稿{('（' + existing + '）') if existing else ''}，"
                             "请直接修改 library/ 下的文件。")
    mapping = build_mapping(case, ws.settings)
    title, body, keywords = compose(case, mapping, ws.settings)
    warnings = [f"可能的人名“{n}”未在案件记录中登记，请人工核对是否需要脱敏" for n in _probable_names(body, mapping)]
    findings = leak_check(body, mapping.real_names())
    year = now.year

    def writeup(tid: str) -> WriteUp:
        return WriteUp(
            id=tid, title=title, body=body, category=[c.short for c in case.categories],
            insurance=[i.value for i in case.insurance_types], risk=case.risk.value if case.risk else "",
            year=case.year, outcome=_outcome(case), keywords=keywords, status="draft", source_case=case.id,
            drafted_by=actor, drafted_at=now.isoformat(),
        )

    def map_bytes(tid: str) -> bytes:
        return json.dumps({"typical_id": tid, **mapping.to_json()}, ensure_ascii=False, indent=1).encode("utf-8")

    if _sealed(case):
        tid, path, map_rel = _draft_sealed(ws, dossier, case, writeup, map_bytes, actor, now)
    else:
        with dossier.transaction(actor, now) as tx, Sequence(ws, f"typical-{year}").allocate(case.id, now) as n:
            tid = f"TC-{year}-{n:04d}"
            map_rel = f"{MAP_DIR}/{tid}.map.json"
            tx.write_file(map_rel, map_bytes(tid), mode=0o600)
            path = _save(ws, writeup(tid))
            tx.case.typical = TypicalInfo(selected=True, draft=body)
            tx.event("typical_drafted", typical_id=tid, map_file=map_rel, label=f"起草典型案例 {tid}")
    _after_commit(ws, dossier)
    return DraftReport(tid, case.id, str(path), map_rel, findings, warnings)


# -- archived cases: the annex and the preservation log ----------------------------------------------------
def _sealed(case: Case) -> bool:
    from casefile.models.enums import State

    return case.state is State.ARCHIVED and case.archive is not None


def _log_sealed(ws: Workspace, case: Case, type_: str, actor: str, now: datetime, **data: Any) -> None:
    """One step on an archived case, recorded in the preservation log (its journal is sealed)."""
    from casefile.archive import preservation

    a = case.archive
    assert a is not None
    preservation.append(ws, a.year, type_, now=now, actor=actor, case_id=case.id, dang_hao=a.dang_hao, **data)


def _draft_sealed(ws: Workspace, dossier: Any, case: Case, writeup: Callable[[str], WriteUp],
                  map_bytes: Callable[[str], bytes], actor: str, now: datetime) -> tuple[str, Path, str]:
    """Draft for an archived case: the map into the annex beside the bag, the step into the
    preservation log; nothing the bag's manifests cover is touched."""
    from casefile.archive import annex
    from casefile.store import Sequence, sha256_bytes

    with dossier.lock(), Sequence(ws, f"typical-{now.year}").allocate(case.id, now) as n:
        tid = f"TC-{now.year}-{n:04d}"
        w = writeup(tid)
        data = map_bytes(tid)
        map_rel = annex.write_map(dossier.path, f"{tid}.map.json", data)
        try:
            _log_sealed(ws, case, annex.DRAFTED_EVENT, actor, now, typical_id=tid, map_file=map_rel,
                        map_sha256=sha256_bytes(data), content_sha256=w.content_sha256(), drafted_by=actor)
        except BaseException:
            annex.remove_map(dossier.path, map_rel)
            raise
        path = _save(ws, w)
    return tid, path, map_rel


def _outcome(case: Case) -> str:
    from casefile.search_engines.sources import case_outcome

    return case_outcome(case)


def _after_commit(ws: Workspace, dossier: Any) -> None:
    from casefile.derived import refresh

    refresh(ws, dossier)


# -- review, approval, publication ----------------------------------------------------------------------
@dataclass
class StepReport:
    typical_id: str
    status: str
    by: str
    message: str
    findings: list[LeakFinding] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"typical_id": self.typical_id, "status": self.status, "by": self.by, "message": self.message,
                "findings": [str(f) for f in self.findings]}


def _case_of(ws: Workspace, w: WriteUp) -> tuple[Any, Case]:
    from casefile.store import Dossier

    if not w.source_case:
        raise TypicalRefused(f"典型案例 {w.id} 没有记录来源案件（source_case），无法核对当事人信息。")
    dossier = Dossier(ws, w.source_case)
    return dossier, dossier.load()


def check(ws: Workspace, typical_id: str) -> list[LeakFinding]:
    """The leak check of one write-up against the real names of its case."""
    w = load(ws, typical_id)
    _, case = _case_of(ws, w)
    return leak_check(w.full_text(), build_mapping(case, ws.settings).real_names())


def _refuse_leaks(w: WriteUp, findings: Sequence[LeakFinding], action: str) -> None:
    if findings:
        shown = "；".join(str(f) for f in findings[:20])
        more = f"等{len(findings)}处" if len(findings) > 20 else f"共{len(findings)}处"
        raise PrivacyLeak(f"典型案例 {w.id} 仍含可识别个人的信息（{more}），不能{action}：{shown}。"
                          f"请修改 library/{w.id}.md 后重试。")


def review(ws: Workspace, typical_id: str, by: str, actor: str, now: datetime) -> StepReport:
    """脱敏审核: a second person (not the drafter) confirms the de-identification of this exact text."""
    w = load(ws, typical_id)
    by = _person(by, "审核人")
    if w.effective_status == "published":
        raise TypicalRefused(f"典型案例 {w.id} 已发布，不需要再审核。")
    if by == w.drafted_by:
        raise TypicalRefused(f"审核人不能是起草人（{w.drafted_by}），请由另一人审核。")
    dossier, case = _case_of(ws, w)
    findings = leak_check(w.full_text(), build_mapping(case, ws.settings).real_names())
    _refuse_leaks(w, findings, "通过脱敏审核")
    sha = w.content_sha256()
    w.status, w.reviewer, w.reviewed_at, w.reviewed_sha256 = "reviewed", by, now.isoformat(), sha
    w.approver = w.approved_at = w.approved_sha256 = w.published_at = ""
    if _sealed(case):
        with dossier.lock():
            _log_sealed(ws, case, "typical_reviewed", actor, now, typical_id=w.id, reviewer=by, content_sha256=sha)
            _save(ws, w)
    else:
        with dossier.transaction(actor, now) as tx:
            info = tx.case.typical or _typical_info()
            tx.case.typical = info.model_copy(update={"selected": True, "reviewer": by, "reviewed_at": now,
                                                      "approver": None, "approved_at": None})
            tx.event("typical_reviewed", typical_id=w.id, reviewer=by, content_sha256=sha,
                     label=f"典型案例 {w.id} 脱敏审核")
            _save(ws, w)
    _after_commit(ws, dossier)
    return StepReport(w.id, "reviewed", by, f"典型案例 {w.id} 已由 {by} 完成脱敏审核，待发布审批。")


def approve(ws: Workspace, typical_id: str, by: str, actor: str, now: datetime) -> StepReport:
    """发布审批: a person other than the reviewer approves the reviewed text for publication."""
    w = load(ws, typical_id)
    by = _person(by, "审批人")
    status = w.effective_status
    if status == "draft":
        hint = "审核后内容又被修改，请重新审核" if w.status != "draft" else "请先审核"
        raise TypicalRefused(f"典型案例 {w.id} 尚未通过脱敏审核（{hint}：casefile typical review {w.id} --by 姓名）。")
    if status in ("approved", "published"):
        raise TypicalRefused(f"典型案例 {w.id} 已于 {w.approved_at[:10]} 由 {w.approver} 批准。")
    if by == w.reviewer:
        raise TypicalRefused(f"审批人不能与审核人（{w.reviewer}）是同一人。")
    dossier, case = _case_of(ws, w)
    sha = w.content_sha256()
    w.status, w.approver, w.approved_at, w.approved_sha256 = "approved", by, now.isoformat(), sha
    if _sealed(case):
        with dossier.lock():
            _log_sealed(ws, case, "typical_approved", actor, now, typical_id=w.id, approver=by, content_sha256=sha)
            _save(ws, w)
    else:
        with dossier.transaction(actor, now) as tx:
            info = tx.case.typical or _typical_info()
            tx.case.typical = info.model_copy(update={"approver": by, "approved_at": now, "draft": w.body})
            tx.event("typical_approved", typical_id=w.id, approver=by, content_sha256=sha,
                     label=f"典型案例 {w.id} 发布审批")
            _save(ws, w)
    _after_commit(ws, dossier)
    return StepReport(w.id, "approved", by, f"典型案例 {w.id} 已由 {by} 批准，可以发布。")


def publish(ws: Workspace, typical_id: str, actor: str, now: datetime) -> StepReport:
    """Publish an approved write-up, after a final leak check of the approved text."""
    w = load(ws, typical_id)
    status = w.effective_status
    if status == "published":
        raise TypicalRefused(f"典型案例 {w.id} 已于 {w.published_at[:10]} 发布。")
    if status != "approved":
        if w.status in ("approved", "reviewed"):
            raise TypicalRefused(f"典型案例 {w.id} 在{STAGE_LABELS.get(w.status, w.status)}后内容被修改，"
                                 "需要重新审核和审批后才能发布。")
        raise TypicalRefused(f"典型案例 {w.id} 尚未经审核和审批（当前：{STAGE_LABELS[status]}），不能发布。")
    dossier, case = _case_of(ws, w)
    findings = leak_check(w.full_text(), build_mapping(case, ws.settings).real_names())
    _refuse_leaks(w, findings, "发布")
    sha = w.content_sha256()
    w.status, w.published_at = "published", now.isoformat()
    if _sealed(case):
        with dossier.lock():
            _log_sealed(ws, case, "typical_published", actor, now, typical_id=w.id, content_sha256=sha)
            _save(ws, w)
    else:
        with dossier.transaction(actor, now) as tx:
            info = tx.case.typical or _typical_info()
            tx.case.typical = info.model_copy(update={"published_id": w.id, "draft": w.body})
            tx.event("typical_published", typical_id=w.id, content_sha256=sha, label=f"发布典型案例 {w.id}")
            _save(ws, w)
    _after_commit(ws, dossier)
    return StepReport(w.id, "published", actor, f"典型案例 {w.id} 已发布。")


def _typical_info() -> Any:
    from casefile.models.records import TypicalInfo

    return TypicalInfo(selected=True)


def _person(name: str, what: str) -> str:
    n = (name or "").strip()
    if not n:
        raise UsageError(f"请用 --by 给出{what}姓名。")
    return n


# -- listing and export -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Summary:
    id: str
    title: str
    status: str
    category: tuple[str, ...]
    keywords: tuple[str, ...]
    reviewer: str
    approver: str
    published_at: str
    problem: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "status": self.status, "status_label": STAGE_LABELS.get(self.status, ""),
                "category": list(self.category), "keywords": list(self.keywords), "reviewer": self.reviewer,
                "approver": self.approver, "published_at": self.published_at, "problem": self.problem}


def list_writeups(ws: Workspace) -> list[WriteUp]:
    out = []
    if ws.library_dir.is_dir():
        for path in sorted(ws.library_dir.glob("TC-*.md")):
            try:
                out.append(read_writeup(path))
            except CasefileError:
                continue
    return out


def summaries(ws: Workspace, *, status: str | None = None) -> list[Summary]:
    out: list[Summary] = []
    if not ws.library_dir.is_dir():
        return out
    for path in sorted(ws.library_dir.glob("TC-*.md")):
        try:
            w = read_writeup(path)
        except CasefileError as exc:
            out.append(Summary(path.stem, "", "", (), (), "", "", "", str(exc)))
            continue
        st = w.effective_status
        if status and st != status:
            continue
        out.append(Summary(w.id, w.title, st, tuple(w.category), tuple(w.keywords), w.reviewer, w.approver,
                           w.published_at[:10]))
    return out


@dataclass
class ExportReport:
    path: str
    cases: list[str]
    skipped: list[str]

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "cases": self.cases, "skipped": self.skipped}


def _matches(w: WriteUp, topic: str | None, categories: Sequence[str]) -> bool:
    if categories and not set(categories) & set(w.category):
        return False
    if topic:
        hay = " ".join([w.title, *w.keywords, w.body])
        return all(t in hay for t in topic.split())
    return True


def export(
    ws: Workspace,
    output: Path,
    now: datetime,
    *,
    topic: str | None = None,
    categories: Sequence[str] = (),
    fmt: str = "docx",
    title: str = "社会保险费征缴争议典型案例汇编",
) -> ExportReport:
    """A training booklet of the published write-ups (title page, contents, one section per case)."""
    from casefile.models.enums import Category

    if fmt != "docx":
        raise UsageError(f"不支持的导出格式“{fmt}”，目前只支持 docx。")
    cats: list[str] = []
    for c in categories:
        try:
            cats.append(Category.parse(c).short)
        except ValueError as exc:
            raise UsageError(str(exc) + "。") from None
    chosen: list[WriteUp] = []
    skipped: list[str] = []
    for w in list_writeups(ws):
        if not _matches(w, topic, cats):
            continue
        if w.effective_status != "published":
            skipped.append(f"{w.id}（{STAGE_LABELS[w.effective_status]}）")
            continue
        try:
            _, case = _case_of(ws, w)
            names = build_mapping(case, ws.settings).real_names()
        except CasefileError:
            names = []
        if leak_check(w.full_text(), names):
            skipped.append(f"{w.id}（未通过泄露检查）")
            continue
        chosen.append(w)
    if not chosen:
        raise TypicalRefused("没有符合条件的已发布典型案例可以导出" + (f"（未导出：{'、'.join(skipped)}）" if skipped else "") + "。")
    output = output.with_suffix(".docx") if output.suffix.lower() != ".docx" else output
    data = build_booklet(chosen, title=title, subtitle=topic or "", month=_month(now))
    from casefile.store import atomic_write

    output.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(output, data)
    return ExportReport(str(output), [w.id for w in chosen], skipped)


# -- the booklet (.docx) ------------------------------------------------------------------------------
_CN_NUM = "一二三四五六七八九十"


def _cn_index(n: int) -> str:
    if n <= 10:
        return _CN_NUM[n - 1]
    if n < 20:
        return "十" + _CN_NUM[n - 11]
    tens, ones = divmod(n, 10)
    return _CN_NUM[tens - 1] + "十" + (_CN_NUM[ones - 1] if ones else "")


def _set_font(style: Any, east_asia: str, size_pt: float | None = None, bold: bool | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style.font.name = east_asia
    if size_pt is not None:
        style.font.size = Pt(size_pt)
    if bold is not None:
        style.font.bold = bold
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), east_asia)


def build_booklet(writeups: Sequence[WriteUp], *, title: str, subtitle: str, month: str) -> bytes:
    """Title page, table of contents, then one section per case (Heading 1) with its parts (Heading 2)."""
    import io

    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt

    document = docx.Document()
    _set_font(document.styles["Normal"], "仿宋", 14)
    _set_font(document.styles["Title"], "方正小标宋简体", 26, True)
    _set_font(document.styles["Heading 1"], "黑体", 16, True)
    _set_font(document.styles["Heading 2"], "楷体", 15, True)
    props = document.core_properties
    props.title = title
    props.subject = subtitle or "典型案例"
    props.keywords = "典型案例；社会保险费；征缴争议"

    for _ in range(6):
        document.add_paragraph()
    p = document.add_paragraph(title, style="Title")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if subtitle:
        sp = document.add_paragraph(f"（{subtitle}）")
        sp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in (f"共{len(writeups)}篇", month, "内部培训资料  注意保存"):
        q = document.add_paragraph(text)
        q.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    toc = document.add_paragraph("目  录", style="Heading 1")
    toc.alignment = WD_ALIGN_PARAGRAPH.CENTER
    headings = [f"{_cn_index(i)}、{w.title}" for i, w in enumerate(writeups, 1)]
    for h in headings:
        document.add_paragraph(h).paragraph_format.space_after = Pt(2)

    for w, heading in zip(writeups, headings, strict=True):
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        document.add_paragraph(heading, style="Heading 1")
        meta = [f"案例编号：{w.id}"]
        if w.category:
            meta.append("类别：" + "、".join(_category_label(c) for c in w.category))
        if w.insurance:
            meta.append("险种：" + "、".join(w.insurance))
        if w.risk:
            meta.append(f"风险等级：{w.risk}")
        document.add_paragraph("；".join(meta))
        sections = w.sections()
        for name in SECTIONS:
            text = sections.get(name, "").strip()
            if not text:
                continue
            document.add_paragraph(name, style="Heading 2")
            for para in re.split(r"\n\s*\n|\n(?=[-*]\s|\d+\.\s)", text):
                line = re.sub(r"^[-*]\s+", "", para.strip())
                if line:
                    document.add_paragraph(line)
        extra = [k for k in sections if k not in SECTIONS]
        for name in extra:
            document.add_paragraph(name, style="Heading 2")
            document.add_paragraph(sections[name])
        sign = f"脱敏审核人：{w.reviewer}    发布审批人：{w.approver}    审批日期：{w.approved_at[:10]}"
        document.add_paragraph(sign)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _category_label(code: str) -> str:
    from casefile.models.enums import Category

    try:
        return Category.parse(code).label
    except ValueError:
        return code
