"""Generation's write phase and its background runs: what happens between solve and write is
kept and re-checked; one run per meeting; runs that recover. Deterministic: the pause between
solve and write is the `_after_solve` hook, in which the test acts as another person."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from matching.board import services, tasks
from matching.board.models import GenerationRun, GenerationStatus, Proposal, ProposalStatus
from matching.board.services import generation

pytestmark = pytest.mark.django_db


def _between_solve_and_write(monkeypatch, action):
    done = []

    def hook(meeting):
        if not done:
            done.append(1)
            action()

    monkeypatch.setattr(generation, "_after_solve", hook)


def test_a_decision_taken_while_the_engine_solves_is_kept(proposed, monkeypatch):
    p = Proposal.objects.get(meeting=proposed.meeting, corporation=proposed.corp_a)
    _between_solve_and_write(
        monkeypatch,
        lambda: services.proposal_decide(
            actor=proposed.consultant_a, proposal=p, decision="approved"
        ),
    )
    services.proposals_generate(meeting=proposed.meeting, actor=proposed.chair)
    p.refresh_from_db()
    assert p.status == ProposalStatus.OPEN and p.consultant_decision == "approved"
    assert not p.events.filter(kind="superseded").exists()
    # The client holds that proposal: no second open proposal for it.
    assert Proposal.objects.filter(client=p.client, status=ProposalStatus.OPEN).count() == 1


def test_a_decline_while_solving_is_kept_and_the_pair_stays_excluded(proposed, monkeypatch):
    p = Proposal.objects.get(meeting=proposed.meeting, corporation=proposed.corp_a)
    _between_solve_and_write(
        monkeypatch,
        lambda: services.proposal_decide(
            actor=proposed.consultant_a, proposal=p, decision="declined",
            reason="other", text="niet passend",
        ),
    )  # fmt: skip
    services.proposals_generate(meeting=proposed.meeting, actor=proposed.chair)
    p.refresh_from_db()
    assert p.status == ProposalStatus.DECLINED
    assert not Proposal.objects.filter(
        client=p.client, dwelling=p.dwelling, status=ProposalStatus.OPEN
    ).exists()


def test_consent_withdrawn_while_solving_means_no_proposal(world, monkeypatch):
    client = world.add_client()
    world.add_dwelling()
    _between_solve_and_write(
        monkeypatch,
        lambda: case_services.consent_withdraw(actor=world.coordinator, client=client),
    )
    run = services.proposals_generate(meeting=world.meeting, actor=world.chair)
    assert not Proposal.objects.filter(client=client).exists()
    assert run.stats["dropped"] >= 0 and run.stats["assigned"] == 0


def test_withdrawal_ends_open_proposals_and_drops_the_stored_profile(proposed):
    p = Proposal.objects.filter(meeting=proposed.meeting).first()
    assert p.profile.get("target_group")
    case_services.consent_withdraw(actor=proposed.coordinator, client=p.client)
    p.refresh_from_db()
    assert p.status == ProposalStatus.WITHDRAWN
    assert set(p.profile) == {"reference", "consent_ended"} and p.breakdown == []


def test_a_deactivated_organisations_clients_and_dwellings_leave_the_pool(world):
    world.add_client()
    world.add_dwelling(corporation=world.corp_a)
    world.corp_a.is_active = False
    world.corp_a.save(update_fields=["is_active"])
    run = services.proposals_generate(meeting=world.meeting, actor=world.chair)
    assert run.stats["dwellings"] == 0 and not Proposal.objects.exists()
    world.corp_a.is_active = True
    world.corp_a.save(update_fields=["is_active"])
    world.provider.is_active = False
    world.provider.save(update_fields=["is_active"])
    run = services.proposals_generate(meeting=world.meeting, actor=world.chair)
    assert run.stats["clients"] == 0 and not Proposal.objects.exists()


def test_a_snapshot_gone_stale_is_solved_once_more(world, monkeypatch):
    clients = [world.add_client() for _ in range(2)]
    for _ in range(2):
        world.add_dwelling()

    def withdraw_all():
        for c in clients:
            case_services.consent_withdraw(actor=world.coordinator, client=c)

    _between_solve_and_write(monkeypatch, withdraw_all)
    run = services.proposals_generate(meeting=world.meeting, actor=world.chair)
    assert run.stats["attempt"] == 2 and run.stats["assigned"] == 0


def _write_queries(world, n: int) -> int:
    """Queries of the write phase of a recalculation (every proposal recomputed in place)."""
    for _ in range(n):
        world.add_client()
        world.add_dwelling(neighbourhood=world.neighbourhoods[_ % 3])
    services.proposals_generate(meeting=world.meeting, actor=world.chair)
    captured = {}
    real = generation._write_phase

    def counted(*args, **kwargs):
        with CaptureQueriesContext(connection) as ctx:
            result = real(*args, **kwargs)
        captured["n"] = len(ctx.captured_queries)
        return result

    with mock.patch.object(generation, "_write_phase", counted):
        services.proposals_generate(meeting=world.meeting, actor=world.chair)
    return captured["n"]


def test_the_write_phase_uses_the_same_number_of_queries_for_few_or_many_proposals(world):
    small = _write_queries(world, 2)
    few = Proposal.objects.filter(status=ProposalStatus.OPEN).count()
    large = _write_queries(world, 10)
    assert Proposal.objects.filter(status=ProposalStatus.OPEN).count() > few
    assert large == small


# --- Background runs ------------------------------------------------------------------------


def test_berekenen_queues_one_run_and_a_second_click_joins_it(proposed, login):
    browser = login(proposed.chair)
    url = reverse("matching:meeting-generate", args=[proposed.meeting.pk])
    assert browser.post(url).status_code == 302  # on_commit never fires in this test: queued
    assert browser.post(url).status_code == 302
    runs = GenerationRun.objects.filter(meeting=proposed.meeting, status=GenerationStatus.QUEUED)
    assert runs.count() == 1
    page = browser.get(reverse("matching:meeting-detail", args=[proposed.meeting.pk]))
    assert "wachtrij" in page.content.decode() and "hx-trigger" in page.content.decode()
    fragment = browser.get(
        reverse("matching:meeting-generation", args=[proposed.meeting.pk]), HTTP_HX_REQUEST="true"
    )
    assert fragment.status_code == 200 and "HX-Refresh" not in fragment
    services.generation_execute(run_id=runs.get().pk)
    fragment = browser.get(
        reverse("matching:meeting-generation", args=[proposed.meeting.pk]), HTTP_HX_REQUEST="true"
    )
    assert fragment["HX-Refresh"] == "true"


def test_berekenen_runs_in_process_without_a_broker(
    proposed, login, django_capture_on_commit_callbacks
):
    browser = login(proposed.chair)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(reverse("matching:meeting-generate", args=[proposed.meeting.pk]))
    assert response.status_code == 302
    assert GenerationRun.objects.filter(meeting=proposed.meeting).latest("pk").status == "done"


def test_a_broker_that_is_down_fails_the_run_with_a_message_not_a_500(
    proposed, login, django_capture_on_commit_callbacks
):
    browser = login(proposed.chair)
    with (
        mock.patch.object(tasks.run_generation, "apply_async", side_effect=ConnectionError()),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = browser.post(reverse("matching:meeting-generate", args=[proposed.meeting.pk]))
    assert response.status_code == 302
    run = GenerationRun.objects.latest("pk")
    assert run.status == GenerationStatus.FAILED and "ingepland" in run.error
    page = browser.get(reverse("matching:meeting-detail", args=[proposed.meeting.pk]))
    assert "ingepland" in page.content.decode()


def test_a_duplicate_delivery_writes_nothing_twice(proposed):
    run, _created = services.generation_request(meeting=proposed.meeting, actor=proposed.chair)
    services.generation_execute(run_id=run.pk)
    events = sum(p.events.count() for p in Proposal.objects.all())
    proposals = Proposal.objects.count()
    services.generation_execute(run_id=run.pk)
    assert Proposal.objects.count() == proposals
    assert sum(p.events.count() for p in Proposal.objects.all()) == events


def test_a_run_left_by_a_dead_worker_is_taken_over_and_one_tried_too_often_fails(proposed):
    run, _created = services.generation_request(meeting=proposed.meeting, actor=proposed.chair)
    old = timezone.now() - generation.GENERATION_STALE_AFTER - dt.timedelta(seconds=1)
    GenerationRun.objects.filter(pk=run.pk).update(status="running", attempt=1, heartbeat_at=old)
    assert services.generation_sweep() == {"requeued": 1, "failed": 0}  # eager: runs at once
    run.refresh_from_db()
    assert run.status == GenerationStatus.DONE and run.attempt == 2
    again, _created = services.generation_request(meeting=proposed.meeting, actor=proposed.chair)
    GenerationRun.objects.filter(pk=again.pk).update(
        status="running", attempt=generation.GENERATION_MAX_ATTEMPTS, heartbeat_at=old
    )
    assert services.generation_sweep() == {"requeued": 0, "failed": 1}
    again.refresh_from_db()
    assert again.status == GenerationStatus.FAILED and "opnieuw" in again.error


def test_the_automatic_run_is_queued_once_per_meeting(world):
    world.add_client()
    world.add_dwelling()
    from accounts.access import SystemActor

    system = SystemActor("board.generation")
    first, created = services.generation_request(meeting=world.meeting, actor=system, key="auto:x")
    services.generation_execute(run_id=first.pk)
    second, created_again = services.generation_request(
        meeting=world.meeting, actor=system, key="auto:x"
    )
    assert created and not created_again and second.pk == first.pk


def test_board_tasks_have_time_limits_and_survive_a_lost_worker():
    for task in (tasks.run_generation, tasks.generate_proposals):
        assert task.acks_late and task.reject_on_worker_lost
        assert task.soft_time_limit and task.time_limit > task.soft_time_limit


def test_an_expired_consent_hides_the_stored_profile_from_other_parties_at_once(proposed, login):
    """Before the hourly sweep ends it, consent past its date already hides the profile."""
    from cases.models import Consent

    p = Proposal.objects.get(meeting=proposed.meeting, corporation=proposed.corp_a)
    Consent.objects.filter(client=p.client).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1),
        given_on=timezone.localdate() - dt.timedelta(days=30),
    )
    page = login(proposed.consultant_a).get(reverse("matching:proposal-detail", args=[p.pk]))
    assert page.status_code == 200 and page.context["p"].profile.get("consent_ended")
    api = login(proposed.consultant_a).get(f"/api/v1/proposals/{p.pk}/").json()
    assert api["profile"].get("consent_ended") and "household" not in api["profile"]
    # The care provider's own coordinator still reads it (their own client).
    own = login(proposed.coordinator).get(reverse("matching:proposal-detail", args=[p.pk]))
    assert not own.context["p"].profile.get("consent_ended")


def test_an_attempt_taken_over_while_it_solved_writes_nothing(proposed, monkeypatch):
    """A slow (not dead) worker whose run was taken over meanwhile leaves the writing to the
    attempt that took it: its own write phase stores no run result and no proposal."""
    run, _created = services.generation_request(meeting=proposed.meeting, actor=proposed.chair)
    proposals = list(Proposal.objects.order_by("pk").values_list("pk", "status"))
    _between_solve_and_write(
        monkeypatch,
        lambda: GenerationRun.objects.filter(pk=run.pk).update(attempt=2),  # the take-over
    )
    services.generation_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == GenerationStatus.RUNNING and run.attempt == 2
    assert run.finished_at is None and not run.solution
    assert list(Proposal.objects.order_by("pk").values_list("pk", "status")) == proposals


def test_a_connection_lost_after_the_solve_puts_the_run_back_for_the_retry(proposed, monkeypatch):
    """The task retries on OperationalError; the run must be claimable by that retry (it used
    to stay 'running' with a fresh heartbeat, so the retry returned at once)."""
    from django.db import OperationalError

    run, _created = services.generation_request(meeting=proposed.meeting, actor=proposed.chair)

    def lost(meeting):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(generation, "_after_solve", lost)
    with pytest.raises(OperationalError):
        services.generation_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == GenerationStatus.QUEUED and run.attempt == 1
    monkeypatch.undo()
    services.generation_execute(run_id=run.pk)  # the retry
    run.refresh_from_db()
    assert run.status == GenerationStatus.DONE and run.attempt == 2


def test_a_dead_workers_run_is_stale_within_half_a_minute():
    assert generation.GENERATION_STALE_AFTER.total_seconds() <= 30
    assert generation.GENERATION_HEARTBEAT_SECONDS * 3 <= 30
