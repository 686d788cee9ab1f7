"""Every permission check of the web front end, on the server. Pages, downloads, fragments, search
hits and exports all ask here; a refused check is a 403 (PermissionDenied), never data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from casefile.access import LEAD, Involvement, involvement

if TYPE_CHECKING:
    from casefile.models.case import Case
    from casefile.web.models import Account

CASE_ROLES = ("officer", "liaison", "head", "archivist")


@dataclass(frozen=True)
class CaseAccess:
    involvement: Involvement | None
    user: Any

    @property
    def can_view(self) -> bool:
        return self.involvement is not None and self.user.has_role(*CASE_ROLES)

    @property
    def is_lead(self) -> bool:
        return self.involvement is not None and self.involvement.kind == LEAD

    @property
    def active(self) -> bool:
        return self.involvement is not None and self.involvement.active

    @property
    def can_act(self) -> bool:
        """Workflow steps: an officer of the lead office while the case is open."""
        return self.is_lead and self.active and self.user.has_role("officer")

    @property
    def can_approve(self) -> bool:
        """专案报批, extension, reopening: a 负责人 of the lead office."""
        return self.is_lead and self.user.has_role("head")

    @property
    def can_reply(self) -> bool:
        """The co-department's reply form: its contact (or officer) while its part is open."""
        return (self.involvement is not None and not self.is_lead and self.active
                and self.user.has_role("liaison", "officer"))

    @property
    def can_upload(self) -> bool:
        return self.can_act or self.can_reply

    @property
    def can_reveal(self) -> bool:
        return self.can_view and self.user.has_role("officer", "head", "liaison")

    @property
    def read_only(self) -> bool:
        return not (self.can_act or self.can_reply or self.can_approve)


def to_code(text: str) -> str | None:
    from casefile.catalog import dept_resolver

    return dept_resolver(settings.CASEFILE_WORKSPACE)(text)


def case_access(user: Account, case: Case) -> CaseAccess:
    inv = involvement(case, to_code).get(user.dept)
    return CaseAccess(inv, user)


def load_case(request: HttpRequest, case_id: str) -> tuple[Case, CaseAccess]:
    """The case, if this account may see it; otherwise 403 (also for ids that do not exist, so a
    guessed id tells nothing)."""
    from casefile.errors import CaseNotFound, InvalidCaseId
    from casefile.store import Dossier

    ws = settings.CASEFILE_WORKSPACE
    try:
        dossier = Dossier(ws, case_id)
        if not dossier.exists():
            raise PermissionDenied
        case = dossier.load()
    except (CaseNotFound, InvalidCaseId):
        raise PermissionDenied from None
    access = case_access(request.user, case)  # type: ignore[arg-type]
    if not access.can_view:
        raise PermissionDenied
    return case, access


def require_role(request: HttpRequest, *roles: str) -> None:
    if not request.user.is_authenticated or not request.user.has_role(*roles):  # type: ignore[union-attr]
        raise PermissionDenied


def visible_case_ids(dept: str, case_ids: list[str]) -> set[str]:
    """Of ``case_ids``, those this department is or was involved in (one catalog query)."""
    from casefile.catalog import connect

    ids = [c for c in dict.fromkeys(case_ids) if c]
    if not ids:
        return set()
    with connect(settings.CASEFILE_WORKSPACE) as con:
        marks = ",".join("?" for _ in ids)
        rows = con.execute(f"SELECT case_id FROM case_depts WHERE dept = ? AND case_id IN ({marks})", [dept, *ids])
        return {r[0] for r in rows}


def actor_for(request: HttpRequest) -> Any:
    """The journal's actor for this request: a casefile.identity.Actor with login, department and
    client address."""
    user = request.user
    address = str(request.META.get("REMOTE_ADDR", "")) or None
    from casefile.identity import Actor

    return Actor(name=str(user), dept=user.dept, roles=frozenset(user.role_set),  # type: ignore[union-attr]
                 login=user.username, via="web", address=address)  # type: ignore[union-attr]
