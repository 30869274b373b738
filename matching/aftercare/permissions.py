"""Who may see and do what with signals (one permission layer).

| action                          | who |
|---------------------------------|-----|
| know a signal exists, read it   | the agreement's two parties (coordinators of the care provider, consultants of the corporation); the chair of the board's region only once the signal is escalated to the municipality |
| raise a signal                  | either party, on a running agreement |
| acknowledge, answer             | the *other* party (the service checks the side) |
| plan actions, follow-up, close  | either party |
| escalate to the municipality    | either party (the deadline sweep escalates by itself) |
| counts per neighbourhood        | the region's chair and analyst: aggregates only, never a signal |

Nobody else, and no other corporation, ever learns a signal exists: outside the scope a
signal answers 404 like a missing id.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts import access
from accounts.access import Predicate, Rule, has_role, has_role_in
from accounts.models import Role
from matching.board.permissions import municipality_region_ids

from .models import Signal

PARTY_ROLES = (Role.CARE_COORDINATOR, Role.HOUSING_CONSULTANT)
MUNICIPALITY_ROLES = (Role.BOARD_CHAIR, Role.ANALYST)

COORDINATOR = has_role_in(lambda s: s.placement.care_provider_id, Role.CARE_COORDINATOR)
CONSULTANT = has_role_in(lambda s: s.placement.corporation_id, Role.HOUSING_CONSULTANT)
PARTY = COORDINATOR | CONSULTANT


def _chair_of_escalated(user: Any, obj: Any) -> bool:
    if obj is None or isinstance(obj, type) or obj.escalated_at is None:
        return False
    return obj.placement.board.region_id in municipality_region_ids(user, Role.BOARD_CHAIR)


CHAIR_OF_ESCALATED = Predicate(_chair_of_escalated, "chair-of-region:escalated")


def signal_filter(user: Any) -> Q:
    return (
        Q(placement__care_provider_id__in=access.organisation_ids_of(user, Role.CARE_COORDINATOR))
        | Q(placement__corporation_id__in=access.organisation_ids_of(user, Role.HOUSING_CONSULTANT))
        | Q(
            escalated_at__isnull=False,
            placement__board__region_id__in=municipality_region_ids(user, Role.BOARD_CHAIR),
        )
    )


@access.register
class SignalPolicy(access.Policy):
    model = Signal
    log_reads = True  # a signal tells something about a tenant's life
    object_type = "aftercare.signal"
    rules = {
        "list": Rule("party-or-chair", has_role(*PARTY_ROLES, Role.BOARD_CHAIR), logs_as="search"),
        "counts": Rule("municipality", has_role(*MUNICIPALITY_ROLES), logs_as="search"),
        "view": Rule("party-or-chair-of-escalated", PARTY | CHAIR_OF_ESCALATED),
        "create": Rule("party", has_role(*PARTY_ROLES)),
        "acknowledge": Rule("party", PARTY, logs_as="change"),
        "answer": Rule("party", PARTY, logs_as="change"),
        "plan": Rule("party", PARTY, logs_as="change"),
        "close": Rule("party", PARTY, logs_as="change"),
        "escalate": Rule("party", PARTY, logs_as="change"),
    }

    def scope(self, user: Any, queryset: QuerySet[Signal]) -> QuerySet[Signal]:
        return queryset.filter(signal_filter(user))

    def log_id(self, obj: Signal) -> str:
        return f"{obj.reference}:{obj.placement.client_reference}"

    def client_reference(self, obj: Signal) -> str:
        return obj.placement.client_reference
