"""Codes of the domain (docs/domain.md §1–§2). Values are the stable codes stored on disk."""

from __future__ import annotations

import unicodedata
from enum import StrEnum


def _by_code_or_label(text: str, labels: dict[str, str], what: str) -> str:
    """The code for ``text`` given as the code (any case) or the Chinese label (or one of its
    “/”-separated parts: 联办 for 联办/联合会商). Raises ValueError naming the Chinese choices."""
    t = unicodedata.normalize("NFKC", text).strip()
    for code, label in labels.items():
        if t.upper() == code.upper() or t == label or t in label.split("/"):
            return code
    raise ValueError(f"“{text.strip()}”不是有效的{what}，应为：{'、'.join(labels.values())}")


class State(StrEnum):
    INTAKE = "INTAKE"
    REGISTERED = "REGISTERED"
    REDIRECTED = "REDIRECTED"
    TRIAGE = "TRIAGE"
    DIRECT = "DIRECT"
    JOINT = "JOINT"
    SPECIAL_REQ = "SPECIAL_REQ"
    SPECIAL = "SPECIAL"
    REFERRED = "REFERRED"
    MEDIATION = "MEDIATION"
    DECIDED = "DECIDED"
    NOTIFIED = "NOTIFIED"
    FOLLOW_UP = "FOLLOW_UP"
    REMEDY = "REMEDY"
    ENFORCEMENT = "ENFORCEMENT"
    CLOSED = "CLOSED"
    ARCHIVED = "ARCHIVED"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> State:
        """A state by its code (JOINT) or Chinese name (联办/联合会商, or 联办)."""
        return cls(_by_code_or_label(text, {k.value: v for k, v in STATE_LABELS.items()}, "状态"))


STATE_LABELS: dict[State, str] = {
    State.INTAKE: "接待登记中",
    State.REGISTERED: "已登记",
    State.REDIRECTED: "告知另行办理",
    State.TRIAGE: "审核分类/风险初判",
    State.DIRECT: "直接办理",
    State.JOINT: "联办/联合会商",
    State.SPECIAL_REQ: "专案报批",
    State.SPECIAL: "专案处理/联席会议",
    State.REFERRED: "报送办理",
    State.MEDIATION: "调解中",
    State.DECIDED: "已形成处理意见",
    State.NOTIFIED: "已书面反馈",
    State.FOLLOW_UP: "跟踪回访",
    State.REMEDY: "救济跟踪",
    State.ENFORCEMENT: "征缴执法",
    State.CLOSED: "办结",
    State.ARCHIVED: "已归档",
}

OPEN_STATES = frozenset(State) - {State.REDIRECTED, State.CLOSED, State.ARCHIVED}


class EnforcementStep(StrEnum):
    E1 = "E1"
    E2 = "E2"
    E3 = "E3"
    E4 = "E4"
    E5 = "E5"
    E6 = "E6"
    E7 = "E7"
    E_LIT = "E_LIT"
    E_FINE = "E_FINE"
    E_DONE = "E_DONE"

    @property
    def label(self) -> str:
        return ENFORCEMENT_LABELS[self]

    @property
    def text(self) -> str:
        """How a person reads the step: 责令限期缴纳（E2）; the end of the ladder by its name only."""
        return self.label if self is EnforcementStep.E_DONE else f"{self.label}（{self.value}）"

    @classmethod
    def parse(cls, text: str) -> EnforcementStep:
        return cls(_by_code_or_label(text, {k.value: v for k, v in ENFORCEMENT_LABELS.items()}, "执法步骤"))


ENFORCEMENT_LABELS: dict[EnforcementStep, str] = {
    EnforcementStep.E1: "征缴事项告知",
    EnforcementStep.E2: "责令限期缴纳",
    EnforcementStep.E3: "征收决定",
    EnforcementStep.E4: "账户查询/划拨/担保",
    EnforcementStep.E5: "催告",
    EnforcementStep.E6: "申请法院强制执行",
    EnforcementStep.E7: "法院审查/裁定",
    EnforcementStep.E_LIT: "复议/诉讼中",
    EnforcementStep.E_FINE: "罚款移送",
    EnforcementStep.E_DONE: "执行完毕",
}


class Flag(StrEnum):
    OVERDUE = "OVERDUE"
    PUBLIC_OPINION = "PUBLIC_OPINION"
    STABILITY = "STABILITY"
    REPEAT = "REPEAT"
    MASS = "MASS"
    DISCIPLINE_REFERRAL = "DISCIPLINE_REFERRAL"
    HISTORICAL_ARREARS = "HISTORICAL_ARREARS"
    LATE_FEE_GE_PRINCIPAL = "LATE_FEE_GE_PRINCIPAL"
    LARGE_AMOUNT = "LARGE_AMOUNT"
    STUCK = "STUCK"
    DUE_SOON = "DUE_SOON"

    @property
    def label(self) -> str:
        return FLAG_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> Flag:
        return cls(_by_code_or_label(text, {k.value: v for k, v in FLAG_LABELS.items()}, "案件标记"))


FLAG_LABELS: dict[Flag, str] = {
    Flag.OVERDUE: "超期",
    Flag.PUBLIC_OPINION: "舆情",
    Flag.STABILITY: "涉访涉稳",
    Flag.REPEAT: "重复诉求",
    Flag.MASS: "群体性",
    Flag.DISCIPLINE_REFERRAL: "移交纪委监委",
    Flag.HISTORICAL_ARREARS: "历史欠费",
    Flag.LATE_FEE_GE_PRINCIPAL: "滞纳金达到本金",
    Flag.LARGE_AMOUNT: "大额",
    Flag.STUCK: "滞留",
    Flag.DUE_SOON: "即将到期",
}


class Category(StrEnum):
    C01 = "C01_REG_TRANSFER"
    C02 = "C02_REG_INFO_SYNC"
    C03 = "C03_BASE_DECL"
    C04 = "C04_AMOUNT"
    C05 = "C05_SPECIAL_ASSESS"
    C06 = "C06_LATE_FEE"
    C07 = "C07_REFUND"
    C08 = "C08_BENEFIT"
    C09 = "C09_COLLECT_AUDIT_ARREARS"
    C10 = "C10_OTHER"
    P1 = "P1_NOT_ENROLLED"
    P2 = "P2_DECLARED_UNPAID"
    P3 = "P3_BASE_MISMATCH"
    P4 = "P4_OTHER_BENEFIT"

    @property
    def short(self) -> str:
        return self.value.split("_", 1)[0]

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> Category:
        """Accept the full code, the short code (C06), or the Chinese name."""
        t = text.strip()
        for c in cls:
            if t.upper() in (c.value, c.short) or t == CATEGORY_LABELS[c]:
                return c
        from casefile.rules.text import did_you_mean

        near = did_you_mean(t, CATEGORY_LABELS.values())
        hint = f"，是不是“{'”或“'.join(near)}”？" if near else "，"
        raise ValueError(f"未知的争议类别“{t}”{hint}可填类别名称或代码（C01–C10、P1–P4）")


CATEGORY_LABELS: dict[Category, str] = {
    Category.C01: "登记和关系转移",
    Category.C02: "登记信息传递",
    Category.C03: "缴费基数申报",
    Category.C04: "缴费金额",
    Category.C05: "特殊缴费应征金额",
    Category.C06: "滞纳金加收",
    Category.C07: "退(抵)费",
    Category.C08: "待遇核定和支付",
    Category.C09: "征缴/检查/追缴",
    Category.C10: "其他",
    Category.P1: "应参未参",
    Category.P2: "已申报未按时缴纳",
    Category.P3: "缴费基数与实际不符",
    Category.P4: "其他征缴、待遇争议",
}


class Channel(StrEnum):
    WINDOW = "窗口来访"
    HOTLINE_12345 = "12345热线"
    HOTLINE_12366 = "12366热线"
    PETITION = "信访"
    LETTER = "书信传真"
    GRID = "网格员"
    ONLINE = "线上"
    TRANSFER = "部门移送"
    PUBLIC_OPINION = "舆情监测"

    @classmethod
    def parse(cls, text: str) -> Channel:
        t = text.strip()
        for c in cls:
            if t in (c.value, c.name, c.name.lower()):
                return c
        aliases = {"窗口": cls.WINDOW, "来访": cls.WINDOW, "12345": cls.HOTLINE_12345,
                   "12366": cls.HOTLINE_12366, "书信": cls.LETTER, "传真": cls.LETTER, "舆情": cls.PUBLIC_OPINION}
        if t in aliases:
            return aliases[t]
        raise ValueError(f"未知的受理渠道“{t}”，应为：{'、'.join(c.value for c in cls)}")


class InsuranceType(StrEnum):
    PENSION = "基本养老"
    MEDICAL = "基本医疗"
    INJURY = "工伤"
    UNEMPLOYMENT = "失业"
    RESIDENT_PENSION = "城乡居民养老"
    RESIDENT_MEDICAL = "城乡居民医疗"

    @classmethod
    def parse(cls, text: str) -> InsuranceType:
        t = text.strip()
        aliases = {"养老": cls.PENSION, "医疗": cls.MEDICAL, "生育": cls.MEDICAL, "工伤保险": cls.INJURY,
                   "失业保险": cls.UNEMPLOYMENT, "基本养老保险": cls.PENSION, "基本医疗保险": cls.MEDICAL}
        for c in cls:
            if t in (c.value, c.name):
                return c
        if t in aliases:
            return aliases[t]
        raise ValueError(f"未知的险种“{t}”，应为：{'、'.join(c.value for c in cls)}")


class CaseClass(StrEnum):
    OWN = "本单位"
    GENERAL = "一般"
    MAJOR = "重大疑难"
    UNCLEAR = "职责不清"


class Risk(StrEnum):
    LOW = "低"
    MEDIUM = "中"
    HIGH = "高"


class PartyKind(StrEnum):
    UNIT = "unit"
    PERSON = "person"

    @property
    def label(self) -> str:
        return "单位" if self is PartyKind.UNIT else "个人"

    @classmethod
    def parse(cls, text: str) -> PartyKind:
        t = text.strip().lower()
        words = {"单位": cls.UNIT, "用人单位": cls.UNIT, "企业": cls.UNIT, "个人": cls.PERSON, "自然人": cls.PERSON,
                 "unit": cls.UNIT, "person": cls.PERSON}
        if t in words:
            return words[t]
        raise ValueError(f"“{text.strip()}”不是有效的类型，应为“单位”或“个人”")


class PayerGroup(StrEnum):
    UNIT = "单位"
    PERSON = "个人"
    FLEXIBLE = "灵活就业"
    RESIDENT = "城乡居民"
    RETIRED = "退休"


class Satisfaction(StrEnum):
    SATISFIED = "满意"
    BASIC = "基本满意"
    UNSATISFIED = "不满意"


class RemedyKind(StrEnum):
    MEDIATION = "调解"
    REVIEW = "复议"
    ARBITRATION = "仲裁"
    LITIGATION = "诉讼"
    RECHECK = "复查"


class Retention(StrEnum):
    PERMANENT = "Y"
    D30 = "D30"
    D10 = "D10"

    @property
    def label(self) -> str:
        return {"Y": "永久", "D30": "定期30年", "D10": "定期10年"}[self.value]
