"""The client lifecycle as one explicit transition table.

    draft → ready → on_board → matched → housed → follow_up → closed
    plus paused (and back) and withdrawn (and reopened)

A table rather than a state-machine library: thirteen rows are read at a glance, the
guards (consent, completeness) are plain functions in `services`, and every row is tested.
Anything not in the table is refused with a message that names the allowed actions.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import ClientStatus as S


@dataclass(frozen=True)
class Transition:
    action: str
    label: str | Promise
    sources: frozenset[str]
    # None: the target is worked out when the action runs (resume returns to where it paused).
    target: str | None
    needs_consent: bool = False
    needs_complete_profile: bool = False
    needs_reason: bool = False
    # Only the system performs it (consent withdrawn or expired); never offered to people.
    system: bool = False


def _t(
    action: str, label: str | Promise, sources: set[str], target: str | None, **flags: bool
) -> Transition:
    return Transition(action, label, frozenset(sources), target, **flags)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t(
            "mark_ready",
            _("Uitstroomklaar melden"),
            {S.DRAFT},
            S.READY,
            needs_consent=True,
            needs_complete_profile=True,
        ),
        _t("back_to_draft", _("Terug naar concept"), {S.READY}, S.DRAFT),
        _t(
            "place_on_board",
            _("Aanmelden bij de plaatsingstafel"),
            {S.READY},
            S.ON_BOARD,
            needs_consent=True,
            needs_complete_profile=True,
        ),
        _t("take_off_board", _("Van de tafel halen"), {S.ON_BOARD}, S.READY),
        _t(
            "match",
            _("Koppeling aan woning vastleggen"),
            {S.ON_BOARD},
            S.MATCHED,
            needs_consent=True,
        ),
        _t("unmatch", _("Koppeling vervallen"), {S.MATCHED}, S.ON_BOARD, needs_reason=True),
        _t("house", _("Gehuisvest"), {S.MATCHED}, S.HOUSED),
        _t("start_follow_up", _("Nazorg starten"), {S.HOUSED}, S.FOLLOW_UP),
        _t(
            "close",
            _("Afsluiten"),
            {S.DRAFT, S.READY, S.PAUSED, S.HOUSED, S.FOLLOW_UP, S.WITHDRAWN},
            S.CLOSED,
            needs_reason=True,
        ),
        _t(
            "pause",
            _("Pauzeren"),
            {S.DRAFT, S.READY, S.ON_BOARD, S.MATCHED},
            S.PAUSED,
            needs_reason=True,
        ),
        _t("resume", _("Hervatten"), {S.PAUSED}, None),
        _t(
            "withdraw",
            _("Terugtrekken"),
            {S.DRAFT, S.READY, S.ON_BOARD, S.MATCHED, S.PAUSED},
            S.WITHDRAWN,
            needs_reason=True,
        ),
        _t("reopen", _("Heropenen als concept"), {S.WITHDRAWN}, S.DRAFT),
        _t(
            "consent_lost",
            _("Toestemming vervallen"),
            {S.READY, S.ON_BOARD, S.MATCHED},
            S.DRAFT,
            system=True,
        ),
    ]
}


def resume_target(status_before_pause: str) -> str:
    """Back to draft if the client was a draft; otherwise ready (a board slot is not kept)."""
    return S.DRAFT if status_before_pause in ("", S.DRAFT) else S.READY


def available_actions(status: str) -> list[Transition]:
    """The actions a person can take from `status`, in table order."""
    return [t for t in TRANSITIONS.values() if status in t.sources and not t.system]
