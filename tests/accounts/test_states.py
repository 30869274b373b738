"""Templates compare states with the enums the apps expose, never with string states."""

from __future__ import annotations

import re
from pathlib import Path

from django.template import Context, Template

from accounts import states
from housing.models import DwellingStatus
from matching.placements.models import AgreementState

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# `<object>.status|state == "<value>"`: a string state in a template.
STRING_STATE = re.compile(r"\.\w*(status|state|decision)\s*[!=]=\s*[\"'][a-z_]+[\"']")


def test_apps_expose_their_state_enums_to_templates():
    exposed = states.exposed()
    assert exposed["AgreementState"] is AgreementState
    assert exposed["DwellingStatus"] is DwellingStatus


def test_an_enum_member_in_a_template_compares_equal_to_the_stored_value():
    template = Template("{% if a.state == AgreementState.SIGNING %}yes{% endif %}")
    context = Context({"a": {"state": "signing"}, **states.exposed()})
    assert template.render(context) == "yes"


def test_no_template_compares_a_state_with_a_string():
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for match in STRING_STATE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
