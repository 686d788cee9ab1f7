"""The typical-case library (典型案例; see docs/domain.md, "Typical cases").

``draft`` writes a de-identified write-up of a case to ``library/<ID>.md`` (Markdown with YAML front
matter, for trainers to edit) and keeps the real ↔ pseudonym table *only* inside the case dossier
(``typical/<ID>.map.json``, written in the dossier transaction). The write-up does not name its
source case: the ``typical-YYYY`` sequence log and the map file link the two, both in the archive. A write-up is published only after
a reviewer (脱敏审核人, not the drafter) and a different approver (发布审批人) have signed off on the
exact text, each recorded in the case journal, and only while the leak check finds nothing.
``export`` turns published write-ups into a training booklet (.docx).

The modules, one job each:

- :mod:`~casefile.library.writeup`     the write-up file, its stages and where it lives
- :mod:`~casefile.library.mentions`    who and where a free text names (people, companies, addresses)
- :mod:`~casefile.library.deidentify`  the pseudonym table of a case and the text rewrite
- :mod:`~casefile.library.leakcheck`   what may never be published: identifier numbers, real names
- :mod:`~casefile.library.draft`       composing the draft of a case
- :mod:`~casefile.library.recording`   where each step is recorded (journal, or annex + preservation log)
- :mod:`~casefile.library.review`      review, approval, publication
- :mod:`~casefile.library.revision`    the drafter's edits of a draft, and sending a text back (退回修改)
- :mod:`~casefile.library.export`      listing and the training booklet export
- :mod:`~casefile.library.booklet`     the booklet's .docx layout
"""

from __future__ import annotations

from casefile.library.deidentify import (
    COMPOUND_SURNAMES,
    REMOVED,
    Mapping,
    build_mapping,
    company_core,
    deidentify_text,
    industry_of,
    narrative,
    short_names,
    surname_of,
)
from casefile.library.draft import FOCUS, DraftReport, compose, draft
from casefile.library.export import ExportReport, Summary, export, summaries
from casefile.library.leakcheck import LEAK_LABELS, LeakFinding, check_against, leak_check
from casefile.library.review import StepReport, approve, check, publish, review
from casefile.library.revision import RevisionReport, edit, send_back
from casefile.library.writeup import (
    MAP_DIR,
    SECTIONS,
    STAGE_LABELS,
    STAGES,
    TYPICAL_ID_RE,
    TypicalNotFound,
    TypicalRefused,
    WriteUp,
    dump_writeup,
    list_writeups,
    load,
    read_writeup,
    writeup_path,
)

__all__ = [
    "COMPOUND_SURNAMES", "FOCUS", "LEAK_LABELS", "MAP_DIR", "REMOVED", "SECTIONS", "STAGES", "STAGE_LABELS",
    "TYPICAL_ID_RE", "DraftReport", "ExportReport", "LeakFinding", "Mapping", "RevisionReport", "StepReport", "Summary",
    "TypicalNotFound", "TypicalRefused", "WriteUp", "approve", "build_mapping", "check", "check_against",
    "company_core",
    "compose", "deidentify_text", "draft", "dump_writeup", "edit", "export", "industry_of", "leak_check",
    "list_writeups", "load", "narrative", "publish", "read_writeup", "review", "send_back", "short_names",
    "summaries",
    "surname_of", "writeup_path",
]
