"""Forms for the housing pages (Dutch labels come from the models)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import validation
from accounts.forms import field_of

from . import capacity
from .models import (
    MUNICIPALITY_CODE_REGEX,
    Complex,
    Dwelling,
    DwellingStatus,
    DwellingType,
    ImportKind,
    Stairwell,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StairwellChoiceField(forms.ModelChoiceField):
    """Complexes number their entrances alike: the list read "Portiek 1, 3, 5, 1, 3"."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.complex.name} · {obj.name}"


class DwellingForm(forms.ModelForm):
    postcode = forms.RegexField(
        label=_("postcode"),
        max_length=8,
        regex=r"^\s*[1-9][0-9]{3}\s?[A-Za-z]{2}\s*$",
        error_messages={"invalid": _("Geen geldige postcode (1234 AB).")},
    )

    class Meta:
        model = Dwelling
        fields = [
            "reference", "street", "number", "suffix", "postcode", "city", "neighbourhood", "complex",
            "stairwell", "dwelling_type", "floor", "has_lift", "rooms", "bedrooms", "living_area",
            "net_rent", "service_costs", "step_free", "ground_floor", "wheelchair", "available_from",
            "counts_toward_quota", "notes",
        ]  # fmt: skip
        widgets = {"available_from": DATE_INPUT, "notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"stairwell": StairwellChoiceField}

    def __init__(self, *args: Any, neighbourhoods: Any, complexes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "neighbourhood", forms.ModelChoiceField).queryset = neighbourhoods
        field_of(self, "complex", forms.ModelChoiceField).queryset = complexes
        stairwell = field_of(self, "stairwell", forms.ModelChoiceField)
        stairwell.queryset = (
            Stairwell.objects.filter(complex__in=complexes)
            .select_related("complex")
            .order_by("complex__name", "name", "pk")
        )
        self.fields["net_rent"].widget.attrs["min"] = "0"

    def clean_postcode(self) -> str:
        return self.cleaned_data["postcode"].replace(" ", "").upper()

    def clean_net_rent(self) -> Any:
        rent = self.cleaned_data["net_rent"]
        if rent is not None and rent < 0:
            raise forms.ValidationError(_("De huur kan niet negatief zijn."))
        return rent


class DwellingFilterForm(forms.Form):
    q = forms.CharField(label=_("Zoek"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("alle")), *DwellingStatus.choices]
    )
    owner = forms.ChoiceField(
        label=_("Van"),
        required=False,
        choices=[
            ("", _("alle")),
            ("own", _("mijn corporatie")),
            ("others", _("andere corporaties")),
        ],
    )
    dwelling_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("alle")), *DwellingType.choices]
    )
    neighbourhood = forms.CharField(label=_("Buurtcode"), required=False, max_length=10)
    min_bedrooms = forms.IntegerField(
        label=_("Min. slaapkamers"), required=False, min_value=0, max_value=20
    )
    max_rent = forms.DecimalField(
        label=_("Max. netto huur"), required=False, min_value=0, max_digits=7, decimal_places=2
    )
    quota = forms.NullBooleanField(
        label=_("Contingent"),
        required=False,
        widget=forms.Select(
            choices=[("unknown", _("alle")), ("true", _("ja")), ("false", _("nee"))]
        ),
    )


class ComplexForm(forms.ModelForm):
    class Meta:
        model = Complex
        fields = ["code", "name", "neighbourhood"]

    def __init__(self, *args: Any, neighbourhoods: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "neighbourhood", forms.ModelChoiceField).queryset = neighbourhoods


class StopForm(forms.Form):
    reason = forms.CharField(label=_("Reden"), max_length=300)
    until = forms.DateField(
        validators=[validation.PLANNED], label=_("Tot en met"), widget=DATE_INPUT
    )


class StairwellForm(forms.Form):
    name = forms.CharField(label=_("Naam of ingang"), max_length=120)


class LimitForm(forms.Form):
    max_vulnerable = forms.IntegerField(
        label=_("Maximum kwetsbare huishoudens"), min_value=0, max_value=50
    )


class CountForm(forms.Form):
    current_vulnerable = forms.IntegerField(
        label=_("Kwetsbare huishoudens nu"), min_value=0, max_value=500
    )


class TransitionForm(forms.Form):
    note = forms.CharField(label=_("Toelichting"), max_length=300, required=False)
    to_outflow = forms.BooleanField(
        label=_("Verhuurd aan een uitstromer via de tafel"), required=False, initial=True
    )


class WeightsForm(forms.Form):
    reason = forms.CharField(
        label=_("Toelichting bij de wijziging"), max_length=300, required=False
    )

    def __init__(self, *args: Any, initial_weights: dict[str, float], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (_default, label, help_text) in capacity.WEIGHT_FIELDS.items():
            self.fields[name] = forms.FloatField(
                label=label,
                help_text=help_text,
                min_value=0,
                max_value=1000,
                initial=initial_weights[name],
            )
        self.order_fields([*capacity.WEIGHT_FIELDS, "reason"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        values = {k: data[k] for k in capacity.WEIGHT_FIELDS if data.get(k) is not None}
        if len(values) == len(capacity.WEIGHT_FIELDS):
            for name, message in capacity.validate_weights(values).items():
                self.add_error(name, message)
        return data

    @property
    def weights(self) -> dict[str, float]:
        return {k: self.cleaned_data[k] for k in capacity.WEIGHT_FIELDS}


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort bestand"))
    file = forms.FileField(label=_("Bestand (CSV, XLSX of GeoJSON)"))
    year = forms.IntegerField(
        label=_("Jaar van de cijfers"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_(
            "Alleen nodig als het bestand zelf geen jaar noemt (CBS-tabellen zonder jaarkolom)."
        ),
    )
    municipalities = forms.CharField(
        label=_("Gemeenten (CBS-codes)"),
        required=False,
        help_text=_(
            "Voor een landelijk of provinciaal bestand: de gemeenten die u wilt importeren, "
            "zoals GM0308, GM0307. Leeg: de gemeenten van uw regio."
        ),
    )
    create_complexes = forms.BooleanField(
        label=_("Onbekende complexen en portieken aanmaken (woningen)"), required=False
    )

    def __init__(self, *args: Any, kinds: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "kind", forms.ChoiceField).choices = [
            (k, ImportKind(k).label) for k in kinds
        ]
        if "dwellings" not in kinds:
            del self.fields["create_complexes"]
        if not {"boundaries", "indicators"} & set(kinds):
            del self.fields["year"]
            del self.fields["municipalities"]

    def clean_municipalities(self) -> list[str]:
        codes = [c.upper() for c in re.split(r"[\s,;]+", self.cleaned_data["municipalities"]) if c]
        bad = [c for c in codes if not re.match(MUNICIPALITY_CODE_REGEX, c)]
        if bad:
            raise forms.ValidationError(
                _("Geen CBS-gemeentecode: %(codes)s (verwacht GM en 4 cijfers, zoals GM0308).")
                % {"codes": ", ".join(bad)}
            )
        return codes

    @property
    def options(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "year": data.get("year"),
            "municipalities": data.get("municipalities") or [],
            "create_complexes": data.get("create_complexes", False),
        }


class IndicatorEntryForm(forms.Form):
    """What no public file has per buurt: the municipality enters it by hand."""

    year = forms.IntegerField(label=_("Jaar"), min_value=2000, max_value=2100)
    lvb_share = forms.DecimalField(
        label=_("aandeel LVB (%)"), required=False, min_value=0, max_value=100, decimal_places=2
    )
    psychiatric_share = forms.DecimalField(
        label=_("aandeel psychische problematiek (%)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("lvb_share") is None and data.get("psychiatric_share") is None:
            raise forms.ValidationError(_("Vul ten minste één aandeel in."))
        return data
