"""Reminders: evaluations and agreement ends due within four weeks or overdue, once per due
date, to the client's coordinator and the consultant who approved the proposal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from accounts.models import Notification
from matching.placements import services, tasks
from matching.placements.models import Agreement, AgreementKind

from .conftest import backdate
from .test_transitions import evaluated

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def reminders(user):
    return Notification.objects.filter(user=user, kind__startswith="placements.")


def test_the_daily_task_is_scheduled():
    entry = settings.CELERY_BEAT_SCHEDULE["placements-send-reminders"]
    assert entry["task"] == "matching.placements.tasks.send_reminders"
    assert entry["schedule"] == dt.timedelta(days=1)


def test_an_evaluation_due_within_four_weeks_is_reminded_once(
    world, django_capture_on_commit_callbacks
):
    agreement = backdate(world.signed(), days=366 - 20)  # evaluation in 20 days
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_reminders() == {"evaluations": 1, "ends": 0}
    for user in (world.coordinator, world.consultant):
        note = reminders(user).get()
        assert note.kind == "placements.evaluation_due"
        assert agreement.placement.client_reference in note.title
        assert note.url.endswith(f"/afspraken/{agreement.pk}/")
    assert not reminders(world.colleague).exists()
    assert len(mail.outbox) == 2
    # A second run (tomorrow, or a retried task) sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_reminders()
        services.reminder_evaluation(
            evaluation_id=agreement.evaluations.get().pk, today=TODAY() + dt.timedelta(days=1)
        )
    assert reminders(world.coordinator).count() == 1
    assert len(mail.outbox) == 2


def test_an_evaluation_further_away_is_not_reminded(world):
    backdate(world.signed(), days=300)
    assert services.reminders_due() == ([], [])
    tasks.send_reminders()
    assert not Notification.objects.filter(kind__startswith="placements.").exists()


def test_an_overdue_evaluation_is_reminded_as_overdue(world):
    agreement = backdate(world.signed(), days=380)
    tasks.send_reminders()
    note = reminders(world.consultant).get()
    assert note.title.startswith("Te laat")
    assert agreement.placement.client_reference in note.title


def test_a_new_due_date_is_reminded_again(world):
    agreement = backdate(world.signed(), days=366)
    tasks.send_reminders()
    evaluation = evaluated(world, agreement, judgement="doubtful")
    services.agreement_extend(
        actor=world.consultant,
        agreement=agreement,
        evaluation_id=evaluation.pk,
        end_date=TODAY() + dt.timedelta(days=14),
    )
    tasks.send_reminders()
    assert reminders(world.coordinator).filter(kind="placements.evaluation_due").count() == 2


def test_the_end_of_an_agreement_without_open_evaluation_is_reminded(world):
    agreement = world.signed(kind=AgreementKind.ORDINARY)
    Agreement.objects.filter(pk=agreement.pk).update(end_date=TODAY() + dt.timedelta(days=10))
    assert services.reminders_due() == ([], [agreement.pk])
    tasks.send_reminders()
    tasks.send_reminders()
    assert reminders(world.consultant).filter(kind="placements.agreement_end").count() == 1


def test_a_gone_coordinator_is_replaced_by_the_providers_coordinators(world):
    agreement = backdate(world.signed(), days=366)
    world.coordinator.is_active = False
    world.coordinator.save()
    tasks.send_reminders()
    assert reminders(world.colleague).count() == 1
    assert not reminders(world.coordinator).exists()
    assert agreement


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_evaluation_cancelled_while_its_reminder_is_built_is_not_reminded(world):
    """The reminder read the evaluation without a lock: one being cancelled (or recorded) at
    that moment, not yet committed, was reminded as still due. Now it waits for the row."""
    from django.db import transaction

    from matching.placements.models import Evaluation
    from tests.races import Pause, interleave

    agreement = backdate(world.signed(), days=366 - 20)  # evaluation in 20 days
    evaluation = agreement.evaluations.get()
    pause = Pause()

    def record() -> None:
        with transaction.atomic():
            Evaluation.objects.select_for_update(of=("self",)).filter(pk=evaluation.pk).update(
                cancelled=True
            )
            pause.hold()  # cancelled, not yet committed, while the reminder runs

    with interleave(
        record, lambda: services.reminder_evaluation(evaluation_id=evaluation.pk), pause
    ) as results:
        pass
    assert results == [None, 0]
    assert not reminders(world.coordinator).exists()
