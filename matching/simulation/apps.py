from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SimulationConfig(AppConfig):
    name = "matching.simulation"
    label = "simulation"
    verbose_name = _("Wat-als-simulatie")

    def ready(self) -> None:
        from accounts import navigation, states
        from accounts.models import Role

        from . import (
            permissions,  # noqa: F401 - registers the policies
            processing,
        )

        processing.register()  # records of processing (accounts.records)
        from .models import RunStatus

        states.expose(RunStatus)

        # Corporations and care providers see the scenarios the chair shares with the board.
        navigation.register(
            _("Simulatie"),
            "simulation:index",
            {Role.BOARD_CHAIR, Role.ANALYST, Role.CARE_COORDINATOR, Role.HOUSING_CONSULTANT},
            order=40,
        )
