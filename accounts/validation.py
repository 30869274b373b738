"""Shared input checks: one definition of which characters free text may hold.

NUL bytes cannot be stored in PostgreSQL text (a 500 at save time) and other control
characters only hide text or break exports, so every form, API serializer and import refuses
them with this message. Line breaks and tabs stay allowed (text areas, pasted tables).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

CONTROL_CHARACTERS_MESSAGE = _(
    "Deze tekst bevat een niet-toegestaan teken (zoals een nul-byte of een stuurteken); "
    "haal het weg en probeer het opnieuw."
)


def has_control_characters(value: Any) -> bool:
    return isinstance(value, str) and _CONTROL.search(value) is not None


def no_control_characters(value: Any) -> None:
    """A Django/DRF validator."""
    if has_control_characters(value):
        raise ValidationError(CONTROL_CHARACTERS_MESSAGE, code="control_characters")
