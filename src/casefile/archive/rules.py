"""Pure archival rules: the 档号 (DA/T 22-2015), retention (docs/domain.md §8), when a file may be destroyed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from casefile.clock import local_date
from casefile.models.case import Case
from casefile.models.enums import CaseClass, EnforcementStep, RemedyKind, Retention, Risk, State

DANG_HAO_RE = re.compile(
    r"^(?P<fonds>[A-Z0-9]{4})-(?P<cls>[A-Z]{2})·(?P<year>\d{4})-(?P<ret>Y|D30|D10)-(?P<org>[A-Z0-9]{1,8})-(?P<no>\d{4,})$"
)
RETENTION_YEARS: dict[Retention, int | None] = {Retention.PERMANENT: None, Retention.D30: 30, Retention.D10: 10}
_STRENGTH = {Retention.D10: 0, Retention.D30: 1, Retention.PERMANENT: 2}


@dataclass(frozen=True)
class DangHao:
    """``全宗号-门类代码·年度-保管期限代码-机构（问题）代码-件号``, e.g. ``J001-WS·2026-D30-SBZY-0012``."""

    fonds: str
    year: int
    retention: Retention
    org: str
    number: int
    class_code: str = "WS"

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Z0-9]{4}", self.fonds):
            raise ValueError(f"全宗号应为4位字母或数字：{self.fonds}")
        if not re.fullmatch(r"[A-Z]{2}", self.class_code):
            raise ValueError(f"门类代码应为2个大写字母：{self.class_code}")
        if not 1000 <= self.year <= 9999:
            raise ValueError(f"年度应为4位数字：{self.year}")
        if not re.fullmatch(r"[A-Z0-9]{1,8}", self.org):
            raise ValueError(f"机构（问题）代码应为1至8位字母或数字：{self.org}")
        if not 1 <= self.number <= 9999:
            raise ValueError(f"件号应在0001至9999之间：{self.number}")

    def __str__(self) -> str:
        return f"{self.fonds}-{self.class_code}·{self.year}-{self.retention.value}-{self.org}-{self.number:04d}"

    @classmethod
    def parse(cls, text: str) -> DangHao:
        m = DANG_HAO_RE.match(text.strip())
        if not m:
            raise ValueError(f"档号“{text}”格式不正确，应形如 J001-WS·2026-D30-SBZY-0012")
        return cls(m["fonds"], int(m["year"]), Retention(m["ret"]), m["org"], int(m["no"]), m["cls"])


# -- retention ---------------------------------------------------------------------------------------
TRAIT_LABELS: dict[str, str] = {
    "special": "专案/重大疑难",
    "litigated": "经诉讼",
    "review": "经行政复议",
    "arbitration": "经仲裁",
    "typical": "入选典型案例",
    "enforcement": "征缴执法",
    "joint": "联办",
    "mediation": "调解",
    "referred": "报送办理",
    "direct": "直接办理",
    "redirected": "告知另行办理",
    "any": "全部案件",
}


def transitions_in(entries: Iterable[dict[str, object]]) -> set[str]:
    return {str(e["transition"]) for e in entries if "transition" in e}


def case_traits(case: Case, transitions: Iterable[str] = ()) -> set[str]:
    """Which retention-rule conditions a case meets (from the record and the journal's path)."""
    seen = set(transitions)
    traits = {"any"}
    if case.case_class is CaseClass.MAJOR or case.risk is Risk.HIGH or case.special_approval or {"T7", "T8", "T16"} & seen:
        traits.add("special")
    kinds = {r.kind for r in case.remedies}
    steps = {ev.step for ev in case.enforcement.history} if case.enforcement else set()
    if RemedyKind.LITIGATION in kinds or EnforcementStep.E_LIT in steps:
        traits.add("litigated")
    if RemedyKind.REVIEW in kinds:
        traits.add("review")
    if RemedyKind.ARBITRATION in kinds:
        traits.add("arbitration")
    if case.typical is not None and case.typical.selected:
        traits.add("typical")
    if case.enforcement is not None or "T22" in seen:
        traits.add("enforcement")
    if case.case_class is CaseClass.GENERAL or case.risk is Risk.MEDIUM or "T6" in seen:
        traits.add("joint")
    if case.mediation is not None or "T12" in seen:
        traits.add("mediation")
    if case.case_class is CaseClass.UNCLEAR or "T9" in seen:
        traits.add("referred")
    if case.case_class is CaseClass.OWN or "T5" in seen:
        traits.add("direct")
    if case.state is State.REDIRECTED or case.redirect or "T2" in seen:
        traits.add("redirected")
    return traits


@dataclass(frozen=True)
class RetentionDecision:
    retention: Retention
    reasons: tuple[str, ...]  # the matching traits that set it (Chinese labels)

    @property
    def explanation(self) -> str:
        why = "、".join(self.reasons) if self.reasons else "默认"
        return f"{self.retention.label}（{why}）"


def decide_retention(traits: set[str], rules: Sequence[tuple[str, str]], default: str) -> RetentionDecision:
    """The longest period among the rules whose condition the case meets; ``default`` if none does.

    Longest-wins keeps the table order-free: a 专案 that was also handled directly stays 永久.
    """
    best: Retention | None = None
    reasons: list[str] = []
    for when, code in rules:
        if when not in traits:
            continue
        r = Retention(code)
        if best is None or _STRENGTH[r] > _STRENGTH[best]:
            best, reasons = r, [TRAIT_LABELS[when]]
        elif r is best and TRAIT_LABELS[when] not in reasons:
            reasons.append(TRAIT_LABELS[when])
    if best is None:
        return RetentionDecision(Retention(default), ())
    return RetentionDecision(best, tuple(reasons))


# -- dates ---------------------------------------------------------------------------------------------
def archive_year(case: Case, now: datetime, basis: str) -> int:
    """年度 of the 档号: the year the case was closed (default) or the year it is archived."""
    if basis == "closed" and case.closed_at is not None:
        return local_date(case.closed_at).year
    return local_date(now).year


def retention_ends(year: int, retention: Retention) -> date | None:
    """Last day of the retention period, counted from the end of the 年度 (None = permanent)."""
    n = RETENTION_YEARS[retention]
    return None if n is None else date(year + n, 12, 31)


def purge_allowed_from(year: int, retention: Retention) -> date | None:
    end = retention_ends(year, retention)
    return None if end is None else date(end.year + 1, 1, 1)
