"""State changes of placements, agreements, evaluations and welcome talks.

Keyword-only, typed, atomic, audited. Every function a person triggers takes `actor=`,
checks the permission layer itself (views and the API both call these), locks the row it
changes, records a timeline step (`AgreementTransition`) and the access-log row in the same
transaction, and raises `DomainError` (or `FieldErrors`, one message per field) when the
step is refused, so nothing changes.

What a placement does to the other apps, always through their services:
- made: the dwelling is reserved (housing), the client matched (cases);
- first agreement signed by everyone: the dwelling is let to an outflowing client
  (`let_to_outflow_at`, which the neighbourhood's capacity counts for 12 months), the
  stairwell has one more vulnerable household, the client is housed;
- welcome talk held: the client's follow-up (nazorg) starts;
- lapsed before anyone moved in: dwelling back on the board, client back at the table.

The package is split by subject; import from here.
"""

from accounts.errors import FieldErrors

from .agreements import (
    agreement_cancel,
    agreement_issue,
    agreement_revise,
    agreement_sign,
    agreement_update_terms,
)
from .common import REMINDER_DAYS, add_months, parties_of, purpose_of
from .decisions import (
    agreement_end,
    agreement_extend,
    agreement_step,
    flip_lease_flip,
    triangle_care_resume,
    triangle_care_stop,
    tripartite_convert,
)
from .evaluations import EVALUATION_FIELDS, evaluation_confirm, evaluation_record
from .placements import placement_create, welcome_talk_record
from .reminders import reminder_agreement_end, reminder_evaluation, reminders_due
from .terms import TERM_FIELDS, default_terms, validate_terms

__all__ = [
    "EVALUATION_FIELDS",
    "REMINDER_DAYS",
    "TERM_FIELDS",
    "FieldErrors",
    "add_months",
    "agreement_cancel",
    "agreement_end",
    "agreement_extend",
    "agreement_issue",
    "agreement_revise",
    "agreement_sign",
    "agreement_step",
    "agreement_update_terms",
    "default_terms",
    "evaluation_confirm",
    "evaluation_record",
    "flip_lease_flip",
    "parties_of",
    "placement_create",
    "purpose_of",
    "reminder_agreement_end",
    "reminder_evaluation",
    "reminders_due",
    "triangle_care_resume",
    "triangle_care_stop",
    "tripartite_convert",
    "validate_terms",
    "welcome_talk_record",
]
