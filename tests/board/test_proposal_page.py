"""The proposal page reads as one product: the score's reasons are worded at display time in
the reader's language and formats (names, not CBS codes; decimal commas; plurals), and the
shared profile's dates are dates, not ISO text."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from matching.board.models import Proposal

pytestmark = pytest.mark.django_db


def _page(proposed, login, language="nl") -> str:
    p = Proposal.objects.filter(meeting=proposed.meeting).first()
    browser = login(proposed.chair)
    # The locale middleware leaves the thread's language active: restore it for later tests.
    with translation.override(translation.get_language()):
        if language != "nl":
            browser.post(reverse("set_language"), {"language": language})
        return browser.get(reverse("matching:proposal-detail", args=[p.pk])).content.decode()


def test_every_score_part_keeps_the_numbers_it_was_worded_from(proposed):
    for p in Proposal.objects.filter(meeting=proposed.meeting):
        assert p.breakdown and all(part.get("params", {}).get("case") for part in p.breakdown)


def test_the_score_reasons_name_places_and_use_dutch_numbers(proposed, login):
    page = _page(proposed, login)
    assert "BU000101" not in page.split("Opbouw van de score", 1)[1].split("</section>", 1)[0]
    assert "WK000101" not in page
    assert "Buurt Buurt " in page  # "Buurt {name} heeft een draagkrachtscore van …"
    assert not re.search(r"draagkrachtscore van \d+\.\d", page)
    assert not re.search(r"\(\d+(\.\d+)? van \d+ punten\)", page)
    assert "slaapkamer(s)" not in page and "(s)" not in page


def test_the_shared_profile_dates_are_written_as_dates(proposed, login):
    page = _page(proposed, login)
    ready = re.search(r"Uitstroomklaar sinds</dt><dd>([^<]*)</dd>", page).group(1)
    assert not re.match(r"\d{4}-\d{2}-\d{2}", ready), ready
    assert re.match(r"\d{1,2} [a-z]+ \d{4}", ready), ready


def test_the_score_reasons_are_english_when_chosen(proposed, login):
    page = _page(proposed, login, "en")
    assert "Elke toegestane combinatie" not in page
    assert "basispunten" not in page


def test_the_minutes_word_why_a_client_has_no_proposal(world, login):
    """The minutes printed the stored fallback "2 passende woningen (outbid)": a code."""
    from matching.board import services

    world.add_client()
    world.add_client()
    world.add_dwelling(corporation=world.corp_a)
    services.proposals_generate(meeting=world.meeting, actor=world.chair)
    page = login(world.chair).get(reverse("matching:minutes", args=[world.meeting.pk]))
    body = page.content.decode().split("Zonder voorstel", 1)[1]
    assert "passende woning" in body
    assert "(outbid)" not in body and "(all_limited)" not in body
