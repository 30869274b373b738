"""State changes at the placement board, split by job (meetings, generation, decisions,
overrides, deadlines) and re-exported here. Keyword-only, typed, atomic, audited.

Every function that a person triggers takes `actor=`, checks the permission layer itself
(views and the API both call these), writes the access-log row with the meeting as purpose
and a timeline event in the same transaction, and raises `DomainError` when refused.
Concurrent decisions are serialised by locking the proposal row (`select_for_update`); the
partial unique constraints on active proposals are the last line.
"""

from __future__ import annotations

from accounts.errors import DomainError

from .deadlines import deadlines_check, digest_send
from .decisions import (
    CLIENT_ACCEPT_REASONS,
    CLIENT_REFUSAL_REASONS,
    CONSULTANT_DECLINE_REASONS,
    proposal_decide,
    proposal_release_after_placement,
    proposal_respond,
)
from .generation import proposals_generate
from .meetings import (
    board_create,
    meeting_close,
    meeting_create_next,
    meeting_for_week,
    meetings_due_for_generation,
    week_label,
)
from .minutes import (
    minutes_context_for,
    minutes_pdf_render,
    minutes_pdf_stored,
    minutes_pdf_version,
)
from .overrides import (
    proposal_override_confirm,
    proposal_override_reject,
    proposal_override_request,
)
from .runs import run_archive_stored

__all__ = [
    "CLIENT_ACCEPT_REASONS",
    "CLIENT_REFUSAL_REASONS",
    "CONSULTANT_DECLINE_REASONS",
    "DomainError",
    "board_create",
    "deadlines_check",
    "digest_send",
    "meeting_close",
    "meeting_create_next",
    "meeting_for_week",
    "meetings_due_for_generation",
    "minutes_context_for",
    "minutes_pdf_render",
    "minutes_pdf_stored",
    "minutes_pdf_version",
    "proposal_decide",
    "proposal_override_confirm",
    "proposal_override_reject",
    "proposal_override_request",
    "proposal_release_after_placement",
    "proposal_respond",
    "proposals_generate",
    "run_archive_stored",
    "week_label",
]
