"""What a verification can find: one class per kind, each under one of the four properties
(四性, DA/T 70-2018), so a report lists every problem and a test asserts on the type."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar


class Property(StrEnum):
    AUTHENTIC = "真实性"
    COMPLETE = "完整性"
    USABLE = "可用性"
    SECURE = "安全性"


@dataclass(frozen=True)
class Finding:
    """Base of every finding. ``case_id`` is the case (or "" for a bag read from a path, or a
    year-level finding); ``path`` is relative to the bag root where there is one."""

    code: ClassVar[str] = "finding"
    prop: ClassVar[Property] = Property.AUTHENTIC
    path: str = ""
    case_id: str = ""

    @property
    def message(self) -> str:  # pragma: no cover - every subclass says what it is
        return self.path

    def located(self, case_id: str) -> Finding:
        from dataclasses import replace

        return replace(self, case_id=case_id)

    def as_dict(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "property": self.prop.value, "code": self.code, "path": self.path,
                "message": self.message}

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Changed(Finding):
    """The file's digest differs from the manifest (content altered)."""

    code: ClassVar[str] = "changed"
    algorithms: tuple[str, ...] = ()
    by_size: bool = False

    @property
    def message(self) -> str:
        if self.by_size:
            return f"文件 {self.path} 的大小与归档时不同（内容已被改动）"
        algs = "、".join(a.upper() for a in self.algorithms)
        return f"文件 {self.path} 的内容已被改动（{algs} 校验值不符）"


@dataclass(frozen=True)
class Missing(Finding):
    code: ClassVar[str] = "missing"
    prop: ClassVar[Property] = Property.COMPLETE

    @property
    def message(self) -> str:
        return f"清单中的文件 {self.path} 不存在（被删除）"


@dataclass(frozen=True)
class Unexpected(Finding):
    code: ClassVar[str] = "unexpected"
    prop: ClassVar[Property] = Property.SECURE

    @property
    def message(self) -> str:
        return f"归档包中多出了清单以外的文件 {self.path}"


@dataclass(frozen=True)
class Renamed(Finding):
    """A file missing under its manifest name whose content is present under another name."""

    code: ClassVar[str] = "renamed"
    prop: ClassVar[Property] = Property.COMPLETE
    new_path: str = ""

    @property
    def message(self) -> str:
        return f"文件 {self.path} 被改名为 {self.new_path}（内容未变）"


@dataclass(frozen=True)
class BrokenChain(Finding):
    code: ClassVar[str] = "broken-chain"
    line: int = 0
    detail: str = ""

    @property
    def message(self) -> str:
        return f"{self.path} 的哈希链断裂：{self.detail}"


@dataclass(frozen=True)
class BadPath(Finding):
    """A manifest names a path outside the bag (absolute, ``..``): never opened."""

    code: ClassVar[str] = "bad-path"
    prop: ClassVar[Property] = Property.SECURE
    manifest: str = ""

    @property
    def message(self) -> str:
        return f"{self.manifest} 中的路径“{self.path}”指向归档包以外（已拒绝读取）"


@dataclass(frozen=True)
class Malformed(Finding):
    """A tag file that is missing a field, unreadable or not in the expected format."""

    code: ClassVar[str] = "malformed"
    detail: str = ""

    @property
    def message(self) -> str:
        return f"{self.path}：{self.detail}" if self.path else self.detail


@dataclass(frozen=True)
class Inconsistent(Finding):
    """Two records that must agree do not (journal vs bag-info, case.json vs journal, …)."""

    code: ClassVar[str] = "inconsistent"
    detail: str = ""

    @property
    def message(self) -> str:
        return self.detail


@dataclass(frozen=True)
class OxumMismatch(Finding):
    code: ClassVar[str] = "oxum"
    prop: ClassVar[Property] = Property.COMPLETE
    expected: str = ""
    actual: str = ""

    @property
    def message(self) -> str:
        return f"Payload-Oxum 不符：记录为 {self.expected}（字节数.文件数），实际为 {self.actual}"


@dataclass(frozen=True)
class CountMismatch(Finding):
    code: ClassVar[str] = "count"
    prop: ClassVar[Property] = Property.COMPLETE
    what: str = ""
    expected: int = 0
    actual: int = 0

    @property
    def message(self) -> str:
        return f"{self.what}不符：记录为{self.expected}，实际为{self.actual}"


@dataclass(frozen=True)
class SequenceGap(Finding):
    code: ClassVar[str] = "gap"
    prop: ClassVar[Property] = Property.COMPLETE
    year: int = 0
    numbers: tuple[int, ...] = ()

    @property
    def message(self) -> str:
        shown = "、".join(f"{n:04d}" for n in self.numbers)
        return f"{self.year}年度件号不连续，缺少 {shown}（无归档案卷，也无销毁或作废记录）"


@dataclass(frozen=True)
class AnchorMismatch(Finding):
    """A tag manifest differs from the digest the preservation log recorded when the bag was sealed:
    a tag file (bag-info.txt, archive.json, case.json …) was changed and the tag manifests recomputed."""

    code: ClassVar[str] = "anchor-mismatch"

    @property
    def message(self) -> str:
        return (f"{self.path} 与归档时记入保管日志的校验值不符：标签文件（bag-info.txt、archive.json 等）被改动，"
                f"标签清单被重新计算过")


@dataclass(frozen=True)
class BagMissing(Finding):
    """The preservation log records a bag as archived, and neither the bag nor a destruction is there."""

    code: ClassVar[str] = "bag-missing"
    prop: ClassVar[Property] = Property.COMPLETE
    year: int = 0
    number: int = 0
    dang_hao: str = ""

    @property
    def message(self) -> str:
        return (f"档号 {self.dang_hao}（案件 {self.case_id}）在保管日志中记为已归档，但归档包不存在，"
                f"也没有经批准的销毁记录（被删除或移走）")


@dataclass(frozen=True)
class DuplicateNumber(Finding):
    code: ClassVar[str] = "duplicate-number"
    prop: ClassVar[Property] = Property.COMPLETE
    dang_hao: str = ""
    cases: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        return f"档号 {self.dang_hao} 被多件案卷使用：{'、'.join(self.cases)}"


@dataclass(frozen=True)
class RequiredMissing(Finding):
    code: ClassVar[str] = "required-missing"
    prop: ClassVar[Property] = Property.COMPLETE
    detail: str = ""

    @property
    def message(self) -> str:
        return f"案卷缺少应有的文书：{self.detail}"


@dataclass(frozen=True)
class Unusable(Finding):
    code: ClassVar[str] = "unusable"
    prop: ClassVar[Property] = Property.USABLE
    detail: str = ""

    @property
    def message(self) -> str:
        return f"{self.path}：{self.detail}"


@dataclass(frozen=True)
class Writable(Finding):
    code: ClassVar[str] = "writable"
    prop: ClassVar[Property] = Property.SECURE

    @property
    def message(self) -> str:
        return f"{self.path or '案卷目录'} 未设为只读"


@dataclass(frozen=True)
class NotArchived(Finding):
    code: ClassVar[str] = "not-archived"
    prop: ClassVar[Property] = Property.COMPLETE
    detail: str = ""

    @property
    def message(self) -> str:
        return self.detail


ALL_KINDS: tuple[type[Finding], ...] = (
    Changed, Missing, Unexpected, Renamed, BrokenChain, BadPath, Malformed, Inconsistent, OxumMismatch,
    CountMismatch, SequenceGap, DuplicateNumber, RequiredMissing, Unusable, Writable, NotArchived,
)
