"""The meeting's summary line: a badge is red only when it counts something to worry about
(it was red at "0 afgewezen · 0 geweigerd")."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation


def _summary(**counts: int) -> dict[str, int]:
    base = {
        "total": 3,
        "open": 3,
        "agreed": 0,
        "declined": 0,
        "refused": 0,
        "awaiting": 0,
        "past_tipping": 0,
        "occupied_stairwell": 0,
        "stalled": 0,
    }
    return base | counts


def _render(summary: dict[str, int]) -> str:
    with translation.override("nl"):
        return render_to_string("board/_agenda_summary.html", {"summary": summary})


def test_nothing_declined_or_refused_is_no_red_badge():
    html = _render(_summary())
    assert "0 afgewezen · 0 geweigerd" in html
    assert "badge-red" not in html


def test_a_decline_or_a_refusal_is_red():
    assert "badge-red" in _render(_summary(declined=1))
    assert "badge-red" in _render(_summary(refused=2))
