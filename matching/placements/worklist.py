"""Werkvoorraad items for placements: signatures my side records next, evaluations due,
agreed proposals still to turn into a placement, drafts to offer for signing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import ngettext

from accounts import access, worklist
from accounts.models import Role

from . import machine
from .models import RUNNING_STATES, Agreement, AgreementState, Evaluation, Party
from .selectors import proposals_to_place
from .services import REMINDER_DAYS


def _sides(user: Any) -> dict[str, set[int]]:
    """Which organisations the user acts for, per party side."""
    return {
        Party.CARE_PROVIDER: access.organisation_ids_of(user, Role.CARE_COORDINATOR),
        Party.CORPORATION: access.organisation_ids_of(user, Role.HOUSING_CONSULTANT),
    }


def _acts_for(agreement: Agreement, party: str, sides: dict[str, set[int]]) -> bool:
    recorder = machine.RECORDED_BY[party]
    placement = agreement.placement
    org = (
        placement.care_provider_id if recorder == Party.CARE_PROVIDER else placement.corporation_id
    )
    return org in sides[recorder]


def work_items(user: Any, today: dt.date) -> list[worklist.WorkItem]:
    sides = _sides(user)
    if not (sides[Party.CARE_PROVIDER] or sides[Party.CORPORATION]):
        return []
    items: list[worklist.WorkItem] = []
    agreements = access.scope(user, Agreement).select_related("placement")

    signing = list(
        agreements.filter(state=AgreementState.SIGNING)
        .prefetch_related("signatures")
        .order_by("pk")
    )
    to_sign = []
    for agreement in signing:
        signed = {s.party for s in agreement.signatures.all() if s.version == agreement.version}
        party = machine.next_signer(agreement.kind, signed)
        if party and _acts_for(agreement, party, sides):
            to_sign.append(agreement)
    if to_sign:
        n = len(to_sign)
        items.append(
            worklist.WorkItem(
                key="placements.signatures",
                label=ngettext(
                    "%(n)s afspraak wacht op uw handtekening",
                    "%(n)s afspraken wachten op uw handtekening",
                    n,
                )
                % {"n": n},
                count=n,
                url=reverse("placements:agreement-detail", args=[to_sign[0].pk]),
                action=ngettext("Handtekening vastleggen", "Handtekeningen vastleggen", n),
                status=worklist.SOON,
                entries=tuple(
                    worklist.Entry(
                        f"{a.placement.client_reference} · {a.get_kind_display()}",
                        reverse("placements:agreement-detail", args=[a.pk]),
                    )
                    for a in to_sign[: worklist.MAX_ENTRIES]
                ),
            )
        )

    evaluations = list(
        access.scope(user, Evaluation)
        .filter(
            held_on__isnull=True,
            cancelled=False,
            agreement__state__in=RUNNING_STATES,
            due_on__lte=today + dt.timedelta(days=REMINDER_DAYS),
        )
        .select_related("agreement__placement")
        .order_by("due_on", "pk")
    )
    mine = [
        e
        for e in evaluations
        if e.agreement.placement.care_provider_id in sides[Party.CARE_PROVIDER]
        or e.agreement.placement.corporation_id in sides[Party.CORPORATION]
    ]
    if mine:
        n = len(mine)
        items.append(
            worklist.WorkItem(
                key="placements.evaluations",
                label=ngettext(
                    "%(n)s evaluatie binnen vier weken of verlopen",
                    "%(n)s evaluaties binnen vier weken of verlopen",
                    n,
                )
                % {"n": n},
                count=n,
                url=reverse("placements:evaluation", args=[mine[0].pk]),
                action=ngettext("Evaluatie vastleggen", "Evaluaties vastleggen", n),
                deadline=mine[0].due_on,
                status=worklist.status_of(mine[0].due_on, today, soon_days=REMINDER_DAYS),
                entries=tuple(
                    worklist.Entry(
                        f"{e.agreement.placement.client_reference} · {e.get_kind_display()}",
                        reverse("placements:evaluation", args=[e.pk]),
                        e.due_on,
                    )
                    for e in mine[: worklist.MAX_ENTRIES]
                ),
            )
        )

    drafts = list(
        agreements.filter(
            state=AgreementState.DRAFT,
            placement__care_provider_id__in=sides[Party.CARE_PROVIDER] | {0},
        ).order_by("pk")
    ) + list(
        agreements.filter(
            state=AgreementState.DRAFT,
            placement__corporation_id__in=sides[Party.CORPORATION] | {0},
        )
        .exclude(placement__care_provider_id__in=sides[Party.CARE_PROVIDER] | {0})
        .order_by("pk")
    )
    if drafts:
        n = len(drafts)
        items.append(
            worklist.WorkItem(
                key="placements.drafts",
                label=ngettext(
                    "%(n)s afspraak nog in concept",
                    "%(n)s afspraken nog in concept",
                    n,
                )
                % {"n": n},
                count=n,
                url=reverse("placements:agreement-detail", args=[drafts[0].pk]),
                action=ngettext("Voorwaarden afmaken", "Voorwaarden afmaken", n),
                entries=tuple(
                    worklist.Entry(
                        f"{a.placement.client_reference} · {a.get_kind_display()}",
                        reverse("placements:agreement-detail", args=[a.pk]),
                    )
                    for a in drafts[: worklist.MAX_ENTRIES]
                ),
            )
        )

    to_place = proposals_to_place(user=user).count()
    if to_place:
        items.append(
            worklist.WorkItem(
                key="placements.to_place",
                label=ngettext(
                    "%(n)s akkoord zonder plaatsing",
                    "%(n)s akkoorden zonder plaatsing",
                    to_place,
                )
                % {"n": to_place},
                count=to_place,
                url=reverse("placements:proposal-list"),
                action=ngettext("Plaatsing maken", "Plaatsingen maken", to_place),
                status=worklist.SOON,
            )
        )
    return items
