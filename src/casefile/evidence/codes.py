"""Stable codes: what happened to a file, why it was set aside, what text it yielded.

The ``value`` of each member is the code written to reason files, journal events and ``--json``
output; it never changes. The Chinese text is for people and may be reworded.
"""

from __future__ import annotations

from enum import Enum, StrEnum


class Outcome(StrEnum):
    """What the ingest pipeline did with one file."""

    FILED = "filed"  # copied into the dossier, recorded, source removed (inbox) or kept (manual)
    DUPLICATE = "duplicate"  # same SHA-256 already in the case: noted on the existing record
    ALREADY_FILED = "already-filed"  # leftover of an interrupted run that had committed: source removed
    UNMATCHED = "unmatched"  # no case could be determined: moved to inbox/_unmatched/
    QUARANTINED = "quarantined"  # unreadable/hostile: moved to inbox/_failed/
    REJECTED = "rejected"  # manual add of a bad file: nothing filed, the user's file left alone
    RETRY = "retry"  # transient problem (lock, disk, file changed meanwhile): left in place
    SKIPPED = "skipped"  # vanished before it could be processed

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]


_OUTCOME_LABELS = {
    Outcome.FILED: "已归档",
    Outcome.DUPLICATE: "重复文件（已记录）",
    Outcome.ALREADY_FILED: "此前已归档",
    Outcome.UNMATCHED: "未匹配案件",
    Outcome.QUARANTINED: "已隔离",
    Outcome.REJECTED: "未归档",
    Outcome.RETRY: "稍后重试",
    Outcome.SKIPPED: "已跳过",
}


class TextStatus(StrEnum):
    """The text an evidence file yielded (EvidenceRecord.text_status)."""

    TEXT = "text"  # text layer / document text extracted
    OCR = "ocr"  # at least one page read by OCR
    NEEDS_PASSWORD = "needs-password"  # encrypted; `casefile evidence unlock` with the password
    UNSUPPORTED = "unsupported"  # accepted format without a text extractor (.doc, .xls)
    EMPTY = "empty"  # readable but no text found (blank pages, OCR found nothing)
    QUARANTINED = "quarantined"  # not filed: see inbox/_failed/

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    TextStatus.TEXT: "已提取文字",
    TextStatus.OCR: "已OCR识别",
    TextStatus.NEEDS_PASSWORD: "需要密码",
    TextStatus.UNSUPPORTED: "不支持提取文字",
    TextStatus.EMPTY: "无文字",
    TextStatus.QUARANTINED: "已隔离",
}


class Reason(Enum):
    """Why a file was quarantined (``_failed``) or could not be matched (``_unmatched``)."""

    # -- quarantine: the file itself is the problem
    EMPTY = ("empty", "quarantine", "文件为空（0字节）。")
    TRUNCATED = ("truncated", "quarantine", "文件不完整（已被截断），可能传输未完成或已损坏，请重新扫描或复制。")
    CORRUPT = ("corrupt", "quarantine", "文件已损坏，无法解析。")
    TYPE_MISMATCH = ("type-mismatch", "quarantine", "文件内容与扩展名不符（不是它名称所说的文件类型）。")
    UNSUPPORTED_TYPE = ("unsupported-type", "quarantine",
                        "不支持的文件类型；可接收 PDF、JPEG/PNG/TIFF 图像、Word（.docx/.doc）和 Excel（.xlsx）。")
    TIMEOUT = ("timeout", "quarantine", "解析超时，文件可能有问题或过于复杂。")
    MEMORY_LIMIT = ("memory-limit", "quarantine", "解析时超出内存上限（可能是“解压炸弹”）。")
    PIXEL_LIMIT = ("pixel-limit", "quarantine", "图像像素数超过上限（可能是“解压炸弹”），请降低扫描分辨率。")
    PARSER_CRASH = ("parser-crash", "quarantine", "解析程序异常退出。")
    UNSUPPORTED_ENCRYPTION = ("unsupported-encryption", "quarantine", "文件使用了暂不支持的加密方式，无法解密。")
    SYMLINK = ("symlink", "quarantine", "这是符号链接，出于安全原因拒绝处理；请放入文件本身。")
    NOT_REGULAR = ("not-regular-file", "quarantine", "不是普通文件（设备、管道等），拒绝处理。")
    REPEATED_FAILURE = ("repeated-failure", "quarantine", "多次处理均失败，已停止重试；请检查文件后重新放入收件目录。")
    # -- unmatched: the file is fine, its case is unknown
    NO_CASE = ("no-case", "unmatched",
               "无法确定所属案件：文件不在以案件ID命名的子目录中，文件名不以案件ID开头，首页也没有封面页二维码。")
    CASE_NOT_FOUND = ("case-not-found", "unmatched", "指定的案件不存在。")
    CASE_ARCHIVED = ("case-archived", "unmatched", "案件已归档，不能再添加证据；如需补充请先重新办理（casefile reopen）。")
    COVER_CONFLICT = ("cover-conflict", "unmatched", "封面页二维码所指的案件与文件所在目录或文件名中的案件不一致。")
    COVER_ONLY = ("cover-only", "unmatched", "文件只有封面页，没有扫描内容。")

    def __init__(self, code: str, kind: str, text: str) -> None:
        self.code = code
        self.kind = kind
        self.text = text

    @property
    def quarantine(self) -> bool:
        return self.kind == "quarantine"

    @classmethod
    def from_code(cls, code: str) -> Reason:
        for r in cls:
            if r.code == code:
                return r
        raise ValueError(code)
