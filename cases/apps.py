from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cliënten")

    def ready(self) -> None:
        from accounts import navigation, states, worklist
        from accounts.models import Role

        from . import (
            permissions,  # noqa: F401  (registers the client policy)
            processing,
        )
        from .models import ClientStatus
        from .rights import parts as export_parts
        from .worklist import work_items

        states.expose(ClientStatus)

        worklist.register(work_items)
        export_parts.register()  # the client data export's own part
        processing.register()  # records of processing (accounts.records)
        navigation.register(_("Cliënten"), "cases:client-list", {Role.CARE_COORDINATOR}, order=10)
        navigation.register(
            _("Privacyverzoeken"), "cases:privacy-requests", {Role.PRIVACY_OFFICER}, order=15
        )
