"""The one error tree of casefile.

Every error a user can cause is a :class:`CasefileError` with a stable ``code`` and a Chinese
``message`` that says what is wrong and, where it helps, what to do. Only the CLI turns them into
output (one sentence, exit code, no traceback unless ``CASEFILE_DEBUG`` is set).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One problem found by a validation: where (``field``) and what (``message``)."""

    field: str
    message: str
    code: str = "invalid"

    def __str__(self) -> str:
        return f"{self.field}：{self.message}" if self.field else self.message


class CasefileError(Exception):
    """Base of every error a user can cause. ``exit_code`` 1 = refused/failed, 2 = bad command line."""

    code: str = "error"
    exit_code: int = 1

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class UsageError(CasefileError):
    code = "usage"
    exit_code = 2


class ValidationFailed(CasefileError):
    """Carries every finding at once, so a user fixes a form in one pass."""

    code = "validation"

    def __init__(self, findings: Sequence[Finding], *, subject: str = "输入") -> None:
        self.findings = list(findings)
        lines = "；".join(str(f) for f in self.findings)
        super().__init__(f"{subject}有{len(self.findings)}处错误：{lines}。")


class FieldInvalid(CasefileError):
    """One answer of a form is wrong: which field, what is wrong, what to do (asked again interactively)."""

    code = "field-invalid"

    def __init__(self, field: str, problem: str, todo: str = "") -> None:
        self.field, self.problem, self.todo = field, problem, todo
        text = f"{field}：{problem}"
        if todo:
            text += todo if text.endswith(("？", "。", "！")) else f"，{todo}"
        super().__init__(text.rstrip("。") + "。")

    @property
    def finding(self) -> Finding:
        return Finding(self.field, self.problem + (f"，{self.todo}" if self.todo else ""), self.code)


class InvalidFilters(ValidationFailed):
    """Filters of a list or a search that name nothing the workspace knows (a department, category,
    state…): refused (exit 1), every bad value at once, each finding naming its option."""

    code = "invalid-filters"

    def __init__(self, findings: Sequence[Finding], *, subject: str = "筛选条件") -> None:
        super().__init__(findings, subject=subject)
        if len(self.findings) == 1:  # one problem reads as one sentence
            self.message = f"{self.findings[0]}。"
            self.args = (self.message,)


class ConfigError(CasefileError):
    code = "config"


class UnknownName(CasefileError, ValueError):
    """A name the workspace's settings do not know (a department, a jurisdiction).

    Also a ``ValueError``, so validators that collect findings keep treating it as a bad value.
    ``str()`` is the bare clause (callers build it into their own sentences); ``message``, which the
    CLI prints, is the full sentence."""

    code = "unknown-name"

    def __init__(self, clause: str) -> None:
        super().__init__(clause.rstrip("。") + "。")
        self.clause = clause.rstrip("。")

    def __str__(self) -> str:
        return self.clause


class UnknownDepartment(UnknownName):
    code = "unknown-department"


class UnknownPlace(UnknownName):
    code = "unknown-place"


class WorkspaceNotFound(CasefileError):
    code = "workspace-not-found"


class CaseNotFound(CasefileError):
    code = "case-not-found"


class InvalidCaseId(CasefileError):
    code = "invalid-case-id"


class TransitionRefused(CasefileError):
    code = "transition-refused"


class CaseArchived(CasefileError):
    code = "case-archived"


class LockTimeout(CasefileError):
    code = "lock-timeout"


class CorruptRecord(CasefileError):
    code = "corrupt-record"


class TamperDetected(CorruptRecord):
    """A dossier no longer matches its own journal: nothing is built on top of it."""

    code = "tampered"


class TemplateProblem(CasefileError):
    code = "template"


class MissingData(CasefileError):
    code = "missing-data"


class WaiverRefused(CasefileError):
    """An agreement, decision or correction waives 社会保险费 or 滞纳金, which the law forbids."""

    code = "waiver-refused"


class ExternalToolError(CasefileError):
    code = "external-tool"


class StorageError(CasefileError):
    """Disk full, read-only file system, permissions: the previous state is intact."""

    code = "storage"


class EvidenceRejected(CasefileError):
    code = "evidence-rejected"


class SearchError(CasefileError):
    code = "search"


class ArchiveProblem(CasefileError):
    code = "archive"


class PrivacyLeak(CasefileError):
    code = "privacy-leak"
