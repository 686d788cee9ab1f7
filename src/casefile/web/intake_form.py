"""The web 受理登记 form checked field by field with :func:`casefile.intake.check_field`, the check the
interactive ``casefile new`` makes of each answer: the same sentence for the same mistake, whether it
is typed at a terminal or in the browser (on change through htmx, and all at once on submit).

The form's names differ from the intake keys (``applicant_id`` is a 统一社会信用代码 or a 身份证号
depending on the kind chosen beside it), so this module maps one to the other; the answers given so far
decide which fields apply and which are required, exactly as they do in the terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from casefile.errors import CasefileError, FieldInvalid

Post = Any  # a QueryDict: .get(name) and .getlist(name)

# form name → intake key; the two identifier fields depend on the party's kind
_KEYS: dict[str, str | Callable[[Post], str]] = {
    "channel": "channel",
    "channel_ref": "channel_ref",
    "received_at": "received_at",
    "jurisdiction": "jurisdiction",
    "applicant_kind": "applicant.kind",
    "applicant_name": "applicant.name",
    "applicant_id": lambda p: "applicant.credit_code" if _kind(p, "applicant") == "unit" else "applicant.id_number",
    "applicant_mobile": "applicant.phone_any",
    "applicant_address": "applicant.address",
    "counterparty_name": "counterparty.name",
    "counterparty_kind": "counterparty.kind",
    "counterparty_id": lambda p: ("counterparty.credit_code" if _kind(p, "counterparty") == "unit"
                                  else "counterparty.id_number"),
    "categories": "categories",
    "insurance_types": "insurance_types",
    "periods": "periods",
    "claim": "claim",
}
MULTI = ("categories", "insurance_types")
FIELDS = (*_KEYS, "amounts")


@dataclass(frozen=True)
class FieldResult:
    name: str
    problem: str = ""  # one Chinese sentence naming the field, or ""
    warning: str = ""  # accepted, with something the officer should know (e.g. outside the jurisdiction list)
    ok: bool = False  # a value was given and accepted


def _kind(post: Post, prefix: str) -> str:
    default = "person" if prefix == "applicant" else "unit"
    return str(post.get(f"{prefix}_kind") or default)


def _raw(post: Post, name: str) -> str:
    if name in MULTI:
        return "、".join(v for v in post.getlist(name) if v.strip())
    value = str(post.get(name, "") or "")
    if name == "jurisdiction":  # the select's value is "name|code"
        value = value.partition("|")[0]
    return value


def answers_of(post: Post) -> dict[str, Any]:
    """The answers the conditions of :data:`casefile.intake.FIELDS` look at, from the posted form."""
    cats = [v for v in post.getlist("categories") if v.strip()]
    return {"channel": str(post.get("channel", "") or ""), "applicant.kind": _kind(post, "applicant"),
            "counterparty.name": str(post.get("counterparty_name", "") or "").strip(),
            "counterparty.kind": _kind(post, "counterparty"), "categories": cats}


def check_one(name: str, post: Post, settings: Any, today: date) -> FieldResult:
    """One form field through ``intake.check_field`` (an unknown name, or a field that does not apply
    to the answers so far, has nothing to say)."""
    from casefile.intake import check_field, field_spec

    if name == "amounts":
        return _check_amounts(post, settings, today)
    key_of = _KEYS.get(name)
    if key_of is None:
        return FieldResult(name)
    key = key_of(post) if callable(key_of) else key_of
    answers = answers_of(post)
    spec = field_spec(key, answers)
    if not spec.applies(answers):
        return FieldResult(name)
    raw = _raw(post, name)
    try:
        checked = check_field(key, raw, settings, today, answers)
    except FieldInvalid as exc:
        return FieldResult(name, problem=exc.message)
    except CasefileError as exc:
        return FieldResult(name, problem=f"{spec.label}：{exc.message}")
    except ValueError as exc:
        return FieldResult(name, problem=f"{spec.label}：{exc}")
    return FieldResult(name, warning=checked.warning or "", ok=bool(raw.strip()))


def _check_amounts(post: Post, settings: Any, today: date) -> FieldResult:
    from casefile.intake import check_field

    problems = []
    text = str(post.get("amounts", "") or "")
    lines = [ln.strip() for ln in text.replace("\r", "").split("\n") if ln.strip()]
    for i, line in enumerate(lines, start=1):
        k, sep, v = line.replace("：", ":").replace("=", ":").partition(":")
        where = f"涉及金额第{i}行"
        if not sep or not k.strip() or not v.strip():
            problems.append(f"{where}：“{line}”应写成“项目: 金额”（如 欠缴社会保险费: 4680.00），请重新填写。")
            continue
        try:
            check_field("amounts.claimed_arrears", v, settings, today)
        except FieldInvalid as exc:
            problems.append(f"{where}：{exc.problem}，{exc.todo or '请重新填写'}。")
    return FieldResult("amounts", problem="".join(problems), ok=bool(lines) and not problems)


def check_all(post: Post, settings: Any, today: date) -> list[FieldResult]:
    """Every field of the form, in the order of the paper form; the ones with a problem carry it."""
    return [check_one(name, post, settings, today) for name in FIELDS]
