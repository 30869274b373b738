"""The board screen's speed: conditional live refresh, changed rows only, pinned query counts,
runs that leave their stored JSON in the database."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AccessLogEntry
from matching.board import services
from matching.board.models import GenerationRun, Proposal
from tests.board.test_meeting_screen import _bulk_proposals
from tests.log_cost import chain_statements
from tests.races import race

pytestmark = pytest.mark.django_db


def _live(world):
    return reverse("matching:meeting-live", args=[world.meeting.pk])


def _poll(browser, url, etag="", htmx=True):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    if etag:
        headers["HTTP_IF_NONE_MATCH"] = etag
    return browser.get(url, **headers)


def test_the_live_refresh_answers_204_when_nothing_changed(proposed, login):
    browser = login(proposed.chair)
    first = _poll(browser, _live(proposed))
    assert first.status_code == 200 and first["ETag"]
    again = _poll(browser, _live(proposed), first["ETag"])
    assert again.status_code == 204
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_a_conditional_get_outside_htmx_answers_304(proposed, login):
    browser = login(proposed.chair)
    etag = _poll(browser, _live(proposed), htmx=False)["ETag"]
    assert _poll(browser, _live(proposed), etag, htmx=False).status_code == 304


def test_the_screen_starts_the_refresh_from_its_own_version(proposed, login):
    browser = login(proposed.chair)
    page = browser.get(reverse("matching:meeting-detail", args=[proposed.meeting.pk]))
    etag = _poll(browser, _live(proposed))["ETag"]
    assert etag.strip('"') in page.content.decode()
    assert _poll(browser, _live(proposed), etag).status_code == 204


def test_after_a_decision_only_the_changed_row_is_sent(proposed, login):
    browser = login(proposed.coordinator)
    etag = _poll(browser, _live(proposed))["ETag"]
    decided = Proposal.objects.get(meeting=proposed.meeting, corporation=proposed.corp_a)
    services.proposal_decide(actor=proposed.consultant_a, proposal=decided, decision="approved")

    changed = _poll(browser, _live(proposed), etag)
    html = changed.content.decode()
    assert changed.status_code == 200
    assert changed["HX-Reswap"] == "none"
    assert changed["ETag"] != etag
    assert html.count('class="agenda-row"') == 1
    assert f'id="proposal-{decided.pk}"' in html and 'hx-swap-oob="true"' in html
    assert 'id="agenda-summary"' in html and "badge-green" in html
    assert _poll(browser, _live(proposed), changed["ETag"]).status_code == 204


def test_new_rows_send_the_whole_agenda(proposed, login):
    browser = login(proposed.chair)
    etag = _poll(browser, _live(proposed))["ETag"]
    _bulk_proposals(proposed, 1)
    response = _poll(browser, _live(proposed), etag)
    assert response.status_code == 200 and "HX-Reswap" not in response
    assert response.content.decode().lstrip().startswith('<div id="agenda"')


def test_a_forgotten_version_sends_the_whole_agenda(proposed, login):
    browser = login(proposed.chair)
    response = _poll(browser, _live(proposed), '"not-a-version-we-sent"')
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="agenda"')


def test_versions_differ_between_viewers_who_see_different_things(proposed, login):
    chair = _poll(login(proposed.chair), _live(proposed))["ETag"]
    other = login(proposed.coordinator)
    assert _poll(other, _live(proposed))["ETag"] != chair
    assert _poll(other, _live(proposed), chair).status_code == 200


def test_two_chairs_of_one_municipality_share_one_version_and_one_rendered_agenda(
    world, login, django_assert_num_queries
):
    """The first board view of a version renders the agenda once for everyone in the same role
    at the same organisation: the second chair's first view is a cache hit for the agenda and for
    the "why no match" section (the 16 queries of a repeated view, not the 20 of a render)."""
    _bulk_proposals(world, 200)
    url = reverse("matching:meeting-detail", args=[world.meeting.pk])
    first = login(world.chair)
    first.get(url)
    etag = _poll(first, _live(world))["ETag"]
    second = login(world.second_chair)
    # (the purpose is no longer looked up by id: -1; the log row's chain: +chain_statements)
    with django_assert_num_queries(16 + chain_statements()):
        page = second.get(url).content.decode()
    assert page.count("data-row-link") == 200 and etag.strip('"') in page
    assert _poll(second, _live(world), etag).status_code == 204


def test_an_ended_consent_changes_the_version_of_a_consultant_who_saw_the_name(proposed, login):
    from cases.models import Consent

    p = Proposal.objects.get(meeting=proposed.meeting, corporation=proposed.corp_a)
    services.proposal_decide(actor=proposed.consultant_a, proposal=p, decision="approved")
    services.proposal_respond(actor=proposed.coordinator, proposal=p, decision="accepted")
    browser = login(proposed.consultant_a)
    etag = _poll(browser, _live(proposed))["ETag"]
    Consent.objects.filter(client_id=p.client_id).delete()
    assert _poll(browser, _live(proposed), etag).status_code == 200


# --- Pinned query counts at 200 proposals ---------------------------------------------------


def test_the_board_screen_at_200_proposals_makes_a_pinned_number_of_queries(
    world, login, django_assert_num_queries
):
    _bulk_proposals(world, 200)
    browser = login(world.chair)
    url = reverse("matching:meeting-detail", args=[world.meeting.pk])
    # +1 on each view: the after-care section (escalated signals, `matching.board.agenda`).
    # First view (the purpose is no longer looked up by id), then the same version again.
    with django_assert_num_queries(20 + chain_statements()):
        assert browser.get(url).content.decode().count("data-row-link") == 200
    with django_assert_num_queries(16 + chain_statements()):
        assert browser.get(url).content.decode().count("data-row-link") == 200


def test_an_unchanged_live_refresh_at_200_proposals_makes_a_pinned_number_of_queries(
    world, login, django_assert_num_queries
):
    _bulk_proposals(world, 200)
    browser = login(world.chair)
    etag = _poll(browser, _live(world))["ETag"]
    # sign-in checks, the meeting, two light reads, session (the purpose lookup by id is gone)
    with django_assert_num_queries(10):
        assert _poll(browser, _live(world), etag).status_code == 204


# --- Stored instance and solution -------------------------------------------------------------


def test_runs_are_read_without_their_stored_instance_and_solution(proposed):
    from matching.board import selectors

    run = selectors.latest_run(proposed.meeting)
    assert {"instance", "solution"} <= run.get_deferred_fields()
    assert {"instance", "solution"} <= GenerationRun.objects.get(pk=run.pk).get_deferred_fields()
    assert {"instance", "solution"} <= proposed.meeting.runs.get().get_deferred_fields()


def test_the_board_screen_reads_its_runs_without_the_no_match_lists(proposed):
    """The "why no match" lists are megabytes at regional scale and have their own cached
    section: the screen's run status must not load them (it once did, 1.8 MB per view)."""
    from matching.board import selectors

    last, _current = selectors.screen_runs(proposed.meeting)
    assert {"instance", "solution", "archive", "no_match"} <= last.get_deferred_fields()
    assert selectors.no_match_for(user=proposed.chair, meeting=proposed.meeting) is not None


def test_old_runs_are_archived_compressed_and_read_back(proposed):
    import datetime as dt

    from django.utils import timezone

    first = GenerationRun.objects.with_stored().get()
    stored = {"instance": first.instance, "solution": first.solution}
    services.proposals_generate(meeting=proposed.meeting, actor=proposed.chair)  # supersedes it
    GenerationRun.objects.update(started_at=timezone.now() - dt.timedelta(days=2))

    assert services.run_archive_stored() == 1
    old = GenerationRun.objects.with_stored().get(pk=first.pk)
    assert old.instance == {} and old.solution == {} and old.archived_at is not None
    assert old.stored() == stored
    assert old.no_match == first.no_match and old.stats == first.stats
    newest = GenerationRun.objects.with_stored().exclude(pk=first.pk).get()
    assert newest.archived_at is None and newest.instance  # the meeting's current run stays
    assert services.run_archive_stored() == 0  # a second run changes nothing


# --- The minutes PDF: made once per state, then served from its file ------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _pdf(world):
    return reverse("matching:minutes-pdf", args=[world.meeting.pk])


def test_the_second_minutes_pdf_request_is_served_from_the_stored_file(
    proposed, login, media, monkeypatch
):
    from matching.board.services import minutes

    browser = login(proposed.chair)
    first = browser.get(_pdf(proposed))
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    body = b"".join(first.streaming_content)
    assert body.startswith(b"%PDF")
    assert len(list((media / "minutes").rglob("*.pdf"))) == 1

    def no_rendering(**kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(minutes, "minutes_pdf_render", no_rendering)
    second = browser.get(_pdf(proposed))
    assert second.status_code == 200
    assert b"".join(second.streaming_content) == body


def test_a_decision_makes_a_new_minutes_pdf_and_removes_the_old(proposed, login, media):
    browser = login(proposed.chair)
    b"".join(browser.get(_pdf(proposed)).streaming_content)
    (old,) = (media / "minutes").rglob("*.pdf")
    p = Proposal.objects.get(meeting=proposed.meeting, corporation=proposed.corp_a)
    services.proposal_decide(actor=proposed.consultant_a, proposal=p, decision="approved")
    b"".join(browser.get(_pdf(proposed)).streaming_content)
    (new,) = (media / "minutes").rglob("*.pdf")
    assert new != old and not old.exists()


def test_each_viewer_gets_their_own_minutes_pdf(proposed, login, media):
    for user in (proposed.chair, proposed.coordinator):
        assert login(user).get(_pdf(proposed)).status_code == 200
    assert len(list((media / "minutes").rglob("*.pdf"))) == 2


def test_with_a_worker_the_first_request_answers_202_and_queues_the_render(
    proposed, login, media, monkeypatch
):
    from matching.board import tasks

    queued = []
    monkeypatch.setattr(tasks.render_minutes_pdf, "delay", lambda *args: queued.append(args))
    response = login(proposed.chair).get(_pdf(proposed))
    assert response.status_code == 202 and response["Retry-After"] == "3"
    assert 'http-equiv="refresh"' in response.content.decode()
    assert queued and queued[0][0] == proposed.meeting.pk
    assert login(proposed.chair).get(_pdf(proposed)).status_code == 202  # looked again: not yet
    tasks.render_minutes_pdf(*queued[0])  # the worker
    assert login(proposed.chair).get(_pdf(proposed)).status_code == 200
    # One print in the access log: the answer that served the PDF, not the waiting ones.
    printed = AccessLogEntry.objects.filter(event="matching.meeting.minutes_printed")
    assert printed.count() == 1


def test_with_the_broker_down_the_pdf_is_still_made(proposed, login, media, monkeypatch):
    from matching.board import tasks

    def down(*args):
        raise OSError("broker down")

    monkeypatch.setattr(tasks.render_minutes_pdf, "delay", down)
    assert login(proposed.chair).get(_pdf(proposed)).status_code == 200


def test_viewers_opening_the_same_version_at_once_wait_for_one_render(monkeypatch):
    """When a meeting opens, everyone of one kind asks for the same agenda at once: one renders,
    the others wait for its copy (the render lock), instead of rendering 200 rows each."""
    import time
    from types import SimpleNamespace

    from django.core.cache import cache

    from matching.board import views

    renders = []

    def slow_render(template, context, request=None):
        renders.append(template)
        time.sleep(0.3)
        return "<div id='agenda'>rendered</div>"

    monkeypatch.setattr(views, "agenda_context", lambda *args, **kwargs: {})
    monkeypatch.setattr(views, "render_to_string", slow_render)
    cache.clear()
    version = SimpleNamespace(etag='"same-version"')
    results = race(*[lambda: str(views.agenda_html(None, None, version))] * 5)
    assert renders == ["board/_agenda.html"]
    assert results == ["<div id='agenda'>rendered</div>"] * 5


def test_without_a_cache_every_viewer_renders_and_nobody_waits(monkeypatch):
    from types import SimpleNamespace

    from matching.board import views

    class DownCache:  # django-redis with IGNORE_EXCEPTIONS when Redis is down
        def get(self, *args, **kwargs):
            return None

        def add(self, *args, **kwargs):
            return None

        def set(self, *args, **kwargs):
            return None

        def delete(self, *args, **kwargs):
            return None

    monkeypatch.setattr(views, "cache", DownCache())
    monkeypatch.setattr(views, "agenda_context", lambda *args, **kwargs: {})
    monkeypatch.setattr(views, "render_to_string", lambda *args, **kwargs: "<div>x</div>")
    monkeypatch.setattr(views, "_wait_for", lambda *args: pytest.fail("waited without a cache"))
    assert str(views.agenda_html(None, None, SimpleNamespace(etag='"v"'))) == "<div>x</div>"
