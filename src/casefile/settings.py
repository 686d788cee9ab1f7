"""The validated settings of a workspace (casefile.toml), every default of docs/domain.md that is a recommendation made configurable.

Imported only when a command needs the settings (pydantic costs ~100 ms of start-up)."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from casefile.errors import ConfigError, UnknownDepartment, UnknownPlace
from casefile.tables import DEFAULT_STUCK_DAYS, Thresholds, find_department


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Office(Strict):
    name: str = Field(min_length=1)
    short: str = Field(min_length=1)
    fonds: str = Field(pattern=r"^[A-Z0-9]{4}$")  # 全宗号, 4 characters (DA/T 22)
    fonds_name: str = ""
    org_code: str = Field(default="SBZY", pattern=r"^[A-Z0-9]{1,8}$")  # 机构（问题）代码
    case_prefix: str = Field(default="SBZY", pattern=r"^[A-Z]{2,8}$")
    region_code: str = Field(pattern=r"^\d{6}$")
    case_daizi: str = Field(min_length=1, max_length=12)
    address: str = ""
    phone: str = ""
    superior_tax: str = Field(min_length=1)  # 复议机关 for 税务 acts (上一级税务局)
    county_gov: str = Field(min_length=1)  # 复议机关 for 人社/医保 acts
    court: str = Field(min_length=1)
    intermediate_court: str = ""
    arbitration: str = Field(min_length=1)
    petition_office: str = ""
    leading_group_office: str = ""


class Department(Strict):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]{0,15}$")
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    contact: str = ""
    full_name: str = ""  # 全称, for 主送 in documents; empty: ``name`` is used

    @property
    def formal_name(self) -> str:
        return self.full_name or self.name


class Place(Strict):
    name: str = Field(min_length=1)
    code: str = Field(pattern=r"^\d{6}$")


class Limit(Strict):
    n: int = Field(ge=0, le=3650)
    unit: Literal["calendar_days", "working_days", "months"] = "working_days"
    rule: Literal["civil", "tax", "review"] = "civil"
    label: str = ""


def _limit(n: int, unit: str, label: str, rule: str = "civil") -> Limit:
    return Limit(n=n, unit=unit, label=label, rule=rule)  # type: ignore[arg-type]


DEFAULT_LIMITS: dict[str, Limit] = {
    "register": _limit(0, "calendar_days", "登记并出具受理回执"),
    "triage": _limit(1, "working_days", "审核分类/风险初判"),
    "direct": _limit(5, "working_days", "直接办理"),
    "opinion": _limit(5, "working_days", "联办部门书面意见"),
    "joint_decision": _limit(15, "working_days", "联办事项形成处理意见"),
    "special_approval": _limit(3, "working_days", "专案报批"),
    "special_decision": _limit(30, "calendar_days", "专案/重大事项形成处理意见"),
    "hard_ceiling": _limit(60, "calendar_days", "办理总时限"),
    "referral_reply": _limit(5, "working_days", "承办部门反馈（报送）"),
    "mediation": _limit(15, "calendar_days", "调解"),
    "notify": _limit(5, "working_days", "书面反馈当事人"),
    "followup": _limit(10, "working_days", "首次跟踪回访"),
    "center_report": _limit(5, "working_days", "职能部门向综治中心反馈办理结果"),
    "remedy_check": _limit(60, "calendar_days", "救济进展核查"),
    "archive": _limit(30, "calendar_days", "立卷归档"),
    "petition_notice": _limit(15, "calendar_days", "信访事项书面告知"),
    "petition_handling": _limit(60, "calendar_days", "信访事项办理"),
    "e1_pay": _limit(15, "calendar_days", "征缴事项通知书缴款期限"),
    "e2_pay": _limit(15, "calendar_days", "责令限期缴纳期限"),
    "e3_pay": _limit(15, "calendar_days", "征收决定书缴款期限"),
    "e5_wait": _limit(10, "calendar_days", "催告书送达后等待期"),
    # dated by the meeting or the decision itself; the numbers are only the default when none is given
    "agreed_item": _limit(15, "calendar_days", "会议议定事项"),
    "obligation": _limit(15, "calendar_days", "当事人履行事项"),
}

MAX_EXTENSION_DAYS = 30


class RatePeriodCfg(Strict):
    start: str | None = None  # ISO date, inclusive
    end: str | None = None
    rate_per_day: Decimal


class LateFeeCfg(Strict):
    rate_periods: list[RatePeriodCfg] = Field(
        default_factory=lambda: [
            RatePeriodCfg(end="2011-06-30", rate_per_day=Decimal("0.002")),
            RatePeriodCfg(start="2011-07-01", rate_per_day=Decimal("0.0005")),
        ]
    )
    start_rule: Literal["day_after_deadline", "first_of_second_month"] = "day_after_deadline"
    payment_deadline_rule: Literal["15th_next_month", "end_of_next_month", "end_of_month"] = "15th_next_month"
    cap_mode: Literal["none", "principal"] = "none"
    pre2011_mode: Literal["statute", "lower_of"] = "statute"


class RoutingCfg(Strict):
    medium_risk_organiser: str = "综治中心"  # pianguan: body says 综治中心, annex says 街道
    special_departments: list[str] = Field(default_factory=lambda: ["ZFB", "SFJ", "CZJ", "RSJ", "YBJ", "SPJ", "XFJ", "SW", "WXB"])


_RISK = Thresholds()  # the defaults live in casefile.config, where the fast read path reads them too


class RiskCfg(Strict):
    repeat_min_cases: int = _RISK.repeat_min_cases
    repeat_months: int = _RISK.repeat_months
    mass_min_complainants: int = _RISK.mass_min_complainants
    mass_min_workers: int = _RISK.mass_min_workers
    large_amount: Decimal = _RISK.large_amount
    due_soon_days: int = _RISK.due_soon_days
    # Calendar days a case may stay in one state before it is reported as stuck (滞留) (docs/domain.md §6, with slack).
    stuck_days: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_STUCK_DAYS))

    @field_validator("stuck_days")
    @classmethod
    def _known_states(cls, v: dict[str, int]) -> dict[str, int]:
        unknown = sorted(set(v) - set(DEFAULT_STUCK_DAYS))
        if unknown:
            raise ValueError(f"未知的案件状态：{'、'.join(unknown)}（可用：{'、'.join(DEFAULT_STUCK_DAYS)}）")
        if any(n < 1 for n in v.values()):
            raise ValueError("滞留天数应为正整数")
        return {**DEFAULT_STUCK_DAYS, **v}


RetentionCode = Literal["Y", "D30", "D10"]
#: what a retention rule can test (casefile.archive.rules.case_traits computes them from a case)
RetentionTrait = Literal["special", "litigated", "review", "arbitration", "typical", "enforcement", "joint",
                         "mediation", "referred", "direct", "redirected", "any"]


class RetentionRule(Strict):
    when: RetentionTrait
    retention: RetentionCode


def _default_retention_rules() -> list[RetentionRule]:
    # docs/domain.md §8 (a recommendation): 专案/重大疑难, litigated or 复议, 典型案例 → Y; 联办 and enforcement → D30;
    # direct and redirected → D10. The longest period among the matching rules applies.
    table = [("special", "Y"), ("litigated", "Y"), ("review", "Y"), ("typical", "Y"),
             ("joint", "D30"), ("enforcement", "D30"), ("direct", "D10"), ("redirected", "D10")]
    return [RetentionRule.model_validate({"when": w, "retention": r}) for w, r in table]


class ArchiveCfg(Strict):
    order: Literal["procedural", "result_first"] = "procedural"
    filer: str = ""
    checker: str = ""
    # 档号 parts (DA/T 22): 门类代码 (文书 = WS); 年度 = the year the case was closed, or archived
    class_code: str = Field(default="WS", pattern=r"^[A-Z]{2}$")
    year_basis: Literal["closed", "archived"] = "closed"
    category: str = "社会保险费征缴争议处置"  # 类目名称 on the 案卷封面
    secret: str = ""  # 密级 in the 归档文件目录 (D28); empty = 非密
    retention_rules: list[RetentionRule] = Field(default_factory=_default_retention_rules)
    default_retention: RetentionCode = "D10"
    convert_timeout: float = Field(default=300.0, gt=0)  # seconds for one LibreOffice batch
    stamp_font: str = ""  # a CJK .ttf/.ttc for the 档号 stamp; empty = search the system fonts
    verify_workers: int = Field(default=0, ge=0)  # hashing threads; 0 = number of CPUs
    # where the web hands a year's bags over (移交): a folder on the server (the archives' receiving share or
    # a mounted disk), absolute or relative to the workspace. Empty = transfer only through the CLI, which
    # names its destination; a web user never types a server path.
    transfer_dir: str = Field(default="", max_length=500)


GENERIC_PUBLISHER = "典型案例编写组"


class TypicalCfg(Strict):
    # The line naming the publisher on the booklet's cover. Generic by default: the office's own name
    # contains its county, which the write-ups replace by 某县, so printing it would let a reader
    # locate the parties. An office that wants its name there sets it here knowingly.
    publisher: str = Field(default=GENERIC_PUBLISHER, max_length=60)


class SearchCfg(Strict):
    engine: Literal["whoosh", "tantivy"] = "whoosh"


class WebCfg(Strict):
    """``[web]``: the browser front end (``casefile serve``)."""

    # "" keeps accounts, sessions and login records in SQLite inside the workspace (.casefile/web.sqlite3);
    # "postgresql://user:password@host:port/dbname" moves them to PostgreSQL.
    database: str = ""
    idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    https: bool = False  # Secure cookies and HSTS: set when the server is reached through HTTPS
    hosts: list[str] = Field(default_factory=list)  # extra host names the server answers to
    totp_roles: list[str] = Field(default_factory=list)  # e.g. ["admin", "head"]: second factor required
    sso_header: str = ""  # e.g. "X-Remote-User" set by the trusted gateway; "" = off
    sso_proxies: list[str] = Field(default_factory=lambda: ["127.0.0.1"])  # only these may set the header
    lockout_failures: int = Field(default=5, ge=1, le=100)
    lockout_minutes: int = Field(default=30, ge=1)
    max_upload_mb: int = Field(default=50, ge=1, le=2048)
    watcher: bool = True  # run the drop-folder watcher beside the server


class EvidenceCfg(Strict):
    stability_seconds: float = Field(default=3.0, ge=0)
    # a file that parses as truncated is quarantined only after resting this long (a stalled copy)
    truncated_patience_seconds: float = Field(default=60.0, ge=0)
    rescan_seconds: float = Field(default=30.0, gt=0)
    parse_timeout_seconds: float = Field(default=120.0, gt=0)
    memory_limit_mb: int = Field(default=1536, gt=0)
    max_pixels: int = Field(default=120_000_000, gt=0)
    max_ocr_pages: int = Field(default=50, ge=0)
    ocr_dpi: int = Field(default=300, ge=72, le=600)


class StaffMember(Strict):
    """One person who may act in this workspace (checked in full by :func:`casefile.identity.parse_staff`)."""

    name: str = Field(min_length=1)
    dept: str = Field(min_length=1)
    roles: list[str] | str
    login: str = ""
    os_user: list[str] | str = Field(default_factory=list)


class WorkspaceCfg(Strict):
    # "test" and "demo" workspaces honour CASEFILE_NOW; a production one runs on the system clock.
    purpose: Literal["production", "test", "demo"] = "production"


class Settings(Strict):
    office: Office
    profile: Literal["naiman", "pianguan"] = "pianguan"
    daizi: dict[str, str] = Field(default_factory=dict)  # 文号代字 per document type (D02…)
    departments: list[Department]
    jurisdictions: list[Place]
    time_limits: dict[str, Limit] = Field(default_factory=dict)
    late_fee: LateFeeCfg = Field(default_factory=LateFeeCfg)
    routing: RoutingCfg = Field(default_factory=RoutingCfg)
    risk: RiskCfg = Field(default_factory=RiskCfg)
    archive: ArchiveCfg = Field(default_factory=ArchiveCfg)
    search: SearchCfg = Field(default_factory=SearchCfg)
    typical: TypicalCfg = Field(default_factory=TypicalCfg)
    evidence: EvidenceCfg = Field(default_factory=EvidenceCfg)
    web: WebCfg = Field(default_factory=WebCfg)
    staff: list[StaffMember] = Field(default_factory=list)
    workspace: WorkspaceCfg = Field(default_factory=WorkspaceCfg)

    @model_validator(mode="after")
    def _staff_consistent(self) -> Settings:
        from casefile.errors import ConfigError as _ConfigError
        from casefile.identity import parse_staff

        raw = {"staff": [m.model_dump() for m in self.staff]}
        try:
            parse_staff(raw, [d.model_dump() for d in self.departments])
        except _ConfigError as exc:
            raise ValueError(exc.message) from None
        return self

    @field_validator("time_limits")
    @classmethod
    def _known_steps(cls, v: dict[str, Limit]) -> dict[str, Limit]:
        unknown = sorted(set(v) - set(DEFAULT_LIMITS))
        if unknown:
            raise ValueError(f"未知的时限步骤：{'、'.join(unknown)}")
        return v

    def limit(self, step: str) -> Limit:
        base = DEFAULT_LIMITS[step]
        override = self.time_limits.get(step)
        if override is None:
            return base
        return override if override.label else override.model_copy(update={"label": base.label})

    # -- departments -----------------------------------------------------------------------
    def dept(self, text: str) -> Department:
        from casefile.rules.text import did_you_mean

        found = find_department(self.departments, text)  # the one lookup, shared with Workspace.dept_name
        if found is not None:
            return found  # type: ignore[no-any-return]
        t = text.strip()
        by_word = {w: d.name for d in self.departments for w in (d.name, *d.aliases)}
        near = list(dict.fromkeys(by_word[w] for w in did_you_mean(t, by_word)))
        hint = f"是不是“{'”或“'.join(near)}”？" if near else ""
        names = "、".join(d.name for d in self.departments)
        raise UnknownDepartment(f"未知的部门“{t}”，{hint}可选：{names}")

    def dept_name(self, code: str) -> str:
        try:
            return self.dept(code).name
        except UnknownDepartment:
            return code

    def formal_dept_name(self, text: str) -> str:
        """The full name (``full_name``) of the department ``text`` names, as a document's 主送 prints
        it; ``text`` itself when it names no department (a party, a court, an outside body)."""
        found = find_department(self.departments, text) if text else None
        return found.formal_name if found is not None else text  # type: ignore[no-any-return]

    def place(self, name: str, code: str) -> Place:
        for p in self.jurisdictions:
            if p.name == name:
                if p.code != code:
                    raise UnknownPlace(f"辖区“{name}”的行政区划代码应为{p.code}")
                return p
        hint = self.place_hint(name)
        raise UnknownPlace(f"“{name}”不在本单位的辖区列表中{hint}（见 casefile.toml 的 jurisdictions）")

    def place_named(self, name: str) -> Place | None:
        from casefile.rules.text import nfkc

        key = nfkc(name).strip()
        return next((p for p in self.jurisdictions if nfkc(p.name) == key), None)

    def place_hint(self, name: str) -> str:
        """"，是不是“…”？" for a near miss of a listed jurisdiction, else ""."""
        from casefile.rules.text import did_you_mean

        near = did_you_mean(name, [p.name for p in self.jurisdictions], cutoff=0.75)
        return f"，是不是“{'”或“'.join(near)}”？" if near else ""

    def daizi_for(self, doc_type: str) -> str:
        return self.daizi.get(doc_type) or f"{self.office.short[:2]}税社{doc_type[1:]}"


def _format_loc(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in loc).replace(".[", "[")


def parse_settings(data: dict[str, Any], source: str) -> Settings:
    try:
        return Settings.model_validate(data)
    except ValidationError as err:
        from casefile.models.validation import findings_from

        findings = findings_from(err)
        first = err.errors(include_url=False)
        parts = []
        for f, e in zip(findings, first, strict=True):
            parts.append(f"键 {_format_loc(tuple(e['loc']))}：{f.message}")
        raise ConfigError(f"配置文件 {source} 有误：{'；'.join(parts)}。") from None


def load_settings(path: Path) -> Settings:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"无法读取配置文件 {path}：{exc.strerror}。") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"配置文件 {path} 不是 UTF-8 编码。") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"配置文件 {path} 不是有效的 TOML：{exc}。") from None
    return parse_settings(data, str(path))


