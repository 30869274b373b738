from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts en organisaties"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import navigation, permissions, processing, signals, worklist  # noqa: F401  (policies, nav, signals)
        from .api import schema  # noqa: F401  (OpenAPI: the token scheme)
        from .db_roles import grant_after_migrate
        from .models import Role
        from .worklist_items import work_items

        worklist.register(work_items)
        processing.register()  # records of processing (accounts.records)
        navigation.register(
            _("Verwerkingsregister"),
            "accounts:processing-records",
            {Role.ORG_ADMIN, Role.PRIVACY_OFFICER},
            order=90,
        )
        # After every migrate (as the owner): the application role's grants.
        post_migrate.connect(grant_after_migrate, sender=self, dispatch_uid="woonbrug-app-role")
