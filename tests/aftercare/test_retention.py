"""Signals go with the agreement's retention (issue 20, item 5): their texts, plan actions and
timeline messages are anonymised by the retention machinery once the case and the agreement
are over, are counted in the dry run's report without changing anything, are in "Mijn
gegevens", and are never touched while a case (or a signal) is open."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.rights import export, retention
from matching.aftercare import services
from matching.aftercare.models import PlanAction, Signal, SignalEvent
from matching.placements.models import Agreement, AgreementState, Party
from tests.cases.test_retention import closed_long_ago

pytestmark = pytest.mark.django_db

TEXT = "Twee maanden huur niet betaald; brief verstuurd."


@pytest.fixture
def planned(world, agreement, raise_signal):
    signal = raise_signal(description=TEXT, already_done="Gebeld met de huurder.")
    services.signal_answer(
        actor=world.coordinator,
        signal=signal,
        assessment="Schulden door ziekte.",
        proposed_action="Budgetcoach inschakelen.",
    )
    services.plan_action_add(
        actor=world.coordinator,
        signal=signal,
        description="Aanmelden bij de budgetcoach",
        owner_party=Party.CARE_PROVIDER,
        due_on=timezone.localdate() + dt.timedelta(days=7),
    )
    return signal


def _end(agreement, *, close_signals: bool = True):
    Agreement.objects.filter(pk=agreement.pk).update(
        state=AgreementState.ENDED, ended_on=timezone.localdate() - dt.timedelta(days=30)
    )
    if close_signals:
        Signal.objects.filter(agreement=agreement).update(
            state="closed", outcome="resolved", closed_at=timezone.now()
        )
    return closed_long_ago(agreement.placement.client, "closed")


def _texts(signal):
    signal.refresh_from_db()
    return [
        signal.description,
        signal.already_done,
        signal.assessment,
        signal.proposed_action,
        *PlanAction.objects.filter(signal=signal).values_list("description", flat=True),
        *SignalEvent.objects.filter(signal=signal)
        .exclude(message="")
        .values_list("message", flat=True),
    ]


def test_the_dry_run_reports_the_signals_and_changes_nothing(agreement, planned):
    client = _end(agreement)
    before = _texts(planned)
    report = retention.retention_apply(dry_run=True)
    (outcome,) = report.done
    assert outcome.reference == client.reference
    # The signal's own row, its plan action and its timeline messages.
    assert outcome.parts["aftercare"] >= 3
    assert _texts(planned) == before
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert f"aftercare {outcome.parts['aftercare']}" in out.getvalue()


def test_the_run_removes_the_texts_and_keeps_what_the_counts_need(agreement, planned):
    _end(agreement)
    report = retention.retention_apply()
    assert report.done[0].parts["aftercare"] >= 3
    planned.refresh_from_db()
    assert planned.description == planned.already_done == planned.assessment == ""
    assert planned.proposed_action == ""
    assert set(PlanAction.objects.filter(signal=planned).values_list("description", flat=True)) == {
        export.ANONYMISED_TEXT
    }
    assert not SignalEvent.objects.filter(signal=planned).exclude(message="").exists()
    # Category, dates and the neighbourhood stay: the counts per buurt do not change.
    assert planned.category and planned.raised_at and planned.placement.neighbourhood_id


def test_an_open_signal_keeps_everything(agreement, planned):
    client = _end(agreement, close_signals=False)
    before = _texts(planned)
    report = retention.retention_apply()
    assert report.done == [] and client.reference in report.skipped
    assert _texts(planned) == before
    dry = retention.retention_apply(dry_run=True)
    assert client.reference in dry.skipped


def test_an_open_case_keeps_everything(agreement, planned):
    Agreement.objects.filter(pk=agreement.pk).update(state=AgreementState.ENDED)
    Signal.objects.filter(pk=planned.pk).update(
        state="closed", outcome="resolved", closed_at=timezone.now()
    )
    before = _texts(planned)
    assert retention.retention_apply().done == []
    assert _texts(planned) == before


def test_signals_are_in_the_client_data_export(world, planned):
    data = export.build(client=planned.placement.client, produced_by="test").as_json()
    (part,) = [p for p in data["parts"] if p["key"] == "aftercare"]
    sections = {s["model"]: s["records"] for s in part["sections"]}
    assert [r["reference"] for r in sections["aftercare.signal"]] == [planned.reference]
    assert len(sections["aftercare.planaction"]) == 1
    assert len(sections["aftercare.signalevent"]) >= 3
