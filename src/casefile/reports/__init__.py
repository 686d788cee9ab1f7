"""Monthly analysis (D30), the register (D31) and risk early warning.

Figures and warnings come from the derived catalog (SQL), never from re-reading dossiers.
Importing this package is cheap (no pydantic, matplotlib, python-docx or openpyxl): ``casefile due``
and ``casefile show`` call :func:`current_risks` / :func:`case_risks`. The writers are separate
modules imported when needed:

* :mod:`casefile.reports.monthly_docx` — ``write_report_docx(report, path)`` (D30, GB/T 9704 layout)
* :mod:`casefile.reports.tables` — ``write_report_xlsx(report, path)`` (the underlying tables)
* :mod:`casefile.reports.ledger` — ``build_ledger``, ``write_ledger_xlsx``, ``write_ledger_csv`` (D31, D28)
* :mod:`casefile.reports.charts` — the three charts as PNG, with a CJK font when one is installed
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from casefile.reports.period import FutureMonth, Month, parse_month
    from casefile.reports.risks import RULES, RiskWarning, Severity, Thresholds, case_risks, current_risks
    from casefile.reports.stats import MonthlyReport, monthly_report

# Names are resolved on first use (PEP 562), so ``casefile due`` importing the risk rules does not
# also load the monthly statistics.
_WHERE = {
    "FutureMonth": "period", "Month": "period", "parse_month": "period",
    "RULES": "risks", "RiskWarning": "risks", "Severity": "risks", "Thresholds": "risks", "case_risks": "risks",
    "current_risks": "risks", "MonthlyReport": "stats", "monthly_report": "stats",
}

__all__ = [
    "RULES", "FutureMonth", "Month", "MonthlyReport", "RiskWarning", "Severity", "Thresholds", "case_risks",
    "current_risks", "monthly_report", "parse_month",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
