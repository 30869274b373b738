"""Who may see and do what with what-if scenarios (registered with the one permission layer).

| action                                   | who |
|------------------------------------------|-----|
| see every scenario of a board            | chair and analysts of the municipality of the board's region |
| create, change, delete, run, cancel      | the same |
| share with the board (and take back)     | the chair of that municipality |
| see (and export) a shared scenario       | care coordinators and housing consultants of the board's member organisations |

Everyone else does not see a scenario at all (404). Results hold no client or dwelling, and
per-neighbourhood counts are suppressed below a threshold before they are stored.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts import access
from accounts.access import Predicate, Rule, has_role
from accounts.models import Role
from matching.board.models import Board
from matching.board.permissions import municipality_region_ids

from .models import Scenario, SimulationRun

MUNICIPALITY_ROLES = (Role.BOARD_CHAIR, Role.ANALYST)
PARTNER_ROLES = (Role.CARE_COORDINATOR, Role.HOUSING_CONSULTANT)
PURPOSE = "wat-als-simulatie"


def municipality_of_board(*roles: str) -> Predicate:
    """The user holds one of `roles` at the municipality of the scenario's board region.

    Asked without an object (a create page), it checks that the user holds such a role at
    some municipality; the service asks again with the board filled in.
    """

    def test(user: Any, obj: Any) -> bool:
        regions = municipality_region_ids(user, *roles)
        if obj is None or isinstance(obj, type):
            return bool(regions)
        return obj.board.region_id in regions

    return Predicate(test, f"municipality-of-board:{'/'.join(roles)}")


MUNICIPALITY = municipality_of_board(*MUNICIPALITY_ROLES)
CHAIR = municipality_of_board(Role.BOARD_CHAIR)
READER = has_role(*MUNICIPALITY_ROLES, *PARTNER_ROLES)


def visible_scenarios(user: Any) -> Q:
    """All scenarios of the user's municipality; shared ones of boards the user's care
    provider or corporation takes part in."""
    partner_boards = Board.objects.filter(
        members__in=access.organisation_ids_of(user, *PARTNER_ROLES)
    ).values("pk")
    return Q(board__region_id__in=municipality_region_ids(user, *MUNICIPALITY_ROLES)) | Q(
        shared_with_board=True, board_id__in=partner_boards
    )


@access.register
class ScenarioPolicy(access.Policy):
    model = Scenario
    object_type = "simulation.scenario"
    rules = {
        "view": Rule("municipality-or-shared", READER),
        "list": Rule("municipality-or-shared", READER, logs_as="search"),
        "export": Rule("municipality-or-shared", READER, logs_as="export"),
        "create": Rule("municipality-of-board", MUNICIPALITY, logs_as="create"),
        "change": Rule("municipality-of-board", MUNICIPALITY),
        "delete": Rule("municipality-of-board", MUNICIPALITY, logs_as="delete"),
        "run": Rule("municipality-of-board", MUNICIPALITY, logs_as="change"),
        "cancel": Rule("municipality-of-board", MUNICIPALITY, logs_as="change"),
        "share": Rule("board-chair", CHAIR, logs_as="change"),
    }

    def scope(self, user: Any, queryset: QuerySet[Scenario]) -> QuerySet[Scenario]:
        return queryset.filter(visible_scenarios(user))


@access.register
class SimulationRunPolicy(access.Policy):
    model = SimulationRun
    object_type = "simulation.run"
    rules = {"view": Rule("municipality-or-shared", READER)}

    def scope(self, user: Any, queryset: QuerySet[SimulationRun]) -> QuerySet[SimulationRun]:
        return queryset.filter(
            scenario__in=Scenario.objects.filter(visible_scenarios(user)).values("pk")
        )
