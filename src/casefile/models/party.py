"""Parties: the payer/complainant (缴费人/反映人) and the counterparty (对方当事人)."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from casefile.models.enums import PartyKind
from casefile.rules.ids import normalise_mobile, validate_id_number, validate_landline, validate_uscc

_COUNT_RE = re.compile(r"(\d+)\s*[人名]")


class Party(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: PartyKind
    name: str = Field(min_length=1, max_length=200)
    credit_code: str | None = None
    id_number: str | None = None
    mobile: str | None = None
    phone: str | None = None
    address: str | None = Field(default=None, max_length=500)
    legal_rep: str | None = Field(default=None, max_length=100)
    agent: str | None = Field(default=None, max_length=100)
    represents: str | None = Field(default=None, max_length=500)
    represents_count: int | None = Field(default=None, ge=0, le=1_000_000)
    bank_account: str | None = Field(default=None, max_length=40)

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, v: object) -> object:
        return PartyKind.parse(v) if isinstance(v, str) else v

    @field_validator("credit_code")
    @classmethod
    def _uscc(cls, v: str | None) -> str | None:
        return validate_uscc(v) if v else None

    @field_validator("id_number", mode="before")
    @classmethod
    def _id(cls, v: object) -> object:
        # The birth-date-not-in-the-future check needs "today"; it is applied at intake.
        return validate_id_number(str(v)) if v not in (None, "") else None

    @field_validator("mobile", mode="before")
    @classmethod
    def _mobile(cls, v: object) -> object:
        return normalise_mobile(str(v)) if v not in (None, "") else None

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str | None) -> str | None:
        return validate_landline(v) if v else None

    @field_validator("bank_account")
    @classmethod
    def _bank(cls, v: str | None) -> str | None:
        if not v:
            return None
        digits = re.sub(r"[\s\-]", "", v)
        if not re.fullmatch(r"\d{8,30}", digits):
            raise ValueError("银行账号应为8–30位数字")
        return digits

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if any(ord(ch) < 32 for ch in v):
            raise ValueError("名称中含有控制字符")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Party:
        if self.kind is PartyKind.UNIT and self.id_number and not self.credit_code:
            raise ValueError("单位应填写统一社会信用代码，而不是身份证号")
        if self.kind is PartyKind.PERSON and self.credit_code:
            raise ValueError("个人不应填写统一社会信用代码")
        if self.represents and self.represents_count is None:
            m = _COUNT_RE.search(self.represents)
            if m:
                self.represents_count = int(m.group(1))
        return self

    @property
    def id_label(self) -> str:
        return "统一社会信用代码" if self.kind is PartyKind.UNIT else "身份证号码"

    @property
    def id_value(self) -> str | None:
        return self.credit_code if self.kind is PartyKind.UNIT else self.id_number
