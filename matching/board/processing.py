"""Records of processing for the board (`accounts.records`): purpose, field classes, retention."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.processing import KEPT, NO_PERIOD
from accounts.records import declare
from cases.rights import export

from .models import Board, GenerationRun, Meeting, Proposal, ProposalEvent


def register() -> None:
    declare(
        Board,
        purpose=_("de plaatsingstafel van de regio"),
        retention=KEPT,
        personal="chair",
        other="id region name meeting_weekday meeting_time decision_days is_active",
    )
    declare(
        Meeting,
        purpose=_("het wekelijkse overleg van de plaatsingstafel"),
        retention=KEPT,
        other="id board date week_label status generated_at closed_at created_at",
    )
    declare(
        GenerationRun,
        purpose=_("de berekening van de koppelingsvoorstellen voor een overleg"),
        # The engine's input and answer name clients by pseudonym with their needs; nothing
        # removes them on a schedule yet (docs/privacy.md, "Not built yet").
        retention=NO_PERIOD,
        personal="triggered_by",
        special="instance solution no_match archive",
        other=(
            "id meeting status heartbeat_at finished_at attempt error key started_at "
            "duration_ms stats archived_at"
        ),
        via=Meeting,
    )
    declare(
        Proposal,
        purpose=_("een voorstel om een cliënt aan een woning te koppelen, en de besluiten erover"),
        retention=export.CARE,
        personal=(
            "client consultant_by consultant_reason consultant_text client_by client_reason "
            "client_text override_reason override_requested_by override_confirmed_by "
            "explanation close_reason"
        ),
        special="profile",
        other=(
            "id meeting run dwelling care_provider corporation neighbourhood status score "
            "breakdown alternatives capacity_before capacity_after deadline consultant_decision "
            "consultant_at client_decision client_at override_kind override_confirmed_at "
            "stalled_at closed_at created_at updated_at"
        ),
    )
    declare(
        ProposalEvent,
        purpose=_("de geschiedenis van een koppelingsvoorstel"),
        retention=export.CARE,
        personal="actor message",
        other="id proposal at kind",
        via=Proposal,
    )
