from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardConfig(AppConfig):
    name = "matching.board"
    label = "matching"
    verbose_name = _("Plaatsingstafel")

    def ready(self) -> None:
        from accounts import navigation, states, worklist
        from accounts.models import Role
        from cases.signals import client_left_board, consent_ended

        from . import (
            data_export,
            permissions,  # noqa: F401 - registers the policies
            processing,
        )
        from .models import (
            ClientDecision,
            ConsultantDecision,
            GenerationStatus,
            MeetingStatus,
            ProposalStatus,
        )
        from .signals import drop_profiles_of_client, withdraw_proposals_of_client
        from .worklist import work_items

        worklist.register(work_items)
        navigation.register(
            _("Plaatsingstafel"),
            "matching:board-list",
            {Role.BOARD_CHAIR, Role.ANALYST, Role.CARE_COORDINATOR, Role.HOUSING_CONSULTANT},
            order=30,
        )
        states.expose(
            ClientDecision, ConsultantDecision, GenerationStatus, MeetingStatus, ProposalStatus
        )
        client_left_board.connect(withdraw_proposals_of_client, dispatch_uid="matching-client-left")
        consent_ended.connect(drop_profiles_of_client, dispatch_uid="matching-consent-ended")
        data_export.register()  # this app's part of a client's data export
        processing.register()  # records of processing (accounts.records)
