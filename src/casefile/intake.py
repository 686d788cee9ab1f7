"""受理登记, one answer at a time: the fields of the intake form (D01) in the order of the paper form,
the check of each answer as it is given, and the draft that keeps what was typed.

The interactive ``casefile new`` and the web intake form both call :func:`check_field` per field, so a
mistake is refused with the same sentence wherever it is typed; :func:`assemble` turns the answers into
the form that :func:`casefile.workflow.register` validates as a whole.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casefile.errors import CorruptRecord, FieldInvalid
from casefile.rules.text import fullwidth_note, has_fullwidth, nfkc

if TYPE_CHECKING:
    from casefile.config import Settings, Workspace

Answers = dict[str, Any]

# --- what is asked, in the order of the paper form -----------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    key: str  # the answer's key; dotted keys land in a sub-table of the form (applicant.name)
    label: str  # the Chinese name of the field, used in every message about it
    required: bool = True
    hint: str = ""  # shown after the label: the format expected
    when: Callable[[Answers], bool] | None = None  # asked only if this holds for the answers so far
    multi: bool = False  # several values, separated by 、，, ; or spaces

    def applies(self, answers: Answers) -> bool:
        return self.when is None or self.when(answers)


def _is_unit(prefix: str) -> Callable[[Answers], bool]:
    return lambda a: a.get(f"{prefix}.kind") == "unit" and (prefix == "applicant" or bool(a.get(f"{prefix}.name")))


def _is_person(prefix: str) -> Callable[[Answers], bool]:
    return lambda a: a.get(f"{prefix}.kind") == "person" and (prefix == "applicant" or bool(a.get(f"{prefix}.name")))


def _has(key: str) -> Callable[[Answers], bool]:
    return lambda a: bool(a.get(key))


def _cats(*shorts: str) -> Callable[[Answers], bool]:
    return lambda a: any(str(c).split("_", 1)[0] in shorts for c in a.get("categories") or [])


HOTLINES = ("12345热线", "12366热线")

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("channel", "受理渠道"),
    FieldSpec("channel_ref", "工单号", hint="热线工单号，如 GD20261103-0417",
              when=lambda a: a.get("channel") in HOTLINES),
    FieldSpec("channel_ref", "来文/转办编号", required=False, hint="无则回车",
              when=lambda a: a.get("channel") not in HOTLINES),
    FieldSpec("received_at", "来访时间", hint="如 2026-10-09 09:30"),
    FieldSpec("first_handler", "首问责任人"),
    FieldSpec("intake_dept", "受理部门"),
    FieldSpec("jurisdiction", "事项所在辖区"),
    FieldSpec("jurisdiction.code", "辖区行政区划代码", hint="6位数字",
              when=lambda a: bool((a.get("jurisdiction") or {}).get("outside"))),
    FieldSpec("applicant.kind", "缴费人类型"),
    FieldSpec("applicant.name", "缴费人名称/姓名"),
    FieldSpec("applicant.credit_code", "统一社会信用代码", hint="18位", when=_is_unit("applicant")),
    FieldSpec("applicant.legal_rep", "法定代表人", required=False, hint="无则回车", when=_is_unit("applicant")),
    FieldSpec("applicant.id_number", "身份证号", hint="18位", when=_is_person("applicant")),
    FieldSpec("payer_group", "缴费人群体", when=_is_person("applicant")),
    FieldSpec("applicant.phone_any", "联系电话", hint="手机或“区号-号码”"),
    FieldSpec("applicant.address", "地址", required=False, hint="无则回车"),
    FieldSpec("applicant.represents", "代表的人员", required=False, hint="如“某公司职工16人”，无则回车"),
    FieldSpec("counterparty.name", "对方当事人名称/姓名", required=False, hint="如用人单位，无则回车"),
    FieldSpec("counterparty.kind", "对方当事人类型", when=_has("counterparty.name")),
    FieldSpec("counterparty.credit_code", "对方统一社会信用代码", required=False, hint="无则回车",
              when=_is_unit("counterparty")),
    FieldSpec("counterparty.id_number", "对方身份证号", required=False, hint="无则回车",
              when=_is_person("counterparty")),
    FieldSpec("counterparty.address", "对方地址", required=False, hint="无则回车", when=_has("counterparty.name")),
    FieldSpec("categories", "争议类别", multi=True, hint="可填序号、名称或代码，多个用顿号分隔"),
    FieldSpec("insurance_types", "险种", required=False, multi=True, hint="多个用顿号分隔，无则回车"),
    FieldSpec("periods", "所属期", required=False, multi=True, hint="如 202401-202609，多段用顿号分隔，无则回车"),
    FieldSpec("amounts.claimed_arrears", "反映欠缴金额（元）", required=False, hint="无则回车"),
    FieldSpec("amounts.late_fee", "滞纳金（元）", required=False, hint="无则回车", when=_cats("C06", "P2")),
    FieldSpec("amounts.base_difference", "缴费基数差额（元）", required=False, hint="无则回车",
              when=_cats("C03", "P3")),
    FieldSpec("amounts.refund", "退费金额（元）", required=False, hint="无则回车", when=_cats("C07")),
    FieldSpec("amounts.benefit", "待遇金额（元）", required=False, hint="无则回车", when=_cats("C08")),
    FieldSpec("claim", "反映主要事项"),
    FieldSpec("attachments", "收到的材料", required=False, multi=True, hint="多件用顿号分隔，无则回车"),
)


def field_spec(key: str, answers: Answers | None = None) -> FieldSpec:
    specs = [f for f in FIELDS if f.key == key]
    if not specs:
        raise KeyError(key)
    for f in specs:
        if answers is None or f.applies(answers):
            return f
    return specs[0]


def pending(answers: Answers) -> list[FieldSpec]:
    """The fields still to ask, given the answers so far."""
    seen: set[str] = set()
    out = []
    for f in FIELDS:
        if f.key in seen or not f.applies(answers):
            continue
        seen.add(f.key)
        if f.key not in answers:
            out.append(f)
    return out


# --- choices shown in Chinese -------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    value: str  # what is stored
    label: str  # what a person reads (and may type)


def choices(key: str, settings: Settings) -> list[Choice]:
    """The choices offered for a field, in Chinese (empty for free text)."""
    from casefile.models.enums import CATEGORY_LABELS, Category, Channel, InsuranceType, PayerGroup

    if key == "channel":
        return [Choice(c.value, c.value) for c in Channel]
    if key in ("applicant.kind", "counterparty.kind"):
        return [Choice("unit", "单位"), Choice("person", "个人")]
    if key == "intake_dept":
        return [Choice(d.name, d.name) for d in settings.departments]
    if key == "jurisdiction":
        return [Choice(p.name, p.name) for p in settings.jurisdictions]
    if key == "categories":
        # the workspace's own list first: pianguan names four matters, naiman ten
        own = [c for c in Category if c.short.startswith("P")] if settings.profile == "pianguan" else []
        rest = [c for c in Category if c not in own]
        return [Choice(c.value, CATEGORY_LABELS[c]) for c in own + rest]
    if key == "insurance_types":
        return [Choice(i.value, i.value) for i in InsuranceType]
    if key == "payer_group":
        return [Choice(g.value, g.value) for g in PayerGroup if g is not PayerGroup.UNIT]
    return []


def default(key: str, settings: Settings, now: datetime, actor: str) -> str | None:
    if key == "channel":
        return "窗口来访"
    if key == "received_at":
        return now.strftime("%Y-%m-%d %H:%M")
    if key == "first_handler":
        return actor
    if key == "intake_dept":
        return settings.departments[0].name if settings.departments else None
    if key == "applicant.kind":
        return "单位"
    if key == "counterparty.kind":
        return "单位"
    if key == "payer_group":
        return "个人"
    return None


# --- checking one answer ------------------------------------------------------------------------------


@dataclass
class Checked:
    """An accepted answer: the value to store, and a warning to show (registered anyway)."""

    value: Any
    warning: str = ""
    normalised: bool = False  # full-width characters were converted


_SPLIT = re.compile(r"[、,，;；\s]+")


def _split(text: str) -> list[str]:
    return [p for p in _SPLIT.split(text.strip()) if p]


def _pick(raw: str, options: Sequence[Choice]) -> Choice | None:
    """A choice by its number in the list shown, its label or its stored value."""
    t = nfkc(raw).strip()
    if t.isdigit() and 1 <= int(t) <= len(options):
        return options[int(t) - 1]
    for o in options:
        if t in (o.label, nfkc(o.label), o.value) or t.upper() == o.value.upper():
            return o
    return None


def check_field(key: str, raw: Any, settings: Settings, today: date, answers: Answers | None = None) -> Checked:
    """Check one answer as it is given. Returns the value to keep or raises :class:`FieldInvalid`
    (one sentence: the field, what is wrong, what to do). Full-width digits and letters are converted
    first; when that is not enough the sentence says they were."""
    answers = answers or {}
    spec = field_spec(key, answers)
    text = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
    text = text.strip()
    if not text:
        if spec.required:
            raise FieldInvalid(spec.label, "不能为空", f"请填写{spec.label}" + (f"（{spec.hint}）" if spec.hint else ""))
        return Checked([] if spec.multi else None)
    checker = _CHECKERS.get(key)
    try:
        if checker is None:
            return Checked(_plain(spec, text))
        result = checker(spec, text, settings, today, answers)
    except ValueError as exc:
        msg = str(exc).rstrip("。")
        raise FieldInvalid(spec.label, msg + fullwidth_note(text), _todo(spec)) from None
    result.normalised = has_fullwidth(text) and key not in _FREE_TEXT
    return result


_FREE_TEXT = {"claim", "applicant.name", "counterparty.name", "applicant.address", "counterparty.address",
              "applicant.represents", "applicant.legal_rep", "attachments", "first_handler"}


def _todo(spec: FieldSpec) -> str:
    return f"请重新填写{('（' + spec.hint + '）') if spec.hint else ''}"


def _plain(spec: FieldSpec, text: str) -> str | list[str]:
    if any(ord(ch) < 32 for ch in text):
        raise FieldInvalid(spec.label, "含有控制字符", "请重新输入")
    if spec.multi:
        return [p for p in re.split(r"[、；;\n]+", text) if p.strip()]
    limit = 20000 if spec.key == "claim" else 500
    if len(text) > limit:
        raise FieldInvalid(spec.label, f"超过{limit}字", "请精简后重新填写")
    return text


Checker = Callable[[FieldSpec, str, "Settings", date, Answers], Checked]


def _channel(spec: FieldSpec, text: str, s: Settings, today: date, a: Answers) -> Checked:
    from casefile.models.enums import Channel

    opts = choices("channel", s)
    c = _pick(text, opts)
    if c is not None:
        return Checked(c.value)
    return Checked(Channel.parse(nfkc(text)).value)


def _channel_ref(spec: FieldSpec, text: str, s: Settings, today: date, a: Answers) -> Checked:
    t = nfkc(text).strip()
    if len(t) > 64 or not re.fullmatch(r"[0-9A-Za-z\-_/（）()〔〕\[\]号第\u4e00-\u9fff]+", t):
        raise ValueError("只能包含字母、数字、连字符和汉字，最长64个字符")
    return Checked(t)


def parse_when(text: str) -> datetime:
    """A time typed by a person: 2026-10-09 09:30, 2026-10-09T09:30, 2026年10月9日9时30分, or a date."""
    from casefile.clock import to_local

    t = nfkc(text).strip()
    m = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日(?:\s*(\d{1,2})[时:](\d{1,2})分?)?", t)
    if m:
        y, mo, d, h, mi = (int(x) if x else 0 for x in m.groups())
        t = f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}"
    t = re.sub(r"^(\d{4})/(\d{1,2})/(\d{1,2})", lambda g: f"{g[1]}-{int(g[2]):02d}-{int(g[3]):02d}", t)
    try:
        value = datetime.fromisoformat(t.replace(" ", "T", 1) if " " in t else t)
    except ValueError:
        raise ValueError(f"“{text}”不是有效的日期时间，应形如 2026-10-09 09:30") from None
    return to_local(value)


def _received_at(spec: FieldSpec, text: str, s: Settings, today: date, a: Answers) -> Checked:
    when = parse_when(text)
    if when.date() > today:
        raise ValueError("不能晚于今天")
    return Checked(when.isoformat(timespec="minutes"))


def _first_handler(spec: FieldSpec, text: str, s: Settings, today: date, a: Answers) -> Checked:
    return Checked(_plain(spec, text))


def _dept(spec: FieldSpec, text: str, s: Settings, today: date, a: Answers) -> Checked:
    opts = choices("intake_dept", s)
    c = _pick(text, opts)
    if c is not None:
        return Checked(c.value)
    return Checked(s.dept(text).name)  # ValueError names the near misses


def _jurisdiction(spec: FieldSpec, text: str, s: Settings, today: date, a: Answers) -> Checked:
    opts = choices("jurisdiction", s)
    outside_mark = re.match(r"^(辖区外|外地|区外)[:：]\s*", text)
    if outside_mark:
        name = text[outside_mark.end():].strip()
        if not name:
            raise ValueError("“辖区外：”后应写地名")
        return Checked({"name": name, "outside": True}, warning=outside_warning(name, s))
    c = _pick(text, opts)
    if c is not None:
        p = s.place_named(c.value)
        assert p is not None
        return Checked({"name": p.name, "code": p.code})
    p = s.place_named(text)
    if p is not None:
        return Checked({"name": p.name, "code": p.code})
    hint = s.place_hint(text)
    if hint:
        raise ValueError(f"“{text}”不在本单位的辖区列表中{hint}如确属辖区外，请输入“辖区外：{text}”")
    return Checked({"name": text, "outside": True}, warning=outside_warning(text, s))


def outside_warning(name: str, s: Settings) -> str:
    return (f"“{name}”不在本单位的辖区列表中，已按首问负责制登记；请在审核分类时确定由哪个机关办理，"
            f"需要时告知当事人向有管辖权的机关反映")


def _region_code(spec: FieldSpec, text: str, s: Settings, today: date, a: Answers) -> Checked:
    from casefile.rules.ids import validate_region_code

    return Checked(validate_region_code(nfkc(text)))


def _kind(spec: FieldSpec, text: str, s: Settings, today: date, a: Answers) -> Checked:
    from casefile.models.enums import PartyKind

    c = _pick(text, choices(spec.key, s))
    return Checked(c.value if c else PartyKind.parse(nfkc(text)).value)


def _name(spec: FieldSpec, text: str, s: Settings, today: date, a: Answers) -> Checked:
    if len(text) > 200:
        raise ValueError("超过200字")
    return Checked(_plain(spec, text))


def _uscc(spec: FieldSpec, text: str, s: Settings, today: date, a: Answers) -> Checked:
    from casefile.rules.ids import validate_uscc

    return Checked(validate_uscc(nfkc(text)))


def _id_number(spec: FieldSpec, text: str, s: Settings, today: date, a: Answers) -> Checked:
    from casefile.rules.ids import validate_id_number

    return Checked(validate_id_number(nfkc(text), today=today))


def _phone_any(spec: FieldSpec, text: str, s: Settings, today: date, a: Answers) -> Checked:
    from casefile.rules.ids import normalise_mobile, validate_landline

    t = nfkc(text).strip()
    digits = re.sub(r"[\s\-]", "", t)
    if digits.lstrip("+").startswith(("1", "861")) and not digits.startswith("0"):
        return Checked({"mobile": normalise_mobile(t)})
    try:
        return Checked({"phone": validate_landline(t)})
    except ValueError:
        raise ValueError("应为以1开头的11位手机号，或“区号-号码”形式的固定电话（如 0350-1234567）") from None


def _payer_group(spec: FieldSpec, text: str, s: Settings, today: date, a: Answers) -> Checked:
    c = _pick(text, choices("payer_group", s))
    if c is None:
        raise ValueError(f"“{text}”不是可选的群体，应为{'、'.join(o.label for o in choices('payer_group', s))}")
    return Checked(c.value)


def _categories(spec: FieldSpec, text: str, s: Settings, today: date, a: Answers) -> Checked:
    from casefile.models.enums import Category

    opts = choices("categories", s)
    whole = _pick(text, opts)  # a name may itself hold a 、 (其他征缴、待遇争议)
    if whole is not None:
        return Checked([whole.value])
    for o in opts:
        if "、" in o.label and o.label in text:
            text = text.replace(o.label, o.value)
    out: list[str] = []
    for part in _split(text) or [text]:
        c = _pick(part, opts)
        if c is None:
            try:
                c = Choice(Category.parse(nfkc(part)).value, "")
            except ValueError:
                near = _near_labels(part, opts)
                raise ValueError(f"“{part}”不是可选的争议类别{near}") from None
        out.append(c.value)
    return Checked(list(dict.fromkeys(out)))


def _near_labels(word: str, opts: Sequence[Choice]) -> str:
    from casefile.rules.text import did_you_mean

    near = did_you_mean(word, [o.label for o in opts])
    return f"，是不是“{'”或“'.join(near)}”？" if near else "，请填列表中的序号或名称"


def _insurance(spec: FieldSpec, text: str, s: Settings, today: date, a: Answers) -> Checked:
    from casefile.models.enums import InsuranceType

    opts = choices("insurance_types", s)
    out = []
    for part in _split(text):
        c = _pick(part, opts)
        out.append(c.value if c else InsuranceType.parse(nfkc(part)).value)
    return Checked(list(dict.fromkeys(out)))


def _periods(spec: FieldSpec, text: str, s: Settings, today: date, a: Answers) -> Checked:
    from casefile.rules.dates import parse_period

    out = []
    for part in re.split(r"[、,，;；\s]+", nfkc(text).strip()):
        if not part:
            continue
        start, end = parse_period(part.replace("至", "-").replace("~", "-"), today)
        out.append(start if start == end else f"{start}-{end}")
    return Checked(out)


def _amount(spec: FieldSpec, text: str, s: Settings, today: date, a: Answers) -> Checked:
    from casefile.rules.money import parse_amount

    t = nfkc(text).strip()
    t = re.sub(r"\s*元$", "", t)
    return Checked(str(parse_amount(t)))


_CHECKERS: dict[str, Checker] = {
    "channel": _channel,
    "channel_ref": _channel_ref,
    "received_at": _received_at,
    "first_handler": _first_handler,
    "intake_dept": _dept,
    "jurisdiction": _jurisdiction,
    "jurisdiction.code": _region_code,
    "applicant.kind": _kind,
    "counterparty.kind": _kind,
    "applicant.name": _name,
    "counterparty.name": _name,
    "applicant.credit_code": _uscc,
    "counterparty.credit_code": _uscc,
    "applicant.id_number": _id_number,
    "counterparty.id_number": _id_number,
    "applicant.phone_any": _phone_any,
    "payer_group": _payer_group,
    "categories": _categories,
    "insurance_types": _insurance,
    "periods": _periods,
    "amounts.claimed_arrears": _amount,
    "amounts.late_fee": _amount,
    "amounts.base_difference": _amount,
    "amounts.refund": _amount,
    "amounts.benefit": _amount,
}


# --- answers -> form ----------------------------------------------------------------------------------


def assemble(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The intake form (as ``new --form`` reads it) from the answers given one by one."""
    form: dict[str, Any] = {}
    for key, value in answers.items():
        if value in (None, "", []) or key.startswith("_"):
            continue
        if key == "jurisdiction":
            form["jurisdiction"] = {**form.get("jurisdiction", {}), **value}
        elif key == "jurisdiction.code":
            form.setdefault("jurisdiction", {})["code"] = value
        elif key.endswith(".phone_any"):
            form.setdefault(key.split(".")[0], {}).update(value)
        elif "." in key:
            head, tail = key.split(".", 1)
            form.setdefault(head, {})[tail] = value
        else:
            form[key] = value
    cp = form.get("counterparty")
    if cp is not None and not cp.get("name"):
        del form["counterparty"]
    elif cp is not None:
        cp.setdefault("kind", "unit")
    if "payer_group" in form and form.get("applicant", {}).get("kind") == "unit":
        del form["payer_group"]
    return form


def normalise_form(data: Mapping[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """A form file's values with full-width digits and letters converted where a code or number is
    expected (names and the claim keep what was typed). Returns the form and the keys that changed."""
    changed: set[str] = set()

    def conv(path: str, v: Any) -> Any:
        if isinstance(v, str):
            n = nfkc(v)
            if n != v:
                changed.add(path)
            return n
        if isinstance(v, list):
            return [conv(path, x) for x in v]
        return v

    out = dict(data)
    for key in ("channel_ref", "received_at", "periods", "categories", "insurance_types", "channel"):
        if key in out:
            out[key] = conv(key, out[key])
    if isinstance(out.get("amounts"), Mapping):
        out["amounts"] = {k: conv(f"amounts.{k}", v) for k, v in out["amounts"].items()}
    if isinstance(out.get("jurisdiction"), Mapping):
        j = dict(out["jurisdiction"])
        if "code" in j:
            j["code"] = conv("jurisdiction.code", j["code"])
        out["jurisdiction"] = j
    for party in ("applicant", "counterparty"):
        if isinstance(out.get(party), Mapping):
            p = dict(out[party])
            for k in ("credit_code", "id_number", "mobile", "phone", "bank_account", "kind"):
                if k in p:
                    p[k] = conv(f"{party}.{k}", p[k])
            out[party] = p
    return out, changed


# --- the draft ----------------------------------------------------------------------------------------


DRAFT_VERSION = 1


@dataclass
class Draft:
    """What was typed so far, kept on disk after every accepted answer (so Ctrl-C, a closed terminal
    or a killed process loses nothing). One draft per person; ``new --resume`` continues it."""

    path: Path
    answers: Answers = field(default_factory=dict)
    started_at: str = ""
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def path_for(cls, ws: Workspace, actor: str) -> Path:
        digest = hashlib.sha256(actor.encode("utf-8")).hexdigest()[:16]
        return ws.state_dir / "drafts" / f"intake-{digest}.json"

    @classmethod
    def load(cls, ws: Workspace, actor: str) -> Draft | None:
        path = cls.path_for(ws, actor)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            raise CorruptRecord(f"受理登记草稿 {path} 已损坏，无法继续；请删除该文件后重新登记。") from None
        if not isinstance(data, dict) or data.get("version") != DRAFT_VERSION:
            raise CorruptRecord(f"受理登记草稿 {path} 不是本版本可读的格式；请删除该文件后重新登记。")
        return cls(path, dict(data.get("answers") or {}), str(data.get("started_at") or ""),
                   list(data.get("warnings") or []))

    @classmethod
    def start(cls, ws: Workspace, actor: str, now: datetime) -> Draft:
        return cls(cls.path_for(ws, actor), {}, now.isoformat(timespec="seconds"))

    def save(self) -> None:
        from casefile.store import atomic_write

        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"version": DRAFT_VERSION, "started_at": self.started_at, "answers": self.answers,
                "warnings": self.warnings}
        # typed personal data: readable by its owner only
        atomic_write(self.path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"), mode=0o600)

    def answer(self, key: str, checked: Checked) -> None:
        self.answers[key] = checked.value
        if checked.warning and checked.warning not in self.warnings:
            self.warnings.append(checked.warning)
        self.save()

    def discard(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def summary(answers: Answers, settings: Settings) -> list[tuple[str, str]]:
    """(label, value) lines for the read-back before registering (personal identifiers masked)."""
    from casefile.models.enums import CATEGORY_LABELS, Category
    from casefile.privacy import mask_text

    out = []
    seen: set[str] = set()
    for f in FIELDS:
        if f.key in seen or not f.applies(answers) or f.key not in answers:
            continue
        seen.add(f.key)
        v = answers[f.key]
        if v in (None, "", []):
            continue
        if f.key == "categories":
            shown = "、".join(CATEGORY_LABELS[Category(c)] for c in v)
        elif f.key.endswith(".kind"):
            shown = "单位" if v == "unit" else "个人"
        elif f.key == "jurisdiction":
            shown = v["name"] + ("（辖区外）" if v.get("outside") else "")
        elif isinstance(v, dict):
            shown = "、".join(str(x) for x in v.values())
        elif isinstance(v, list):
            shown = "、".join(str(x) for x in v)
        elif isinstance(v, Decimal):
            shown = f"{v:,.2f}"
        else:
            shown = str(v)
        out.append((f.label, mask_text(shown)))
    return out
