"""Who may see and do what with clients (registered with the one permission layer).

Visibility is the care provider: only its care coordinators know a client exists; for
everyone else (other providers, corporations, the municipality, org admins without the
coordinator role) every client URL is a 404.

Which actions need the guardian grant `cases.coordinate_client` (held by the assigned
coordinator) and which any coordinator of the provider may do:

| action             | who                                              | why |
|--------------------|--------------------------------------------------|-----|
| list, view, create | any coordinator of the provider                  | colleagues cover for each other |
| change (profile, care data), transition, record consent | assigned coordinator (grant) | one accountable person changes the case |
| withdraw consent   | any coordinator of the provider                  | withdrawing must be as easy as giving: never wait for one person |
| add note           | any coordinator of the provider                  | whoever spoke to the client records it; notes are append-only |
| reassign           | assigned coordinator, or any coordinator of the provider once the assigned one is no longer an active coordinator there | a case is never stuck |

A grant alone never suffices: the grant rules also require the coordinator role in the
client's provider, so a grant left behind after someone changes organisation opens nothing.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet

from accounts import access
from accounts.access import Predicate, Rule, has_grant, has_role, has_role_in
from accounts.models import Membership, Role

from .models import REFERENCE_REGEX, Client, ClientRights

COORDINATOR = Role.CARE_COORDINATOR
PRIVACY_OFFICER = Role.PRIVACY_OFFICER

own_provider = has_role_in(lambda client: client.care_provider_id, COORDINATOR)
assigned = has_grant("cases.coordinate_client") & own_provider


def _assigned_coordinator_gone(user: Any, client: Any) -> bool:
    if client is None or isinstance(client, type):
        return False
    return not Membership.objects.filter(
        user_id=client.coordinator_id,
        organisation_id=client.care_provider_id,
        role=COORDINATOR,
        is_active=True,
        user__is_active=True,
    ).exists()


takeover = own_provider & Predicate(_assigned_coordinator_gone, "assigned-coordinator-gone")


@access.register
class ClientPolicy(access.Policy):
    model = Client
    log_reads = True
    object_type = "cases.client"
    rules = {
        "list": Rule("coordinator", has_role(COORDINATOR), logs_as="search"),
        "create": Rule("coordinator", has_role(COORDINATOR)),
        "view": Rule("own-provider", own_provider),
        "change": Rule("assigned-coordinator", assigned),
        "transition": Rule("assigned-coordinator", assigned, logs_as="change"),
        "consent_record": Rule("assigned-coordinator", assigned, logs_as="change"),
        "consent_withdraw": Rule("own-provider", own_provider, logs_as="change"),
        "note_add": Rule("own-provider", own_provider, logs_as="change"),
        "reassign": Rule("assigned-or-takeover", assigned | takeover, logs_as="change"),
    }

    def scope(self, user: Any, queryset: QuerySet[Client]) -> QuerySet[Client]:
        return queryset.filter(care_provider_id__in=access.organisation_ids_of(user, COORDINATOR))

    def log_id(self, obj: Client) -> str:
        return obj.reference

    def client_reference(self, obj: Client) -> str:
        return obj.reference

    def client_reference_of_id(self, object_id: str) -> str:
        return object_id if re.match(REFERENCE_REGEX, object_id) else ""


# The client's rights (NEN 7513 inzage, GDPR art. 15 copy): any coordinator of the client's
# provider (the client asks the person they know) or the provider's privacy officer, who
# answers requests for every client of the provider. Nobody else learns the client exists.
privacy_officer = has_role_in(lambda client: client.care_provider_id, PRIVACY_OFFICER)
rights_holder = own_provider | privacy_officer


@access.register
class ClientRightsPolicy(access.Policy):
    model = ClientRights
    object_type = "cases.client"
    rules = {
        # The privacy requests page (class level: pick a client by its pseudonym).
        "request": Rule(
            "coordinator-or-privacy-officer", has_role(COORDINATOR, PRIVACY_OFFICER), logs_as="view"
        ),
        "access_overview": Rule("own-provider-or-privacy-officer", rights_holder, logs_as="view"),
        "data_export": Rule("own-provider-or-privacy-officer", rights_holder, logs_as="export"),
        # Erasure on request removes data for good: the privacy officer decides, not the
        # coordinator who works with the case.
        "erase": Rule("privacy-officer", privacy_officer, logs_as="delete"),
    }

    def scope(self, user: Any, queryset: QuerySet[ClientRights]) -> QuerySet[ClientRights]:
        providers = access.organisation_ids_of(user, COORDINATOR, PRIVACY_OFFICER)
        return queryset.filter(care_provider_id__in=providers)

    def log_id(self, obj: ClientRights) -> str:
        return obj.reference

    def client_reference(self, obj: ClientRights) -> str:
        return obj.reference

    def client_reference_of_id(self, object_id: str) -> str:
        return object_id if re.match(REFERENCE_REGEX, object_id) else ""
