"""Signals: raising, the deadlines, the other party's answer, the plan, closing, escalation,
and the bad input of the issue (each refused with a field and code, nothing saved)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.errors import DomainError, Forbidden
from accounts.models import AccessLogEntry, Notification
from matching.aftercare import services, workdays
from matching.aftercare.models import (
    Outcome,
    PlanAction,
    Severity,
    Signal,
    SignalCategory,
    SignalState,
)
from matching.placements import services as placement_services
from matching.placements.models import AgreementKind, AgreementState, Party

pytestmark = pytest.mark.django_db


def _error(call) -> DomainError:
    with pytest.raises(DomainError) as info:
        call()
    return info.value


def test_a_consultant_raises_rent_arrears_and_the_coordinator_is_told(world, raise_signal):
    signal = raise_signal()
    today = timezone.localdate()
    assert signal.raised_by_party == Party.CORPORATION
    assert signal.state == SignalState.RAISED
    assert signal.acknowledge_due == workdays.add_working_days(today, 2)
    assert signal.answer_due == workdays.add_working_days(today, 10)
    assert Notification.objects.filter(user=world.coordinator, kind="aftercare.raised").exists()
    assert not Notification.objects.filter(user=world.other_coordinator).exists()
    row = AccessLogEntry.objects.get(object_type="aftercare.signal", action="create")
    assert row.user_id == world.consultant.pk and signal.reference in row.object_id
    assert "Twee maanden" not in row.object_id + row.purpose  # the log names, never tells


def test_an_urgent_signal_is_owed_within_one_working_day(raise_signal):
    signal = raise_signal(severity=Severity.URGENT)
    due = workdays.add_working_days(timezone.localdate(), 1)
    assert signal.acknowledge_due == signal.answer_due == due


def test_the_deadline_settings_are_used(raise_signal, settings):
    settings.SIGNAL_ANSWER_WORKING_DAYS = 5
    signal = raise_signal()
    assert signal.answer_due == workdays.add_working_days(timezone.localdate(), 5)


def test_a_party_raises_only_its_own_kind_of_signal(world, agreement):
    error = _error(
        lambda: services.signal_raise(
            actor=world.coordinator,
            agreement=agreement,
            category=SignalCategory.RENT_ARREARS,
            observed_on=timezone.localdate(),
            description="x",
        )
    )
    assert (error.code, error.field) == ("category_of_other_party", "category")
    assert not Signal.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"description": ""}, "description", "required"),
        ({"description": "x" * 1001}, "description", "too_long"),
        ({"description": "huur\x00achterstand"}, "description", "control_character"),
        ({"already_done": "y" * 2001}, "already_done", "too_long"),
        ({"category": "criminal_record"}, "category", "invalid_choice"),
        ({"severity": "extreme"}, "severity", "invalid_choice"),
        ({"observed_on": "morgen"}, "observed_on", "invalid_date"),
        ({"observed_on": "9999-12-31"}, "observed_on", "in_future"),
        ({"observed_on": "0001-01-01"}, "observed_on", "too_early"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_saved(raise_signal, fields, field, code):
    error = _error(lambda: raise_signal(**fields))
    assert (error.field, error.code) == (field, code)
    assert not Signal.objects.exists()


def test_no_signal_on_an_ended_agreement(world, agreement):
    type(agreement).objects.filter(pk=agreement.pk).update(state=AgreementState.ENDED)
    error = _error(
        lambda: services.signal_raise(
            actor=world.consultant,
            agreement=agreement,
            category=SignalCategory.NUISANCE,
            observed_on=timezone.localdate(),
            description="Overlast gemeld door buren.",
        )
    )
    assert error.code == "agreement_not_running" and error.conflict


def test_outsiders_cannot_raise(world, agreement):
    for outsider in (world.other_consultant, world.chair, world.analyst, world.org_admin):
        with pytest.raises(Forbidden):
            services.signal_raise(
                actor=outsider,
                agreement=agreement,
                category=SignalCategory.NUISANCE,
                observed_on=timezone.localdate(),
                description="x",
            )
    assert not Signal.objects.exists()


def test_only_the_other_party_acknowledges_and_answers(world, raise_signal):
    signal = raise_signal()
    assert _error(
        lambda: services.signal_acknowledge(actor=world.consultant, signal=signal)
    ).code == ("not_other_party")
    signal = services.signal_acknowledge(actor=world.coordinator, signal=signal)
    assert signal.state == SignalState.ACKNOWLEDGED
    again = _error(lambda: services.signal_acknowledge(actor=world.coordinator, signal=signal))
    assert again.code == "already_acknowledged" and again.conflict
    signal = services.signal_answer(
        actor=world.coordinator,
        signal=signal,
        assessment="Inkomen wisselt sinds de nieuwe baan.",
        proposed_action="Samen naar de budgetcoach; betalingsregeling aanvragen.",
    )
    assert signal.state == SignalState.ANSWERED
    assert Notification.objects.filter(user=world.consultant, kind="aftercare.answered").exists()


def test_answering_acknowledges_too(world, raise_signal):
    signal = services.signal_answer(
        actor=world.coordinator, signal=raise_signal(), assessment="a", proposed_action="b"
    )
    assert signal.acknowledged_at is not None and signal.acknowledged_by == world.coordinator


def test_the_shared_plan(world, raise_signal):
    signal = raise_signal()
    today = timezone.localdate()
    no_owner = _error(
        lambda: services.plan_action_add(
            actor=world.consultant,
            signal=signal,
            description="Huisbezoek",
            owner_party="",
            due_on=today,
        )
    )
    assert (no_owner.field, no_owner.code) == ("owner_party", "owner_required")
    past = _error(
        lambda: services.plan_action_add(
            actor=world.consultant,
            signal=signal,
            description="Huisbezoek",
            owner_party=Party.CARE_PROVIDER,
            due_on=today - dt.timedelta(days=1),
        )
    )
    assert (past.field, past.code) == ("due_on", "in_past")
    action = services.plan_action_add(
        actor=world.consultant,
        signal=signal,
        description="Huisbezoek met begeleider",
        owner_party=Party.CARE_PROVIDER,
        due_on=today + dt.timedelta(days=7),
    )
    done = services.plan_action_update(
        actor=world.coordinator, action=action, done_on=today, follow_up="Gesprek was goed."
    )
    assert done.done_on == today and PlanAction.objects.count() == 1


def test_closing_and_an_answer_after_closing(world, raise_signal):
    signal = raise_signal()
    closed = services.signal_close(
        actor=world.consultant, signal=signal, outcome=Outcome.RESOLVED, note="Regeling loopt."
    )
    assert closed.state == SignalState.CLOSED and closed.closed_by == world.consultant
    late = _error(
        lambda: services.signal_answer(
            actor=world.coordinator, signal=signal, assessment="a", proposed_action="b"
        )
    )
    assert late.code == "signal_closed" and late.conflict
    twice = _error(
        lambda: services.signal_close(actor=world.coordinator, signal=signal, outcome=Outcome.ENDED)
    )
    assert twice.code == "signal_closed"


def test_a_tenancy_at_risk_goes_to_the_board(world, raise_signal):
    signal = services.signal_close(
        actor=world.coordinator, signal=raise_signal(), outcome=Outcome.TENANCY_AT_RISK
    )
    assert signal.escalated_at is not None
    assert Notification.objects.filter(user=world.chair, kind="aftercare.escalated").exists()


def test_the_sweep_reminds_on_the_day_and_escalates_what_is_overdue(world, raise_signal):
    signal = raise_signal()
    counts = services.deadlines_check(today=signal.acknowledge_due)
    assert counts == {"reminded": 1, "escalated": 0}
    assert services.deadlines_check(today=signal.acknowledge_due) == {"reminded": 0, "escalated": 0}
    later = signal.acknowledge_due + dt.timedelta(days=1)
    assert services.deadlines_check(today=later)["escalated"] == 1
    assert services.deadlines_check(today=later)["escalated"] == 0  # once
    signal.refresh_from_db()
    assert signal.escalated_at is not None and "termijn" in signal.escalation_reason
    assert signal.events.filter(kind="escalated", actor__isnull=True).exists()


def test_an_answered_signal_is_not_escalated(world, raise_signal):
    signal = raise_signal()
    services.signal_answer(
        actor=world.coordinator, signal=signal, assessment="a", proposed_action="b"
    )
    far = signal.answer_due + dt.timedelta(days=30)
    assert services.deadlines_check(today=far) == {"reminded": 0, "escalated": 0}


def test_escalating_by_hand_needs_a_reason_and_happens_once(world, raise_signal):
    signal = raise_signal()
    assert _error(
        lambda: services.signal_escalate(actor=world.coordinator, signal=signal, reason="")
    ).code == ("required")
    services.signal_escalate(actor=world.coordinator, signal=signal, reason="Huurder onbereikbaar")
    again = _error(
        lambda: services.signal_escalate(actor=world.consultant, signal=signal, reason="nogmaals")
    )
    assert again.code == "already_escalated"


def test_care_stopped_on_a_triangle_contract_becomes_a_signal(world):
    agreement = world.signed(kind=AgreementKind.TRIANGLE)
    placement_services.triangle_care_stop(
        actor=world.coordinator, agreement=agreement, reason="Cliënt wil geen begeleiding meer"
    )
    signal = Signal.objects.get(agreement=agreement)
    assert signal.raised_by_party == Party.CARE_PROVIDER
    assert signal.category == SignalCategory.CARE_AVOIDED and signal.severity == Severity.URGENT
    assert "begeleiding meer" not in signal.description  # the reason stays with the provider
    assert signal.answer_due == workdays.add_working_days(timezone.localdate(), 1)


def test_the_work_queue_lists_what_waits_for_my_side(world, raise_signal):
    signal = raise_signal()
    assert services.open_for(world.coordinator) == [signal]
    assert services.open_for(world.consultant) == []
    assert services.open_for(world.other_coordinator) == []
