"""Werkvoorraad items of the placement board: decisions and answers due, overrides waiting
for a second pair of eyes, stalled proposals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import ngettext

from accounts import access, worklist
from accounts.models import Role

from .models import Proposal, ProposalStatus


def _item(
    key: str, label: str, action: str, proposals: list[Proposal], today: dt.date
) -> worklist.WorkItem:
    first = proposals[0]
    return worklist.WorkItem(
        key=key,
        label=label,
        count=len(proposals),
        url=reverse("matching:proposal-detail", args=[first.pk])
        if len(proposals) == 1
        else reverse("matching:meeting-detail", args=[first.meeting_id]),
        action=action,
        deadline=first.deadline,
        status=worklist.status_of(first.deadline, today, soon_days=2),
        entries=tuple(
            worklist.Entry(
                f"{p.client.reference} · {p.dwelling.street_address}",
                reverse("matching:proposal-detail", args=[p.pk]),
                p.deadline,
            )
            for p in proposals[: worklist.MAX_ENTRIES]
        ),
    )


def _list(qs: QuerySet[Proposal]) -> list[Proposal]:
    return list(qs.select_related("client", "dwelling").order_by("deadline", "pk"))


def work_items(user: Any, today: dt.date) -> list[worklist.WorkItem]:
    roles = access.roles_of(user)
    visible = access.scope(user, Proposal)
    items: list[worklist.WorkItem] = []
    if Role.HOUSING_CONSULTANT in roles:
        mine = _list(
            visible.filter(
                status=ProposalStatus.OPEN,
                consultant_decision="",
                corporation_id__in=access.organisation_ids_of(user, Role.HOUSING_CONSULTANT),
            )
        )
        if mine:
            n = len(mine)
            items.append(
                _item(
                    "board.consultant_decisions",
                    ngettext(
                        "%(n)s voorstel wacht op het besluit van uw corporatie",
                        "%(n)s voorstellen wachten op het besluit van uw corporatie",
                        n,
                    )
                    % {"n": n},
                    ngettext("Besluit nemen", "Besluiten nemen", n),
                    mine,
                    today,
                )
            )
    if Role.CARE_COORDINATOR in roles:
        mine = _list(
            visible.filter(
                status=ProposalStatus.OPEN,
                client_decision="",
                care_provider_id__in=access.organisation_ids_of(user, Role.CARE_COORDINATOR),
            )
        )
        if mine:
            n = len(mine)
            items.append(
                _item(
                    "board.client_answers",
                    ngettext(
                        "%(n)s voorstel wacht op het antwoord van de cliënt",
                        "%(n)s voorstellen wachten op het antwoord van de cliënt",
                        n,
                    )
                    % {"n": n},
                    ngettext("Antwoord vastleggen", "Antwoorden vastleggen", n),
                    mine,
                    today,
                )
            )
    if Role.BOARD_CHAIR in roles:
        awaiting = _list(
            visible.filter(status=ProposalStatus.AWAITING_CONFIRMATION).filter(
                ~Q(override_requested_by=user)
            )
        )
        if awaiting:
            n = len(awaiting)
            items.append(
                _item(
                    "board.overrides_to_confirm",
                    ngettext(
                        "%(n)s overschrijding wacht op uw tweede akkoord (vier ogen)",
                        "%(n)s overschrijdingen wachten op uw tweede akkoord (vier ogen)",
                        n,
                    )
                    % {"n": n},
                    ngettext("Beoordelen", "Beoordelen", n),
                    awaiting,
                    today,
                )
            )
        stalled = _list(visible.filter(status=ProposalStatus.OPEN, stalled_at__isnull=False))
        if stalled:
            n = len(stalled)
            items.append(
                _item(
                    "board.stalled",
                    ngettext(
                        "%(n)s voorstel is vastgelopen", "%(n)s voorstellen zijn vastgelopen", n
                    )
                    % {"n": n},
                    ngettext("Bekijk het voorstel", "Bekijk de voorstellen", n),
                    stalled,
                    today,
                )
            )
    return items
