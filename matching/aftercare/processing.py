"""Records of processing for aftercare (`accounts.records`): purpose, field classes, retention."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.records import declare
from cases.rights import export

from .models import PlanAction, Signal, SignalEvent


def register() -> None:
    declare(
        Signal,
        purpose=_("een signaal over een geplaatste huurder tussen corporatie en zorg (nazorg)"),
        retention=export.CARE,
        personal=(
            "raised_by acknowledged_by answered_by closed_by description already_done "
            "assessment proposed_action escalation_reason close_note"
        ),
        special="category severity outcome",
        other=(
            "id agreement placement reference raised_by_party observed_on state raised_at "
            "acknowledge_due answer_due acknowledged_at answered_at escalated_at closed_at "
            "discussed_at_meeting"
        ),
    )
    declare(
        PlanAction,
        purpose=_("de afgesproken acties bij een signaal"),
        retention=export.CARE,
        personal="description follow_up created_by",
        other="id signal owner_party due_on done_on created_at",
        via=Signal,
    )
    declare(
        SignalEvent,
        purpose=_("de geschiedenis van een signaal"),
        retention=export.CARE,
        personal="actor message",
        other="id signal kind at",
        via=Signal,
    )
