"""Role × URL × method for signals (pages and API): the agreement's two parties see and act,
the chair only once a signal is escalated, the analyst only counts, everybody else 404.
The first test fails when an aftercare URL is missing from the matrix."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AccessLogEntry
from matching.aftercare import services
from tests.conftest import sign_in
from tests.url_walk import walk

PERSONAS = [
    "coordinator",
    "colleague",
    "consultant",
    "chair",
    "analyst",
    "other_coordinator",
    "other_consultant",
    "elsewhere_chair",
    "org_admin",
    "anonymous",
]


def row(default: int, **overrides: int) -> dict[str, int]:
    result = dict.fromkeys(PERSONAS, default)
    result["anonymous"] = 302
    result.update(overrides)
    return result


PARTIES = {"coordinator": 200, "colleague": 200, "consultant": 200}

# url name -> (method, kwargs builder, expected status per persona, escalated first?)
MATRIX: dict[str, list[tuple[str, Callable[[Any], dict[str, Any]], dict[str, int], bool]]] = {
    "signal-list": [
        ("get", lambda s: {}, row(200, analyst=403, org_admin=403), False),
    ],
    "counts": [
        ("get", lambda s: {}, row(403, chair=200, analyst=200, elsewhere_chair=200), False),
    ],
    "signal-detail": [
        ("get", lambda s: {"pk": s.pk}, row(404, **PARTIES), False),
        ("get", lambda s: {"pk": s.pk}, row(404, chair=200, **PARTIES), True),
    ],
    "signal-step": [
        (
            "get",
            lambda s: {"pk": s.pk, "step": "ontvangst"},
            row(404, **dict.fromkeys(PARTIES, 405)),
            False,
        ),
        # A party's refused step is a message on the page (302 back); outsiders 404.
        (
            "post",
            lambda s: {"pk": s.pk, "step": "ontvangst"},
            row(404, coordinator=302, colleague=302, consultant=302),
            False,
        ),
        (
            "post",
            lambda s: {"pk": s.pk, "step": "voorleggen"},
            row(404, coordinator=302, colleague=302, consultant=302),
            False,
        ),
    ],
    "signal-create": [
        ("get", lambda s: {"pk": s.agreement_id}, row(404, **PARTIES), False),
    ],
    "aftercare-signal-list": [
        ("get", lambda s: {}, row(200, analyst=403, org_admin=403, anonymous=403), False),
    ],
    "aftercare-signal-detail": [
        ("get", lambda s: {"pk": s.pk}, row(404, anonymous=403, **PARTIES), False),
        ("get", lambda s: {"pk": s.pk}, row(404, anonymous=403, chair=200, **PARTIES), True),
    ],
    "aftercare-signal-acknowledge": [
        (
            "post",
            lambda s: {"pk": s.pk},
            row(404, anonymous=403, coordinator=200, colleague=200, consultant=400),
            False,
        ),
    ],
    "aftercare-signal-close": [
        (
            "post",
            lambda s: {"pk": s.pk},
            row(404, anonymous=403, **dict.fromkeys(PARTIES, 400)),
            False,
        ),
    ],
    "aftercare-signal-answer": [
        (
            "post",
            lambda s: {"pk": s.pk},
            row(404, anonymous=403, coordinator=400, colleague=400, consultant=400),
            False,
        ),
    ],
    "aftercare-signal-plan": [
        (
            "post",
            lambda s: {"pk": s.pk},
            row(404, anonymous=403, **dict.fromkeys(PARTIES, 400)),
            False,
        ),
    ],
    "aftercare-signal-escalate": [
        (
            "post",
            lambda s: {"pk": s.pk},
            row(404, anonymous=403, **dict.fromkeys(PARTIES, 400)),
            False,
        ),
    ],
}


def _aftercare_routes() -> set[str]:
    names = set()
    for route in walk():
        view = getattr(route.callback, "view_class", None) or getattr(route.callback, "cls", None)
        module = getattr(view, "__module__", "") or getattr(route.callback, "__module__", "")
        if module.startswith("matching.aftercare") and route.name:
            names.add(route.name)
    return names


def test_every_aftercare_url_is_in_the_matrix():
    missing = {n.removeprefix("aftercare:") for n in _aftercare_routes()} - set(MATRIX)
    assert not missing, f"add these URLs to the aftercare matrix: {sorted(missing)}"


CASES = [
    (name, i, persona)
    for name, entries in MATRIX.items()
    for i in range(len(entries))
    for persona in PERSONAS
]


@pytest.mark.parametrize(("name", "index", "persona"), CASES)
def test_matrix(world, raise_signal, name, index, persona):
    method, kwargs_of, expected, escalated = MATRIX[name][index]
    signal = raise_signal()
    if escalated:
        services.signal_escalate(actor=world.consultant, signal=signal, reason="Geen contact")
    client = Client() if persona == "anonymous" else sign_in(Client(), getattr(world, persona))
    full_name = name if name.startswith("aftercare-") else f"aftercare:{name}"
    url = reverse(full_name, kwargs=kwargs_of(signal))
    body = {"reason": "Huurder onbereikbaar"} if name.endswith("step") else {}
    response = getattr(client, method)(url, body) if method == "post" else client.get(url)
    assert response.status_code == expected[persona], (name, persona, response.status_code)


def test_reading_a_signal_writes_one_log_row_and_a_hidden_one_tells_nothing(world, raise_signal):
    signal = raise_signal()
    client = sign_in(Client(), world.coordinator)
    before = AccessLogEntry.objects.count()
    assert client.get(reverse("aftercare:signal-detail", args=[signal.pk])).status_code == 200
    rows = (
        AccessLogEntry.objects.all()[before:]
        if False
        else AccessLogEntry.objects.filter(
            object_type="aftercare.signal", result="success", action="view"
        )
    )
    assert rows.count() == 1
    outsider = sign_in(Client(), world.other_consultant)
    response = outsider.get(reverse("aftercare:signal-detail", args=[signal.pk]))
    assert response.status_code == 404
    assert signal.reference not in response.content.decode()
    assert "Twee maanden" not in response.content.decode()
