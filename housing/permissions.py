"""Who may see and do what in housing (registered with the foundation's permission layer).

Visibility, in one place:
- A housing consultant manages only their own corporation's dwellings, complexes and
  stairwells. Other corporations' dwellings are visible only while they are on the board
  (offered or reserved). There is no board model yet: "offered" means offered to the board of
  the corporation's region; issue 6 will narrow it to the boards the corporation takes part in.
- Care coordinators see no dwellings, complexes or stairwells here (404): they will see offered
  dwellings only through board items (issue 6). They do see the neighbourhood names and codes
  of their region (clients' preferences), not the capacity figures.
- The municipality (board chair, analyst) sees every dwelling on the board, every complex
  and all neighbourhood data of its region; the board chair stops complexes and sets
  stairwell limits, the analyst imports neighbourhood data and sets the capacity weights.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts import access
from accounts.access import Predicate, Rule, has_role, has_role_in
from accounts.models import OrganisationKind, Role

from .models import (
    BOARD_STATUSES,
    Complex,
    Dwelling,
    ImportBatch,
    Municipality,
    Neighbourhood,
    NeighbourhoodIndicator,
    Stairwell,
)

MUNICIPALITY_ROLES = (Role.BOARD_CHAIR, Role.ANALYST)
CAPACITY_ROLES = (Role.BOARD_CHAIR, Role.ANALYST, Role.HOUSING_CONSULTANT)
ANY_ROLE = has_role(*Role.values)


def municipality_region_ids(user: Any, *roles: str) -> set[int]:
    """Regions where the user holds one of `roles` in a municipality organisation."""
    roles = roles or MUNICIPALITY_ROLES
    return {
        m.organisation.region_id
        for m in access.memberships_of(user)
        if m.role in roles and m.organisation.kind == OrganisationKind.MUNICIPALITY
    }


def consultant_region_ids(user: Any) -> set[int]:
    return {
        m.organisation.region_id
        for m in access.memberships_of(user)
        if m.role == Role.HOUSING_CONSULTANT
        and m.organisation.kind == OrganisationKind.HOUSING_CORPORATION
    }


def corporation_ids(user: Any) -> set[int]:
    """Corporations where the user is a housing consultant."""
    return {
        m.organisation_id
        for m in access.memberships_of(user)
        if m.role == Role.HOUSING_CONSULTANT
        and m.organisation.kind == OrganisationKind.HOUSING_CORPORATION
    }


def in_municipality_region(region_of: Any, *roles: str) -> Predicate:
    """The user holds `roles` in a municipality organisation of the object's region."""

    def test(user: Any, obj: Any) -> bool:
        if obj is None or isinstance(obj, type):
            return False
        return region_of(obj) in municipality_region_ids(user, *roles)

    return Predicate(test, f"municipality-in-region:{'/'.join(roles or MUNICIPALITY_ROLES)}")


def own_corporation(corporation_of: Any) -> Predicate:
    return has_role_in(corporation_of, Role.HOUSING_CONSULTANT)


OWN_DWELLING = own_corporation(lambda d: d.corporation_id)
CHAIR_OF_DWELLING_REGION = in_municipality_region(
    lambda d: d.corporation.region_id, Role.BOARD_CHAIR
)
OWN_COMPLEX = own_corporation(lambda c: c.corporation_id)
CHAIR_OF_COMPLEX_REGION = in_municipality_region(
    lambda c: c.corporation.region_id, Role.BOARD_CHAIR
)
OWN_STAIRWELL = own_corporation(lambda s: s.complex.corporation_id)
CHAIR_OF_STAIRWELL_REGION = in_municipality_region(
    lambda s: s.complex.corporation.region_id, Role.BOARD_CHAIR
)


def _governs(user: Any, municipality: Any) -> bool:
    if municipality is None or isinstance(municipality, type):
        return False
    if municipality.organisation_id:
        return municipality.organisation_id in access.organisation_ids_of(user, *MUNICIPALITY_ROLES)
    return municipality.region_id in municipality_region_ids(user)


def _analyst_governs(user: Any, neighbourhood: Any) -> bool:
    if neighbourhood is None or isinstance(neighbourhood, type):
        return False
    municipality = neighbourhood.district.municipality
    if municipality.organisation_id:
        return municipality.organisation_id in access.organisation_ids_of(user, Role.ANALYST)
    return municipality.region_id in municipality_region_ids(user, Role.ANALYST)


@access.register
class NeighbourhoodPolicy(access.Policy):
    """Geography of the user's region; capacity figures for the municipality and corporations."""

    model = Neighbourhood
    rules = {
        "view": Rule("member-of-region", ANY_ROLE),
        "view_capacity": Rule(
            "municipality-or-corporation", has_role(*CAPACITY_ROLES), logs_as="view"
        ),
        # LVB and psychiatric shares: only the governing municipality's analysts enter them.
        "enter_indicators": Rule(
            "governing-analyst", Predicate(_analyst_governs, "analyst-governs"), logs_as="change"
        ),
    }

    def scope(self, user: Any, queryset: QuerySet[Neighbourhood]) -> QuerySet[Neighbourhood]:
        return queryset.filter(district__municipality__region_id__in=access.region_ids_of(user))

    def log_id(self, obj: Neighbourhood) -> str:
        return obj.code


@access.register
class NeighbourhoodIndicatorPolicy(access.Policy):
    """Indicators are read with their neighbourhood; analysts import them."""

    model = NeighbourhoodIndicator
    rules = {
        "view": Rule("municipality-or-corporation", has_role(*CAPACITY_ROLES)),
        "import": Rule("analyst", has_role(Role.ANALYST), logs_as="create"),
    }

    def scope(self, user: Any, queryset: QuerySet[NeighbourhoodIndicator]) -> QuerySet[Any]:
        if not access.roles_of(user) & set(CAPACITY_ROLES):
            return queryset.none()
        return queryset.filter(
            neighbourhood__district__municipality__region_id__in=access.region_ids_of(user)
        )


@access.register
class MunicipalityPolicy(access.Policy):
    """A municipality's capacity weights are set by its own municipality organisation."""

    model = Municipality
    rules = {
        "view": Rule("municipality-or-corporation", has_role(*CAPACITY_ROLES)),
        "configure": Rule(
            "governing-municipality", Predicate(_governs, "governs"), logs_as="change"
        ),
    }

    def scope(self, user: Any, queryset: QuerySet[Municipality]) -> QuerySet[Municipality]:
        return queryset.filter(region_id__in=access.region_ids_of(user))

    def log_id(self, obj: Municipality) -> str:
        return obj.code


@access.register
class ComplexPolicy(access.Policy):
    model = Complex
    rules = {
        "view": Rule(
            "own-corporation-or-municipality",
            OWN_COMPLEX | in_municipality_region(lambda c: c.corporation.region_id),
        ),
        "list": Rule("municipality-or-corporation", has_role(*CAPACITY_ROLES), logs_as="view"),
        "create": Rule("consultant", has_role(Role.HOUSING_CONSULTANT)),
        "change": Rule("own-corporation", OWN_COMPLEX),
        "add_stairwell": Rule("own-corporation", OWN_COMPLEX, logs_as="create"),
        "stop": Rule("board-chair-of-region", CHAIR_OF_COMPLEX_REGION, logs_as="change"),
    }

    def scope(self, user: Any, queryset: QuerySet[Complex]) -> QuerySet[Complex]:
        return queryset.filter(
            Q(corporation_id__in=corporation_ids(user))
            | Q(corporation__region_id__in=municipality_region_ids(user))
        )


@access.register
class StairwellPolicy(access.Policy):
    model = Stairwell
    rules = {
        "view": Rule(
            "own-corporation-or-municipality",
            OWN_STAIRWELL | in_municipality_region(lambda s: s.complex.corporation.region_id),
        ),
        "list": Rule("municipality-or-corporation", has_role(*CAPACITY_ROLES), logs_as="view"),
        "create": Rule("consultant", has_role(Role.HOUSING_CONSULTANT)),
        "change": Rule("own-corporation", OWN_STAIRWELL),
        "record_count": Rule("own-corporation", OWN_STAIRWELL, logs_as="change"),
        "set_limit": Rule("board-chair-of-region", CHAIR_OF_STAIRWELL_REGION, logs_as="change"),
    }

    def scope(self, user: Any, queryset: QuerySet[Stairwell]) -> QuerySet[Stairwell]:
        return queryset.filter(
            Q(complex__corporation_id__in=corporation_ids(user))
            | Q(complex__corporation__region_id__in=municipality_region_ids(user))
        )


@access.register
class DwellingPolicy(access.Policy):
    model = Dwelling
    rules = {
        "view": Rule(
            "own-or-on-board",
            OWN_DWELLING | has_role(Role.HOUSING_CONSULTANT, *MUNICIPALITY_ROLES),
        ),
        "create": Rule("consultant", has_role(Role.HOUSING_CONSULTANT)),
        "change": Rule("own-corporation", OWN_DWELLING),
        "offer": Rule("own-corporation", OWN_DWELLING, logs_as="change"),
        "withdraw": Rule("own-corporation", OWN_DWELLING, logs_as="change"),
        "reopen": Rule("own-corporation", OWN_DWELLING, logs_as="change"),
        "let": Rule("own-corporation", OWN_DWELLING, logs_as="change"),
        "reserve": Rule(
            "own-corporation-or-board-chair",
            OWN_DWELLING | CHAIR_OF_DWELLING_REGION,
            logs_as="change",
        ),
        "release": Rule(
            "own-corporation-or-board-chair",
            OWN_DWELLING | CHAIR_OF_DWELLING_REGION,
            logs_as="change",
        ),
    }

    def scope(self, user: Any, queryset: QuerySet[Dwelling]) -> QuerySet[Dwelling]:
        board_regions = consultant_region_ids(user) | municipality_region_ids(user)
        return queryset.filter(
            Q(corporation_id__in=corporation_ids(user))
            | Q(status__in=BOARD_STATUSES, corporation__region_id__in=board_regions)
        )

    def log_id(self, obj: Dwelling) -> str:
        return f"{obj.corporation_id}:{obj.reference}"


@access.register
class ImportBatchPolicy(access.Policy):
    """Uploads belong to the organisation that made them."""

    model = ImportBatch
    rules = {
        "view": Rule(
            "own-organisation",
            has_role_in(lambda b: b.organisation_id, Role.ANALYST, Role.HOUSING_CONSULTANT),
        ),
        "create": Rule("analyst-or-consultant", has_role(Role.ANALYST, Role.HOUSING_CONSULTANT)),
        "apply": Rule(
            "own-organisation",
            has_role_in(lambda b: b.organisation_id, Role.ANALYST, Role.HOUSING_CONSULTANT),
            logs_as="create",
        ),
    }

    def scope(self, user: Any, queryset: QuerySet[ImportBatch]) -> QuerySet[ImportBatch]:
        return queryset.filter(
            organisation_id__in=access.organisation_ids_of(
                user, Role.ANALYST, Role.HOUSING_CONSULTANT
            )
        )
