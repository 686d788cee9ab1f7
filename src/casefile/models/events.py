"""The types of journal events: the ``type`` of a line of ``journal.jsonl`` and of the entries nested
in its ``payload.events``. docs/format.md ("Event types") lists each with its payload keys; a test
keeps that table, this enum and the code that writes events in step. A new type is added here and
there in the same commit; a type is never renamed or reused (old journals keep it forever).
"""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    CREATED = "created"
    TRANSITION = "transition"
    REGISTERED_LATE = "registered_late"
    DECISION_RECORDED = "decision_recorded"
    DOCUMENT_ISSUED = "document_issued"
    DOCUMENT_PDF = "document_pdf"
    DOCUMENT_EXPORTED = "document_exported"
    OPINION_RECEIVED = "opinion_received"
    OPINION_LAPSED = "opinion_lapsed"
    MEETING_SCHEDULED = "meeting_scheduled"
    MEETING_HELD = "meeting_held"
    EXTENSION_REQUESTED = "extension_requested"
    EXTENDED = "extended"
    REFERRAL_ACKNOWLEDGED = "referral_acknowledged"
    AGREED_ITEM_PROGRESS = "agreed_item_progress"
    REMEDY_FILED = "remedy_filed"
    REMEDY_STATUS = "remedy_status"
    ENFORCEMENT = "enforcement"
    PAYMENT = "payment"
    FOLLOWUP = "followup"
    OBLIGATION = "obligation"
    AGREED_ITEM_DONE = "agreed_item_done"
    REOPENED = "reopened"
    FLAG_RAISED = "flag_raised"
    FLAG_CLEARED = "flag_cleared"
    HOTLINE_REPLY_READY = "hotline_reply_ready"
    EVIDENCE_FILED = "evidence_filed"
    EVIDENCE_DUPLICATE = "evidence_duplicate"
    EVIDENCE_UNLOCKED = "evidence_unlocked"
    REVEALED = "revealed"
    DOCUMENT_DOWNLOADED = "document_downloaded"
    EVIDENCE_DOWNLOADED = "evidence_downloaded"
    WEB_ACTION = "web_action"
    TYPICAL_DRAFTED = "typical_drafted"
    TYPICAL_REVIEWED = "typical_reviewed"
    TYPICAL_APPROVED = "typical_approved"
    TYPICAL_PUBLISHED = "typical_published"
    TYPICAL_EDITED = "typical_edited"
    TYPICAL_RETURNED = "typical_returned"
    ARCHIVED = "archived"


#: Events that record a read of the dossier (who saw or took what) and change nothing else in it.
READ_RECORDS: frozenset[str] = frozenset({EventType.REVEALED, EventType.DOCUMENT_DOWNLOADED,
                                          EventType.EVIDENCE_DOWNLOADED, EventType.DOCUMENT_EXPORTED})


def event_type(value: str) -> EventType:
    """The member for ``value``; a ValueError naming the known types otherwise (a programming error:
    no user input chooses an event type)."""
    try:
        return EventType(value)
    except ValueError:
        raise ValueError(f"unknown journal event type {value!r}; add it to casefile.models.events.EventType "
                         "and to docs/format.md") from None
