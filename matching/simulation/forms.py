"""The scenario form (Dutch labels come from the model). Values are checked again by the
service and the pure `core.Params`, so the form only shapes the input."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Scenario

_LIMIT_LINE = re.compile(
    r"^\s*(BU\d{4}[0-9A-Z]{4})\s*[=:]?\s*(\d+(?:[.,]\d+)?)\s*%?\s*$", re.IGNORECASE
)


class ScenarioForm(forms.ModelForm):
    neighbourhood_limits = forms.CharField(
        label=_("Ander kantelpunt per buurt"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "BU99010001 = 25"}),
        help_text=_("Eén buurt per regel: buurtcode en percentage. Leeg: overal hetzelfde."),
    )

    class Meta:
        model = Scenario
        fields = [
            "name", "description", "policy", "limit_mode", "tipping_point",
            "neighbourhood_limits", "stairwell_rule", "stairwell_max", "complexes_stopped",
            "horizon_weeks", "seed", "seeds", "clients_per_week", "dwellings_per_week",
            "offer_weeks", "departure_rate", "urgent_share",
        ]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "tipping_point": _(
                "Aandeel kwetsbare huishoudens (LVB-aandeel uit de buurtcijfers plus de "
                "plaatsingen) waarboven een buurt voorbij het kantelpunt is. Telt ook als "
                "maat in de uitkomsten."
            ),
            "limit_mode": _(
                "Alleen bij optimalisatie en voorrang binnen de grenzen; ‘volgorde van "
                "voorrang (zoals nu)’ kent geen grenzen."
            ),
            "seed": _("Zelfde scenario en startgetal geven altijd dezelfde uitkomst."),
            "seeds": _(
                "Het scenario wordt doorgerekend met dit aantal startgetallen (vanaf het "
                "startgetal); de uitkomsten tonen gemiddelde en bereik, zodat u ziet wat toeval "
                "is. Minimaal 5."
            ),
            "departure_rate": _(
                "Deel van de geplaatste kwetsbare huishoudens dat per jaar vertrekt; dat maakt "
                "de plek in portiek en buurt weer vrij. Voorgevuld met de beëindigde "
                "plaatsingen van de laatste 12 maanden, anders 10% (ongeveer de jaarlijkse "
                "mutatiegraad van corporatiewoningen)."
            ),
            "urgent_share": _(
                "Deel van de nieuwe cliënten met een urgentieverklaring (26 weken geldig); "
                "voorgevuld met het aandeel onder de nu wachtende cliënten."
            ),
            "clients_per_week": _("Voorgevuld met de laatste 12 maanden van de regio."),
            "dwellings_per_week": _("Voorgevuld met de laatste 12 maanden van de regio."),
            "offer_weeks": _(
                "Een woning die zo lang niet is gebruikt, gaat naar een reguliere huurder."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:  # (an empty dict showed as "{}")
            self.initial["neighbourhood_limits"] = "\n".join(
                f"{code} = {value:g}" for code, value in self.instance.neighbourhood_limits.items()
            )

    def clean_neighbourhood_limits(self) -> dict[str, float]:
        limits: dict[str, float] = {}
        for line in (self.cleaned_data.get("neighbourhood_limits") or "").splitlines():
            if not line.strip():
                continue
            match = _LIMIT_LINE.match(line)
            if match is None:
                raise forms.ValidationError(
                    _("Regel ‘%(line)s’ is geen buurtcode met percentage.") % {"line": line.strip()}
                )
            limits[match.group(1).upper()] = float(match.group(2).replace(",", "."))
        return limits
