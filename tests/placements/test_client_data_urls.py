"""Every URL that returns client data writes exactly one access-log row per kind of record
it shows and sends `Cache-Control: no-store, private` (issue 13, holes 4 and 7). The test walks the whole URL
configuration as the parties and the chair, with the ids of a world that has a client at
every stage; a response is client-bearing when it names a client (pseudonym or name)."""

from __future__ import annotations

import re

import pytest

from accounts.models import AccessLogEntry
from tests.url_walk import walk

pytestmark = pytest.mark.django_db

# The person's own notifications: a title they were sent, naming a client by pseudonym only
# ("Nieuw signaal … over huurder WB-…"); the record it points to is logged when opened.
OWN_INBOX = {"/meldingen/"}
SKIP_PREFIXES = ("admin/", "api/schema", "api/docs", "api/redoc", "accounts/", "i18n/", "static/")
KWARG = re.compile(r"<(?:(\w+):)?(\w+)>")


def _candidates(world, objects) -> dict[str, list[str]]:
    ints = sorted({str(o.pk) for o in objects})
    return {
        "pk": ints,
        "proposal": ints,
        "version": ["1"],
        "reference": [objects[0].reference],
        "code": [world.neighbourhood.code],
        "action": ["revise"],
    }


def _urls(candidates: dict[str, list[str]]) -> list[str]:
    urls = []
    for route in walk():
        path = route.route.lstrip("^").rstrip("$")
        if path.startswith(SKIP_PREFIXES) or "(?P" in path:
            continue
        names = [m.group(2) for m in KWARG.finditer(path)]
        if any(n not in candidates for n in names):
            continue
        variants = [path]
        for name in names:
            variants = [
                re.sub(rf"<(?:\w+:)?{name}>", value, v, count=1)
                for v in variants
                for value in candidates[name]
            ]
        urls.extend("/" + v for v in variants)
    return sorted(set(urls))


def test_every_client_bearing_response_is_logged_once_and_not_cached(world, login):
    from matching.aftercare import services as aftercare
    from matching.aftercare.models import SignalCategory

    agreement = world.signed()
    placement = agreement.placement
    client = placement.client
    signal = aftercare.signal_raise(
        actor=world.consultant,
        agreement=agreement,
        category=SignalCategory.RENT_ARREARS,
        observed_on=agreement.lease_start,
        description="Twee maanden huur niet betaald; brief verstuurd.",
    )
    objects = [
        client, placement, agreement, placement.proposal, world.meeting, world.board,
        *agreement.evaluations.all(), signal,
    ]  # fmt: skip
    candidates = _candidates(world, objects)
    candidates["reference"] = [client.reference]
    markers = [client.reference]
    failures, checked = [], 0
    for who in ("coordinator", "consultant", "chair"):
        browser = login(getattr(world, who))
        for url in _urls(candidates):
            before = AccessLogEntry.objects.count()
            response = browser.get(url)
            assert response.status_code < 500, (who, url, response.status_code)
            if response.status_code != 200:
                continue
            body = b"".join(response) if response.streaming else response.content
            text = body.decode("utf-8", "ignore")
            if not any(m in text for m in markers) and not url.endswith(".pdf"):
                continue
            cache = response.headers.get("Cache-Control", "")
            if "no-store" not in cache or "private" not in cache:
                failures.append((who, url, "cache", cache))
            if url in OWN_INBOX:
                continue
            checked += 1
            # One row per kind of record the response shows: exactly one for a page of one
            # record; the agreement page also shows its signals, a record of their own
            # (aftercare.signal.listed next to placements.agreement.viewed).
            events = list(
                AccessLogEntry.objects.order_by("pk")[before:].values_list("event", flat=True)
            )
            if not events or len(events) != len(set(events)):
                failures.append((who, url, "rows", events))
    print(f"checked {checked} client-bearing responses")
    assert checked > 20
    assert not failures, failures
