from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    """Placements and agreements (plaatsingen en afspraken), nested in the board's folder:
    an agreed proposal becomes a placement with its lease or agreement."""

    name = "matching.placements"
    label = "placements"
    verbose_name = _("Plaatsingen en afspraken")

    def ready(self) -> None:
        from accounts import navigation, states, worklist
        from accounts.models import Role

        from . import (
            data_export,
            permissions,  # noqa: F401 - registers the policies
            processing,
        )
        from .models import AgreementKind, AgreementState, Judgement, Party, PlacementStatus
        from .worklist import work_items

        states.expose(AgreementKind, AgreementState, Judgement, Party, PlacementStatus)

        worklist.register(work_items)
        navigation.register(
            _("Plaatsingen"),
            "placements:agreement-list",
            {Role.CARE_COORDINATOR, Role.HOUSING_CONSULTANT, Role.BOARD_CHAIR, Role.ANALYST},
            order=40,
        )
        navigation.register(
            _("Afspraken in de regio"),
            "placements:overview",
            {Role.BOARD_CHAIR, Role.ANALYST},
            order=41,
        )
        data_export.register()  # this app's part of a client's data export
        processing.register()  # records of processing (accounts.records)
