from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingConfig(AppConfig):
    name = "housing"
    verbose_name = "Woningen en buurten"

    def ready(self) -> None:
        from accounts import navigation, states
        from accounts.models import Role

        from . import (
            permissions,  # noqa: F401  (registers the policies)
            processing,
        )

        processing.register()  # records of processing (accounts.records)
        from .models import DwellingStatus, ImportStatus

        states.expose(DwellingStatus, ImportStatus)

        consultant, chair, analyst = Role.HOUSING_CONSULTANT, Role.BOARD_CHAIR, Role.ANALYST
        navigation.register(
            _("Woningen"), "housing:dwelling-list", {consultant, chair, analyst}, order=20
        )
        navigation.register(
            _("Complexen"), "housing:complex-list", {consultant, chair, analyst}, order=25
        )
        navigation.register(
            _("Buurten"), "housing:neighbourhood-list", {consultant, chair, analyst}, order=30
        )
        navigation.register(
            _("Veerkrachtkaart"), "housing:map", {consultant, chair, analyst}, order=31
        )
        navigation.register(_("Importeren"), "housing:import-list", {analyst, consultant}, order=40)
