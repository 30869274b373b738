from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitorConfig(AppConfig):
    """The regional monitor, a sibling of the board, placements and aftercare: it reads their
    history as aggregates; none of them imports it (docs/ARCHITECTURE.md, docs/monitor.md)."""

    name = "matching.monitor"
    label = "monitor"
    verbose_name = _("Regionale monitor")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from accounts import navigation, worklist
        from accounts.models import Role

        from . import (
            permissions,  # noqa: F401 - registers the policy
            processing,
        )

        processing.register()  # records of processing (accounts.records)
        from .sql import register_sqlite
        from .worklist import work_items

        connection_created.connect(register_sqlite, dispatch_uid="monitor-sqlite-percentile")
        navigation.register(
            _("Monitor"),
            "monitor:flow",
            {Role.BOARD_CHAIR, Role.ANALYST, Role.HOUSING_CONSULTANT, Role.CARE_COORDINATOR},
            order=60,
        )
        worklist.register(work_items)
