"""The records a case accumulates as it moves through the procedure."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from casefile.models.enums import EnforcementStep, RemedyKind, Retention, Satisfaction


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Jurisdiction(Record):
    name: str = Field(min_length=1, max_length=100)
    code: str = Field(pattern=r"^\d{6}$")
    # registered although not in the workspace's list (首问负责: the first receiver registers it anyway)
    outside: bool = False


class Deadline(Record):
    """A time limit of one step. ``due`` already includes extensions and pauses."""

    step: str
    label: str
    start: date
    n: int
    unit: str
    rule: str = "civil"
    base_due: date
    due: date
    dept: str | None = None
    extended_days: int = 0
    paused_days: int = 0
    explanation: list[str] = Field(default_factory=list)
    done_at: date | None = None

    @property
    def open(self) -> bool:
        return self.done_at is None


class Extension(Record):
    step: str
    days: int
    reason: str
    approver: str
    at: datetime
    doc_id: str | None = None


class Pause(Record):
    step: str
    reason: str
    start: date
    end: date | None = None


class Opinion(Record):
    """A co-handling department's written opinion (D05), or the record that it lapsed."""

    dept: str
    requested_at: date
    due: date
    request_doc: str | None = None
    received_at: date | None = None
    text: str | None = None
    basis: str | None = None
    will_act: bool = False
    handler: str | None = None
    facts: str | None = None
    lapsed: bool = False
    doc_id: str | None = None


class AgreedItem(Record):
    """议定事项 of a meeting: what a department must do and by when, ticked off when done."""

    text: str
    unit: str | None = None
    due: date | None = None
    done_at: date | None = None
    done_note: str | None = None


class Obligation(Record):
    """What an agreement or a decision requires of a party (当事人应当履行的事项).

    The case cannot close while one is neither done nor waived by the party it benefits (with a reason).
    """

    party: str
    text: str
    due: date | None = None
    source: str = "处理意见"
    done_at: date | None = None
    done_note: str | None = None
    waived_by: str | None = None
    waived_reason: str | None = None

    @property
    def settled(self) -> bool:
        return self.done_at is not None or self.waived_by is not None


class Meeting(Record):
    kind: str = "会商"
    title: str
    scheduled_at: datetime
    place: str
    host: str
    topics: list[str] = Field(default_factory=list)
    participants: list[str] = Field(default_factory=list)
    materials: str | None = None
    notice_doc: str | None = None
    held_at: datetime | None = None
    attendees: list[str] = Field(default_factory=list)
    observers: list[str] = Field(default_factory=list)
    absent: list[str] = Field(default_factory=list)
    summary: str | None = None
    policy_basis: str | None = None
    opinion: str | None = None
    public_opinion_risk: str | None = None
    litigation_risk: str | None = None
    items: list[AgreedItem] = Field(default_factory=list)
    minutes_doc: str | None = None


class Decision(Record):
    text: str
    findings: str | None = None
    basis: list[str] = Field(default_factory=list)
    obligations: str | None = None
    decided_at: datetime
    source: str = "受理部门"
    agreed: bool | None = None  # mediation outcome, where it applies


class Mediation(Record):
    started_at: datetime
    mediator: str
    organisation: str | None = None
    ended_at: datetime | None = None
    agreed: bool | None = None
    terms: list[str] = Field(default_factory=list)
    performance: str | None = None
    doc_id: str | None = None


class Urge(Record):
    """催办: the receiving department presses the 承办部门 (naiman), on the date it really did so."""

    on: date
    dept: str | None = None
    text: str
    recorded_at: datetime
    doc_id: str | None = None


class Referral(Record):
    sent_at: datetime
    to: str
    reason: str
    suggested_dept: str | None = None
    hotline_ref: str | None = None
    reply_due: date | None = None
    replied_at: datetime | None = None
    handling_dept: str | None = None
    reply_text: str | None = None
    refusals: list[dict[str, Any]] = Field(default_factory=list)
    urges: list[Urge] = Field(default_factory=list)
    doc_id: str | None = None


class CenterReport(Record):
    """A department's report to the 综治中心 on a low-risk matter it handled itself (pianguan)."""

    dept: str
    reported_on: date
    text: str
    recorded_at: datetime


class CityCoordination(Record):
    """提请市级部门协调 (pianguan): what the county could not settle, and what the city answered."""

    requested_on: date
    to: str
    reason: str
    recorded_at: datetime
    result: str | None = None
    result_on: date | None = None


class Service(Record):
    """送达: proof that a document reached its addressee (D22)."""

    doc_id: str
    recipient: str
    method: str = "直接送达"
    place: str | None = None
    served_at: date | None = None
    refused: bool = False
    proof_doc: str | None = None


class FollowUp(Record):
    at: datetime
    method: str
    by: str
    respondent: str
    satisfaction: Satisfaction
    objection: bool = False
    remedy: RemedyKind | None = None
    suggestions: str | None = None
    content: str | None = None
    party: str | None = None  # "applicant" | "counterparty": both parties are followed up
    doc_id: str | None = None


class Remedy(Record):
    kind: RemedyKind
    body: str
    filed_at: date
    status: str = "进行中"
    outcome: str | None = None
    closed_at: date | None = None


class ArrearsLine(Record):
    insurance_type: str
    period: str
    headcount: int | None = None
    base: Decimal | None = None
    due: Decimal
    paid: Decimal = Decimal("0.00")

    @property
    def owed(self) -> Decimal:
        return self.due - self.paid


class EnforcementEvent(Record):
    step: EnforcementStep
    at: datetime
    note: str | None = None
    doc_ids: list[str] = Field(default_factory=list)
    pay_by: date | None = None


class Payment(Record):
    """One payment, principal and late fee apart (a receipt shows both)."""

    on: date
    principal: Decimal = Decimal("0.00")
    late_fee: Decimal = Decimal("0.00")
    at: datetime | None = None
    note: str | None = None


class Enforcement(Record):
    step: EnforcementStep = EnforcementStep.E1
    started_at: datetime
    respondent: str
    arrears: list[ArrearsLine] = Field(default_factory=list)
    history: list[EnforcementEvent] = Field(default_factory=list)
    pay_by: date | None = None
    paid_on: date | None = None  # the day the principal was settled in full
    collected: Decimal = Decimal("0.00")
    late_fee_total: Decimal | None = None  # late fee due up to paid_on (or last computed)
    outcome: str | None = None
    court: str | None = None
    payments: list[Payment] = Field(default_factory=list)
    # what the 征收决定 (E3, D18) decided: D20 and D21 claim exactly these amounts
    decided_principal: Decimal | None = None
    decided_late_fee: Decimal | None = None
    decided_fee_until: date | None = None
    decision_pay_by: date | None = None
    # E6 (D21): the agency head who signs and what the party said when it was heard (陈述申辩)
    head: str | None = None
    party_views: str | None = None
    # E4 (D23): instalments and guarantee
    schedule: list[dict[str, str]] = Field(default_factory=list)
    guarantee: str | None = None

    @property
    def total_owed(self) -> Decimal:
        return sum((a.owed for a in self.arrears), Decimal("0.00"))

    @property
    def paid_principal(self) -> Decimal:
        return sum((p.principal for p in self.payments), Decimal("0.00"))

    @property
    def paid_late_fee(self) -> Decimal:
        return sum((p.late_fee for p in self.payments), Decimal("0.00"))


class DocumentRecord(Record):
    doc_id: str
    doc_type: str
    title: str
    wenhao: str | None = None
    serial: int | None = None
    year: int
    file: str
    pdf: str | None = None
    sha256: str
    template_sha256: str
    data_file: str
    issued_at: datetime
    issued_by: str
    recipient: str | None = None
    corrects: str | None = None
    superseded_by: str | None = None
    pages: int | None = None


class EvidenceRecord(Record):
    ev_id: str
    original_name: str
    file: str
    sha256: str
    size: int
    pages: int | None = None
    received_at: datetime
    source: str
    slot: str | None = None
    media_type: str | None = None
    text_status: str
    text_file: str | None = None
    text_chars: int = 0
    archive_pdf: str | None = None
    note: str | None = None
    duplicates: list[datetime] = Field(default_factory=list)
    # SHA-256 of the file as it arrived, when what was filed differs (a scan with its cover page removed)
    source_sha256: str | None = None

    def display_name(self, number: int) -> str:
        """What documents call it: the name the officer gave it on filing (``--slot``), else its file
        name when that is words, else its number among the case's evidence (``第3份证据材料``), never
        a camera's ``IMG_….jpg``."""
        import re
        from pathlib import PurePosixPath

        stem = PurePosixPath(self.original_name).stem.strip()
        return (self.slot or "").strip() or (stem if re.search(r"[\u4e00-\u9fff]", stem) else f"第{number}份证据材料")


class ArchiveInfo(Record):
    dang_hao: str
    fonds: str
    year: int
    retention: Retention
    jian_hao: int
    archived_at: datetime
    filer: str
    checker: str
    version: int = 1
    bag: str
    pages: int | None = None  # 卷内文件页数 (the documents and evidence, without cover, index, 备考表)
    journal_sha256: str | None = None  # the journal's chain head when it was archived (before T24)
    previous: str | None = None  # 档号 of the archived version this one continues (reopened cases)
    items: int | None = None  # 件数
    payload_oxum: str | None = None  # BagIt Payload-Oxum of data/
    manifest_sha256: str | None = None  # SHA-256 of manifest-sha256.txt (the payload fixity list)
    reopened_from: str | None = None  # case id of the archived version this case continues


class TypicalInfo(Record):
    selected: bool = False
    draft: str | None = None
    reviewer: str | None = None
    reviewed_at: datetime | None = None
    approver: str | None = None
    approved_at: datetime | None = None
    published_id: str | None = None
