from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts en organisaties"

    def ready(self) -> None:
        from . import navigation, permissions, signals, worklist  # noqa: F401  (policies, nav, signals)
        from .worklist_items import work_items

        worklist.register(work_items)
