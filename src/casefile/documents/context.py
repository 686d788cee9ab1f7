"""Case → template context, the contract of docs/architecture.md ("Template context").

Every value handed to a template is a display-ready string, a list of strings or a list of dicts
of strings (so the context is also the JSON data snapshot kept beside each issued document).
Document-specific values go under ``x``; their names and shapes are the typed fields of the
registry (``doctypes.DOC_TYPES[type].fields``). Values only the caller knows come in ``extra``: either
an ``x`` field name (overrides what the case says) or one of the type's options
(``DocType.options``, meanings in ``doctypes.OPTION_HELP``). An unknown key is refused, because a
misspelt key would otherwise print as a silent blank in a statutory notice.

The per-type parts are functions registered for their types: :func:`fills` (the ``x`` fields),
:func:`recipient_of` (the default ``doc.recipient``), :func:`deadline_of` (``deadline``),
:func:`attaches` (the default ``doc.attachments``) and :func:`target_of` (the other department a
letter or form is about). The registry says what each type has; a test checks that every declared
recipient and field set has its function here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from casefile.clock import local_date, to_local
from casefile.config import Settings, Workspace
from casefile.documents.doctypes import (
    COLLECTION_DECISION,
    COLLECTION_NOTICE,
    DEMAND,
    DOC_TYPES,
    FEE_TABLE,
    OPTION_HELP,
    PARTY_KEYS,
    PAYMENT_ORDER,
    REFERRAL_FORM,
    SERVICE_PROOF,
    TRANSFER_FORM,
    DocType,
    FieldSpec,
)
from casefile.documents.remedy import remedy_lines
from casefile.errors import MissingData, UsageError
from casefile.identity import ActorLike, actor_name
from casefile.models.case import Case
from casefile.models.enums import CaseClass, Channel, Flag, PartyKind, Risk
from casefile.models.party import Party
from casefile.models.records import ArrearsLine, DocumentRecord, FollowUp, Meeting
from casefile.rules.dates import date8, date_cn
from casefile.rules.fines import fine_department, fine_departments
from casefile.rules.latefee import (
    ArrearsItem,
    LateFeeResult,
    LateFeeSettings,
    RatePeriod,
    compute_late_fees,
    payment_deadline,
)
from casefile.rules.money import quantize_fen, rmb_upper

__all__ = [
    "CASE_FIELDS",
    "DOC_FIELDS",
    "OFFICE_FIELDS",
    "PARTY_FIELDS",
    "TOP_LEVEL",
    "DocContext",
    "FieldShape",
    "build_context",
    "late_fee_settings",
    "sample_context",
    "x_shapes",
]

# -- the contract ----------------------------------------------------------------------------------
TOP_LEVEL = ("office", "doc", "case", "applicant", "counterparty", "deadline", "remedy", "x")
OFFICE_FIELDS = ("name", "short", "address", "phone", "superior_tax", "county_gov", "court", "arbitration",
                 "leading_group_office")
DOC_FIELDS = ("type", "title", "wenhao", "date", "recipient", "copy_to", "corrects", "attachments")
CASE_FIELDS = ("id", "number", "received_at", "received_date", "channel", "channel_ref", "first_handler",
               "intake_dept", "coordinator_dept", "lead_dept", "co_depts", "jurisdiction", "jurisdiction_code",
               "categories", "category_codes", "insurance_types", "periods", "claim", "attachments", "case_class",
               "risk", "route", "state", "amounts", "total_amount", "total_amount_upper")
PARTY_FIELDS = tuple(PARTY_KEYS)
AMOUNT_KEYS = ("name", "amount", "upper")
LIST_FIELDS = {("doc", "attachments"), ("case", "attachments")}
ROW_FIELDS = {("case", "amounts"): AMOUNT_KEYS}





def machine_words(profile: str, text: str) -> str:
    from casefile.machine import words

    return words(profile, text)

def control_keys(doc_type: str) -> set[str]:
    """The options (extra keys that steer the builder rather than name an x field) the type takes."""
    spec = DOC_TYPES[doc_type]
    return {k for k in OPTION_HELP if spec.takes_option(k)}


AMOUNT_LABELS = {
    "claimed_arrears": "反映欠缴金额",
    "arrears": "欠缴金额",
    "late_fee": "滞纳金",
    "refund": "退费金额",
    "benefit": "待遇金额",
    "base_difference": "缴费基数差额",
    "disputed": "争议金额",
}

HANDLING = {CaseClass.OWN: "直接办理", CaseClass.GENERAL: "联合办理", CaseClass.MAJOR: "专案办理",
            CaseClass.UNCLEAR: "报送办理"}
HANDLING_BY_RISK = {Risk.LOW: "直接办理", Risk.MEDIUM: "联合办理", Risk.HIGH: "专案办理"}
DEFAULT_PAY_METHOD = "通过电子税务局、办税服务厅或商业银行等渠道缴纳"
DEFAULT_BASIS_D21 = "《中华人民共和国社会保险法》第六十三条、第八十六条，《中华人民共和国行政强制法》第五十三条、第五十四条"
DEFAULT_QUESTION = "该事项是否属于你单位职责范围；如属于，请提出处理意见及其政策法律依据。"


# -- shapes of x fields (the registry's typed fields) ---------------------------------------------------
#: the name older callers use for a field's shape (kind and keys)
FieldShape = FieldSpec


def x_shapes(doc_type: str) -> dict[str, FieldSpec]:
    return DOC_TYPES[doc_type].field_specs


# -- per-type parts of the builder ------------------------------------------------------------------------
_Fn = Callable[..., Any]
#: type -> its function, filled by the decorators below (each type at most once per table)
FILLS: dict[str, _Fn] = {}
RECIPIENTS: dict[str, _Fn] = {}
DEADLINES: dict[str, _Fn] = {}
ATTACHMENTS: dict[str, _Fn] = {}
TARGETS: dict[str, _Fn] = {}


def _registrar(table: dict[str, _Fn], what: str) -> Callable[..., Callable[[_Fn], _Fn]]:
    def register(*types: str) -> Callable[[_Fn], _Fn]:
        def deco(fn: _Fn) -> _Fn:
            for t in types:
                if t not in DOC_TYPES or t in table:
                    raise RuntimeError(f"{what} of {t}: unknown type or registered twice")
                table[t] = fn
            return fn
        return deco
    return register


#: ``@fills("D02")``: the method returns the type's ``x`` fields from the case
fills = _registrar(FILLS, "x fields")
#: ``@recipient_of(...)``: the method returns the default ``doc.recipient`` (given the x fields)
recipient_of = _registrar(RECIPIENTS, "recipient")
#: ``@deadline_of(...)``: the method returns the date (or text) ``deadline`` prints (given the x fields)
deadline_of = _registrar(DEADLINES, "deadline")
#: ``@attaches(...)``: the method returns the default ``doc.attachments``
attaches = _registrar(ATTACHMENTS, "attachments")
#: ``@target_of(...)``: the method returns the code of the department the document is about by default
target_of = _registrar(TARGETS, "target department")


# -- display helpers ----------------------------------------------------------------------------------
def _amt(d: Decimal) -> str:
    """``12,345.67`` — table cells (the column header says 元)."""
    return f"{quantize_fen(d):,.2f}"


def _rate(r: Decimal) -> str:
    return f"{(r * 100).normalize():f}%"


def _period_cn(p: str) -> str:
    m = re.fullmatch(r"(\d{4})-?(\d{2})(?:\s*[-–—~～至]\s*(\d{4})-?(\d{2}))?", p.strip())
    if not m:
        return p
    first = f"{int(m.group(1))}年{int(m.group(2))}月"
    if m.group(3) is None:
        return first
    return f"{first}至{int(m.group(3))}年{int(m.group(4))}月"


def _dt_cn(dt: datetime) -> str:
    local = to_local(dt)
    return f"{date_cn(local.date())} {local.hour}时{local.minute:02d}分"


def _sentence(text: str) -> str:
    """Free text the officer typed, closed as a sentence where the template prints it as one."""
    t = text.strip()
    return t + "。" if t and t[-1] not in "。！？；…”’」』）)." else t


def _d(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return date_cn(value.date() if isinstance(value, datetime) else value)


def late_fee_settings(settings: Settings) -> LateFeeSettings:
    cfg = settings.late_fee
    periods = tuple(
        RatePeriod(start=date.fromisoformat(p.start) if p.start else None,
                   end=date.fromisoformat(p.end) if p.end else None, rate_per_day=p.rate_per_day)
        for p in cfg.rate_periods
    )
    return LateFeeSettings(rate_periods=periods, start_rule=cfg.start_rule,
                           payment_deadline_rule=cfg.payment_deadline_rule, cap_mode=cfg.cap_mode,
                           pre2011_mode=cfg.pre2011_mode)


def you(p: Party | None) -> str:
    """How a letter addresses the party once greeted: 你单位 for a unit, 你 for a person (never 你（单位）)."""
    return "你单位" if p is None or p.kind is PartyKind.UNIT else "你"


def party_dict(p: Party | None) -> dict[str, str]:
    if p is None:
        return dict.fromkeys(PARTY_FIELDS, "")
    return {
        "kind_label": "单位" if p.kind is PartyKind.UNIT else "个人",
        "you": you(p),
        "name": p.name,
        "id_label": p.id_label,
        "id_value": p.id_value or "",
        "address": p.address or "",
        "mobile": p.mobile or "",
        "phone": p.phone or "",
        "legal_rep": p.legal_rep or "",
        "represents": p.represents or "",
    }


# -- result ---------------------------------------------------------------------------------------
@dataclass
class DocContext:
    """The template context and what building it found out (flags to set on the case, warnings)."""

    data: dict[str, Any]
    flags: list[Flag] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: whom the document is for, as the case records it (a department by its usual name, which is how
    #: a redone step finds the letter it replaces); the page prints ``doc.recipient``, a department's
    #: full name
    addressee: str = ""

    @property
    def recipient(self) -> str:
        return self.addressee


def build_context(
    ws: Workspace,
    case: Case,
    doc_type: str,
    *,
    now: datetime,
    actor: ActorLike = "",
    extra: Mapping[str, Any] | None = None,
    recipient: str | None = None,
    wenhao: str = "",
    corrects: str = "",
) -> DocContext:
    """The full template context of ``doc_type`` for ``case``.

    Raises MissingData naming every missing item at once, UsageError for an unknown ``extra`` key
    or a value of the wrong shape.
    """
    spec = DOC_TYPES.get(doc_type)
    if spec is None:
        raise UsageError(f"未知的文书类型“{doc_type}”，应为 {min(DOC_TYPES)}–{max(DOC_TYPES)}。")
    b = _Builder(ws, case, spec, now, actor, dict(extra or {}))
    return b.build(recipient=recipient, wenhao=wenhao, corrects=corrects)


class _Builder:
    def __init__(self, ws: Workspace, case: Case, spec: DocType, now: datetime, actor: ActorLike,
                 extra: dict[str, Any]) -> None:
        self.ws = ws
        self.settings = ws.settings
        self.office = ws.settings.office
        self.case = case
        self.spec = spec
        self.type = spec.type
        self.now = now
        self.today = local_date(now)
        self.actor = actor_name(actor)
        self.missing: list[str] = []
        self.warnings: list[str] = []
        self.flags: list[Flag] = []
        self._fees: LateFeeResult | None = None
        self.extra, self.x_over = self._split_extra(extra)

    # -- extra ----------------------------------------------------------------------------------
    def _split_extra(self, extra: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        shapes = x_shapes(self.type)
        control: dict[str, Any] = {}
        over: dict[str, Any] = {}
        bad: list[str] = []
        controls = control_keys(self.type)
        for key, value in extra.items():
            # A control key wins over an x field of the same name ("dept" is a code to resolve).
            if key in controls:
                control[key] = value
            elif key in shapes:
                over[key] = self._coerce(key, value, shapes[key])
            else:
                bad.append(key)
        if bad:
            allowed = sorted(set(shapes) | controls)
            raise UsageError(
                f"{self.type}{self.spec.title}不接受参数“{'、'.join(bad)}”；可用的参数：{'、'.join(allowed)}。"
            )
        return control, over

    def _coerce(self, key: str, value: Any, shape: FieldShape) -> Any:
        where = f"{self.type}的参数 x.{key}"
        if shape.kind == "str":
            return _display(value, where)
        if shape.kind == "list":
            if isinstance(value, str) or not isinstance(value, Iterable):
                raise UsageError(f"{where}应为文字列表。")
            return [_display(v, where) for v in value]
        if shape.kind == "rows":
            if isinstance(value, str | Mapping) or not isinstance(value, Iterable):
                raise UsageError(f"{where}应为列表，每项含 {'/'.join(shape.keys)}。")
            rows = []
            for i, row in enumerate(value, start=1):
                if not isinstance(row, Mapping):
                    raise UsageError(f"{where}第{i}项应为键值对（{'/'.join(shape.keys)}）。")
                unknown = sorted(set(row) - set(shape.keys))
                if unknown:
                    raise UsageError(f"{where}第{i}项有未知的键：{'、'.join(map(str, unknown))}。")
                rows.append({k: _display(row.get(k, ""), where) for k in shape.keys})
            return rows
        if not isinstance(value, Mapping):
            raise UsageError(f"{where}应为键值对。")
        unknown = sorted(set(value) - set(shape.keys))
        if unknown:
            raise UsageError(f"{where}有未知的键：{'、'.join(map(str, unknown))}。")
        return {k: _display(value.get(k, ""), where) for k in shape.keys}

    def need(self, ok: object, label: str) -> None:
        if not ok and label not in self.missing:
            self.missing.append(label)

    # -- lookups ----------------------------------------------------------------------------------
    def dept_name(self, code: str | None) -> str:
        return self.settings.dept_name(code) if code else ""

    def dept_code(self, text: str) -> str:
        try:
            return self.settings.dept(text).code
        except ValueError as exc:
            raise UsageError(f"{exc}。") from None

    def latest(self, *types: str) -> DocumentRecord | None:
        docs = [d for d in self.case.documents if d.doc_type in types and d.superseded_by is None]
        return docs[-1] if docs else None

    def served_on(self, doc: DocumentRecord | None) -> date | None:
        if doc is None:
            return None
        dates = [s.served_at for s in self.case.services if s.doc_id == doc.doc_id and s.served_at]
        return max(dates) if dates else None

    def cite(self, doc: DocumentRecord | None) -> str:
        return doc.wenhao or "" if doc else ""

    def due_of(self, *steps: str) -> date | None:
        for step in steps:
            d = self.case.deadline(step)
            if d is not None:
                return d.due
        return None

    def projected_due(self, step: str) -> date:
        """The due date of a deadline opened today: for a document made before its deadline is on record
        (``render``, batches); the workflow opens the deadline before it issues the document."""
        from casefile.deadlines import calendar_for, compute_due

        due, _ = compute_due(self.settings, step, self.today, calendar_for(self.ws.root / "holidays.toml"))
        return due

    # -- top level ----------------------------------------------------------------------------------
    def build(self, *, recipient: str | None, wenhao: str, corrects: str) -> DocContext:
        x = self.x_fields()
        to = recipient if recipient is not None else self.default_recipient(x)
        data: dict[str, Any] = {
            "office": {k: str(getattr(self.office, k) or "") for k in OFFICE_FIELDS},
            "doc": {
                "type": self.type,
                "title": self.spec.title,
                "wenhao": wenhao,
                "date": date_cn(self.today),
                # a department is addressed by its full name (GB/T 9704 主送: 全称或规范化简称)
                "recipient": "、".join(self.settings.formal_dept_name(t) for t in to.split("、")),
                "copy_to": _display(self.extra.get("copy_to", ""), "copy_to"),
                "corrects": corrects,
                "attachments": self.attachments(),
            },
            "case": self.case_fields(),
            "applicant": party_dict(self.case.applicant),
            "counterparty": party_dict(self.case.counterparty),
            "deadline": self.deadline(x),
            "remedy": self.remedy(),
            "x": x,
        }
        if self.spec.waiver_checked:
            from casefile.rules.waiver import refuse_waivers

            refuse_waivers(f"{self.spec.title}", *_texts(x))
        if self.missing:
            raise MissingData(
                f"案件 {self.case.id or '（批量）'} 缺少出具{self.type}{self.spec.title}所需的信息："
                f"{'、'.join(self.missing)}。请先补充后再出具。"
            )
        return DocContext(data, self.flags, self.warnings, to)

    def case_fields(self) -> dict[str, Any]:
        c = self.case
        received = to_local(c.received_at)
        return {
            "id": c.id,
            "number": c.number,
            "received_at": _dt_cn(received),
            "received_date": date_cn(received.date()),
            "channel": c.channel.value,
            "channel_ref": c.channel_ref or "",
            "first_handler": c.first_handler,
            "intake_dept": self.dept_name(c.intake_dept),
            "coordinator_dept": self.dept_name(c.coordinator_dept),
            "lead_dept": self.dept_name(c.lead_dept),
            "co_depts": "、".join(self.dept_name(d) for d in c.co_depts),
            "jurisdiction": c.jurisdiction.name,
            "jurisdiction_code": c.jurisdiction.code,
            "categories": "、".join(cat.label for cat in c.categories),
            "category_codes": "、".join(cat.short for cat in c.categories),
            "insurance_types": "、".join(i.value for i in c.insurance_types),
            "periods": "、".join(_period_cn(p) for p in c.periods),
            "claim": c.claim,
            "attachments": list(c.attachments),
            "case_class": c.case_class.value if c.case_class else "",
            "risk": f"{c.risk.value}风险" if c.risk else "",
            "route": c.route,
            "state": c.state.label,
            "amounts": [
                {"name": AMOUNT_LABELS.get(k, "其他金额"), "amount": _amt(v), "upper": rmb_upper(v)}
                for k, v in c.amounts.items()
            ],
            "total_amount": _amt(c.total_amount) if c.amounts else "",
            "total_amount_upper": rmb_upper(c.total_amount) if c.amounts else "",
        }

    def attachments(self) -> list[str]:
        if "attachments" in self.extra:
            value = self.extra["attachments"]
            if isinstance(value, str) or not isinstance(value, Iterable):
                raise UsageError("参数 attachments 应为文字列表。")
            return [_display(v, "attachments") for v in value]
        fn = ATTACHMENTS.get(self.type)
        return list(fn(self)) if fn else []

    @attaches("D17", "D18")
    def _fee_table(self) -> list[str]:
        return [DOC_TYPES[FEE_TABLE].title]

    @attaches("D04", "D06", "D07", "D09")
    def _case_attachments(self) -> list[str]:
        return list(self.case.attachments)

    def default_recipient(self, x: dict[str, Any]) -> str:
        fn = RECIPIENTS.get(self.type)
        return str(fn(self, x)) if fn else ""

    @recipient_of("D16", "D17", "D18", "D20", "D23")
    def _to_payer(self, x: dict[str, Any]) -> str:
        return str(x["payer"]["name"])

    @recipient_of("D02", "D03", "D12", "D13")
    def _to_applicant(self, x: dict[str, Any]) -> str:
        return self.case.applicant.name

    @recipient_of("D04", "D08", "D24")
    def _to_target(self, x: dict[str, Any]) -> str:
        return self.dept_name(self.target_dept()) if self.target_dept() else ""

    @recipient_of("D05")
    def _to_coordinator(self, x: dict[str, Any]) -> str:
        return self.dept_name(self.case.coordinator_dept)

    @recipient_of("D06")
    def _to_leading_group(self, x: dict[str, Any]) -> str:
        return self.office.leading_group_office

    @recipient_of("D07")
    def _to_referral_body(self, x: dict[str, Any]) -> str:
        c = self.case
        return c.referral.to if c.referral else self.dept_name("ZFB")

    @recipient_of("D09")
    def _to_discipline(self, x: dict[str, Any]) -> str:
        return self.dept_name("JW")

    @recipient_of("D10")
    def _to_participants(self, x: dict[str, Any]) -> str:
        from casefile.tables import find_department

        m = self.meeting(held=False)
        units = [p for p in (m.participants if m else []) if find_department(self.settings.departments, p)]
        return "、".join(units)

    @recipient_of("D21")
    def _to_court(self, x: dict[str, Any]) -> str:
        c = self.case
        return (c.enforcement.court if c.enforcement and c.enforcement.court else "") or self.office.court

    @recipient_of(SERVICE_PROOF)
    def _to_served_party(self, x: dict[str, Any]) -> str:
        served = self.served_docs()
        return str(self.extra.get("recipient") or (served[0].recipient if served else "") or "")

    def deadline(self, x: dict[str, Any]) -> str:
        if "deadline" in self.extra:
            return _display(self.extra["deadline"], "deadline")
        fn = DEADLINES.get(self.type)
        due = fn(self, x) if fn else None
        return due if isinstance(due, str) else _d(due)

    @deadline_of("D02")
    def _completion(self, x: dict[str, Any]) -> date | None:
        step = "petition_handling" if self.case.channel is Channel.PETITION else "hard_ceiling"
        return self.due_of("direct", "joint_decision", "special_decision", "referral_reply", step) \
            or self.projected_due(step)

    @deadline_of("D04")
    def _reply_due(self, x: dict[str, Any]) -> date | None:
        dept = self.target_dept()
        op = next((o for o in reversed(self.case.opinions) if o.dept == dept), None)
        return op.due if op else (self.due_of_dept("opinion", dept) or self.projected_due("opinion"))

    @deadline_of("D07")
    def _referral_reply(self, x: dict[str, Any]) -> date | None:
        c = self.case
        return c.referral.reply_due if c.referral and c.referral.reply_due else self.due_of("referral_reply")

    @deadline_of("D08")
    def _direct_due(self, x: dict[str, Any]) -> date | None:
        return self.due_of("direct")

    @deadline_of("D13")
    def _extended(self, x: dict[str, Any]) -> date | None:
        c = self.case
        step = str(self.extra.get("step") or (c.extensions[-1].step if c.extensions else ""))
        due = self.due_of(step) if step else None
        self.need(due, "延期的时限（extra.step）")
        return due

    @deadline_of("D16", "D17", "D18", "D20")
    def _pay_by_of_step(self, x: dict[str, Any]) -> date | None:
        step = self.spec.enforcement_steps[0]
        due = self.pay_by(step)
        # every step that issues these sets its pay-by date; none means the step was not taken
        self.need(due, f"缴纳期限（由执法步骤 {step} 设定）")
        return due

    @deadline_of("D23")
    def _last_instalment(self, x: dict[str, Any]) -> str:
        rows = x.get("schedule") or []
        return str(rows[-1]["due"]) if rows else ""

    def due_of_dept(self, step: str, dept: str | None) -> date | None:
        for d in reversed(self.case.deadlines):
            if d.step == step and d.dept == dept:
                return d.due
        return None

    def pay_by(self, step: str) -> date | None:
        enf = self.case.enforcement
        if enf is None:
            return None
        for ev in reversed(enf.history):
            if ev.step.value == step and ev.pay_by:
                return ev.pay_by
        return enf.pay_by

    def remedy(self) -> list[str]:
        if not self.spec.remedy:
            return []
        acts = self.extra.get("underlying_acts")
        if acts is not None and (isinstance(acts, str) or not isinstance(acts, Iterable)):
            raise UsageError("参数 underlying_acts 应为列表（tax/hrss/medical/labour/petition）。")
        return remedy_lines(self.type, self.office, self.case, acts=list(acts) if acts is not None else None,
                            recheck_body=self.extra.get("recheck_body"))

    # -- x ------------------------------------------------------------------------------------------
    def x_fields(self) -> dict[str, Any]:
        shapes = x_shapes(self.type)
        fill = FILLS.get(self.type)
        computed = fill(self) if fill else {}
        out: dict[str, Any] = {}
        for name, shape in shapes.items():
            if name in self.x_over:
                out[name] = self.x_over[name]
            elif name in computed:
                out[name] = computed[name]
            else:
                out[name] = [] if shape.kind in ("list", "rows") else (
                    dict.fromkeys(shape.keys, "") if shape.kind == "dict" else "")
        stray = sorted(set(computed) - set(shapes))
        if stray:  # the builder and the registry disagree: a bug, never something a user can fix
            raise RuntimeError(f"context builder for {self.type} fills x fields not in doctypes.py: {stray}")
        return out

    def contact(self) -> str:
        return self.case.first_handler

    def target_dept(self) -> str | None:
        if self.extra.get("dept"):
            return self.dept_code(str(self.extra["dept"]))
        fn = TARGETS.get(self.type)
        return fn(self) if fn else None

    @target_of("D24")
    def _fine_dept(self) -> str | None:
        enf = self.case.enforcement
        return fine_departments(a.insurance_type for a in enf.arrears if a.owed > 0)[0] if enf else "RSJ"

    @target_of("D08")
    def _lead_dept(self) -> str | None:
        return self.case.lead_dept

    @target_of("D04")
    def _only_co_dept(self) -> str | None:
        return self.case.co_depts[0] if len(self.case.co_depts) == 1 else None

    @fills("D02")
    def x_D02(self) -> dict[str, Any]:
        c = self.case
        handling = HANDLING.get(c.case_class) if c.case_class else None
        handling = handling or (HANDLING_BY_RISK.get(c.risk) if c.risk else None) or ""
        return {"handling": handling, "contact": self.contact()}

    @fills("D03")
    def x_D03(self) -> dict[str, Any]:
        r = self.case.redirect or {}
        reason = str(r.get("reason") or "")
        body = str(r.get("to") or r.get("competent_body") or "")
        self.need(reason or "reason" in self.x_over, "不予受理的理由（redirect.reason）")
        self.need(body or "competent_body" in self.x_over, "有权处理的机关（redirect.to）")
        return {
            "reason": reason,
            "competent_body": body,
            "competent_contact": str(r.get("contact") or r.get("competent_contact") or ""),
            "transfer": str(r.get("transfer") or ""),
        }

    @fills("D04")
    def x_D04(self) -> dict[str, Any]:
        self.need(self.target_dept() or "dept" in self.extra, "征求意见的部门（extra.dept）")
        return {"questions": [DEFAULT_QUESTION], "contact": self.contact()}

    @fills("D05")
    def x_D05(self) -> dict[str, Any]:
        dept = self.target_dept()
        ops = [o for o in self.case.opinions if (dept is None or o.dept == dept) and o.text]
        op = ops[-1] if ops else None
        self.need(op or "opinion" in self.x_over, "部门书面意见（opinions[].text）")
        if op is None:
            return {"dept": self.dept_name(dept)}
        request = self.case.document(op.request_doc) if op.request_doc else None
        return {
            "dept": self.dept_name(op.dept),
            "request_wenhao": self.cite(request),
            "facts": op.facts or "",
            "opinion": op.text or "",
            "basis": op.basis or "",
            "will_act": "是，由本部门直接办理" if op.will_act else "否",
            "handler": op.handler or "",
        }

    @fills("D06")
    def x_D06(self) -> dict[str, Any]:
        sa = self.case.special_approval or {}
        reasons = [r for r in (sa.get("reason"), self.case.triage_note) if r] or major_reasons(self.case)
        self.need(reasons or "reason" in self.x_over, "属于重大疑难事项的理由（triage --note）")
        return {
            "reason": "；".join(str(r) for r in reasons),
            "office_opinion": str(sa.get("office_opinion") or ""),
            "leader_opinion": str(sa.get("leader_opinion") or ("同意" if sa.get("approved_by") else "")),
            "leader": str(sa.get("approved_by") or ""),
            # each profile's own body and convener: 领导小组/组长 (naiman), 联席会议/总召集人 (pianguan)
            "office_label": machine_words(self.case.profile, "领导小组办公室"),
            "leader_label": machine_words(self.case.profile, "组长"),
        }

    @fills("D07")
    def x_D07(self) -> dict[str, Any]:
        r = self.case.referral
        self.need(r, "报送记录（referral）")
        if r is None:
            return {}
        return {"reason": r.reason, "suggested_dept": self.dept_name(r.suggested_dept),
                "ticket_no": r.hotline_ref or ""}

    @fills("D08")
    def x_D08(self) -> dict[str, Any]:
        dept = self.target_dept()
        self.need(dept, "承办部门（extra.dept 或 lead_dept）")
        c = self.case
        due = self.due_of("direct")
        report_to = self.dept_name(c.coordinator_dept or c.intake_dept)
        default = (f"请依职责直接办理{f'，于{date_cn(due)}前办结' if due else ''}，将处理结果书面告知当事人，"
                   f"并将办理结果反馈{report_to}。")
        return {"requirements": c.requirements or default}

    @fills("D32")
    def x_D32(self) -> dict[str, Any]:
        r = self.case.referral
        self.need(r, "报送记录（referral）")
        if r is None:
            return {}
        urges = r.urges
        idx = int(self.extra.get("urge_index", len(urges)) or 0)
        u = urges[idx - 1] if 0 < idx <= len(urges) else None
        self.need(u is not None or "urge_date" in self.x_over, "催办记录（refer urge --on 日期 --text 内容）")
        ordinal = "一二三四五六七八九十"[idx - 1] if 0 < idx <= 10 else str(idx)
        return {
            "reported_date": _d(r.sent_at),
            "urge_date": _d(u.on) if u else "",
            "ordinal": ordinal,
            "text": _sentence(u.text) if u else "",
        }

    @fills("D09")
    def x_D09(self) -> dict[str, Any]:
        r = self.case.referral
        self.need(r, "报送记录（referral）")
        if r is None:
            return {}
        dept = self.target_dept() or r.handling_dept
        refusals = [f for f in r.refusals if not dept or f.get("dept") == dept] or r.refusals
        reason = str(self.extra.get("reason") or (refusals[-1].get("reason") if refusals else "") or "")
        self.need(reason or "refusal" in self.x_over, "拒不办理的情况（extra.reason）")
        # the dates the receiving department really urged (refer urge), never the refusal's own date
        urged = [_d(u.on) for u in r.urges if not dept or not u.dept or u.dept == dept] or \
                [_d(_as_date(f.get("urged_at"))) for f in refusals if f.get("urged_at")]
        evidence = [str(e) for f in refusals for e in (f.get("evidence") or [])]
        if not evidence:
            evidence = [f"{d.title}（{d.wenhao}）" if d.wenhao else d.title
                        for d in self.case.documents if d.doc_type in (REFERRAL_FORM, TRANSFER_FORM) and d.superseded_by is None]
        self.need(evidence or "evidence" in self.x_over, "证据材料（refer refuse --evidence）")
        return {
            "dept": self.dept_name(dept),
            "reported_date": _d(r.sent_at),
            "urged_dates": "、".join(dict.fromkeys(u for u in urged if u)),
            "refusal": _sentence(reason),
            "evidence": evidence,
        }

    def meeting(self, held: bool) -> Meeting | None:
        ms = self.case.meetings
        if "meeting" in self.extra:
            i = _index(self.extra["meeting"], len(ms), "meeting")
            return ms[i]
        pool = [m for m in ms if m.held_at is not None] if held else ms
        return pool[-1] if pool else None

    @fills("D10")
    def x_D10(self) -> dict[str, Any]:
        m = self.meeting(held=False)
        self.need(m, "会议安排（meetings）")
        if m is None:
            return {}
        return {
            "convener": self.office.leading_group_office or self.office.name,
            "meeting_name": m.title,
            "meeting_time": _dt_cn(m.scheduled_at),
            "meeting_place": m.place,
            "host": m.host,
            "topics": list(m.topics),
            "participants": [self.settings.formal_dept_name(p) for p in m.participants],
            "materials": [m.materials] if m.materials else [],
            "contact": self.contact(),
        }

    @fills("D11")
    def x_D11(self) -> dict[str, Any]:
        m = self.meeting(held=True)
        self.need(m and m.held_at, "会议召开情况（meetings[].held_at）")
        if m is None or m.held_at is None:
            return {}
        matter = {
            "subject": m.summary or self.case.claim,
            "basis": m.policy_basis or "",
            "opinion": m.opinion or "",
            "opinion_risk": m.public_opinion_risk or "",
            "review_risk": m.litigation_risk or "",
        }
        return {
            "convener": self.office.leading_group_office or self.office.name,
            "meeting_name": m.title,
            "meeting_time": _dt_cn(m.held_at),
            "meeting_place": m.place,
            "host": m.host,
            "present": "、".join(m.attendees),
            "attending": "、".join(m.observers),
            "absent": "、".join(m.absent),
            "topics": list(m.topics),
            "matters": [matter],
            "decisions": [{"text": i.text, "unit": i.unit or "", "due": _d(i.due)} for i in m.items],
        }

    @fills("D12")
    def x_D12(self) -> dict[str, Any]:
        d = self.case.decision
        self.need(d, "处理意见（decision）")
        if d is None:
            return {"contact": self.contact()}
        duties = [f"{o.party}应当{o.text}" + (f"，于{date_cn(o.due)}前履行完毕" if o.due else "")
                  + ("（已履行）" if o.done_at else "") for o in self.case.obligations if o.waived_by is None]
        text = "；".join([t for t in ([d.obligations] if d.obligations else []) + duties if t])
        return {"findings": d.findings or "", "opinion": d.text, "basis": list(d.basis),
                "obligations": (text + "。") if text and not text.endswith("。") else
                (text or "本处理意见不要求当事人另行履行其他事项。"), "contact": self.contact()}

    @fills("D13")
    def x_D13(self) -> dict[str, Any]:
        c = self.case
        ext = c.extensions[-1] if c.extensions else None
        step = str(self.extra.get("step") or (ext.step if ext else ""))
        days = self.extra.get("days", ext.days if ext else None)
        reason = self.x_over.get("reason") or (ext.reason if ext else "")
        self.need(reason, "延期理由（reason）")
        dl = c.deadline(step) if step else None
        old = ""
        if dl is not None and days is not None:
            try:
                old = _d(dl.due - timedelta(days=int(days)))
            except (TypeError, ValueError):
                raise UsageError("参数 days 应为整数。") from None
        return {"reason": reason, "old_deadline": old}

    @fills("D14")
    def x_D14(self) -> dict[str, Any]:
        fus = self.case.followups
        fu: FollowUp | None
        if "followup" in self.extra:
            fu = fus[_index(self.extra["followup"], len(fus), "followup")]
        else:
            fu = fus[-1] if fus else None
        self.need(fu, "回访记录（followups）")
        if fu is None:
            return {}
        rem = next((r for r in reversed(self.case.remedies) if fu.remedy and r.kind is fu.remedy), None)
        return {
            "visit_date": _d(fu.at),
            "method": fu.method,
            "visitor": fu.by,
            "respondent": fu.respondent,
            "content": fu.content or (f"{fu.method}回访{fu.respondent}，对处理结果{fu.satisfaction.value}，"
                                      f"{'有' if fu.objection else '无'}异议。"),
            "satisfaction": fu.satisfaction.value,
            "objection": "是" if fu.objection else "否",
            "remedy_kind": fu.remedy.value if fu.remedy else "",
            "remedy_body": rem.body if rem else "",
            "remedy_date": _d(rem.filed_at) if rem else "",
            "remedy_status": rem.status if rem else "",
            "suggestions": fu.suggestions or "",
        }

    @fills("D15")
    def x_D15(self) -> dict[str, Any]:
        m = self.case.mediation
        self.need(m and (m.terms or "terms" in self.x_over), "调解协议条款（mediation.terms）")
        if m is None:
            return {}
        return {
            "facts": self.case.claim,
            "dispute": "、".join(cat.label for cat in self.case.categories),
            "terms": list(m.terms),
            "performance": m.performance or "",
            "mediator": m.mediator,
            "mediation_org": m.organisation or "",
        }

    # -- enforcement ------------------------------------------------------------------------------------
    def payer(self) -> dict[str, str]:
        enf = self.case.enforcement
        c = self.case
        if enf is None:
            return party_dict(c.counterparty if c.counterparty and c.counterparty.kind is PartyKind.UNIT
                              else c.applicant)
        for p in (c.applicant, c.counterparty):
            if p is not None and enf.respondent in (p.name, p.credit_code, p.id_number):
                return party_dict(p)
        if enf.respondent == "counterparty" and c.counterparty:
            return party_dict(c.counterparty)
        if enf.respondent == "applicant":
            return party_dict(c.applicant)
        return {**party_dict(None), "name": enf.respondent, "you": "你单位"}

    def arrears(self) -> list[ArrearsLine]:
        enf = self.case.enforcement
        self.need(enf and enf.arrears, "欠费明细（enforcement.arrears）")
        return list(enf.arrears) if enf else []

    def arrears_rows(self, lines: list[ArrearsLine]) -> list[dict[str, str]]:
        return [
            {
                "insurance_type": a.insurance_type,
                "period": _period_cn(a.period),
                "headcount": str(a.headcount) if a.headcount is not None else "",
                "base": _amt(a.base) if a.base is not None else "",
                "due": _amt(a.due),
                "paid": _amt(a.paid),
                "owed": _amt(a.owed),
            }
            for a in lines
        ]

    def totals(self, lines: list[ArrearsLine]) -> tuple[Decimal, Decimal, Decimal]:
        zero = Decimal("0.00")
        return (sum((a.due for a in lines), zero), sum((a.paid for a in lines), zero),
                sum((a.owed for a in lines), zero))

    def fees(self) -> LateFeeResult | None:
        """Late fees of the owed lines up to the payment date, or the issue date while unpaid."""
        if self._fees is not None:
            return self._fees
        enf = self.case.enforcement
        if enf is None:
            return None
        items = [ArrearsItem(a.insurance_type, a.period, a.owed) for a in enf.arrears if a.owed > 0]
        end = enf.paid_on or self.today
        try:
            result = compute_late_fees(items, end, late_fee_settings(self.settings))
        except ValueError as exc:
            raise MissingData(f"无法计算滞纳金：{exc}。") from None
        if result.review_required and Flag.LATE_FEE_GE_PRINCIPAL not in self.flags:
            self.flags.append(Flag.LATE_FEE_GE_PRINCIPAL)
        self.warnings.extend(w for w in result.warnings if w not in self.warnings)
        self._fees = result
        return result

    def fee_end(self) -> date:
        enf = self.case.enforcement
        return enf.paid_on if enf and enf.paid_on else self.today

    def facts(self, lines: list[ArrearsLine], subject: str, tail: str = "") -> str:
        """One sentence of arrears facts; the templates supply "经查，" and the addressee."""
        if not lines:
            return ""
        due, paid, owed = self.totals(lines)
        periods = sorted({a.period for a in lines})
        span = _period_cn(periods[0]) if len(periods) == 1 else f"{_period_cn(periods[0])}至{_period_cn(periods[-1])}"
        kinds = "、".join(dict.fromkeys(a.insurance_type for a in lines))
        return (f"{subject}{span}应缴纳{kinds}保险费{_amt(due)}元，已缴纳{_amt(paid)}元，"
                f"尚欠缴{_amt(owed)}元{tail}。")

    def enforcement_common(self, lines: list[ArrearsLine]) -> dict[str, Any]:
        due, paid, owed = self.totals(lines)
        return {
            "payer": self.payer(),
            "arrears": self.arrears_rows(lines),
            "total_due": _amt(due),
            "total_paid": _amt(paid),
            "total_owed": _amt(owed),
            "total_owed_upper": rmb_upper(owed),
        }

    def with_fees(self, owed: Decimal) -> dict[str, str]:
        fees = self.fees()
        fee = fees.total_fee if fees else Decimal("0.00")
        return {
            "late_fee_until": _d(self.fee_end()),
            "late_fee_total": _amt(fee),
            "late_fee_total_upper": rmb_upper(fee),
            "grand_total": _amt(owed + fee),
            "grand_total_upper": rmb_upper(owed + fee),
        }

    @fills("D16")
    def x_D16(self) -> dict[str, Any]:
        lines = self.arrears()
        return {**self.enforcement_common(lines), "facts": self.facts(lines, self.payer()["you"]), "contact": self.contact(),
                "duty_basis": duty_basis(a.insurance_type for a in lines)}

    @fills("D17")
    def x_D17(self) -> dict[str, Any]:
        lines = self.arrears()
        self.fees()  # the review flag belongs to the order that starts the late fee
        settings = late_fee_settings(self.settings)
        starts = [payment_deadline(a.period, settings) + timedelta(days=1) for a in lines if a.owed > 0]
        return {
            **self.enforcement_common(lines),
            "facts": self.facts(lines, self.payer()["you"]),
            "late_fee_start": _d(min(starts)) if starts else "",
            "contact": self.contact(),
        }

    def decided(self) -> tuple[Decimal, Decimal, date] | None:
        """What the 征收决定 claimed (principal, late fee, late fee counted until), once it is on record."""
        enf = self.case.enforcement
        if enf is None or enf.decided_principal is None or enf.decided_late_fee is None or enf.decided_fee_until is None:
            return None
        return enf.decided_principal, enf.decided_late_fee, enf.decided_fee_until

    def decided_amounts(self, owed: Decimal) -> dict[str, str]:
        dec = self.decided()
        if dec is None:
            return self.with_fees(owed)
        principal, fee, until = dec
        return {
            "late_fee_until": _d(until),
            "late_fee_total": _amt(fee),
            "late_fee_total_upper": rmb_upper(fee),
            "grand_total": _amt(principal + fee),
            "grand_total_upper": rmb_upper(principal + fee),
        }

    def late_fee_since(self, short: bool = False) -> str:
        """The late fee that ran on after the decision, stated apart from the decided amounts."""
        dec = self.decided()
        fees = self.fees()
        if dec is None or fees is None:
            return ""
        _, fee, until = dec
        end = self.fee_end()
        more = fees.total_fee - fee
        if end <= until or more <= 0:
            return ""
        if short:
            return (f"征收决定书所列滞纳金计至{date_cn(until)}，此后依法继续加收的滞纳金（至{date_cn(end)}为{_amt(more)}元）"
                    "不在本次金额之内。")
        return (f"上述滞纳金为征收决定书计至{date_cn(until)}的数额；自{date_cn(until + timedelta(days=1))}起，"
                f"依照《中华人民共和国社会保险法》第八十六条继续按日加收万分之五的滞纳金，至{date_cn(end)}为{_amt(more)}元，"
                "不在本次金额之内，以实际缴纳之日计算。")

    @fills("D18")
    def x_D18(self) -> dict[str, Any]:
        lines = self.arrears()
        _, _, owed = self.totals(lines)
        common = self.enforcement_common(lines)
        del common["total_due"], common["total_paid"]
        dec = self.decided()
        if dec is not None:
            common["total_owed"], common["total_owed_upper"] = _amt(dec[0]), rmb_upper(dec[0])
        return {
            **common,
            **self.decided_amounts(owed),
            "order_wenhao": self.cite(self.latest(PAYMENT_ORDER)),
            "facts": self.facts(lines, self.payer()["you"]),
            "evidence": self.decision_evidence(),
            "pay_method": DEFAULT_PAY_METHOD,
        }

    def decision_evidence(self) -> list[str]:
        """The evidence a 征收决定 rests on: the files on record, the opinions of the departments that
        confirmed the facts, and the notices already served with their proofs of service."""
        c = self.case
        out = evidence_titles(c.evidence)
        out += [f"{self.dept_name(o.dept)}书面意见" for o in c.opinions if o.text]
        served = {s.doc_id for s in c.services}
        out += [f"{d.title}（{d.wenhao}）及送达回证" if d.wenhao else f"{d.title}及送达回证"
                for d in c.documents if d.doc_type in (COLLECTION_NOTICE, PAYMENT_ORDER) and d.superseded_by is None and d.doc_id in served]
        enf = c.enforcement
        if enf and enf.arrears:
            out.append("社会保险费欠费明细（" + "、".join(dict.fromkeys(a.insurance_type for a in enf.arrears)) + "）")
        self.need(out or "evidence" in self.x_over, "证据（evidence add 登记的证据材料）")
        return out

    @fills("D19")
    def x_D19(self) -> dict[str, Any]:
        lines = self.arrears()
        fees = self.fees()
        if "for_doc" in self.extra:
            target = self.case.document(str(self.extra["for_doc"]))
            if target is None:
                raise UsageError(f"案件中没有文书 {self.extra['for_doc']}。")
        else:
            target = self.latest(COLLECTION_DECISION, PAYMENT_ORDER)
        for_doc = f"{target.title}（{target.wenhao}）" if target and target.wenhao else (target.title if target else "")
        fee_lines = [
            {
                "insurance_type": ln.insurance_type,
                "period": _period_cn(ln.period),
                "principal": _amt(ln.principal),
                "due_date": _d(ln.deadline),
                "start": _d(ln.start),
                "end": _d(ln.end),
                "days": str(ln.days),
                "rate": _rate(ln.rate),
                "fee": _amt(ln.fee),
            }
            for ln in (fees.lines if fees else [])
        ]
        _, _, owed = self.totals(lines)
        fee = fees.total_fee if fees else Decimal("0.00")
        return {
            "payer": self.payer(),
            "for_doc": for_doc,
            "fee_lines": fee_lines,
            "principal_total": _amt(fees.total_principal if fees else owed),
            "late_fee_total": _amt(fee),
            "late_fee_total_upper": rmb_upper(fee),
            "handler": self.actor,
        }

    @fills("D20")
    def x_D20(self) -> dict[str, Any]:
        lines = self.arrears()
        _, _, owed = self.totals(lines)
        decision = self.latest(COLLECTION_DECISION)
        enf = self.case.enforcement
        self.need(decision and enf and enf.decision_pay_by, "社会保险费征收决定书及其缴纳期限（先进入 E3）")
        dec = self.decided()
        principal = dec[0] if dec else owed
        fees = self.decided_amounts(owed)
        del fees["late_fee_until"]
        return {
            "payer": self.payer(),
            "decision_wenhao": self.cite(decision),
            "decision_date": _d(self.served_on(decision)),
            "decision_pay_by": _d(enf.decision_pay_by if enf else None),
            "total_owed": _amt(principal),
            "total_owed_upper": rmb_upper(principal),
            **fees,
            "late_fee_note": self.late_fee_since(),
            "pay_method": DEFAULT_PAY_METHOD,
        }

    @fills("D21")
    def x_D21(self) -> dict[str, Any]:
        lines = self.arrears()
        _, _, owed = self.totals(lines)
        decision, demand = self.latest(COLLECTION_DECISION), self.latest(DEMAND)
        enf = self.case.enforcement
        dec = self.decided()
        principal = dec[0] if dec else owed
        fees = self.decided_amounts(owed)
        note = self.late_fee_since(short=True)
        head = enf.head if enf else None
        views = enf.party_views if enf else None
        self.need(head or "head" in self.x_over, "机关负责人（enforce step E6 --head）")
        self.need(views or "party_views" in self.x_over, "当事人的意见（enforce step E6 --party-views）")
        return {
            "payer": self.payer(),
            "decision_wenhao": self.cite(decision),
            "decision_date": _d(self.served_on(decision)),
            "facts": self.facts(lines, "被申请人",
                                "，经本机关责令限期缴纳、作出征收决定并依法催告，至今仍未履行缴纳义务") + note,
            "basis": DEFAULT_BASIS_D21,
            "party_views": views or "",
            "demand_wenhao": self.cite(demand),
            "demand_date": _d(self.served_on(demand)),
            "total_owed": _amt(principal),
            "late_fee_total": fees["late_fee_total"],
            "grand_total": fees["grand_total"],
            "grand_total_upper": fees["grand_total_upper"],
            "head": head or "",
        }

    def served_docs(self) -> list[DocumentRecord]:
        ids = self.extra.get("service_of")
        if ids is None:
            served = {s.doc_id for s in self.case.services}
            pending = [d for d in self.case.documents
                       if DOC_TYPES[d.doc_type].to_party and d.doc_type != SERVICE_PROOF and d.doc_id not in served]
            return pending[-1:]
        out = []
        for i in [ids] if isinstance(ids, str) else list(ids):
            d = self.case.document(str(i))
            if d is None:
                raise UsageError(f"案件中没有文书 {i}，无法出具其送达回证。")
            out.append(d)
        return out

    @fills("D22")
    def x_D22(self) -> dict[str, Any]:
        docs = self.served_docs()
        self.need(docs or "served" in self.x_over, "被送达的文书（extra.service_of）")
        svc = next((s for s in reversed(self.case.services) if docs and s.doc_id == docs[-1].doc_id), None)
        method = str(self.extra.get("method") or (svc.method if svc else "") or "")
        place = str(self.extra.get("place") or (svc.place if svc and svc.place else "") or "")
        if not place:
            who = str(self.extra.get("recipient") or (svc.recipient if svc else "") or (docs[-1].recipient if docs else ""))
            party = next((p for p in (self.case.applicant, self.case.counterparty) if p is not None and p.name == who),
                         None)
            place = party.address or "" if party else ""
            if party is not None:
                self.need(place or "place" in self.x_over, f"受送达人{who}的地址（当事人信息中的 address）")
        return {
            "served": [{"title": d.title, "wenhao": d.wenhao or ""} for d in docs],
            "place": place,
            "method": method,
            "server": self.actor,
        }

    @fills("D23")
    def x_D23(self) -> dict[str, Any]:
        lines = self.arrears()
        _, _, owed = self.totals(lines)
        fees = self.fees()
        enf = self.case.enforcement
        schedule = [{"due": _d(_as_date(r.get("due"))) or str(r.get("due", "")), "amount": str(r.get("amount", "")),
                     "note": str(r.get("note", ""))} for r in (enf.schedule if enf else [])]
        self.need(schedule or "schedule" in self.x_over, "分期计划（enforce step E4 --instalment）")
        self.need((enf and enf.guarantee) or "guarantee" in self.x_over, "担保情况（enforce step E4 --guarantee）")
        return {
            "payer": self.payer(),
            "order_wenhao": self.cite(self.latest(PAYMENT_ORDER)),
            "total_owed": _amt(owed),
            "total_owed_upper": rmb_upper(owed),
            "late_fee_total": _amt(fees.total_fee if fees else Decimal("0.00")),
            "schedule": schedule,
            "guarantee": (enf.guarantee if enf else None) or "",
        }

    @fills("D24")
    def x_D24(self) -> dict[str, Any]:
        lines = self.arrears()
        dept = self.target_dept()
        if dept in ("RSJ", "YBJ"):
            lines = [a for a in lines if fine_department(a.insurance_type) == dept] or lines
        _, _, owed = self.totals(lines)
        order = self.latest(PAYMENT_ORDER)
        self.need(self.pay_by("E2") or "pay_by" in self.x_over, "责令限期缴纳的期限（由执法步骤 E2 设定）")
        return {
            "payer": self.payer(),
            "facts": self.facts(lines, ""),
            "order_wenhao": self.cite(order),
            "order_date": _d(self.served_on(order)),
            "pay_by": _d(self.pay_by("E2")),
            "total_owed": _amt(owed),
            "total_owed_upper": rmb_upper(owed),
            "contact": self.contact(),
        }

    # -- archive and library -----------------------------------------------------------------------------
    def archive_common(self) -> dict[str, str]:
        a = self.case.archive
        c = self.case
        self.need(a or "dang_hao" in self.x_over, "档号（archive.dang_hao，归档后方可出具）")
        if a is None:
            return {}
        return {
            "dang_hao": a.dang_hao,
            "item_count": str(len(c.documents) + len(c.evidence)),
            "page_count": str(a.pages) if a.pages is not None else "",
            "filer": a.filer,
        }

    @fills("D25")
    def x_D25(self) -> dict[str, Any]:
        a = self.case.archive
        c = self.case
        out: dict[str, Any] = self.archive_common()
        out |= {
            "fonds_name": self.office.fonds_name or self.office.name,
            "fonds": self.office.fonds,
            "category": "社会保险费征缴争议处置",
            "file_title": f"{c.applicant.name}反映{'、'.join(cat.label for cat in c.categories)}争议处置案卷",
            "date_range": f"{date8(to_local(c.received_at).date())}—{date8(to_local(c.closed_at).date())}"
            if c.closed_at else "",
            "closed_date": _d(c.closed_at),
        }
        if a is not None:
            out |= {"retention": a.retention.label, "archive_no": str(a.jian_hao)}
        return out

    @fills("D26")
    def x_D26(self) -> dict[str, Any]:
        out: dict[str, Any] = self.archive_common()
        out.pop("item_count", None), out.pop("page_count", None), out.pop("filer", None)
        out["entries"] = [
            {"seq": str(i), "wenhao": d.wenhao or "", "author": self.office.name, "title": d.title,
             "date": date8(local_date(d.issued_at)), "pages": str(d.pages) if d.pages else "", "note": ""}
            for i, d in enumerate(self.case.documents, start=1)
        ]
        return out

    @fills("D27")
    def x_D27(self) -> dict[str, Any]:
        a = self.case.archive
        out: dict[str, Any] = self.archive_common()
        if a is not None:
            out |= {"checker": a.checker, "filed_date": _d(a.archived_at), "checked_date": _d(a.archived_at)}
        return out

    @fills("D28")
    def x_D28(self) -> dict[str, Any]:
        a = self.case.archive
        self.need(a or "entries" in self.x_over, "归档信息（archive）")
        if a is None:
            return {"fonds_name": self.office.fonds_name or self.office.name}
        return {
            "fonds_name": self.office.fonds_name or self.office.name,
            "year": str(a.year),
            "retention": a.retention.label,
            "entries": [{"seq": str(a.jian_hao), "dang_hao": a.dang_hao, "wenhao": "", "author": self.office.name,
                         "title": f"{self.case.applicant.name}社会保险费征缴争议处置案卷",
                         "date": date8(local_date(a.archived_at)), "secret": "", "pages": str(a.pages or ""),
                         "note": ""}],
        }

    @fills("D29")
    def x_D29(self) -> dict[str, Any]:
        t = self.case.typical
        self.need((t and t.draft) or "summary" in self.x_over, "典型案例脱敏稿（typical.draft）")
        if t is None or not t.draft:
            return {}
        title, parts = writeup_sections(t.draft)
        out: dict[str, Any] = {"case_title": title, "reviewer": t.reviewer or "", "approver": t.approver or "",
                               "approved_date": _d(t.approved_at), "case_no": t.published_id or ""}
        for key, name in D29_SECTIONS.items():
            paras = parts.get(name, [])
            self.need(paras or key in self.x_over, f"典型案例的“{name}”（在典型案例稿中补写后重新审核）")
            out[key] = "、".join(paras) if key == "keywords" else paras
        return out


def evidence_titles(evidence: Iterable[Any]) -> list[str]:
    """Evidence as a decision lists it: by the name the officer gave it on filing (``--slot``), with
    its pages, the files of one name together (``工资条（2份，共2页）``); a file filed without a name is
    named by its file name when that is words (``工资发放记录``), else by its number (``第3份证据材料``),
    never by a camera's ``IMG_….jpg``."""
    groups: dict[str, list[Any]] = {}
    for i, e in enumerate(evidence, start=1):
        groups.setdefault(e.display_name(i), []).append(e)
    out = []
    for name, items in groups.items():
        pages = [e.pages for e in items]
        known = sum(p for p in pages if p) if all(pages) else 0
        if len(items) == 1:
            out.append(f"{name}（{known}页）" if known else name)
        else:
            out.append(f"{name}（{len(items)}份，共{known}页）" if known else f"{name}（{len(items)}份）")
    return out




#: D29's x fields and the write-up sections they come from (every one must be written, no placeholder)
D29_SECTIONS = {"summary": "案情简介", "issues": "争议焦点", "result": "处理结果", "basis": "法律依据",
                "lessons": "经验启示", "keywords": "关键词"}


def writeup_sections(markdown: str) -> tuple[str, dict[str, list[str]]]:
    """(title, {section: paragraphs}) of a typical-case write-up: ``# 标题``, ``## 节名``; a blank line or a
    list item (``- …``, ``1. …``) starts a paragraph; emphasis marks dropped; a section that only holds a
    ``（待…）`` placeholder has no paragraphs."""
    title = ""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    buf: list[str] = []

    def flush() -> None:
        text = re.sub(r"[*_`]{1,2}", "", "".join(buf)).strip()
        if current is not None and text and not re.fullmatch(r"（待[^）]*）", text):
            current.append(text)
        buf.clear()

    for raw in markdown.splitlines():
        line = raw.strip()
        if m := re.match(r"^#\s+(.+)$", line):
            flush()
            title = title or m.group(1).strip()
        elif m := re.match(r"^##+\s+(.+)$", line):
            flush()
            current = sections.setdefault(m.group(1).strip(), [])
        elif not line:
            flush()
        elif m := re.match(r"^(?:[-*+]|\d+[.、)）])\s*(.+)$", line):
            flush()
            buf.append(m.group(1))
            flush()
        else:
            buf.append(line)
    flush()
    return title, sections


#: 社会保险法 articles that put the duty to pay each 险种 on the employer (and worker)
DUTY_ARTICLES = {"基本养老": "第十条", "基本医疗": "第二十三条", "工伤": "第三十三条", "失业": "第四十四条",
                 "生育": "第五十三条"}
ARTICLE_ORDER = ("第十条", "第二十三条", "第三十三条", "第四十四条", "第五十三条", "第六十条")


def major_reasons(case: Case) -> list[str]:
    """Why a matter is 重大疑难 / 高风险, from what is on record (flags and figures)."""
    out = []
    if Flag.MASS in case.flags:
        n = case.applicant.represents_count
        out.append(f"涉及职工{n}人，属群体性争议" if n else "属群体性争议")
    if Flag.PUBLIC_OPINION in case.flags:
        out.append("存在较大舆情风险")
    if Flag.STABILITY in case.flags:
        out.append("容易引发影响社会稳定的风险")
    if Flag.LARGE_AMOUNT in case.flags:
        out.append(f"争议金额较大（{case.total_amount:,}元）")
    if Flag.HISTORICAL_ARREARS in case.flags:
        out.append("涉及历史欠费")
    return out


def duty_basis(insurance_types: Iterable[str]) -> str:
    """The articles that create the duty to pay: one per 险种 owed, and 第六十条 (申报、按时足额缴纳)."""
    arts = {DUTY_ARTICLES[t] for t in insurance_types if t in DUTY_ARTICLES} | {"第六十条"}
    return "《中华人民共和国社会保险法》" + "、".join(a for a in ARTICLE_ORDER if a in arts)


def _texts(value: Any) -> list[str]:
    """Every string inside an x value (nested lists and dicts)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list | tuple):
        return [t for v in value for t in _texts(v)]
    return []


def _display(value: Any, where: str) -> str:
    """One extra value as display text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return _dt_cn(value)
    if isinstance(value, date):
        return date_cn(value)
    if isinstance(value, Decimal):
        return _amt(value)
    if isinstance(value, str | int):
        return str(value)
    raise UsageError(f"{where}的值应为文字，实际为 {type(value).__name__}。")


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return local_date(value)
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return local_date(datetime.fromisoformat(value)) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _index(value: Any, n: int, name: str) -> int:
    try:
        i = int(value)
    except (TypeError, ValueError):
        raise UsageError(f"参数 {name} 应为序号（从1起）。") from None
    if not 1 <= i <= n:
        raise UsageError(f"参数 {name} 超出范围：案件中共有{n}项。")
    return i - 1


# -- sample contexts (template check, tests) ------------------------------------------------------------
def sample_context(doc_type: str, *, filled: bool = True) -> dict[str, Any]:
    """A context with every field of the contract present: each string "〔字段名〕" (filled) or ""
    (minimal), each list one item (filled) or empty (minimal)."""

    def s(name: str) -> str:
        return f"〔{name}〕" if filled else ""

    def rows(prefix: str, keys: Iterable[str]) -> list[dict[str, str]]:
        return [{k: s(f"{prefix}.{k}") for k in keys}] if filled else []

    def strs(name: str) -> list[str]:
        return [s(name)] if filled else []

    spec = DOC_TYPES[doc_type]
    x: dict[str, Any] = {}
    for name, shape in x_shapes(doc_type).items():
        if shape.kind == "str":
            x[name] = s(f"x.{name}")
        elif shape.kind == "list":
            x[name] = strs(f"x.{name}")
        elif shape.kind == "rows":
            x[name] = rows(f"x.{name}", shape.keys)
        else:
            x[name] = {k: s(f"x.{name}.{k}") for k in shape.keys}
    case: dict[str, Any] = {k: s(f"case.{k}") for k in CASE_FIELDS}
    case["attachments"] = strs("case.attachments")
    case["amounts"] = rows("case.amounts", AMOUNT_KEYS)
    doc: dict[str, Any] = {k: s(f"doc.{k}") for k in DOC_FIELDS}
    doc["attachments"] = strs("doc.attachments")
    doc["type"], doc["title"] = doc_type, spec.title
    return {
        "office": {k: f"〔office.{k}〕" for k in OFFICE_FIELDS},
        "doc": doc,
        "case": case,
        "applicant": {k: s(f"applicant.{k}") for k in PARTY_FIELDS},
        "counterparty": {k: s(f"counterparty.{k}") for k in PARTY_FIELDS},
        "deadline": s("deadline"),
        "remedy": strs("remedy") if spec.remedy else [],
        "x": x,
    }
