"""Who may read the monitor and set the agreed shares (one permission layer).

Every monitor figure is an aggregate of one region; nobody sees a person here.

| action   | who |
|----------|-----|
| monitor  | the region's chair and analyst; consultants of its corporations and coordinators of its care providers (region aggregates; a coordinator filters on their own provider only) |
| quotas   | the region's chair and analyst (every corporation); a consultant (their own corporation) |
| set      | the region's chair and analyst (the municipality sets the quota) |

Small counts (1 to 4) are hidden for everyone except the analysts of the region's own
municipality (`selectors.viewer`), through `accounts.smallnumbers`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts import access
from accounts.access import Rule, has_role
from accounts.models import Role
from matching.board.permissions import chair_of, municipality_region_ids

from .models import Quota

MUNICIPALITY_ROLES = (Role.BOARD_CHAIR, Role.ANALYST)
MONITOR_ROLES = (*MUNICIPALITY_ROLES, Role.HOUSING_CONSULTANT, Role.CARE_COORDINATOR)

MUNICIPALITY_OF_CORPORATION = chair_of(lambda q: q.corporation.region_id, *MUNICIPALITY_ROLES)


@access.register
class QuotaPolicy(access.Policy):
    model = Quota
    object_type = "monitor.quota"
    rules = {
        "monitor": Rule("member-of-region", has_role(*MONITOR_ROLES), logs_as="search"),
        "quotas": Rule(
            "municipality-or-corporation",
            has_role(*MUNICIPALITY_ROLES, Role.HOUSING_CONSULTANT),
            logs_as="search",
        ),
        "create": Rule("municipality", has_role(*MUNICIPALITY_ROLES)),
        "set": Rule("municipality-of-region", MUNICIPALITY_OF_CORPORATION, logs_as="change"),
    }

    def scope(self, user: Any, queryset: QuerySet[Quota]) -> QuerySet[Quota]:
        return queryset.filter(
            Q(corporation__region_id__in=municipality_region_ids(user, *MUNICIPALITY_ROLES))
            | Q(corporation_id__in=access.organisation_ids_of(user, Role.HOUSING_CONSULTANT))
        )

    def log_id(self, obj: Quota) -> str:
        return f"{obj.corporation_id}:{obj.year}"
