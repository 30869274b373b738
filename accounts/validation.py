"""Shared input checks: one definition of which characters free text may hold.

NUL bytes cannot be stored in PostgreSQL text (a 500 at save time) and other control
characters only hide text or break exports, so every form, API serializer and import refuses
them with this message. Line breaks and tabs stay allowed (text areas, pasted tables).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
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


@deconstructible
class DateWithin:
    """A date validator for forms, serializers and model fields: the date lies in a plausible
    window around today (Amsterdam), so 0001-01-01 or 9999-12-31 never reach a record.

    `years_back=None` reaches back to 1900-01-01 (the earliest date ever accepted); `years_ahead=0`
    ends the window today. Use one of the named windows below, so the same kind of date is bounded
    the same way everywhere.
    """

    def __init__(self, years_back: int | None, years_ahead: int) -> None:
        self.years_back = years_back
        self.years_ahead = years_ahead

    def window(self, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
        today = today or timezone.localdate()
        earliest = EARLIEST
        if self.years_back is not None:
            earliest = max(EARLIEST, _shift(today, -self.years_back))
        return earliest, _shift(today, self.years_ahead)

    def __call__(self, value: Any) -> None:
        if not isinstance(value, dt.date):
            return
        earliest, latest = self.window()
        if not earliest <= value <= latest:
            from accounts import formatting

            raise ValidationError(
                _("Kies een datum van %(earliest)s tot en met %(latest)s."),
                code="date_out_of_range",
                params={"earliest": formatting.date(earliest), "latest": formatting.date(latest)},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateWithin) and (self.years_back, self.years_ahead) == (
            other.years_back,
            other.years_ahead,
        )

    def __hash__(self) -> int:
        return hash((self.years_back, self.years_ahead))


EARLIEST = dt.date(1900, 1, 1)


def _shift(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# The named windows. A date of birth lies in the past; something that happened (signed, held,
# observed, stopped) lies in the last years or shortly ahead (a date agreed for next week); a
# planned date (lease end, evaluation, deadline, valid until) lies ahead within a decade; a search
# filter may reach back to 1900.
BIRTH = DateWithin(years_back=None, years_ahead=0)
HAPPENED = DateWithin(years_back=10, years_ahead=1)
PLANNED = DateWithin(years_back=2, years_ahead=10)
FILTER = DateWithin(years_back=None, years_ahead=10)


def free_text(value: Any, *, field: str, max_length: int | None = None) -> str:
    """Free text as a service stores it: stripped, without control characters (refused at its
    field, whatever channel the text came through), cut to the column's length."""
    from accounts.errors import DomainError

    text = str(value or "").strip()
    if has_control_characters(text):
        raise DomainError(str(CONTROL_CHARACTERS_MESSAGE), field=field, code="control_characters")
    return text[:max_length] if max_length is not None else text
