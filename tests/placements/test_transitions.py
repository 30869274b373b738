"""Every row of the agreement table, and every bad input: refused with a field message,
nothing changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.access import SYSTEM
from accounts.errors import DomainError, Forbidden
from accounts.models import Notification
from housing.models import DwellingStatus
from matching.placements import machine, services
from matching.placements.models import (
    Agreement,
    AgreementKind,
    AgreementState,
    AgreementTransition,
    Evaluation,
    Party,
    Placement,
    Signature,
)

from .conftest import backdate, sign_all

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate

GOOD = {
    "living_independently": "yes",
    "rent_paid": "on_time",
    "nuisance_reports": 0,
    "care_continuing": True,
    "social_network": "sufficient",
    "judgement": "positive",
    "notes": "Gaat goed.",
}


def snapshot(agreement: Agreement) -> tuple:
    a = Agreement.objects.get(pk=agreement.pk)
    return (
        a.state,
        a.version,
        a.end_date,
        a.evaluation_on,
        AgreementTransition.objects.filter(agreement=a).count(),
        Signature.objects.filter(agreement=a).count(),
        Evaluation.objects.filter(agreement=a).count(),
        Agreement.objects.count(),
    )


def refused(call, agreement, *, field: str | None = None, code: str | None = None):
    before = snapshot(agreement)
    with pytest.raises((DomainError, Forbidden)) as info:
        call()
    assert snapshot(agreement) == before, "a refused step changed something"
    if field is not None:
        fields = getattr(info.value, "errors", None) or {info.value.field: []}
        assert field in fields, (field, info.value.message)
    if code is not None:
        assert info.value.code == code, info.value.message
    return info.value


def evaluated(world, agreement, *, judgement="positive", confirm=True, days_ago=0):
    """Hold the open final evaluation (the coordinator records, the consultant confirms)."""
    evaluation = agreement.evaluations.filter(kind="final", held_on__isnull=True).get()
    services.evaluation_record(
        actor=world.coordinator,
        evaluation=evaluation,
        data={**GOOD, "judgement": judgement, "held_on": TODAY() - dt.timedelta(days=days_ago)},
    )
    if confirm:
        services.evaluation_confirm(actor=world.consultant, evaluation=evaluation)
    return Evaluation.objects.get(pk=evaluation.pk)


def running_flip_lease(world):
    """A flip lease signed a year ago, its evaluation due today."""
    return backdate(world.signed(), days=366)


# --- The table --------------------------------------------------------------------------


def test_the_table_names_who_may_take_each_step():
    assert {t.action for t in machine.available("flip_lease", "active")} == {
        "extend",
        "flip",
        "end",
    }
    assert {t.action for t in machine.available("triangle", "active")} == {"care_stop", "end"}
    assert {t.action for t in machine.available("ordinary", "draft")} == {"issue", "cancel"}
    assert machine.available("flip_lease", "flipped") == []
    assert machine.TRANSITIONS["flip"].needs_evaluation == "positive"


def test_issue_freezes_the_terms_in_a_document_version(world):
    agreement = world.issued()
    assert agreement.state == AgreementState.SIGNING
    assert agreement.version == 1
    document = agreement.documents.get()
    assert document.terms["client_reference"] == agreement.placement.client_reference
    assert "Joost van Dijk" in document.terms["contact_person"]


def test_revise_takes_it_back_to_draft_and_a_new_version_needs_new_signatures(world):
    agreement = world.issued()
    services.agreement_sign(actor=world.coordinator, agreement=agreement, party=Party.CLIENT)
    revised = services.agreement_revise(
        actor=world.consultant, agreement=agreement, reason="Huur aangepast"
    )
    assert revised.state == AgreementState.DRAFT
    reissued = services.agreement_issue(actor=world.coordinator, agreement=revised)
    assert reissued.version == 2
    refused(
        lambda: services.agreement_sign(
            actor=world.coordinator, agreement=reissued, party=Party.CARE_PROVIDER
        ),
        reissued,
        field="party",
        code="out_of_order",
    )


def test_signing_out_of_order_is_refused(world):
    agreement = world.issued()
    refused(
        lambda: services.agreement_sign(
            actor=world.consultant, agreement=agreement, party=Party.CORPORATION
        ),
        agreement,
        field="party",
        code="out_of_order",
    )


def test_signing_a_draft_is_refused(world):
    agreement = world.draft()
    refused(
        lambda: services.agreement_sign(
            actor=world.coordinator, agreement=agreement, party=Party.CLIENT
        ),
        agreement,
        code="invalid_transition",
    )


def test_a_party_records_only_its_own_signatures(world):
    agreement = world.issued()
    refused(
        lambda: services.agreement_sign(
            actor=world.consultant, agreement=agreement, party=Party.CLIENT
        ),
        agreement,
        field="party",
        code="not_your_party",
    )


def test_a_signature_in_the_future_or_before_the_previous_one_is_refused(world):
    agreement = world.issued()
    refused(
        lambda: services.agreement_sign(
            actor=world.coordinator,
            agreement=agreement,
            party=Party.CLIENT,
            signed_on=TODAY() + dt.timedelta(days=1),
        ),
        agreement,
        field="signed_on",
    )
    refused(
        lambda: services.agreement_sign(
            actor=world.coordinator,
            agreement=agreement,
            party=Party.CLIENT,
            signed_on=TODAY() - dt.timedelta(days=3),
        ),
        agreement,
        field="signed_on",
        code="before_issue",
    )


def test_signing_twice_is_refused(world):
    agreement = world.issued()
    services.agreement_sign(actor=world.coordinator, agreement=agreement, party=Party.CLIENT)
    refused(
        lambda: services.agreement_sign(
            actor=world.coordinator, agreement=agreement, party=Party.CLIENT
        ),
        agreement,
        field="party",
        code="already_signed",
    )


def test_issuing_incomplete_terms_is_refused_per_field(world):
    placement = world.placement(kind=AgreementKind.TRIANGLE)
    agreement = placement.agreements.get()
    refused(
        lambda: services.agreement_issue(actor=world.coordinator, agreement=agreement),
        agreement,
        field="care_contract_reference",
    )


def test_an_evaluation_date_before_the_start_is_refused(world):
    agreement = world.placement().agreements.get()
    refused(
        lambda: services.agreement_update_terms(
            actor=world.coordinator,
            agreement=agreement,
            data={"evaluation_on": agreement.lease_start - dt.timedelta(days=1)},
        ),
        agreement,
        field="evaluation_on",
    )


def test_a_flip_lease_shorter_than_twelve_months_is_refused(world):
    agreement = world.placement().agreements.get()
    short = services.add_months(agreement.lease_start, 11)
    refused(
        lambda: services.agreement_update_terms(
            actor=world.coordinator,
            agreement=agreement,
            data={"end_date": short, "evaluation_on": short},
        ),
        agreement,
        field="end_date",
    )


def test_terms_of_a_signing_agreement_cannot_change(world):
    agreement = world.issued()
    refused(
        lambda: services.agreement_update_terms(
            actor=world.coordinator, agreement=agreement, data={"contact_person": "X"}
        ),
        agreement,
        code="not_draft",
    )


def test_a_second_agreement_on_a_dwelling_already_let_is_refused(world):
    from housing import services as housing_services

    proposal = world.proposal()
    dwelling = proposal.dwelling
    # Meanwhile the corporation let the dwelling (outside this placement).
    housing_services.dwelling_reserve(actor=SYSTEM, dwelling=dwelling)
    housing_services.dwelling_let(actor=SYSTEM, dwelling=dwelling)
    placements = Placement.objects.count()
    with pytest.raises(DomainError) as info:
        services.placement_create(actor=world.coordinator, proposal=proposal)
    assert (info.value.field, info.value.code) == ("dwelling", "dwelling_taken")
    assert Placement.objects.count() == placements
    assert dwelling.__class__.objects.get(pk=dwelling.pk).status == DwellingStatus.LET


def test_the_database_holds_one_open_agreement_per_dwelling(world):
    from django.db import IntegrityError, transaction

    agreement = world.signed()
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.create(
            placement=agreement.placement,
            dwelling=agreement.dwelling,
            kind=AgreementKind.ORDINARY,
            lease_start=TODAY(),
            monthly_rent=agreement.monthly_rent,
            created_by=world.consultant,
        )


def test_a_proposal_becomes_a_placement_once(world):
    proposal = world.proposal()
    services.placement_create(actor=world.coordinator, proposal=proposal)
    with pytest.raises(DomainError) as info:
        services.placement_create(actor=world.consultant, proposal=proposal)
    assert info.value.code == "already_placed"


def test_only_a_party_of_the_proposal_places_it_refused_by_the_guard(world):
    proposal = world.proposal()
    for outsider in (world.other_coordinator, world.other_consultant):
        with pytest.raises(Forbidden) as refused:
            services.placement_create(actor=outsider, proposal=proposal)
        assert refused.value.code in ("forbidden", "not_found")
    assert not Placement.objects.exists()


def test_a_proposal_that_is_not_agreed_is_refused(world):
    proposal = world.proposal()
    proposal.status = "open"
    proposal.client_decision = ""
    proposal.save()
    with pytest.raises(DomainError) as info:
        services.placement_create(actor=world.coordinator, proposal=proposal)
    assert info.value.code == "not_agreed"
    assert not Placement.objects.exists()


# --- Decisions after the evaluation --------------------------------------------------------


def test_flipping_without_a_positive_evaluation_is_refused(world):
    agreement = running_flip_lease(world)
    evaluation = agreement.evaluations.get()
    # Not held yet.
    refused(
        lambda: services.flip_lease_flip(
            actor=world.consultant, agreement=agreement, evaluation_id=evaluation.pk
        ),
        agreement,
        field="evaluation",
        code="not_held",
    )
    # Held but doubtful.
    evaluated(world, agreement, judgement="doubtful")
    refused(
        lambda: services.flip_lease_flip(
            actor=world.consultant, agreement=agreement, evaluation_id=evaluation.pk
        ),
        agreement,
        field="evaluation",
        code="not_positive",
    )


def test_flipping_on_an_unconfirmed_evaluation_is_refused(world):
    agreement = running_flip_lease(world)
    evaluation = evaluated(world, agreement, confirm=False)
    refused(
        lambda: services.flip_lease_flip(
            actor=world.consultant, agreement=agreement, evaluation_id=evaluation.pk
        ),
        agreement,
        field="evaluation",
        code="not_confirmed",
    )


def test_flipping_without_citing_an_evaluation_is_refused(world):
    agreement = running_flip_lease(world)
    refused(
        lambda: services.flip_lease_flip(
            actor=world.consultant, agreement=agreement, evaluation_id=None
        ),
        agreement,
        field="evaluation",
    )


def test_a_positive_evaluation_flips_the_lease_to_the_tenant(world):
    agreement = running_flip_lease(world)
    evaluation = evaluated(world, agreement)
    flipped = services.flip_lease_flip(
        actor=world.consultant, agreement=agreement, evaluation_id=evaluation.pk
    )
    assert flipped.state == AgreementState.FLIPPED
    lease = Agreement.objects.get(previous=flipped)
    assert lease.kind == AgreementKind.ORDINARY
    assert lease.lease_holder == Party.CLIENT
    assert lease.lease_start == TODAY()
    assert lease.dwelling_id == flipped.dwelling_id
    assert lease.state == AgreementState.SIGNING
    step = flipped.transitions.get(action="flip")
    assert step.evaluation_id == evaluation.pk and step.actor == world.consultant
    # The tenant and the corporation sign the new lease; the dwelling stays let, once.
    lease = sign_all(world, lease)
    assert lease.state == AgreementState.ACTIVE
    assert world.stairwell.__class__.objects.get(pk=world.stairwell.pk).current_vulnerable == 1


def test_a_used_evaluation_cannot_be_cited_twice(world):
    agreement = running_flip_lease(world)
    evaluation = evaluated(world, agreement, judgement="doubtful")
    extended = services.agreement_extend(
        actor=world.consultant,
        agreement=agreement,
        evaluation_id=evaluation.pk,
        end_date=TODAY() + dt.timedelta(days=180),
    )
    assert extended.state == AgreementState.EXTENDED
    refused(
        lambda: services.agreement_extend(
            actor=world.consultant,
            agreement=extended,
            evaluation_id=evaluation.pk,
            end_date=TODAY() + dt.timedelta(days=360),
        ),
        extended,
        field="evaluation",
        code="already_used",
    )


def test_extension_sets_a_new_evaluation_date_and_a_new_document(world):
    agreement = running_flip_lease(world)
    evaluation = evaluated(world, agreement, judgement="doubtful")
    new_end = TODAY() + dt.timedelta(days=182)
    extended = services.agreement_extend(
        actor=world.consultant,
        agreement=agreement,
        evaluation_id=evaluation.pk,
        end_date=new_end,
        reason="Nog een half jaar met begeleiding",
    )
    assert extended.end_date == new_end and extended.evaluation_on == new_end
    open_evaluation = extended.evaluations.get(held_on__isnull=True, cancelled=False)
    assert open_evaluation.due_on == new_end
    assert extended.documents.filter(terms__document_kind="extension").count() == 1
    # After the extension a new positive evaluation flips it.
    later = evaluated(world, extended)
    flipped = services.flip_lease_flip(
        actor=world.consultant, agreement=extended, evaluation_id=later.pk
    )
    assert flipped.state == AgreementState.FLIPPED


def test_an_extension_date_before_the_current_end_is_refused(world):
    agreement = running_flip_lease(world)
    evaluation = evaluated(world, agreement, judgement="negative")
    refused(
        lambda: services.agreement_extend(
            actor=world.consultant,
            agreement=agreement,
            evaluation_id=evaluation.pk,
            end_date=agreement.end_date - dt.timedelta(days=1),
        ),
        agreement,
        field="end_date",
    )
    refused(
        lambda: services.agreement_extend(
            actor=world.consultant,
            agreement=agreement,
            evaluation_id=evaluation.pk,
            end_date=TODAY() + dt.timedelta(days=200),
            evaluation_on=TODAY() - dt.timedelta(days=2),
        ),
        agreement,
        field="evaluation_on",
    )


def test_ending_after_a_negative_evaluation_ends_the_placement(world):
    agreement = running_flip_lease(world)
    evaluation = evaluated(world, agreement, judgement="negative")
    ended = services.agreement_end(
        actor=world.consultant,
        agreement=agreement,
        reason="Huurachterstand zonder regeling",
        evaluation_id=evaluation.pk,
    )
    assert ended.state == AgreementState.ENDED
    assert Placement.objects.get(pk=agreement.placement_id).status == "ended"
    assert not ended.evaluations.filter(held_on__isnull=True, cancelled=False).exists()


def test_only_the_corporation_flips_extends_or_ends(world):
    agreement = running_flip_lease(world)
    evaluation = evaluated(world, agreement)
    refused(
        lambda: services.flip_lease_flip(
            actor=world.coordinator, agreement=agreement, evaluation_id=evaluation.pk
        ),
        agreement,
        code="forbidden",
    )
    refused(
        lambda: services.agreement_end(actor=world.coordinator, agreement=agreement, reason="x"),
        agreement,
        code="forbidden",
    )


def test_a_tripartite_agreement_becomes_an_ordinary_lease_after_a_positive_end(world):
    agreement = backdate(world.signed(kind=AgreementKind.TRIPARTITE), days=731)
    midway = agreement.evaluations.get(kind="midway")
    services.evaluation_record(
        actor=world.consultant, evaluation=midway, data={**GOOD, "held_on": TODAY()}
    )
    refused(
        lambda: services.tripartite_convert(
            actor=world.consultant, agreement=agreement, evaluation_id=midway.pk
        ),
        agreement,
        field="evaluation",
        code="not_final",
    )
    final = evaluated(world, agreement)
    converted = services.tripartite_convert(
        actor=world.consultant, agreement=agreement, evaluation_id=final.pk
    )
    assert converted.state == AgreementState.CONVERTED
    assert Agreement.objects.get(previous=converted).kind == AgreementKind.ORDINARY


def test_flip_is_not_a_step_of_a_tripartite_agreement(world):
    agreement = world.signed(kind=AgreementKind.TRIPARTITE)
    refused(
        lambda: services.flip_lease_flip(
            actor=world.consultant, agreement=agreement, evaluation_id=1
        ),
        agreement,
        code="invalid_transition",
    )


def test_care_stopped_under_a_triangle_contract_alerts_the_corporation(world):
    agreement = world.signed(kind=AgreementKind.TRIANGLE)
    stopped = services.triangle_care_stop(
        actor=world.coordinator, agreement=agreement, reason="Cliënt weigert begeleiding"
    )
    assert stopped.state == AgreementState.CARE_STOPPED
    alert = Notification.objects.get(user=world.consultant, kind="placements.care_stopped")
    assert "opzeggen" in alert.body
    assert "weigert" not in alert.body  # why care stopped stays with the care provider
    resumed = services.triangle_care_resume(
        actor=world.coordinator, agreement=stopped, reason="Begeleiding weer gestart"
    )
    assert resumed.state == AgreementState.ACTIVE
    services.triangle_care_stop(actor=world.coordinator, agreement=resumed, reason="Weer gestopt")
    ended = services.agreement_end(
        actor=world.consultant,
        agreement=resumed,
        reason="Huur opgezegd: zorg gestopt",
        ended_on=TODAY() + dt.timedelta(days=30),
    )
    assert ended.state == AgreementState.ENDED


def test_only_the_care_provider_records_care_stopped(world):
    agreement = world.signed(kind=AgreementKind.TRIANGLE)
    refused(
        lambda: services.triangle_care_stop(
            actor=world.consultant, agreement=agreement, reason="x"
        ),
        agreement,
        code="forbidden",
    )


def test_a_step_that_needs_a_reason_is_refused_without_one(world):
    agreement = world.issued()
    refused(
        lambda: services.agreement_revise(actor=world.coordinator, agreement=agreement, reason=" "),
        agreement,
        field="reason",
    )


def test_a_follow_up_lease_cannot_lapse(world):
    agreement = running_flip_lease(world)
    evaluation = evaluated(world, agreement)
    services.flip_lease_flip(
        actor=world.consultant, agreement=agreement, evaluation_id=evaluation.pk
    )
    lease = Agreement.objects.get(previous=agreement)
    refused(
        lambda: services.agreement_cancel(actor=world.coordinator, agreement=lease, reason="x"),
        lease,
        code="already_housed",
    )


def test_every_transition_is_on_the_timeline_with_who_and_why(world):
    agreement = world.signed()
    steps = list(agreement.transitions.values_list("action", "to_state"))
    assert steps[0] == ("create", "draft")
    assert ("issue", "signing") in steps
    assert steps[-1] == ("sign", "active")
    assert all(t.actor_id for t in agreement.transitions.all())
    assert sign_all  # the helper signs in order
