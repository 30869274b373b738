"""Who may see and do what with placements, agreements and evaluations (one permission layer).

Visibility (the 404 boundary): the placement's care provider (its care coordinators), the
placement's corporation (its housing consultants), and the municipality (chair, analyst) of
the board's region. Other providers and corporations, org admins without one of these roles,
and other regions: 404.

| action                                   | who |
|------------------------------------------|-----|
| view placement, agreement, evaluation    | the parties and the region's municipality (without care data, see `selectors`) |
| create a placement                       | a coordinator or consultant (the service checks the proposal is theirs and agreed) |
| edit terms, issue, revise, cancel        | coordinator of the provider or consultant of the corporation |
| sign                                     | both; the service checks which party each may record |
| extend, flip, convert, end               | consultant of the corporation (the landlord), citing an evaluation |
| care stopped / resumed                   | coordinator of the provider |
| record an evaluation, welcome talk       | both parties; the *other* party confirms an evaluation |
| PDF document                             | both parties (it carries care terms and names): never the municipality |

Names never come from these rules: `selectors.visible_names` applies the board's rule.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts import access
from accounts.access import Rule, has_role, has_role_in
from accounts.models import Role
from matching.board.permissions import chair_of, municipality_region_ids

from .models import Agreement, Evaluation, Placement

PARTY_ROLES = (Role.CARE_COORDINATOR, Role.HOUSING_CONSULTANT)
ALL_ROLES = (*PARTY_ROLES, Role.BOARD_CHAIR, Role.ANALYST)
MUNICIPALITY_ROLES = (Role.BOARD_CHAIR, Role.ANALYST)


def _placement_of(obj: Any) -> Placement:
    if isinstance(obj, Placement):
        return obj
    if isinstance(obj, Agreement):
        return obj.placement
    return obj.agreement.placement


COORDINATOR = has_role_in(lambda o: _placement_of(o).care_provider_id, Role.CARE_COORDINATOR)
CONSULTANT = has_role_in(lambda o: _placement_of(o).corporation_id, Role.HOUSING_CONSULTANT)
PARTY = COORDINATOR | CONSULTANT
MUNICIPALITY = chair_of(lambda o: _placement_of(o).board.region_id, *MUNICIPALITY_ROLES)
PARTY_OR_MUNICIPALITY = PARTY | MUNICIPALITY


def placement_filter(user: Any, prefix: str = "") -> Q:
    """Placements the user may know exist (see the module docstring)."""
    return (
        Q(
            **{
                f"{prefix}care_provider_id__in": access.organisation_ids_of(
                    user, Role.CARE_COORDINATOR
                )
            }
        )
        | Q(
            **{
                f"{prefix}corporation_id__in": access.organisation_ids_of(
                    user, Role.HOUSING_CONSULTANT
                )
            }
        )
        | Q(**{f"{prefix}board__region_id__in": municipality_region_ids(user, *MUNICIPALITY_ROLES)})
    )


def sees_care_data(user: Any, placement: Placement) -> bool:
    """Care terms and evaluation details: the parties only, never the municipality alone."""
    return PARTY(user, placement)


@access.register
class PlacementPolicy(access.Policy):
    model = Placement
    log_reads = True  # a placement names where a client lives
    object_type = "placements.placement"
    rules = {
        "list": Rule("party-or-municipality", has_role(*ALL_ROLES), logs_as="search"),
        "view": Rule("party-or-municipality", PARTY_OR_MUNICIPALITY),
        "create": Rule("coordinator-or-consultant", has_role(*PARTY_ROLES)),
        "welcome": Rule("party", PARTY, logs_as="change"),
    }

    def scope(self, user: Any, queryset: QuerySet[Placement]) -> QuerySet[Placement]:
        return queryset.filter(placement_filter(user))

    def log_id(self, obj: Placement) -> str:
        return f"{obj.pk}:{obj.client_reference}"

    def client_reference(self, obj: Placement) -> str:
        return obj.client_reference


@access.register
class AgreementPolicy(access.Policy):
    model = Agreement
    log_reads = True
    object_type = "placements.agreement"
    rules = {
        "list": Rule("party-or-municipality", has_role(*ALL_ROLES), logs_as="search"),
        "overview": Rule("municipality", has_role(*MUNICIPALITY_ROLES), logs_as="search"),
        "view": Rule("party-or-municipality", PARTY_OR_MUNICIPALITY),
        "change": Rule("party", PARTY),
        "issue": Rule("party", PARTY, logs_as="change"),
        "revise": Rule("party", PARTY, logs_as="change"),
        "cancel": Rule("party", PARTY, logs_as="change"),
        "sign": Rule("party", PARTY, logs_as="change"),
        "document": Rule("party", PARTY, logs_as="print"),
        "extend": Rule("consultant-of-corporation", CONSULTANT, logs_as="change"),
        "flip": Rule("consultant-of-corporation", CONSULTANT, logs_as="change"),
        "convert": Rule("consultant-of-corporation", CONSULTANT, logs_as="change"),
        "end": Rule("consultant-of-corporation", CONSULTANT, logs_as="change"),
        "care_stop": Rule("coordinator-of-provider", COORDINATOR, logs_as="change"),
        "care_resume": Rule("coordinator-of-provider", COORDINATOR, logs_as="change"),
    }

    def scope(self, user: Any, queryset: QuerySet[Agreement]) -> QuerySet[Agreement]:
        return queryset.filter(placement_filter(user, "placement__"))

    def log_id(self, obj: Agreement) -> str:
        return f"{obj.pk}:{obj.placement.client_reference}"

    def client_reference(self, obj: Agreement) -> str:
        return obj.placement.client_reference


@access.register
class EvaluationPolicy(access.Policy):
    model = Evaluation
    log_reads = True
    object_type = "placements.evaluation"
    rules = {
        "list": Rule("party-or-municipality", has_role(*ALL_ROLES), logs_as="search"),
        "view": Rule("party-or-municipality", PARTY_OR_MUNICIPALITY),
        "record": Rule("party", PARTY, logs_as="change"),
        "confirm": Rule("party", PARTY, logs_as="change"),
    }

    def scope(self, user: Any, queryset: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
        return queryset.filter(placement_filter(user, "agreement__placement__"))

    def log_id(self, obj: Evaluation) -> str:
        return f"{obj.pk}:{obj.agreement.placement.client_reference}"

    def client_reference(self, obj: Evaluation) -> str:
        return obj.agreement.placement.client_reference
