"""De-identification: the pseudonym table of a case and the text rewrite that applies it.

:func:`build_mapping` gives everyone and everything in the case record that could identify someone a
pseudonym (surname + 某, A/B…公司 by industry, 某县/某镇) or marks it for removal; :func:`deidentify_text`
applies the table, removes identifier numbers, generalises 文号/案号 and cuts dates to the month.
The table is kept only in the dossier (or, for an archived case, the annex beside its bag).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from casefile.library import mentions
from casefile.library.mentions import COMPOUND_SURNAMES
from casefile.rules.numbers import find_numbers

if TYPE_CHECKING:
    from casefile.models.case import Case
    from casefile.settings import Settings


REMOVED = "（略）"

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
    r"(?:[\u4e00-\u9fa5]{1,4}?市|[\u4e00-\u9fa5]{1,4}?盟|[\u4e00-\u9fa5]{1,4}?州(?!市))?"  # 忻州市, not 忻州 + 市…
    r"(?:[\u4e00-\u9fa5]{1,4}?(?:县|区|旗))?"
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
    """山西晋北建材有限公司 → 晋北建材, 太原华晋商贸有限公司 → 华晋商贸 (place prefix and legal form removed)."""
    core = name.strip()
    branch = re.match(r"^(.+?(?:股份有限公司|有限责任公司|有限公司|集团公司))[\u4e00-\u9fa5]{1,8}分公司$", core)
    if branch:  # 忻州市华瑞物业服务有限公司偏关分公司: people name the branch by its parent
        return company_core(branch.group(1))
    for suffix in _LEGAL_SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core[: -len(suffix)]
            break
    core = re.sub(r"[（(][^）)]*[）)]$", "", core)
    prefix = _REGION_PREFIX_RE.match(core)
    # only a real place (惠民超市连锁: 超市 is no 市, 惠民 no place)
    if prefix and prefix.group(0) and all(f == "ns" for _i, _w, f in mentions.tagged(prefix.group(0))):
        stripped = core[prefix.end():]
        core = stripped if len(stripped) >= 2 else core
    # A place name without 省/市/县 (太原, 晋北) is left by the regex; drop it unless only the
    # industry would remain (晋北建材 stays: 建材 alone names no company).
    tagged = mentions.tagged(core)
    if tagged and tagged[0][2] == "ns" and tagged[0][0] == 0:
        rest = core[len(tagged[0][1]):]
        if len(rest) >= 2 and rest not in _INDUSTRIES:
            core = rest
    return core


def short_names(name: str) -> list[str]:
    """What people call a company besides its full name: 山西宏远煤业有限公司 → 宏远煤业有限公司,
    宏远煤业, 宏远煤业公司, 宏远公司, 宏远 (two characters at least)."""
    core = company_core(name)
    if core == name.strip() or len(core) < 2:
        return []
    out = [core + s for s in ("有限责任公司", "有限公司", "公司")] + [core]
    ind = industry_of(name)
    brand = core[: -len(ind)] if ind and core.endswith(ind) else ""
    if len(brand) >= 2:
        out += [brand + "公司", brand]
    return list(dict.fromkeys(out))


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
    """Pseudonyms for everyone and everything in the case record that could identify someone: the
    parties and their representatives, the officials, and every person and company the record's
    free text names (third parties in the narrative, service recipients, other companies)."""
    from casefile.models.enums import PartyKind

    m = Mapping()
    officials: list[tuple[str, str]] = [(case.first_handler, _OFFICIAL_ROLES["first_handler"])]
    officials += [(o.handler, _OFFICIAL_ROLES["handler"]) for o in case.opinions if o.handler]
    if case.mediation is not None:
        officials.append((case.mediation.mediator, _OFFICIAL_ROLES["mediator"]))
    officials += [(f.by, _OFFICIAL_ROLES["followup"]) for f in case.followups]
    officials += [(d.issued_by, _OFFICIAL_ROLES["issued_by"]) for d in case.documents]
    officials += [(e.approver, _OFFICIAL_ROLES["approver"]) for e in case.extensions]
    staff = {(n or "").strip() for n, _ in officials}

    people: list[str] = []
    units: list[str] = []
    for p in (case.applicant, case.counterparty):
        if p is None:
            continue
        (units if p.kind is PartyKind.UNIT else people).append(p.name)
        people.extend(x for x in (p.legal_rep, p.agent) if x)
        m.removed.extend(x for x in (p.address, p.id_number, p.credit_code, p.mobile, p.phone, p.bank_account) if x)
    people += [s.recipient for s in case.services if _looks_like_person(s.recipient.strip())]
    people += [f.respondent for f in case.followups if _looks_like_person(f.respondent.strip())]
    text = "\n".join(narrative(case))
    units += [c.text for c in mentions.companies(text)]
    people += [p.text for p in mentions.persons(text) if p.text not in staff]

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
    distinct: list[str] = []
    known: dict[str, str] = {}  # a name (full or short) → the distinct company it belongs to
    aliases: dict[str, str] = {}
    for unit in dict.fromkeys(u.strip() for u in units if u and u.strip()):
        # a short form of a company already listed, one with words glued in front, its branch or its
        # parent, or a mention cut short by the segmenter (连锁有限公司 of 惠民超市连锁有限公司)
        owner = known.get(unit) or next((o for k, o in known.items() if len(k) >= 4 and len(unit) >= 4 and (
            unit.endswith(k) or unit.startswith(k) or k.endswith(unit) or k.startswith(unit))), None)
        if owner is not None:
            aliases[unit] = owner
            continue
        distinct.append(unit)
        for name in (unit, *short_names(unit)):
            known.setdefault(name, unit)
    labels: dict[str, str] = {}
    for i, unit in enumerate(distinct):
        ind = industry_of(unit)
        labels[unit] = f"某{ind}公司" if len(distinct) == 1 else f"{_letter(i)}{ind}公司"
        m.companies[unit] = labels[unit]
        for short in short_names(unit):
            m.companies.setdefault(short, labels[unit])
    for alias, owner in aliases.items():
        m.companies.setdefault(alias, labels[owner])
        for short in short_names(alias):
            m.companies.setdefault(short, labels[owner])
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
    m.removed.extend([case.id, case.number])
    return m


def _letter(i: int) -> str:
    return "ABCDEFGHIJ"[i] if i < 10 else f"第{i + 1}家"


# Fields of the record that hold no names: digests, file names, ids, and the write-up itself.
_NOT_NARRATIVE = frozenset({"typical", "archive", "sha256", "file", "pdf", "text_file", "id", "ev_id", "doc_id",
                            "doc_ids", "schema_version", "state", "previous_state", "profile", "number"})


def narrative(case: Case) -> list[str]:
    """Every free text of the record (claim, notes, opinions, decisions, terms, recipients …)."""
    out: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            if len(value) >= 2 and not value.isascii():
                out.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                if k not in _NOT_NARRATIVE:
                    walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)

    walk(case.model_dump(mode="json"))
    return list(dict.fromkeys(out))


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


def _generalise_wenhao(m: re.Match[str]) -> str:
    from casefile.rules.wenhao import generalise_wenhao

    text = m.group(0)
    normal = re.sub(r"[\[【(（]", "〔", re.sub(r"[\]】)）]", "〕", text))
    try:
        return generalise_wenhao(normal)
    except ValueError:
        return "×〔" + re.search(r"(?:19|20)\d{2}", text).group(0) + "〕×号"  # type: ignore[union-attr]


def deidentify_text(text: str, mapping: Mapping) -> str:
    """Names → pseudonyms, identifier numbers (however separated) removed, 文号/案号 generalised,
    dates to the month, addresses below county level generalised (某村, 某处, 某小区)."""
    for real, pseudo in mapping.replacements():
        text = text.replace(real, pseudo)
    text = _CASE_ID_RE.sub(REMOVED, text)
    text = _LANDLINE_RE.sub(REMOVED, text)
    text = _replace_spans(text, [(h.start, h.end, REMOVED) for h in find_numbers(text)])
    text = _WENHAO_RE.sub(_generalise_wenhao, text)
    text = _COURT_NO_RE.sub(lambda m: f"（{m.group(1)}）×号", text)
    text = _ISO_DATE_RE.sub(lambda m: f"{m.group(1)}年{int(m.group(2))}月", text)
    text = _DATE_RE.sub(lambda m: f"{m.group(1)}年{int(m.group(2))}月", text)
    text = _MONTH_DAY_RE.sub(lambda m: f"{int(m.group(1))}月", text)
    text = _TIME_AFTER_MONTH_RE.sub(r"\1", text)
    return _replace_spans(text, [(a.start, a.end, _place_pseudonym(a.text)) for a in mentions.addresses(text)])


def _place_pseudonym(address: str) -> str:
    if "村" in address or "嘎查" in address:
        return "某村"
    if re.search(r"小区|花园|家园|公寓|新村|苑", address):
        return "某小区"
    return "某处"


def _replace_spans(text: str, spans: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text
