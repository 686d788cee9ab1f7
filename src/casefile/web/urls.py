from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path

from casefile.web.views import auth, cases, other


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


CASE = r"(?P<case_id>[A-Z]{2,8}-\d{6}-\d{4}-\d{4})"

urlpatterns = [
    path("login/", auth.login_view),
    path("otp/", auth.otp_view),
    path("logout/", auth.logout_view),
    path("password/", auth.password_view),
    path("", cases.dashboard),
    path("due/", cases.due),
    path("cases/", cases.case_list),
    path("cases/new/", cases.register),
    path("cases/new/check/", cases.check_field),
    re_path(rf"^cases/{CASE}/$", cases.case_page),
    re_path(rf"^cases/{CASE}/reveal/$", cases.reveal),
    re_path(rf"^cases/{CASE}/step/(?P<code>[a-z0-9_]+)/$", cases.step_post),
    re_path(rf"^cases/{CASE}/reply/$", cases.reply),
    re_path(rf"^cases/{CASE}/doc/(?P<doc_id>[A-Za-z0-9_-]+)\.(?P<fmt>docx|pdf)$", cases.document),
    re_path(rf"^cases/{CASE}/evidence/(?P<ev_id>[A-Za-z0-9_-]+)/$", cases.evidence_file),
    re_path(rf"^cases/{CASE}/upload/$", cases.upload),
    re_path(rf"^cases/{CASE}/typical/$", other.typical_draft),
    path("search/", other.search),
    path("typical/", other.typical_list),
    path("typical/booklet.docx", other.typical_booklet),
    re_path(r"^typical/(?P<typical_id>TC-[A-Za-z0-9-]+)/(?P<action>review|approve|publish)/$", other.typical_action),
    re_path(r"^typical/(?P<typical_id>TC-[A-Za-z0-9-]+)/edit/$", other.typical_edit),
    re_path(r"^typical/(?P<typical_id>TC-[A-Za-z0-9-]+)/return/$", other.typical_return),
    path("archive/", other.archive_page),
    path("archive/ledger.xlsx", other.ledger),
    path("report/", other.report_page),
    path("risks/", other.risks_page),
    path("admin/accounts/", other.accounts),
    path("admin/logins/", other.logins),
    path("healthz", healthz),
]

handler403 = "casefile.web.views.errors.forbidden"
handler404 = "casefile.web.views.errors.not_found"
handler500 = "casefile.web.views.errors.server_error"
