"""检索, 典型案例库, 归档, 月度报告, 风险预警, 账号 and 登录记录."""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casefile.errors import CasefileError
from casefile.web import perms
from casefile.web.views.common import account_required, now, ws


def _export(name: str, write: Callable[[Path], Path | None]) -> FileResponse:
    """Write a download into a private scratch folder, send it from memory and remove the folder at once,
    so no export is left lying in the workspace (downloads are a few MB at most)."""
    scratch = Path(tempfile.mkdtemp(prefix="export-", dir=ws().state_dir / "uploads"))
    try:
        target = scratch / name
        written = write(target) or target
        data = Path(written).read_bytes()
        filename = Path(written).name
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=filename)

SEARCH_ROLES = ("officer", "liaison", "head", "archivist", "reader")
KINDS = {"": "全部", "case": "案件", "document": "文书", "evidence": "证据", "typical": "典型案例", "law": "法规"}


@require_GET
@account_required
def search(request: HttpRequest) -> HttpResponse:
    from django.utils.html import escape

    from casefile import search as search_mod

    perms.require_role(request, *SEARCH_ROLES)
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    kind = kind if kind in KINDS else ""
    page = max(1, min(500, int(request.GET.get("page", "1") or 1) if request.GET.get("page", "1").isdigit() else 1))
    ctx: dict[str, Any] = {"q": q, "kind": kind, "kinds": KINDS, "nav": "search"}
    if q or kind:
        dept = request.user.dept  # type: ignore[union-attr]
        reader_only = not request.user.has_role("officer", "liaison", "head", "archivist")  # type: ignore[union-attr]

        def visible(ids: Any) -> set[str]:
            return set() if reader_only else perms.visible_case_ids(dept, list(ids))

        try:
            rep = search_mod.search(ws(), q, filters={"kind": [kind]} if kind else None, page=page, per_page=10,
                                    visible=visible)
        except CasefileError as exc:
            ctx["error"] = exc.message
        else:
            hits = []
            for h in rep.results:
                # the snippet marks matches with <em>; everything else is escaped
                snippet = escape(h.snippet).replace("&lt;em&gt;", "<mark>").replace("&lt;/em&gt;", "</mark>")
                link = f"/cases/{h.case_id}/" if h.case_id and not reader_only else ""
                hits.append({"title": h.title, "kind": KINDS.get(h.kind, h.kind), "snippet": mark_safe(snippet),
                             "link": link, "year": h.year or ""})
            facet_labels = {"kind": "类型", "category": "争议类别", "year": "年度", "outcome": "结果", "dept": "部门",
                            "region": "辖区", "risk": "风险"}
            facets = [(facet_labels.get(k, k), [(KINDS.get(v, ws().dept_name(v)) if k in ("kind", "dept") else v, n)
                                                for v, n in list(vals.items())[:8]])
                      for k, vals in rep.facets.items() if vals]
            ctx.update({"rep": rep, "hits": hits, "facets": facets, "page": page, "pages": rep.pages,
                        "prev": page - 1 if page > 1 else None, "next": page + 1 if page < rep.pages else None})
    return render(request, "web/search.html", ctx)


# -- 典型案例库 -------------------------------------------------------------------------------------
@require_GET
@account_required
def typical_list(request: HttpRequest) -> HttpResponse:
    from casefile import library

    perms.require_role(request, *SEARCH_ROLES)
    items = library.summaries(ws())
    return render(request, "web/typical.html", {"items": items, "labels": library.STAGE_LABELS, "nav": "typical",
                                                "user_name": str(request.user)})


@require_POST
@account_required
def typical_action(request: HttpRequest, typical_id: str, action: str) -> HttpResponse:
    """review / approve / publish by the logged-in account; the drafter never reviews or approves,
    the reviewer never approves (account display names are unique, so names identify accounts)."""
    from casefile import library

    user = request.user
    actor = perms.actor_for(request)
    roles = {"review": ("head", "officer"), "approve": ("head",), "publish": ("head",)}
    perms.require_role(request, *roles.get(action, ()))  # before the write-up is even read
    try:
        w = library.load(ws(), typical_id)
        me = str(user)
        if action == "review":
            perms.require_role(request, "head", "officer")
            if me == w.drafted_by:
                raise library.TypicalRefused(f"审核人不能是起草人（{w.drafted_by}），请由另一人审核。")
            rep = library.review(ws(), typical_id, actor, actor, now())
        elif action == "approve":
            perms.require_role(request, "head")
            if me in (w.drafted_by, w.reviewer):
                raise library.TypicalRefused(f"审批人不能是起草人（{w.drafted_by}）或审核人（{w.reviewer}），请由另一位负责人批准。")
            rep = library.approve(ws(), typical_id, actor, actor, now())
        elif action == "publish":
            perms.require_role(request, "head")
            rep = library.publish(ws(), typical_id, actor, now())
        else:
            raise PermissionDenied
    except CasefileError as exc:
        request.session["flash_error"] = exc.message
        return HttpResponseRedirect("/typical/")
    request.session["flash"] = rep.message
    return HttpResponseRedirect("/typical/")


@require_http_methods(["GET", "POST"])
@account_required
def typical_edit(request: HttpRequest, typical_id: str) -> HttpResponse:
    """The drafter edits a draft (also after it was sent back): the library de-identifies the text with
    the source case's table and refuses it while the leak check finds anything; the form stays filled."""
    from casefile import library
    from casefile.identity import ENTITLED

    perms.require_role(request, *sorted(ENTITLED["typical_draft"]))
    try:
        w = library.load(ws(), typical_id)
    except CasefileError:
        raise PermissionDenied from None
    if str(request.user) != w.drafted_by:  # account display names are unique: only the drafter edits
        raise PermissionDenied
    ctx: dict[str, Any] = {"w": w, "labels": library.STAGE_LABELS, "nav": "typical",
                           "form": {"title": w.title, "keywords": "、".join(w.keywords), "body": w.body}}
    status = 200
    if request.method == "POST":
        post = request.POST
        ctx["form"] = {"title": post.get("title", ""), "keywords": post.get("keywords", ""), "body": post.get("body", "")}
        keywords = [k for k in re.split(r"[、,，;；\s]+", post.get("keywords", "")) if k]
        try:
            rep = library.edit(ws(), w.id, title=post.get("title", ""), body=post.get("body", ""), keywords=keywords,
                               actor=perms.actor_for(request), now=now())
        except CasefileError as exc:
            ctx["error"] = exc.message
            status = 409
        else:
            request.session["flash"] = rep.message
            return HttpResponseRedirect(f"/typical/{w.id}/edit/")
    else:
        try:
            ctx["findings"] = [str(f) for f in library.check(ws(), w.id)]
        except CasefileError as exc:
            ctx["error"] = exc.message
    ctx["editable"] = w.effective_status == "draft"
    return render(request, "web/typical_edit.html", ctx, status=status)


@require_POST
@account_required
def typical_return(request: HttpRequest, typical_id: str) -> HttpResponse:
    """退回修改: a reviewer or 负责人 other than the drafter sends the text back with what to change."""
    from casefile import library

    perms.require_role(request, "head", "officer")
    try:
        rep = library.send_back(ws(), typical_id, note=request.POST.get("note", ""), actor=perms.actor_for(request),
                                now=now())
    except CasefileError as exc:
        request.session["flash_error"] = exc.message
        return HttpResponseRedirect("/typical/")
    request.session["flash"] = rep.message
    return HttpResponseRedirect("/typical/")


@require_POST
@account_required
def typical_draft(request: HttpRequest, case_id: str) -> HttpResponse:
    from casefile import library

    perms.require_role(request, "officer")
    case, access = perms.load_case(request, case_id)
    if not access.is_lead:
        raise PermissionDenied
    try:
        rep = library.draft(ws(), case.id, perms.actor_for(request), now())
    except CasefileError as exc:
        request.session["flash_error"] = exc.message
        return HttpResponseRedirect(f"/cases/{case.id}/")
    request.session["flash"] = getattr(rep, "message", "已生成典型案例脱敏草稿。")
    return HttpResponseRedirect("/typical/")


@require_GET
@account_required
def typical_booklet(request: HttpRequest) -> HttpResponse:
    from casefile import library

    perms.require_role(request, *SEARCH_ROLES)
    def write(target: Path) -> None:
        library.export(ws(), target, now())

    return _export("典型案例汇编.docx", write)


# -- 归档 ---------------------------------------------------------------------------------------------
def _real_now() -> Any:
    """Destruction is dated by the system clock, whatever CASEFILE_NOW says (as in the CLI)."""
    from casefile import clock

    return clock.system_now()


def transfer_root() -> Path | None:
    """The folder configured for web transfers ([archive] transfer_dir), or None when it is not set."""
    configured = ws().settings.archive.transfer_dir.strip()
    if not configured:
        return None
    path = Path(configured).expanduser()
    return path if path.is_absolute() else ws().root / path


@account_required
def archive_page(request: HttpRequest) -> HttpResponse:
    """归档: archive a closed case, verify all bags (档案员); hand a year over (移交, 档案员/负责人);
    destruction requested by one person (档案员/负责人) and approved by another (负责人) — the same library
    functions as ``casefile archive/verify/transfer/purge``, the two people being two logged-in accounts."""
    from casefile import catalog

    perms.require_role(request, "archivist", "head")
    ctx: dict[str, Any] = {"nav": "archive", "transfer_root": transfer_root()}
    if request.method == "POST":
        what = request.POST.get("what")
        actor = perms.actor_for(request)
        try:
            if what == "archive":
                from casefile.archive.build import archive_case

                perms.require_role(request, "archivist")
                case, _ = perms.load_case(request, request.POST.get("case_id", ""))
                res = archive_case(ws(), case.id, now(), actor, filer=str(request.user), checker=None)
                ctx["message"] = res.message
            elif what == "verify":
                from casefile.archive.checks import verify

                perms.require_role(request, "archivist")
                rep = verify(ws(), (), all_cases=True, quick=False, now=now(), actor=actor)
                ctx["verify"] = rep
            elif what == "transfer":
                ctx["transfer"] = _transfer(request, actor)
            elif what in ("purge_request", "purge_approve"):
                ctx["message"] = _purge(request, what, actor)
            else:
                raise PermissionDenied
        except CasefileError as exc:
            ctx["error"] = exc.message
            ctx["form"] = request.POST
    dept = request.user.dept  # type: ignore[union-attr]
    with catalog.connect(ws()) as con:
        ctx["closed"] = con.execute(
            "SELECT c.id, c.number, c.closed_date FROM cases c JOIN case_depts d ON d.case_id = c.id "
            "WHERE d.dept = ? AND c.state = 'CLOSED' ORDER BY c.closed_date LIMIT 100", (dept,)).fetchall()
        ctx["archived"] = con.execute(
            "SELECT c.id, c.number, c.dang_hao FROM cases c JOIN case_depts d ON d.case_id = c.id "
            "WHERE d.dept = ? AND c.state = 'ARCHIVED' ORDER BY c.dang_hao LIMIT 100", (dept,)).fetchall()
    years = sorted({y for r in ctx["archived"] if (y := _year_of(r["dang_hao"]))}, reverse=True)
    ctx["years"] = years
    ctx["pending"] = _pending(dept, years)
    return render(request, "web/archive.html", ctx)


def _year_of(dang_hao: str | None) -> int | None:
    """The 年度 of a 档号 (全宗号-门类·年度-期限-机构-件号)."""
    import re

    m = re.search(r"·(\d{4})-", dang_hao or "")
    return int(m.group(1)) if m else None


def _pending(dept: str, years: list[int]) -> list[dict[str, Any]]:
    """Destruction requests waiting for approval, of the cases this department may see."""
    from casefile.archive.lifecycle import pending_purges

    events = pending_purges(ws(), years)
    visible = perms.visible_case_ids(dept, [e.case_id for e in events])
    return [{"case_id": e.case_id, "dang_hao": e.dang_hao, "by": e.actor, "at": e.time[:16].replace("T", " "),
             "reason": e.data.get("reason", "")} for e in events if e.case_id in visible]


def _transfer(request: HttpRequest, actor: Any) -> Any:
    """移交 one year into the configured folder; only its 档号 and verdicts are shown."""
    from casefile.archive.handover import transfer
    from casefile.errors import UsageError

    perms.require_role(request, "archivist", "head")
    root = transfer_root()
    if root is None:
        raise UsageError("未配置移交目录：请管理员在 casefile.toml 的 [archive] transfer_dir 中设置档案馆接收目录"
                         "或移动硬盘的挂载点，或用命令行 casefile transfer 移交。")
    year_text = request.POST.get("year", "").strip()
    if not (year_text.isdigit() and len(year_text) == 4):
        raise UsageError(f"移交年度：“{year_text}”不是有效的年度，请选择要移交的年度（如 2026）。")
    return transfer(ws(), int(year_text), root, now=now(), actor=actor)


def _purge(request: HttpRequest, what: str, actor: Any) -> str:
    from casefile.archive.lifecycle import purge_approve, purge_request
    from casefile.errors import UsageError

    case, _ = perms.load_case(request, request.POST.get("case_id", ""))
    if what == "purge_request":
        perms.require_role(request, "archivist", "head")
        reason = request.POST.get("reason", "").strip()
        if not reason:
            raise UsageError("销毁理由：必填，请写明销毁理由（如：保管期满，经鉴定无继续保存价值）。")
        return purge_request(ws(), case.id, by=actor, reason=reason, now=_real_now()).message
    perms.require_role(request, "head")
    return purge_approve(ws(), case.id, by=actor, now=_real_now()).message


@require_GET
@account_required
def ledger(request: HttpRequest) -> HttpResponse:
    from casefile.reports.ledger import build_ledger, write_ledger_xlsx

    perms.require_role(request, "archivist", "head")
    year = request.GET.get("year")
    book = build_ledger(ws(), now().date(), year=int(year) if year and year.isdigit() else None)
    # an export is checked like a page: only the cases this department is or was involved in
    col = book.headers.index("案件ID")
    visible = perms.visible_case_ids(request.user.dept, [str(r[col]) for r in book.rows])  # type: ignore[union-attr]
    kept = [r for r in book.rows if str(r[col]) in visible]
    if len(kept) != len(book.rows):
        book.rows = [[i, *r[1:]] for i, r in enumerate(kept, 1)]
        book.archive_rows = []  # the 归档文件目录 lists other departments' files too
    def write(target: Path) -> None:
        write_ledger_xlsx(book, target)

    return _export(f"工作台账_{year or '全部'}.xlsx", write)


# -- 月度报告 and 风险预警 ---------------------------------------------------------------------------------
@require_GET
@account_required
def report_page(request: HttpRequest) -> HttpResponse:
    from casefile.reports import monthly_report, parse_month

    perms.require_role(request, "head", "officer")
    today = now().date()
    default = f"{today.year}-{today.month:02d}"
    month = request.GET.get("month") or default
    ctx: dict[str, Any] = {"nav": "report", "month": month}
    try:
        m = parse_month(month)
        rep = monthly_report(ws(), m, today)
    except CasefileError as exc:
        ctx["error"] = exc.message
        return render(request, "web/report.html", ctx, status=400)
    fmt = request.GET.get("download")
    if fmt in ("docx", "xlsx"):
        stem = f"D30_月度综合分析报告_{m.key}"
        if fmt == "docx":
            from casefile.reports.monthly_docx import write_report_docx

            return _export(f"{stem}.docx", lambda target: Path(write_report_docx(rep, target).path))

        from casefile.reports.tables import write_report_xlsx

        def write_xlsx(target: Path) -> None:
            write_report_xlsx(rep, target)

        return _export(f"{stem}_统计表.xlsx", write_xlsx)
    ctx.update({"rep": rep, "f": rep.figures,
                "bars": [{"label": s.label, "count": s.count, "pct": round(100 * float(s.share or 0))}
                         for s in rep.top_issues]})
    return render(request, "web/report.html", ctx)


@require_GET
@account_required
def risks_page(request: HttpRequest) -> HttpResponse:
    from casefile.reports import current_risks

    perms.require_role(request, "head", "officer", "liaison")
    warnings = current_risks(ws(), now().date())
    allowed = perms.visible_case_ids(request.user.dept, [w.case_id for w in warnings])  # type: ignore[union-attr]
    items = [w.as_dict() for w in warnings if w.case_id in allowed]
    return render(request, "web/risks.html", {"items": items, "nav": "risks"})


# -- accounts and login records -----------------------------------------------------------------------
@require_GET
@account_required
def accounts(request: HttpRequest) -> HttpResponse:
    from casefile.web.models import Account
    from casefile.web.roles import labels

    perms.require_role(request, "admin")
    rows = [{"u": a, "dept": ws().dept_name(a.dept), "roles": labels(a.role_set)}
            for a in Account.objects.order_by("dept", "username")]
    return render(request, "web/accounts.html", {"rows": rows, "nav": "admin"})


@require_GET
@account_required
def logins(request: HttpRequest) -> HttpResponse:
    from casefile.web.models import LoginRecord

    perms.require_role(request, "admin", "head")
    who = request.GET.get("user", "").strip()
    qs = LoginRecord.objects.all()
    if who:
        qs = qs.filter(username=who)
    return render(request, "web/logins.html", {"rows": qs[:500], "who": who, "nav": "logins"})
