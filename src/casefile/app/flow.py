"""Workflow actions a front end starts that need more than one library call or read user files."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casefile.errors import CasefileError, UsageError
from casefile.identity import ActorLike

if TYPE_CHECKING:
    from casefile.archive.lifecycle import ReopenResult
    from casefile.config import Workspace
    from casefile.models.records import AgreedItem, ArrearsLine
    from casefile.workflow import ActionResult, Step


def reopen(ws: Workspace, case_id: str, reason: str, now: datetime, actor: ActorLike, *, step: str | None = None,
           enforcement_step: str | None = None, mediator: str | None = None,
           arrears: Sequence[str] = ()) -> ActionResult | ReopenResult:
    """Reopen a closed case in place, redo a step that was wrong (``step``), or continue an archived one
    as a new version (the sealed bag is never touched; redo the step on the new version)."""
    from casefile import workflow
    from casefile.archive.lifecycle import reopen_archived
    from casefile.models.enums import State
    from casefile.store import Dossier

    case = Dossier(ws, case_id).load()
    if case.state is State.ARCHIVED:
        return reopen_archived(ws, case_id, reason, now, actor)
    lines = read_arrears(arrears) if arrears else []
    return workflow.run(ws, case_id, now, actor, lambda st: workflow.reopen(
        st, reason, step, enforcement_step=enforcement_step, mediator=mediator, arrears=lines))


def read_arrears(lines: Sequence[str], csv_file: Path | None = None) -> list[ArrearsLine]:
    """Arrears lines given one by one and/or as a UTF-8 CSV file (a header line starting 险种 is skipped),
    validated together so every bad line is reported at once."""
    from casefile.workflow import parse_arrears

    all_lines = list(lines)
    if csv_file is not None:
        try:
            text = csv_file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            raise CasefileError(f"无法读取欠费明细文件 {csv_file}（应为 UTF-8 编码的 CSV）。") from None
        all_lines += [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("险种")]
    return parse_arrears(all_lines)


def parse_date(value: str | None, name: str) -> date | None:
    """An ISO date a user typed, or a usage error naming the option."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{name} 的值“{value}”不是有效日期（应为 YYYY-MM-DD）。") from None


def parse_datetime(value: str, name: str) -> datetime:
    """An ISO date and time a user typed (local time when no offset is given)."""
    from casefile.clock import to_local

    try:
        return to_local(datetime.fromisoformat(value))
    except ValueError:
        raise UsageError(f"{name} 的值“{value}”不是有效时间（应为 YYYY-MM-DDTHH:MM）。") from None


def agreed_items(raw: Sequence[str]) -> list[AgreedItem]:
    """Meeting decisions written ``事项|责任单位|YYYY-MM-DD`` (unit and date optional)."""
    from casefile.models.records import AgreedItem

    out = []
    for item in raw:
        parts = [p.strip() for p in item.split("|")]
        out.append(AgreedItem(text=parts[0], unit=parts[1] if len(parts) > 1 and parts[1] else None,
                              due=parse_date(parts[2], "--item 期限") if len(parts) > 2 and parts[2] else None))
    return out


def parse_instalments(raw: Sequence[str]) -> list[dict[str, str]]:
    """Instalments written ``YYYY-MM-DD,金额[,说明]``, every bad one named at once."""
    from casefile.errors import Finding, ValidationFailed
    from casefile.rules.money import parse_amount

    rows: list[dict[str, str]] = []
    findings: list[Finding] = []
    for i, item in enumerate(raw, start=1):
        parts = [p.strip() for p in item.replace("，", ",").split(",")]
        try:
            if len(parts) < 2:
                raise ValueError("应为“日期,金额[,说明]”")
            day = date.fromisoformat(parts[0])
            amount = parse_amount(parts[1])
        except ValueError as exc:
            findings.append(Finding(f"分期计划（--instalment）第{i}期", str(exc)))
            continue
        rows.append({"due": day.isoformat(), "amount": f"{amount:,.2f}", "note": parts[2] if len(parts) > 2 else ""})
    if findings:
        raise ValidationFailed(findings, subject="延期缴费协议")
    return rows


def enforce_step_action(ws: Workspace, step: str, *, note: str | None = None, court: str | None = None,
                        dept: str | None = None, head: str | None = None, party_views: str | None = None,
                        instalments: Sequence[str] = (), guarantee: str | None = None) -> Callable[[Step], str]:
    """The next enforcement step (by its code or Chinese name) as one action for ``workflow.run``, every
    value parsed first so a mistake is refused before anything is read or written. ``dept`` (E_FINE) may
    be a code, name or alias; ``head``/``party_views`` (E6) and ``instalments``/``guarantee`` (E4) go on
    the record. The CLI and the web both take a step through here."""
    from casefile import workflow
    from casefile.models.enums import EnforcementStep

    try:
        code = EnforcementStep.parse(step).value
    except ValueError as exc:
        raise CasefileError(f"执法步骤：{exc}。") from None

    extra: dict[str, Any] = {}
    if court:
        extra["court"] = court
    if dept:
        extra["dept"] = ws.settings.dept(dept).code
    if head:
        extra["head"] = head
    if party_views:
        extra["party_views"] = party_views
    if instalments:
        extra["schedule"] = parse_instalments(instalments)
    if guarantee:
        extra["guarantee"] = guarantee
    return lambda st: workflow.enforce_step(st, code, note=note, **dict(extra))


def enforce_step(ws: Workspace, case_id: str, step: str, now: datetime, actor: ActorLike, *, note: str | None = None,
                 court: str | None = None, dept: str | None = None, head: str | None = None,
                 party_views: str | None = None, instalments: Sequence[str] = (),
                 guarantee: str | None = None) -> ActionResult:
    """Take the next enforcement step (see :func:`enforce_step_action`)."""
    from casefile import workflow

    action = enforce_step_action(ws, step, note=note, court=court, dept=dept, head=head, party_views=party_views,
                                 instalments=instalments, guarantee=guarantee)
    return workflow.run(ws, case_id, now, actor, action)


PAID_NAMES = {"on": "--on", "principal": "--principal", "late_fee": "--late-fee", "amount": "--amount"}


def enforce_paid_action(paid_on: str | date | None, principal: str | None = None, late_fee: str | None = None,
                        amount: str | None = None, outcome: str | None = None, *,
                        names: dict[str, str] | None = None) -> Callable[[Step], str]:
    """A payment as one action for ``workflow.run``: the amounts as typed (principal and late fee apart,
    or one ``amount`` not split on the receipt), each refused with the name of its field (``names``:
    the CLI's options by default, the form's labels in the web)."""
    from decimal import Decimal

    from casefile import workflow
    from casefile.rules.money import parse_amount

    n = {**PAID_NAMES, **(names or {})}

    def money(value: str | None, key: str) -> Decimal | None:
        if value is None or not str(value).strip():
            return None
        try:
            return parse_amount(str(value).strip())
        except ValueError as exc:
            raise UsageError(f"{n[key]} {exc}") from None

    p, f, a = money(principal, "principal"), money(late_fee, "late_fee"), money(amount, "amount")
    if p is None and f is None and a is None:
        raise UsageError(f"请用 {n['principal']} 和/或 {n['late_fee']} 写明本次缴纳的社会保险费和滞纳金。")
    day = paid_on if isinstance(paid_on, date) else parse_date(paid_on, n["on"])
    if day is None:
        raise UsageError(f"请用 {n['on']} 写明实际缴纳日期（YYYY-MM-DD）。")
    return lambda st: workflow.enforce_paid(st, day, a, outcome, principal=p, late_fee=f)
