"""Who imposes the fine of 社会保险法第八十六条 (one to three times the arrears).

The collector does not fine: "由有关行政部门" does, and that is the department responsible for the
险种 — 医疗保障部门 for 医疗 (and 生育, merged into it) insurance, 人力资源社会保障部门 for 养老, 工伤
and 失业. A referral (D24) for arrears of several 险种 goes to each department with its own lines.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["MEDICAL_TYPES", "fine_department", "fine_departments"]

MEDICAL_TYPES = frozenset({"基本医疗", "城乡居民医疗", "生育", "医疗"})


def fine_department(insurance_type: str) -> str:
    """Department code (YBJ 医保局 / RSJ 人社局) for arrears of ``insurance_type``."""
    return "YBJ" if insurance_type.strip() in MEDICAL_TYPES else "RSJ"


def fine_departments(insurance_types: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(fine_department(t) for t in insurance_types)) or ["RSJ"]
