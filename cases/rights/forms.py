"""Input of the privacy-rights pages: a period, and a client's pseudonym."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import validation
from cases.models import REFERENCE_REGEX

EARLIEST = dt.date(2000, 1, 1)
DEFAULT_DAYS = 365


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last year up to and including today."""
    today = today or timezone.localdate()
    return today - dt.timedelta(days=DEFAULT_DAYS), today


class PeriodForm(forms.Form):
    """The period of an overview (local dates, both inclusive). Empty fields take the default
    period; a reversed or impossible period gets a message at its field."""

    date_from = forms.DateField(
        label=_("Van"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validation.FILTER],
    )
    date_to = forms.DateField(
        label=_("Tot en met"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validation.FILTER],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start_default, end_default = default_period()
        start = data.get("date_from") or start_default
        end = data.get("date_to") or end_default
        if "date_from" in self.errors or "date_to" in self.errors:
            return data
        if start < EARLIEST:
            self.add_error("date_from", _("Kies een datum vanaf 1 januari 2000."))
        elif end < start:
            self.add_error("date_to", _("De einddatum ligt vóór de begindatum."))
        data["date_from"], data["date_to"] = start, end
        return data


class ClientReferenceForm(forms.Form):
    """Which client a privacy request is about: by pseudonym, never by name."""

    KINDS = [
        ("access", _("Wie heeft het dossier ingezien")),
        ("export", _("Kopie van alle gegevens")),
        ("erase", _("Gegevens wissen (alleen de privacyfunctionaris)")),
    ]

    reference = forms.CharField(
        label=_("Cliëntnummer"),
        max_length=20,
        help_text=_("Het pseudoniem, bijvoorbeeld WB-2026-00001"),
    )
    kind = forms.ChoiceField(
        label=_("Verzoek"), choices=KINDS, initial="access", widget=forms.RadioSelect
    )

    @staticmethod
    def not_found_message() -> str:
        return str(_("Uw organisatie heeft geen cliënt met dit nummer."))

    def clean_reference(self) -> str:
        reference = str(self.cleaned_data["reference"]).strip().upper()
        if not re.match(REFERENCE_REGEX, reference):
            raise forms.ValidationError(
                _("Een cliëntnummer ziet eruit als WB-2026-00001."), code="invalid"
            )
        return reference
