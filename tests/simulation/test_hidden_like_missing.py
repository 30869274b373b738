"""A hidden simulation object answers exactly like a missing id (issue 13, probe b): the
same status, the same body (the path aside), the same headers, on every simulation page and
API route, for every role that cannot see it: another region's chair (the board and its
scenarios are outside their scope) and the partners of the board (a scenario not shared)."""

from __future__ import annotations

import re

import pytest

from tests.url_walk import walk

pytestmark = pytest.mark.django_db

MISSING = "987654"
# The clock (Date, Expires), the cookie jar and the length (the bodies are compared whole).
VOLATILE_HEADERS = {"date", "expires", "set-cookie", "content-length"}
# Masked per response: the CSRF token (form field and htmx header) and the CSP nonce.
TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|nonce="|"X-CSRFToken": ")[^"]+')


def _routes() -> list[tuple[str, str]]:
    out = []
    for route in walk():
        if not route.name.startswith(("simulation:", "simulation-scenario")):
            continue
        path = "/" + route.route.replace("^", "").replace("$", "")
        if "(?P" in path:
            path = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", path).replace("\\.", ".")
            path = path.replace("/?", "/").replace("<format>", "json")
            if ".json" in path:
                continue
        out.append((route.name, path))
    return out


def _answer(browser, method: str, url: str) -> tuple[int, str, dict[str, str]]:
    response = getattr(browser, method)(url)
    body = b"".join(response) if response.streaming else response.content
    text = TOKEN.sub(r"\1…", body.decode("utf-8", "ignore")).replace(url, "<path>")
    headers = {
        k.lower(): v for k, v in response.headers.items() if k.lower() not in VOLATILE_HEADERS
    }
    return response.status_code, text, headers


def _url(path: str, kwarg: str, value: str, other: dict[str, str]) -> str:
    url = re.sub(rf"<(?:\w+:)?{kwarg}>", value, path)
    for name, v in other.items():
        url = re.sub(rf"<(?:\w+:)?{name}>", v, url)
    return url


@pytest.mark.parametrize("role", ["other_chair", "consultant_a", "coordinator", "org_admin"])
def test_a_hidden_simulation_object_answers_like_a_missing_one(
    sim_world, make_scenario, login, role
):
    private = make_scenario(name="Intern")
    browser = login(sim_world.user(role))
    hidden = {"pk": str(private.pk)}
    if role == "other_chair":
        hidden["board"] = str(sim_world.board.pk)
    differences, compared = [], 0
    for name, path in _routes():
        kwargs = [m.group(2) for m in re.finditer(r"<(?:(\w+):)?(\w+)>", path)]
        for kwarg in kwargs:
            if kwarg not in hidden:
                continue
            rest = {k: hidden.get(k, str(sim_world.board.pk)) for k in kwargs if k != kwarg}
            for method in ("get", "post"):
                want = _answer(browser, method, _url(path, kwarg, MISSING, rest))
                got = _answer(browser, method, _url(path, kwarg, hidden[kwarg], rest))
                compared += 1
                if got != want:
                    headers = sorted(set(got[2].items()) ^ set(want[2].items()))
                    differences.append(
                        (name, method, kwarg, got[0], want[0], headers, got[1] == want[1])
                    )
    assert compared > 10
    assert not differences, differences
