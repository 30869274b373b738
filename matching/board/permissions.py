"""Who may see and do what at the placement board (registered with the one permission layer).

Visibility is board membership: the board's member organisations (and the municipality of
its region) see its meetings and the whole agenda, because the parties go through it
together (the consent the client gave covers sharing the minimised profile with the board's
parties). Everyone else gets 404. What each may *do*:

| action                         | who |
|--------------------------------|-----|
| view board, meeting, proposal  | chair, analyst, care coordinator, housing consultant of a member organisation |
| generate proposals, override   | board chair of the region's municipality |
| confirm an override (4 eyes)   | a second chair or analyst of the region's municipality (not the requester: service + DB) |
| approve / decline              | housing consultant of the dwelling's corporation |
| record client accept / refuse  | care coordinator of the client's care provider |

Names never come from these rules: `selectors.visible_names` decides per proposal.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts import access
from accounts.access import Predicate, Rule, has_role, has_role_in
from accounts.models import OrganisationKind, Role

from .models import Board, Meeting, Proposal

BOARD_ROLES = (Role.BOARD_CHAIR, Role.ANALYST, Role.CARE_COORDINATOR, Role.HOUSING_CONSULTANT)
MUNICIPALITY_ROLES = (Role.BOARD_CHAIR, Role.ANALYST)


def municipality_region_ids(user: Any, *roles: str) -> set[int]:
    roles = roles or MUNICIPALITY_ROLES
    return {
        m.organisation.region_id
        for m in access.memberships_of(user)
        if m.role in roles and m.organisation.kind == OrganisationKind.MUNICIPALITY
    }


def member_org_ids(user: Any) -> set[int]:
    """Organisations through which the user takes part in boards (board roles only)."""
    return access.organisation_ids_of(user, *BOARD_ROLES)


def board_filter(user: Any, prefix: str = "") -> Q:
    """Boards the user takes part in: a member organisation, or the region's municipality."""
    return Q(**{f"{prefix}members__in": member_org_ids(user)}) | Q(
        **{f"{prefix}region_id__in": municipality_region_ids(user)}
    )


def _visible_board_ids(user: Any) -> list[int]:
    cache = "_woonbrug_board_ids"
    ids = getattr(user, cache, None)
    if ids is None:
        ids = list(Board.objects.filter(board_filter(user)).values_list("pk", flat=True).distinct())
        setattr(user, cache, ids)
    return ids


def chair_of(region_of: Any, *roles: str) -> Predicate:
    roles = roles or (Role.BOARD_CHAIR,)

    def test(user: Any, obj: Any) -> bool:
        if obj is None or isinstance(obj, type):
            return False
        return region_of(obj) in municipality_region_ids(user, *roles)

    return Predicate(test, f"municipality-of-region:{'/'.join(roles)}")


ANY_BOARD_ROLE = has_role(*BOARD_ROLES)
CHAIR_OF_MEETING = chair_of(lambda m: m.board.region_id)
CHAIR_OF_PROPOSAL = chair_of(lambda p: p.meeting.board.region_id)
SECOND_OF_PROPOSAL = chair_of(lambda p: p.meeting.board.region_id, *MUNICIPALITY_ROLES)
CONSULTANT_OF_DWELLING = has_role_in(lambda p: p.corporation_id, Role.HOUSING_CONSULTANT)
COORDINATOR_OF_CLIENT = has_role_in(lambda p: p.care_provider_id, Role.CARE_COORDINATOR)


@access.register
class BoardPolicy(access.Policy):
    model = Board
    rules = {
        "view": Rule("board-member", ANY_BOARD_ROLE),
        "list": Rule("board-member", ANY_BOARD_ROLE, logs_as="search"),
    }

    def scope(self, user: Any, queryset: QuerySet[Board]) -> QuerySet[Board]:
        return queryset.filter(pk__in=_visible_board_ids(user))


@access.register
class MeetingPolicy(access.Policy):
    model = Meeting
    object_type = "matching.meeting"
    rules = {
        "view": Rule("board-member", ANY_BOARD_ROLE),
        "list": Rule("board-member", ANY_BOARD_ROLE, logs_as="search"),
        "minutes": Rule("board-member", ANY_BOARD_ROLE, logs_as="print"),
        "generate": Rule("board-chair", CHAIR_OF_MEETING, logs_as="change"),
        "override": Rule("board-chair", CHAIR_OF_MEETING, logs_as="create"),
    }

    def scope(self, user: Any, queryset: QuerySet[Meeting]) -> QuerySet[Meeting]:
        return queryset.filter(board_id__in=_visible_board_ids(user))

    def log_id(self, obj: Meeting) -> str:
        return f"{obj.board_id}:{obj.week_label}"


@access.register
class ProposalPolicy(access.Policy):
    model = Proposal
    log_reads = True  # a proposal carries a client's shared profile
    object_type = "matching.proposal"
    rules = {
        "view": Rule("board-member", ANY_BOARD_ROLE),
        "list": Rule("board-member", ANY_BOARD_ROLE, logs_as="search"),
        "decide": Rule("consultant-of-corporation", CONSULTANT_OF_DWELLING, logs_as="change"),
        "respond": Rule("coordinator-of-provider", COORDINATOR_OF_CLIENT, logs_as="change"),
        "confirm": Rule("municipality-of-region", SECOND_OF_PROPOSAL, logs_as="change"),
        "withdraw": Rule("board-chair", CHAIR_OF_PROPOSAL, logs_as="change"),
    }

    def scope(self, user: Any, queryset: QuerySet[Proposal]) -> QuerySet[Proposal]:
        return queryset.filter(meeting__board_id__in=_visible_board_ids(user))

    def log_id(self, obj: Proposal) -> str:
        # The pseudonym only: the access log never names a client.
        return f"{obj.pk}:{obj.profile.get('reference', '')}"

    def client_reference(self, obj: Proposal) -> str:
        return str(obj.profile.get("reference", ""))
