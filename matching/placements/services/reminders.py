"""Reminders of evaluations and agreement ends due within four weeks or overdue, once per
due date (the notification's dedupe key holds the date)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.services import notify

from ..models import (
    RUNNING_STATES,
    Agreement,
    Evaluation,
)
from .common import REMINDER_DAYS, _fmt, _responsible


def reminders_due(*, today: dt.date | None = None) -> tuple[list[int], list[int]]:
    """Ids of evaluations and of agreement ends due within `REMINDER_DAYS` or overdue.

    An agreement whose end is covered by an open evaluation (a flip lease's final
    evaluation falls on its end) gets the evaluation reminder only.
    """
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=REMINDER_DAYS)
    evaluations = list(
        Evaluation.objects.filter(
            held_on__isnull=True,
            cancelled=False,
            due_on__lte=horizon,
            agreement__state__in=RUNNING_STATES,
        )
        .order_by("due_on", "pk")
        .values_list("pk", flat=True)
    )
    ends = list(
        Agreement.objects.filter(
            state__in=RUNNING_STATES, end_date__isnull=False, end_date__lte=horizon
        )
        .exclude(
            Exists(
                Evaluation.objects.filter(
                    agreement=OuterRef("pk"), held_on__isnull=True, cancelled=False
                )
            )
        )
        .order_by("end_date", "pk")
        .values_list("pk", flat=True)
    )
    return evaluations, ends


@transaction.atomic
def reminder_evaluation(*, evaluation_id: int, today: dt.date | None = None) -> int:
    """Remind the responsible people of one evaluation, once per due date. Returns how many
    notifications were new (0 on a repeat: the dedupe key holds the due date).

    Built from the evaluation's locked row (lock order: the evaluation, then notifications),
    so an evaluation being recorded at this moment is read once that is committed, and not
    reminded as still due."""
    today = today or timezone.localdate()
    ev = (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("agreement__placement__client__coordinator")
        .filter(pk=evaluation_id, held_on__isnull=True, cancelled=False)
        .first()
    )
    if ev is None or ev.agreement.state not in RUNNING_STATES:
        return 0
    placement = ev.agreement.placement
    overdue = ev.due_on < today
    values = {
        "kind": ev.get_kind_display(),
        "agreement": ev.agreement.get_kind_display(),
        "ref": placement.client_reference,
        "date": _fmt(ev.due_on),
    }
    title = capfirst(
        (
            _("Te laat: %(kind)s %(agreement)s %(ref)s (gepland %(date)s)")
            if overdue
            else _("%(kind)s %(agreement)s %(ref)s op %(date)s")
        )
        % values
    )
    sent = 0
    for user in _responsible(placement):
        if notify(
            user=user,
            kind="placements.evaluation_due",
            title=title[:200],
            body=_(
                "Plan de evaluatie met de huurder, de corporatie en de zorgaanbieder en leg de uitkomst vast."
            ),
            url=reverse("placements:agreement-detail", args=[ev.agreement_id]),
            dedupe_key=f"placements:evaluation:{ev.pk}:{ev.due_on.isoformat()}",
        ):
            sent += 1
    return sent


@transaction.atomic
def reminder_agreement_end(*, agreement_id: int, today: dt.date | None = None) -> int:
    """Remind the responsible people that an agreement ends, once per end date; built from
    the agreement's locked row (an extension or ending at this moment is read once committed)."""
    today = today or timezone.localdate()
    agreement = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("placement__client__coordinator")
        .filter(pk=agreement_id, state__in=RUNNING_STATES, end_date__isnull=False)
        .first()
    )
    if agreement is None or agreement.end_date is None:
        return 0
    placement = agreement.placement
    values = {
        "agreement": agreement.get_kind_display(),
        "ref": placement.client_reference,
        "date": _fmt(agreement.end_date),
    }
    title = capfirst(
        (
            _("Verlopen: %(agreement)s %(ref)s eindigde %(date)s")
            if agreement.end_date < today
            else _("%(agreement)s %(ref)s eindigt %(date)s")
        )
        % values
    )
    sent = 0
    for user in _responsible(placement):
        if notify(
            user=user,
            kind="placements.agreement_end",
            title=title[:200],
            body=_("Besluit over verlengen, omzetten of beëindigen."),
            url=reverse("placements:agreement-detail", args=[agreement.pk]),
            dedupe_key=f"placements:end:{agreement.pk}:{agreement.end_date.isoformat()}",
        ):
            sent += 1
    return sent
