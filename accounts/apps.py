from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts en organisaties"

    def ready(self) -> None:
        from . import navigation, permissions, signals  # noqa: F401  (registers policies, nav, signals)
        from .api import schema  # noqa: F401  (OpenAPI: the token scheme)

        # Once per migrate (not per app): the access-log table belongs to this app.
        from django.db.models.signals import post_migrate

        from .db_roles import grant_after_migrate

        post_migrate.connect(grant_after_migrate, sender=self, dispatch_uid="woonbrug-app-role")
