"""The case record (docs/format.md §3) and the intake form that creates it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from casefile.models.enums import (
    CaseClass,
    Category,
    Channel,
    EnforcementStep,
    Flag,
    InsuranceType,
    PartyKind,
    PayerGroup,
    Risk,
    State,
)
from casefile.models.party import Party
from casefile.models.records import (
    ArchiveInfo,
    CenterReport,
    CityCoordination,
    Deadline,
    Decision,
    DocumentRecord,
    Enforcement,
    EvidenceRecord,
    Extension,
    FollowUp,
    Jurisdiction,
    Mediation,
    Meeting,
    Obligation,
    Opinion,
    Pause,
    Referral,
    Remedy,
    Service,
    TypicalInfo,
)
from casefile.rules.money import parse_amount

SCHEMA_VERSION = 1


def _parse_categories(v: object) -> object:
    if isinstance(v, str):
        v = [p for p in v.replace("，", ",").split(",") if p.strip()]
    if isinstance(v, list):
        return [Category.parse(x) if isinstance(x, str) else x for x in v]
    return v


def _parse_insurance(v: object) -> object:
    if isinstance(v, str):
        v = [p for p in v.replace("，", ",").replace("、", ",").split(",") if p.strip()]
    if isinstance(v, list):
        return [InsuranceType.parse(x) if isinstance(x, str) else x for x in v]
    return v


def _parse_amounts(v: object) -> object:
    if isinstance(v, dict):
        return {str(k): parse_amount(x) if isinstance(x, str | int) else x for k, x in v.items()}
    return v


class IntakeForm(BaseModel):
    """受理登记: what a case officer fills in (examples/intake-*.yaml)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    channel: Channel
    channel_ref: str | None = Field(default=None, max_length=64)
    received_at: datetime
    first_handler: str = Field(min_length=1, max_length=50)
    intake_dept: str = Field(min_length=1)
    jurisdiction: Jurisdiction
    applicant: Party
    counterparty: Party | None = None
    categories: list[Category] = Field(min_length=1)
    insurance_types: list[InsuranceType] = Field(default_factory=list)
    periods: list[str] = Field(default_factory=list)
    amounts: dict[str, Decimal] = Field(default_factory=dict)
    claim: str = Field(min_length=1, max_length=20000)
    attachments: list[str] = Field(default_factory=list)
    payer_group: PayerGroup | None = None
    flags: list[Flag] = Field(default_factory=list)
    note: str | None = Field(default=None, max_length=5000)

    _cats = field_validator("categories", mode="before")(_parse_categories)
    _ins = field_validator("insurance_types", mode="before")(_parse_insurance)
    _amt = field_validator("amounts", mode="before")(_parse_amounts)

    @field_validator("channel", mode="before")
    @classmethod
    def _channel(cls, v: object) -> object:
        return Channel.parse(v) if isinstance(v, str) else v

    @field_validator("periods", mode="before")
    @classmethod
    def _periods(cls, v: object) -> object:
        return [str(x) for x in v] if isinstance(v, list) else v

    def total_amount_at_least(self, threshold: Decimal) -> bool:
        return sum(self.amounts.values(), Decimal("0.00")) >= threshold

    @field_validator("received_at")
    @classmethod
    def _aware(cls, v: datetime) -> datetime:
        from casefile.clock import to_local

        # year 1 or 9999 overflows every time-zone and deadline computation; no matter here is that old
        if not 2000 <= v.year <= 2200:
            raise ValueError(f"{v.year}年不是有效的来访时间，请填写实际来访时间（如 2026-11-03T09:40）")
        return to_local(v)


class Case(BaseModel):
    """The current record of one case (case.json). The journal holds its history."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False)

    schema_version: int = SCHEMA_VERSION
    id: str
    number: str
    year: int
    seq: int
    profile: str
    state: State
    previous_state: State | None = None
    flags: list[Flag] = Field(default_factory=list)
    channel: Channel
    channel_ref: str | None = None
    received_at: datetime
    registered_at: datetime | None = None
    first_handler: str
    intake_dept: str
    coordinator_dept: str
    lead_dept: str | None = None
    co_depts: list[str] = Field(default_factory=list)
    jurisdiction: Jurisdiction
    applicant: Party
    counterparty: Party | None = None
    payer_group: PayerGroup
    categories: list[Category]
    insurance_types: list[InsuranceType] = Field(default_factory=list)
    periods: list[str] = Field(default_factory=list)
    amounts: dict[str, Decimal] = Field(default_factory=dict)
    claim: str
    attachments: list[str] = Field(default_factory=list)
    note: str | None = None
    case_class: CaseClass | None = None
    risk: Risk | None = None
    triage_note: str | None = None
    redirect: dict[str, Any] | None = None
    deadlines: list[Deadline] = Field(default_factory=list)
    extensions: list[Extension] = Field(default_factory=list)
    pauses: list[Pause] = Field(default_factory=list)
    opinions: list[Opinion] = Field(default_factory=list)
    meetings: list[Meeting] = Field(default_factory=list)
    special_approval: dict[str, Any] | None = None
    referral: Referral | None = None
    mediation: Mediation | None = None
    decision: Decision | None = None
    obligations: list[Obligation] = Field(default_factory=list)
    requirements: str | None = None  # 办理要求 of a 转办单 (D08)
    services: list[Service] = Field(default_factory=list)
    followups: list[FollowUp] = Field(default_factory=list)
    remedies: list[Remedy] = Field(default_factory=list)
    enforcement: Enforcement | None = None
    center_report: CenterReport | None = None
    city_coordination: list[CityCoordination] = Field(default_factory=list)
    documents: list[DocumentRecord] = Field(default_factory=list)
    evidence: list[EvidenceRecord] = Field(default_factory=list)
    closed_at: datetime | None = None
    close_reason: str | None = None
    archive: ArchiveInfo | None = None
    typical: TypicalInfo | None = None
    reopened_from: str | None = None
    # a step being redone after `reopen --step` (kind, reason, at, from): documents issued while it is set
    # supersede the ones of the same type as numbered corrections; cleared when the case closes again
    redo: dict[str, Any] | None = None
    corrections: list[dict[str, Any]] = Field(default_factory=list)
    version: int = 0
    updated_at: datetime | None = None

    # -- convenience -----------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        from casefile.models.enums import OPEN_STATES

        return self.state in OPEN_STATES

    @property
    def route(self) -> str:
        if self.case_class is None and self.risk is None:
            return "未分类"
        parts = [p for p in (self.case_class and self.case_class.value, self.risk and f"{self.risk.value}风险") if p]
        return "/".join(parts)

    @property
    def enforcement_step(self) -> EnforcementStep | None:
        return self.enforcement.step if self.enforcement else None

    def open_deadlines(self) -> list[Deadline]:
        return [d for d in self.deadlines if d.done_at is None]

    def deadline(self, step: str) -> Deadline | None:
        for d in reversed(self.deadlines):
            if d.step == step:
                return d
        return None

    def document(self, doc_id: str) -> DocumentRecord | None:
        return next((d for d in self.documents if d.doc_id == doc_id), None)

    def documents_of(self, doc_type: str) -> list[DocumentRecord]:
        return [d for d in self.documents if d.doc_type == doc_type and d.superseded_by is None]

    def overdue(self, today: date) -> list[Deadline]:
        return [d for d in self.deadlines if d.done_at is None and d.due < today]

    def party_names(self) -> list[str]:
        names = [self.applicant.name]
        if self.counterparty:
            names.append(self.counterparty.name)
        for p in (self.applicant, self.counterparty):
            if p and p.legal_rep:
                names.append(p.legal_rep)
        return names

    @property
    def outcome(self) -> str:
        """How the matter ended, in a small stable vocabulary (the search ``outcome`` filter and facet,
        typical cases)."""
        from casefile.models.enums import EnforcementStep, State

        if self.state is State.REDIRECTED:
            return "告知另行办理"
        if self.enforcement is not None and self.enforcement.step is EnforcementStep.E_DONE:
            return "执行完毕"
        if self.mediation is not None and self.mediation.agreed is True:
            return "调解成功"
        if self.mediation is not None and self.mediation.agreed is False:
            return "调解不成"
        if self.decision is not None:
            return "已形成处理意见"
        if self.state in (State.CLOSED, State.ARCHIVED):
            return "办结"
        return "办理中"

    @property
    def total_amount(self) -> Decimal:
        return sum(self.amounts.values(), Decimal("0.00"))

    @property
    def is_unit_payer(self) -> bool:
        return self.applicant.kind is PartyKind.UNIT
