from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts en organisaties"

    def ready(self) -> None:
        from . import navigation, permissions, signals  # noqa: F401  (registers policies, nav, signals)
        from .api import schema  # noqa: F401  (OpenAPI: the token scheme)
