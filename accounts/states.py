"""State enums for templates, so pages compare with enums and never with string states:

    {% if agreement.state == AgreementState.SIGNING %}

Apps expose their `TextChoices` in `AppConfig.ready()` with `states.expose(AgreementState)`;
the `accounts.context_processors.states` context processor puts every exposed enum in each
template's context under its class name. (Django's choices set `do_not_call_in_templates`, so
`AgreementState.SIGNING` resolves to the member, which compares equal to its value.)
"""

from __future__ import annotations

from django.db.models import Choices

_exposed: dict[str, type[Choices]] = {}


def expose(*enums: type[Choices]) -> None:
    for enum in enums:
        existing = _exposed.get(enum.__name__)
        if existing is not None and existing is not enum:
            raise RuntimeError(f"Two state enums are called {enum.__name__}")
        _exposed[enum.__name__] = enum


def exposed() -> dict[str, type[Choices]]:
    return dict(_exposed)
