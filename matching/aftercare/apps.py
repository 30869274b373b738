from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftercareConfig(AppConfig):
    """Signals after the move (nazorg), a sibling of placements: it reads agreements and
    placements; neither placements nor the board import it (docs/ARCHITECTURE.md)."""

    name = "matching.aftercare"
    label = "aftercare"
    verbose_name = _("Signalen na de verhuizing")

    def ready(self) -> None:
        from accounts import navigation, worklist
        from accounts.models import Role
        from housing import selectors as housing_selectors
        from matching.board import agenda, digest
        from matching.placements.signals import care_stopped, placement_ended

        from . import (
            data_export,
            permissions,  # noqa: F401 - registers the policies
            processing,
        )
        from .digest import digest_lines
        from .receivers import signal_on_care_stop, signals_on_placement_end
        from .selectors import published_nuisance_counts
        from .views import agenda_section
        from .worklist import work_items

        navigation.register(
            _("Signalen"),
            "aftercare:signal-list",
            {Role.CARE_COORDINATOR, Role.HOUSING_CONSULTANT, Role.BOARD_CHAIR},
            order=42,
        )
        navigation.register(
            _("Signalen per buurt"), "aftercare:counts", {Role.BOARD_CHAIR, Role.ANALYST}, order=43
        )
        agenda.register(agenda_section)
        worklist.register(work_items)
        digest.register(digest_lines)
        # Opt-in input of the capacity model's nuisance indicator (off by default).
        housing_selectors.register_signal_counts(published_nuisance_counts)
        care_stopped.connect(signal_on_care_stop, dispatch_uid="aftercare-care-stopped")
        placement_ended.connect(signals_on_placement_end, dispatch_uid="aftercare-placement-end")
        data_export.register()  # this app's part of a client's data export
        processing.register()  # records of processing (accounts.records)
