"""The scenario comparison's table: one precision per row, real minus signs, Dutch decimals
(it printed "-2,65" with a hyphen next to "+12,40" and "14,4", means with one or two decimals)."""

from __future__ import annotations

from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import translation

from matching.simulation.selectors import summary_rows


def _run(name, housed, low, high, wait, wait_low, wait_high, start):
    summary = {
        "housed": housed,
        "wait_p90": wait,
        "past_tipping_start": start,
        "spread": {
            "housed": {"min": low, "max": high},
            "wait_p90": {"min": wait_low, "max": wait_high},
        },
    }
    return SimpleNamespace(summary=summary, scenario=SimpleNamespace(name=name))


def test_a_row_has_one_precision_and_a_real_minus():
    runs = [
        _run("A", 14.4, 12, 17, 32.04, 26.71, 49.71, 19),
        _run("B", 26.8, 23, 31, 29.39, 27.4, 34.43, 19),
    ]
    with translation.override("nl"):
        html = render_to_string(
            "simulation/_summary_table.html", {"rows": summary_rows(runs), "runs": runs}
        )
    assert "14,4 <span" in html and "(12,0–17,0)" in html
    assert "+12,4<" in html and "+12,40" not in html
    assert "32,0 <span" in html and "(26,7–49,7)" in html
    assert "\u22122,6" in html or "\u22122,7" in html
    assert "-2," not in html
