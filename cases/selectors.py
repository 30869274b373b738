"""Reads about clients. Functions that take a user return only what that user may see.

For other apps (the board, issue 6) the public reads are `shared_profiles_for_board` and
`client_has_valid_consent`: they return the minimised, consented projection only, never
care-only data, and treat consent past its end date as absent without waiting for the task.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts import access
from accounts.models import Membership, Region, Role, User

from .models import (
    SHARED_STATUSES,
    CareRecord,
    Client,
    ClientNote,
    ClientTransition,
    Consent,
    HousingProfile,
)
from .rent import RentAdvice, RentLimitMissing, max_rent_for


def valid_consent_q(today: datetime.date | None = None, prefix: str = "") -> Q:
    """Consent in force today: not ended, given, not past its end date."""
    today = today or timezone.localdate()
    return Q(
        **{
            f"{prefix}ended_at__isnull": True,
            f"{prefix}given_on__lte": today,
            f"{prefix}valid_until__gte": today,
        }
    )


def _with_consent_flag(queryset: QuerySet[Client]) -> QuerySet[Client]:
    valid = Consent.objects.filter(valid_consent_q(), client_id=OuterRef("pk"))
    return queryset.annotate(has_valid_consent=Exists(valid))


def client_has_valid_consent(client: Client) -> bool:
    """Whether the client's consent to share the profile is in force today."""
    return Consent.objects.filter(valid_consent_q(), client=client).exists()


def current_consent(client: Client) -> Consent | None:
    """The consent not (yet) ended, possibly past its end date (see `Consent.is_valid_on`)."""
    return client.consents.filter(ended_at__isnull=True).select_related("recorded_by").first()


# --- The coordinator's lists ---------------------------------------------------------------


def client_list(
    *,
    user: User,
    q: str = "",
    status: str = "",
    target_group: str = "",
    min_waiting_days: int | None = None,
    mine: bool = False,
    order: str = "registered",
) -> QuerySet[Client]:
    """Clients the user may see, filtered. `q` matches the reference or (decrypted) name.

    Names are encrypted, so a name search decrypts the names of the user's own filtered
    clients in Python (one query); references are matched in the database.
    """
    queryset = access.scope(user, Client)
    if status:
        queryset = queryset.filter(status=status)
    if target_group:
        queryset = queryset.filter(profile__target_group=target_group)
    if mine:
        queryset = queryset.filter(coordinator=user)
    if min_waiting_days:
        queryset = queryset.filter(
            registered_at__lte=timezone.now() - datetime.timedelta(days=min_waiting_days)
        )
    q = q.strip()
    if q:
        needle = q.casefold()
        name_matches = [
            record.client_id
            for record in CareRecord.objects.filter(client__in=queryset).only(
                "client_id", "full_name"
            )
            if needle in (record.full_name or "").casefold()
        ]
        queryset = queryset.filter(Q(reference__icontains=q) | Q(pk__in=name_matches))
    ordering = {
        "registered": ["registered_at", "id"],
        "ready": [("ready_since"), "registered_at", "id"],
        "recent": ["-status_changed_at", "-id"],
    }.get(order, ["registered_at", "id"])
    queryset = queryset.select_related("care", "profile", "coordinator").order_by(*ordering)
    return _with_consent_flag(queryset)


def client_detail_queryset() -> QuerySet[Client]:
    """What the client page needs in one query (the permission layer scopes it)."""
    return _with_consent_flag(
        Client.objects.select_related(
            "care", "profile", "profile__support_team_district", "coordinator", "care_provider"
        )
    )


def client_history(client: Client) -> QuerySet[ClientTransition]:
    return client.transitions.select_related("actor").order_by("-at", "-id")


def client_notes(client: Client) -> QuerySet[ClientNote]:
    return client.notes.select_related("author").order_by("-created_at", "-id")


def client_consents(client: Client) -> QuerySet[Consent]:
    return client.consents.select_related("recorded_by", "ended_by").order_by("-recorded_at", "-id")


def coordinators_of(organisation_id: int) -> QuerySet[User]:
    """Active care coordinators of a care provider (for reassigning a client)."""
    member_ids = Membership.objects.filter(
        organisation_id=organisation_id, role=Role.CARE_COORDINATOR, is_active=True
    ).values("user_id")
    return User.objects.filter(pk__in=member_ids, is_active=True).order_by("full_name")


def waiting_days(client: Client, *, today: datetime.date | None = None) -> tuple[int, int | None]:
    """Days waiting since registration, and since "ready" (None if never ready)."""
    today = today or timezone.localdate()
    since_registration = (today - timezone.localtime(client.registered_at).date()).days
    since_ready = (
        (today - timezone.localtime(client.ready_since).date()).days if client.ready_since else None
    )
    return since_registration, since_ready


# --- What other parties see --------------------------------------------------------------


def rent_advice(profile: HousingProfile, *, year: int | None = None) -> RentAdvice | None:
    try:
        return max_rent_for(profile.household_size, profile.monthly_income, year)
    except RentLimitMissing:
        return None


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def shared_profile_data(client: Client, *, advice: RentAdvice | None = None) -> dict[str, Any]:
    """The minimised projection of a client that the board parties may see.

    The single source for both the board and the coordinator's "what others will see"
    preview. Pseudonym and shared fields only: no name, birth date, contact, care history,
    reasons for exclusions, notes, exact income, or the coordinator's name.
    """
    profile = client.profile
    advice = advice or rent_advice(profile)
    return {
        "reference": client.reference,
        "status": str(client.status),
        "ready_since": timezone.localtime(client.ready_since).date().isoformat()
        if client.ready_since
        else None,
        "target_group": profile.target_group,
        "household": {"adults": profile.adults, "children": profile.children},
        "income_bracket": advice.bracket if advice else None,
        "max_rent": _money(advice.max_rent) if advice else None,
        "rent_limits_year": advice.year if advice else None,
        "accessibility": {
            "step_free": profile.step_free,
            "ground_floor_or_lift": profile.ground_floor_or_lift,
            "wheelchair": profile.wheelchair,
            "max_floor": profile.max_floor,
        },
        "preferred_municipalities": [m.code for m in profile.preferred_municipalities.all()],
        "preferred_districts": [d.code for d in profile.preferred_districts.all()],
        "excluded_neighbourhoods": [n.code for n in profile.excluded_neighbourhoods.all()],
        "support_hours_per_week": _money(profile.support_hours_per_week),
        "support_team_district": profile.support_team_district.code
        if profile.support_team_district
        else None,
        "agreement_type": profile.agreement_type,
        "earliest_move_date": profile.earliest_move_date.isoformat()
        if profile.earliest_move_date
        else None,
        "pets": profile.pets,
        "pets_description": profile.pets_description if profile.pets else "",
        "note_for_corporation": profile.note_for_corporation,
        # That an urgency statement holds, by whom and until when; never its reason.
        "urgent_until": profile.urgency_valid_until.isoformat()
        if profile.urgency_valid_until and profile.urgency_decided_on
        else None,
        "urgency_decided_by": profile.urgency_decided_by or None,
    }


def _profile_prefetches() -> list[Prefetch[Any]]:
    return [
        Prefetch("profile__preferred_municipalities"),
        Prefetch("profile__preferred_districts"),
        Prefetch("profile__excluded_neighbourhoods"),
    ]


def shared_profiles_for_board(*, region: Region | int) -> list[dict[str, Any]]:
    """Minimised profiles of the region's clients that are ready, on the board or matched
    and whose consent is in force today (an expired consent counts as absent at once)."""
    region_id = region if isinstance(region, int) else region.pk
    today = timezone.localdate()
    consented = Consent.objects.filter(valid_consent_q(today), client_id=OuterRef("pk"))
    clients = (
        Client.objects.filter(
            care_provider__region_id=region_id, status__in=[s.value for s in SHARED_STATUSES]
        )
        .filter(Exists(consented))
        .select_related("profile", "profile__support_team_district")
        .prefetch_related(*_profile_prefetches())
        .order_by("ready_since", "id")
    )
    adviser_cache: dict[tuple[int, int | None], RentAdvice | None] = {}
    result = []
    for client in clients:
        key = (client.profile.household_size, client.profile.monthly_income)
        if key not in adviser_cache:
            adviser_cache[key] = rent_advice(client.profile)
        result.append(shared_profile_data(client, advice=adviser_cache[key]))
    return result


def is_shared_now(client: Client) -> bool:
    """Whether other parties can see this client's profile right now."""
    return client.status in SHARED_STATUSES and client_has_valid_consent(client)


# --- For the placement board (issue 6) -------------------------------------------------------


def board_clients(*, region_id: int, care_provider_ids: Iterable[int]) -> list[dict[str, Any]]:
    """Clients the board may propose: ready or on the board, consent in force today, of the
    given care providers. The shared projection plus the ids the board stores (no names)."""
    today = timezone.localdate()
    consented = Consent.objects.filter(valid_consent_q(today), client_id=OuterRef("pk"))
    clients = (
        Client.objects.filter(
            care_provider__region_id=region_id,
            care_provider_id__in=list(care_provider_ids),
            status__in=["ready", "on_board"],
        )
        .filter(Exists(consented))
        .select_related("profile", "profile__support_team_district")
        .prefetch_related(*_profile_prefetches())
        .order_by("ready_since", "id")
    )
    advice: dict[tuple[int, int | None], RentAdvice | None] = {}
    result = []
    for client in clients:
        key = (client.profile.household_size, client.profile.monthly_income)
        if key not in advice:
            advice[key] = rent_advice(client.profile)
        result.append(
            {
                "id": client.pk,
                "care_provider_id": client.care_provider_id,
                "coordinator_id": client.coordinator_id,
                "profile": shared_profile_data(client, advice=advice[key]),
            }
        )
    return result


def client_names(client_ids: Iterable[int]) -> dict[int, str]:
    """Decrypted names by client id. Callers decide who may see them (one query)."""
    return dict(
        CareRecord.objects.filter(client_id__in=list(client_ids)).values_list(
            "client_id", "full_name"
        )
    )


def clients_with_valid_consent(client_ids: Iterable[int]) -> set[int]:
    """Which of these clients have consent in force today (one query)."""
    return set(
        Consent.objects.filter(valid_consent_q(), client_id__in=list(client_ids)).values_list(
            "client_id", flat=True
        )
    )


# --- For the what-if simulation (issue 9) ----------------------------------------------------


def ready_count_since(
    *, region_id: int, care_provider_ids: Iterable[int], since: datetime.datetime
) -> int:
    """How many distinct clients of these care providers became ready to move since `since`
    (from the status history): the simulation's default arrival flow. A count, no profiles."""
    return (
        ClientTransition.objects.filter(
            to_status="ready",
            at__gte=since,
            client__care_provider__region_id=region_id,
            client__care_provider_id__in=list(care_provider_ids),
        )
        .values("client_id")
        .distinct()
        .count()
    )
