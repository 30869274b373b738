"""Filters of the monitor pages and the quota form; every refusal is a Dutch field message."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import TargetGroup

from .models import QUOTA_MAX
from .periods import MONTH, QUARTER, Period, add_months, month_start

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
MAX_MONTHS = 60
MONTH_INPUT = forms.TextInput(attrs={"type": "month", "placeholder": "2026-01"})


class MonthField(forms.CharField):
    """A month as `YYYY-MM` (the browser's month input), cleaned to its first day."""

    widget = MONTH_INPUT

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        value = super().to_python(value)
        if not value:
            return None
        match = MONTH_RE.match(value.strip())
        if not match:
            raise forms.ValidationError(
                _("Geef een maand op als jaar-maand, bijvoorbeeld 2026-03."), code="format"
            )
        year, month = int(match[1]), int(match[2])
        if not (1 <= month <= 12 and 2000 <= year <= 2100):
            raise forms.ValidationError(
                _("Dit is geen bestaande maand tussen 2000 en 2100."), code="range"
            )
        return dt.date(year, month, 1)


class PeriodForm(forms.Form):
    van = MonthField(label=_("Van (maand)"), required=False)
    tot = MonthField(label=_("Tot en met (maand)"), required=False)
    per = forms.ChoiceField(
        label=_("Per"),
        choices=[(MONTH, _("maand")), (QUARTER, _("kwartaal"))],
        required=False,
    )

    def __init__(self, *args: Any, unit: str = MONTH, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default_unit = unit
        default = Period.last_12_months()
        self.fields["van"].initial = f"{default.first:%Y-%m}"
        self.fields["tot"].initial = f"{default.last:%Y-%m}"
        self.fields["per"].initial = unit

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        this_month = month_start(timezone.localdate())
        first, last = data.get("van"), data.get("tot")
        if first and first > this_month:
            self.add_error(
                "van",
                forms.ValidationError(
                    _("Deze maand ligt in de toekomst: er zijn nog geen cijfers over."),
                    code="future",
                ),
            )
        if last and last > this_month:
            self.add_error(
                "tot",
                forms.ValidationError(
                    _("Deze maand ligt in de toekomst; kies uiterlijk de huidige maand."),
                    code="future",
                ),
            )
        if first and last and last < first:
            self.add_error(
                "tot",
                forms.ValidationError(_("De laatste maand ligt vóór de eerste."), code="order"),
            )
        elif (
            first
            and last
            and (last.year * 12 + last.month) - (first.year * 12 + first.month) >= MAX_MONTHS
        ):
            self.add_error(
                "tot",
                forms.ValidationError(_("Kies een periode van hoogstens vijf jaar."), code="long"),
            )
        return data

    def period(self) -> Period:
        """The chosen period; the last 12 months when nothing (valid) was chosen."""
        default = Period.last_12_months(unit=self.default_unit)
        if not self.is_bound or not self.is_valid():
            return default
        data = self.cleaned_data
        unit = data.get("per") or self.default_unit
        last = data.get("tot") or default.last
        first = data.get("van") or add_months(last, -11)
        return Period(first, last, unit)


class FlowFilterForm(PeriodForm):
    zorgaanbieder = forms.TypedChoiceField(
        label=_("Zorgaanbieder"), coerce=int, required=False, empty_value=None
    )
    doelgroep = forms.ChoiceField(
        label=_("Doelgroep"),
        choices=[("", _("alle doelgroepen")), *TargetGroup.choices],
        required=False,
    )

    def __init__(self, *args: Any, providers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["zorgaanbieder"]).choices = [
            ("", _("alle zorgaanbieders")),
            *providers,
        ]


class YearForm(forms.Form):
    jaar = forms.TypedChoiceField(label=_("Jaar"), coerce=int, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        cast(forms.ChoiceField, self.fields["jaar"]).choices = [
            (y, str(y)) for y in range(this_year + 1, this_year - 6, -1)
        ]
        self.fields["jaar"].initial = this_year

    def year(self) -> int:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("jaar"):
            return int(self.cleaned_data["jaar"])
        return timezone.localdate().year


class QuotaForm(forms.Form):
    corporation = forms.TypedChoiceField(label=_("Corporatie"), coerce=int)
    year = forms.IntegerField(label=_("Jaar"), min_value=2000, max_value=2100)
    dwellings = forms.IntegerField(
        label=_("Contingent (woningen per jaar)"), min_value=0, max_value=QUOTA_MAX
    )
    note = forms.CharField(
        label=_("Toelichting (bijvoorbeeld het besluit of de afspraak)"),
        max_length=300,
        required=False,
    )

    def __init__(self, *args: Any, corporations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["corporation"]).choices = corporations
        self.fields["year"].initial = timezone.localdate().year
