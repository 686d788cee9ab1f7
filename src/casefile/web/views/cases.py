"""工作台, 台账, 案件 list, case page, steps, reply form, reveal, downloads, evidence upload, 受理登记."""

from __future__ import annotations

import json
import mimetypes
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casefile.errors import CasefileError, ValidationFailed
from casefile.web import perms, steps
from casefile.web.views.common import account_required, dept_options, now, pending_form, ws

PER_PAGE = 20


# -- journaling of reads ------------------------------------------------------------------------
def _record_read(request: HttpRequest, case_id: str, type_: str, **payload: Any) -> None:
    """A reveal or a download: the store records it (the case's journal, or for an archived case the
    workspace's chained access log); the web adds who asked, from which department and address."""
    from casefile.models.enums import State
    from casefile.store import Dossier

    dossier = Dossier(ws(), case_id)
    if dossier.load().state is not State.ARCHIVED:
        payload.update(via="web", login=request.user.username, dept=request.user.dept,  # type: ignore[union-attr]
                       address=request.META.get("REMOTE_ADDR", ""))
    dossier.record_read(perms.actor_for(request), now(), type_, **payload)


# -- 工作台 and 台账 ------------------------------------------------------------------------------
@require_GET
@account_required
def dashboard(request: HttpRequest) -> HttpResponse:
    from casefile import catalog
    from casefile.models.enums import STATE_LABELS, State
    from casefile.reports.due import due_register

    user = request.user
    today = now().date()
    report = due_register(ws(), today, days=7, limit=10, dept=user.dept)  # type: ignore[union-attr]
    with catalog.connect(ws()) as con:
        by_state = catalog.dept_state_counts(con, user.dept)  # type: ignore[union-attr]
        mine = catalog.dept_active_count(con, user.dept)  # type: ignore[union-attr]
    counts = [{"state": s.value, "label": STATE_LABELS[s], "n": by_state[s.value]} for s in State if s.value in by_state]
    inbox = _inbox(user) if user.has_role("liaison", "officer") else []  # type: ignore[union-attr]
    return render(request, "web/dashboard.html", {
        "report": report, "groups": [("overdue", "已超期"), ("today", "今日到期"), ("soon", "本周到期")],
        "counts": counts, "active": mine, "inbox": inbox, "today": today, "nav": "home"})


def _inbox(user: Any) -> list[dict[str, Any]]:
    """Cases where this department owes something as a co-handler (opinion, meeting, agreed item)."""
    from casefile import catalog

    with catalog.connect(ws()) as con:
        rows = catalog.partner_inbox(con, user.dept, limit=50)
    from casefile.privacy import mask_text

    return [{"id": r["id"], "number": r["number"], "state": r["state"], "applicant": mask_text(r["applicant_name"]),
             "lead": ws().dept_name(r["lead_dept"] or ""), "next_due": r["next_due"]} for r in rows]


@require_GET
@account_required
def due(request: HttpRequest) -> HttpResponse:
    from casefile.reports.due import due_register

    perms.require_role(request, "officer", "liaison", "head", "archivist")
    today = now().date()
    days = _int(request.GET.get("days"), 7, 1, 60)
    report = due_register(ws(), today, days=days, limit=50, dept=request.user.dept)  # type: ignore[union-attr]
    return render(request, "web/due.html", {"report": report, "days": days, "today": today, "nav": "due",
                                            "groups": [("overdue", "已超期"), ("today", "今日到期"), ("soon", f"{days}日内到期")]})


def _int(value: str | None, default: int, lo: int, hi: int) -> int:
    try:
        return max(lo, min(hi, int(value or default)))
    except ValueError:
        return default


# -- 案件 list -----------------------------------------------------------------------------------
@require_GET
@account_required
def case_list(request: HttpRequest) -> HttpResponse:
    from casefile import catalog
    from casefile.models.enums import CATEGORY_LABELS, STATE_LABELS, Category, State
    from casefile.privacy import mask_text

    perms.require_role(request, *perms.CASE_ROLES)
    g = request.GET
    state = g.get("state", "")
    f = catalog.CaseFilter(
        states=[state] if state in State.__members__ else (),
        category=g.get("category") if g.get("category") in {c.value for c in Category} else None,
        risk=g.get("risk") if g.get("risk") in ("低", "中", "高") else None,
        dept=g.get("dept") or None,
        overdue_on=now().date() if g.get("overdue") else None,
        received_month=g.get("month") if _month_ok(g.get("month")) else None,
        text=g.get("q") or None,
        visible_to=request.user.dept,  # type: ignore[union-attr]
    )
    page = _int(g.get("page"), 1, 1, 100000)
    total = catalog.count_cases(ws(), f)
    f.limit, f.offset = PER_PAGE, (page - 1) * PER_PAGE
    rows = catalog.list_cases(ws(), f)
    items = [{"id": r["id"], "number": r["number"], "state": STATE_LABELS.get(State(r["state"]), r["state"]),
              "received": r["received_date"], "applicant": mask_text(r["applicant_name"] or ""),
              "lead": ws().dept_name(r["lead_dept"] or r["intake_dept"] or ""), "risk": r["risk"] or "",
              "next_due": r["next_due"] or "",
              "overdue": bool(r["next_due"] and r["next_due"] < now().date().isoformat())} for r in rows]
    pages = max(1, -(-total // PER_PAGE))
    query = g.copy()
    query.pop("page", None)
    ctx = {"items": items, "total": total, "page": page, "pages": pages, "qs": query.urlencode(), "nav": "cases",
           "states": [(s.value, STATE_LABELS[s]) for s in State], "g": g,
           "categories": [(c.value, CATEGORY_LABELS[c]) for c in Category], "depts": dept_options()}
    template = "web/_case_rows.html" if request.headers.get("HX-Request") else "web/case_list.html"
    return render(request, template, ctx)


def _month_ok(value: str | None) -> bool:
    if not value or len(value) != 7 or value[4] != "-":
        return False
    y, m = value.split("-")
    return y.isdigit() and m.isdigit() and 1 <= int(m) <= 12


# -- the case page -------------------------------------------------------------------------------
def _case_context(request: HttpRequest, case: Any, access: perms.CaseAccess, *, reveal: bool = False) -> dict[str, Any]:
    from casefile.store import Dossier
    from casefile.views import case_view, timeline

    today = now().date()
    view = case_view(case, today, reveal=reveal, dept_name=ws().dept_name,
                     due_soon_days=int(ws().raw.get("risk", {}).get("due_soon_days", 2)))
    entries, _ = Dossier(ws(), case.id).journal()
    events = list(reversed(timeline(entries)))
    for e, entry in zip(events, reversed(entries), strict=True):
        try:  # the identity keys (login, dept, via, address) sit beside the payload in the journal line
            line = json.loads(entry.raw) if entry.raw else {}
        except ValueError:
            line = {}
        dept = line.get("dept") or entry.payload.get("dept")
        e["login"] = line.get("login") or entry.payload.get("login") or ""
        e["dept"] = ws().dept_name(dept) if dept else ""
        e["web"] = line.get("via") == "web"
        e["address"] = line.get("address") or ""
    try:
        from casefile.reports.risks import case_risks

        warnings = [w.as_dict() for w in case_risks(ws(), case, today)]
    except CasefileError:
        warnings = []
    forms = _offered_steps(case, access)
    return {"case": view, "c": case, "events": events, "warnings": warnings, "access": access, "forms": forms,
            "depts": dept_options(), "nav": "cases", "revealed": reveal,
            "opinions": [{"dept": ws().dept_name(o.dept), "due": o.due, "received": o.received_at, "lapsed": o.lapsed,
                          "doc": o.doc_id} for o in case.opinions]}


def _offered_steps(case: Any, access: perms.CaseAccess) -> list[steps.StepForm]:
    profile = case.profile
    out = []
    for s in steps.STEPS:
        if case.state.value not in s.states or (s.profile and s.profile != profile):
            continue
        if s.offered is not None and not s.offered(case):
            continue
        if (s.role == "head" and access.can_approve) or (s.role == "officer" and access.can_act):
            out.append(s)
    return out


@require_GET
@account_required
def case_page(request: HttpRequest, case_id: str) -> HttpResponse:
    case, access = perms.load_case(request, case_id)
    ctx = _case_context(request, case, access)
    restored = pending_form(request)
    if restored is not None:
        ctx["restored"] = restored
        ctx["restored_step"] = restored.get("_step", "")
    return render(request, "web/case.html", ctx)


@require_POST
@account_required
def reveal(request: HttpRequest, case_id: str) -> HttpResponse:
    """Unmasked parties (htmx fragment); the reveal and its purpose are journaled first."""
    case, access = perms.load_case(request, case_id)
    if not access.can_reveal:
        raise PermissionDenied
    purpose = request.POST.get("purpose", "").strip()
    if not purpose:
        return render(request, "web/_message.html", {"error": "请填写查看完整个人信息的事由（记入日志）。"}, status=400)
    _record_read(request, case.id, "revealed", purpose=purpose)
    from casefile.views import party_view

    return render(request, "web/_parties.html", {"case": {"applicant": party_view(case.applicant, True),
                                                          "counterparty": party_view(case.counterparty, True)},
                                                 "revealed": True})


@require_POST
@account_required
def step_post(request: HttpRequest, case_id: str, code: str) -> HttpResponse:
    """One workflow step. The form carries the case version it was shown with: a second submit of
    the same form, or a form overtaken by another department's step, changes nothing and says so."""
    from casefile import workflow

    case, access = perms.load_case(request, case_id)
    step = steps.BY_CODE.get(code)
    if step is None:
        raise Http404
    allowed = access.can_approve if step.role == "head" else access.can_act
    if not allowed:
        raise PermissionDenied
    expected = request.POST.get("version", "")
    try:
        values = steps.clean(step, request.POST, request.POST.getlist)
        build = step.build(values, request.user)
    except CasefileError as exc:  # a field the library refuses before anything is read or written
        return _step_error(request, case, access, code, steps.field_words(step, exc.message))

    def action(st: Any) -> str:
        _check_version(st.case, expected)
        if st.case.state.value not in step.states:
            raise workflow.refused(st.case, step.label)
        message = build(st)
        web_event(st, request, step.code)  # after the step's own events: the timeline names the step
        return message

    try:
        result = workflow.run(ws(), case.id, now(), perms.actor_for(request), action)
    except CasefileError as exc:
        return _step_error(request, case, access, code, steps.field_words(step, exc.message))
    request.session["flash"] = result.message + ("" if not result.documents else
                                                 "（文书：" + "、".join(d["title"] for d in result.documents) + "）")
    return _back_to_case(request, case.id)


def web_event(st: Any, request: HttpRequest, what: str) -> None:
    """The account, its department and the client address beside the step, in the same journal line."""
    user = request.user
    st.tx.event("web_action", action=what, login=user.username, dept=user.dept,  # type: ignore[union-attr]
                address=request.META.get("REMOTE_ADDR", ""))


class Overtaken(CasefileError):
    code = "overtaken"


def _check_version(case: Any, expected: str) -> None:
    if expected and expected != str(case.version):
        raise Overtaken(f"案件已由他人更新（当前状态：“{case.state.label}”），您提交的操作未执行。"
                        "请查看最新记录后再决定是否需要操作。")


def _back_to_case(request: HttpRequest, case_id: str) -> HttpResponse:
    url = f"/cases/{case_id}/"
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _step_error(request: HttpRequest, case: Any, access: perms.CaseAccess, code: str, message: str) -> HttpResponse:
    from casefile.store import Dossier

    fresh = Dossier(ws(), case.id).load()
    ctx = _case_context(request, fresh, perms.case_access(request.user, fresh))  # type: ignore[arg-type]
    ctx.update({"error": message, "restored": request.POST, "restored_step": code})
    return render(request, "web/case.html", ctx, status=409)


# -- the co-department's reply ---------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@account_required
def reply(request: HttpRequest, case_id: str) -> HttpResponse:
    """A co-handling department answers from its own screen: its written opinion (→ D05), its
    acknowledgement of a 转办单, progress on an agreed item (议定事项)."""
    from casefile import workflow

    case, access = perms.load_case(request, case_id)
    if not access.can_reply:
        raise PermissionDenied
    dept = request.user.dept  # type: ignore[union-attr]
    pending = next((o for o in case.opinions if o.dept == dept and o.received_at is None and not o.lapsed), None)
    items = [(i, it) for m in case.meetings for i, it in enumerate(m.items) if perms.to_code(it.unit or "") == dept]
    referral = case.referral if case.referral and perms.to_code(case.referral.suggested_dept or "") == dept else None
    ctx: dict[str, Any] = {"c": case, "pending": pending, "items": items, "referral": referral, "nav": "cases",
                           "form": pending_form(request) or {}}
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        expected = request.POST.get("version", "")
        actor = perms.actor_for(request)
        try:
            if kind == "opinion":
                text = request.POST.get("text", "").strip()
                if not text:
                    raise ValidationFailed([steps.Finding("书面意见", "必填，请填写查明的事实与处理意见")], subject="表单")

                def action(st: Any) -> str:
                    _check_version(st.case, expected)
                    message = workflow.record_opinion(
                        st, dept, text, basis=request.POST.get("basis", "").strip() or None,
                        will_act=request.POST.get("will_act") == "on",
                        handler=request.POST.get("handler", "").strip() or str(request.user),
                        facts=request.POST.get("facts", "").strip() or text)  # the form asks 查明的事实与处理意见 in one
                    web_event(st, request, "reply_opinion")
                    return message
            elif kind in ("ack", "progress"):
                note = request.POST.get("note", "").strip()
                if kind == "progress" and not note:
                    raise ValidationFailed([steps.Finding("办理进展", "必填，请写明议定事项的办理情况")], subject="表单")
                item = request.POST.get("item", "")

                def action(st: Any) -> str:
                    _check_version(st.case, expected)
                    if kind == "ack":
                        st.tx.event("referral_acknowledged", dept=dept, note=note)
                        web_event(st, request, "reply_ack")
                        return f"已确认收到转办单（{ws().dept_name(dept)}）。"
                    st.tx.event("agreed_item_progress", dept=dept, item=item, note=note,
                                done=request.POST.get("done") == "on")
                    web_event(st, request, "reply_progress")
                    return "已登记议定事项办理进展。"
            else:
                raise PermissionDenied
            result = workflow.run(ws(), case.id, now(), actor, action)
        except CasefileError as exc:
            ctx["error"] = exc.message
            ctx["form"] = request.POST
            return render(request, "web/reply.html", ctx, status=409)
        request.session["flash"] = result.message
        return HttpResponseRedirect(f"/cases/{case.id}/")
    return render(request, "web/reply.html", ctx)


# -- downloads -------------------------------------------------------------------------------------
@require_GET
@account_required
def document(request: HttpRequest, case_id: str, doc_id: str, fmt: str) -> HttpResponse:
    from casefile.documents.issue import attach_pdf, verified_file
    from casefile.store import Dossier

    case, _access = perms.load_case(request, case_id)
    record = case.document(doc_id)
    if record is None or fmt not in ("docx", "pdf"):
        raise Http404
    dossier = Dossier(ws(), case.id)
    if fmt == "pdf":
        path = attach_pdf(ws(), case.id, doc_id, actor=perms.actor_for(request), now=now())
    else:
        path = verified_file(dossier, record)
    _record_read(request, case.id, "document_downloaded", doc_id=doc_id, format=fmt)
    name = f"{case.number}-{record.title}.{fmt}"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name,
                        content_type="application/pdf" if fmt == "pdf" else
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


@require_GET
@account_required
def evidence_file(request: HttpRequest, case_id: str, ev_id: str) -> HttpResponse:
    from casefile.store import Dossier

    case, _access = perms.load_case(request, case_id)
    rec = next((e for e in case.evidence if e.ev_id == ev_id), None)
    if rec is None:
        raise Http404
    path = Dossier(ws(), case.id).safe_path(rec.file)
    _record_read(request, case.id, "evidence_downloaded", ev_id=ev_id)
    ctype = rec.media_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    inline = ctype.startswith("image/") or ctype == "application/pdf"
    return FileResponse(path.open("rb"), as_attachment=not inline, filename=path.name, content_type=ctype)


# -- evidence upload --------------------------------------------------------------------------------
@require_POST
@account_required
def upload(request: HttpRequest, case_id: str) -> HttpResponse:
    """Through the same pipeline as the drop folder: type checks, isolation, quarantine with the
    reason shown. The upload is spooled inside the workspace and removed afterwards whatever happens;
    the dossier changes only in the pipeline's own transaction."""
    from casefile.evidence.codes import Outcome
    from casefile.evidence.pipeline import add_files

    case, access = perms.load_case(request, case_id)
    if not access.can_upload:
        raise PermissionDenied
    files = request.FILES.getlist("files")
    if not files:
        return _upload_result(request, case.id, [], "请选择要上传的文件。")
    limit = settings.CASEFILE_WEB.max_upload_mb * 1024 * 1024
    too_big = [f.name for f in files if f.size is not None and f.size > limit]
    if too_big:
        return _upload_result(request, case.id, [], f"文件“{'、'.join(_plain(n) for n in too_big)}”超过"
                              f"{settings.CASEFILE_WEB.max_upload_mb} MB 的上传上限，未保存。请分拆或压缩后重新上传。")
    slot = request.POST.get("slot", "").strip() or None
    spool = Path(tempfile.mkdtemp(prefix="upload-", dir=ws().state_dir / "uploads"))
    try:
        paths = []
        for i, f in enumerate(files):
            sub = spool / str(i)
            sub.mkdir()
            target = sub / _plain(f.name or "file")
            with target.open("wb") as out:
                for chunk in f.chunks():
                    out.write(chunk)
            paths.append(target)
        results = add_files(ws(), case.id, paths, actor=perms.actor_for(request), clock=now, slot=slot)
    finally:
        shutil.rmtree(spool, ignore_errors=True)
    lines = []
    for r in results:
        ok = r.outcome in (Outcome.FILED, Outcome.DUPLICATE, Outcome.ALREADY_FILED)
        lines.append({"ok": ok, "message": r.message, "warnings": list(r.warnings)})
    return _upload_result(request, case.id, lines, "")


def _plain(name: str) -> str:
    """The last path component only, without control characters: ``../../x`` becomes ``x``."""
    base = name.replace("\\", "/").split("/")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".")
    return base[:120] or "file"


def _upload_result(request: HttpRequest, case_id: str, lines: list[dict[str, Any]], error: str) -> HttpResponse:
    ctx = {"lines": lines, "error": error, "case_id": case_id}
    if request.headers.get("HX-Request"):
        return render(request, "web/_upload_result.html", ctx, status=400 if error else 200)
    request.session["flash"] = error or "；".join(x["message"] for x in lines)
    return HttpResponseRedirect(f"/cases/{case_id}/#evidence")


# -- 受理登记 ---------------------------------------------------------------------------------------
INTAKE_FIELDS = ("channel", "channel_ref", "received_at", "jurisdiction", "applicant_kind", "applicant_name",
                 "applicant_id", "applicant_mobile", "applicant_address", "counterparty_kind", "counterparty_name",
                 "counterparty_id", "categories", "insurance_types", "periods", "amounts", "claim", "note")


def _intake_data(post: Any, user: Any) -> dict[str, Any]:
    """Form fields → the mapping ``workflow.parse_form`` takes (the same as a --form YAML file)."""
    def party(prefix: str) -> dict[str, Any] | None:
        name = post.get(f"{prefix}_name", "").strip()
        if not name:
            return None
        kind = post.get(f"{prefix}_kind", "person")
        d: dict[str, Any] = {"kind": kind, "name": name}
        ident = post.get(f"{prefix}_id", "").strip()
        if ident:
            d["credit_code" if kind == "unit" else "id_number"] = ident
        for key in ("mobile", "address"):
            v = post.get(f"{prefix}_{key}", "").strip()
            if v:
                d[key] = v
        return d

    jur = post.get("jurisdiction", "")
    jname, _, jcode = jur.partition("|")
    amounts = {}
    for line in post.get("amounts", "").replace("\r", "").split("\n"):
        if "=" in line or "：" in line or ":" in line:
            k, _, v = line.replace("：", ":").replace("=", ":").partition(":")
            amounts[k.strip()] = v.strip()
    data: dict[str, Any] = {
        "channel": post.get("channel", ""), "channel_ref": post.get("channel_ref", "").strip() or None,
        "received_at": post.get("received_at", "").strip() or None,
        "first_handler": str(user), "intake_dept": user.dept,
        "jurisdiction": {"name": jname, "code": jcode},
        "applicant": party("applicant") or {},
        "counterparty": party("counterparty"),
        "categories": post.getlist("categories"),
        "insurance_types": post.getlist("insurance_types"),
        "periods": [p.strip() for p in post.get("periods", "").replace("，", ",").split(",") if p.strip()],
        "amounts": amounts, "claim": post.get("claim", "").strip(), "note": post.get("note", "").strip() or None,
    }
    return {k: v for k, v in data.items() if v is not None}


def _intake_choices() -> dict[str, Any]:
    from casefile.models.enums import CATEGORY_LABELS, Category, Channel, InsuranceType

    raw = ws().raw
    return {"channels": [c.value for c in Channel], "insurance": [i.value for i in InsuranceType],
            "categories": [(c.value, f"{c.short} {CATEGORY_LABELS[c]}") for c in Category],
            "jurisdictions": [(f"{p.get('name')}|{p.get('code')}", p.get("name")) for p in raw.get("jurisdictions", [])]}


@require_http_methods(["GET", "POST"])
@account_required
def register(request: HttpRequest) -> HttpResponse:
    """受理登记: every field checked with ``intake.check_field`` as the terminal checks it, then the whole
    form by ``workflow.register``; on any problem the form comes back filled, each problem beside its field."""
    from casefile import workflow
    from casefile.web import intake_form

    perms.require_role(request, "officer")
    ctx: dict[str, Any] = {"nav": "new", **_intake_choices(), "form": pending_form(request) or {},
                           "now": now().strftime("%Y-%m-%dT%H:%M"), "checks": {}}
    if request.method == "POST":
        token = request.POST.get("once", "")
        done = request.session.get("registered", {})
        if token and token in done:  # the same form posted twice: one case
            return HttpResponseRedirect(f"/cases/{done[token]}/")
        results = intake_form.check_all(request.POST, ws().settings, now().date())
        problems = [r for r in results if r.problem]
        try:
            if problems:
                raise ValidationFailed([steps.Finding("受理登记表", r.problem) for r in problems], subject="受理登记表")
            data = _intake_data(request.POST, request.user)
            result = workflow.register(ws(), data, now(), perms.actor_for(request))
        except CasefileError as exc:
            findings = [r.problem for r in problems] or [str(f) for f in getattr(exc, "findings", [])]
            ctx.update({"error": exc.message, "form": request.POST, "once": token, "findings": findings,
                        "checks": {r.name: r for r in results}})
            return render(request, "web/register.html", ctx, status=400)
        if token:
            done[token] = result.case_id
            request.session["registered"] = dict(list(done.items())[-20:])
        request.session["flash"] = f"已受理登记，案件编号 {result.number}。"
        return HttpResponseRedirect(f"/cases/{result.case_id}/")
    import secrets

    ctx["once"] = secrets.token_urlsafe(12)
    return render(request, "web/register.html", ctx)


@require_POST
@account_required
def check_field(request: HttpRequest) -> HttpResponse:
    """htmx: one intake field checked on change with ``intake.check_field`` (the whole form is posted,
    so the kind, channel and categories chosen beside it decide which rule applies)."""
    from casefile.web import intake_form

    perms.require_role(request, "officer")
    name = request.POST.get("field", "")
    if name not in intake_form.FIELDS:
        return HttpResponse(status=400)
    r = intake_form.check_one(name, request.POST, ws().settings, now().date())
    return render(request, "web/_field_check.html", {"problem": r.problem, "warning": r.warning, "ok": r.ok})
