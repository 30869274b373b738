"""Forms for the coordinator's pages. They parse input; the domain rules live in `services`
(so the API gets the same messages) and come back as field errors via
`accounts.errors.add_to_form`."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import validation
from accounts.forms import field_of
from accounts.models import User

from . import geography
from .models import (
    AgreementType,
    ClientStatus,
    LegalBasis,
    TargetGroup,
    UrgencyDecidedBy,
    UrgencyReason,
)

CONSENT_TEXT_VERSION = "woonbrug-toestemming-2026.2"  # names target group and care provider

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ClientForm(forms.Form):
    """Intake and edit: care-only data and the shared profile on one page, saved together."""

    # Care-only (zorgdossier)
    full_name = forms.CharField(label=_("Naam"), max_length=150, required=False)
    date_of_birth = forms.DateField(
        validators=[validation.BIRTH], label=_("Geboortedatum"), required=False, widget=DATE
    )
    phone = forms.CharField(label=_("Telefoonnummer"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mailadres"), max_length=254, required=False)
    contact_details = forms.CharField(
        label=_("Overige contactgegevens"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    care_history = forms.CharField(
        label=_("Samenvatting zorggeschiedenis"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    exclusion_reasons = forms.CharField(
        label=_("Redenen voor uitgesloten buurten"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Blijft binnen uw organisatie; anderen zien alleen de buurtcodes."),
    )
    # Shared profile (woonprofiel)
    target_group = forms.ChoiceField(
        label=_("Doelgroep"), choices=[("", "—"), *TargetGroup.choices], required=False
    )
    adults = forms.IntegerField(label=_("Volwassenen in het huishouden"), initial=1)
    children = forms.IntegerField(label=_("Kinderen in het huishouden"), initial=0)
    monthly_income = forms.IntegerField(
        label=_("Bruto huishoudinkomen per maand (€)"),
        required=False,
        help_text=_(
            "Inclusief een twaalfde van het vakantiegeld. Anderen zien alleen de inkomensgroep en de maximale huur."
        ),
    )
    step_free = forms.BooleanField(label=_("Traploos bereikbaar"), required=False)
    ground_floor_or_lift = forms.BooleanField(label=_("Begane grond of lift"), required=False)
    wheelchair = forms.BooleanField(label=_("Rolstoeltoegankelijk"), required=False)
    max_floor = forms.IntegerField(
        label=_("Hoogste verdieping"),
        required=False,
        help_text=_("Leeg: geen beperking. 0 = begane grond."),
    )
    preferred_municipality_codes = forms.MultipleChoiceField(
        label=_("Voorkeursgemeenten"), required=False, widget=forms.CheckboxSelectMultiple
    )
    preferred_district_codes = forms.MultipleChoiceField(
        label=_("Voorkeurswijken"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    excluded_neighbourhood_codes = forms.CharField(
        label=_("Uitgesloten buurten (CBS-buurtcodes)"),
        required=False,
        help_text=_(
            "Bijvoorbeeld BU03630000, gescheiden door komma's of spaties. De reden vult u hierboven in."
        ),
    )
    support_hours_per_week = forms.DecimalField(
        label=_("Begeleiding (uur per week)"), required=False, max_digits=4, decimal_places=1
    )
    support_team_district_code = forms.ChoiceField(
        label=_("Werkgebied begeleidingsteam"), required=False
    )
    agreement_type = forms.ChoiceField(
        label=_("Gewenste afspraakvorm"),
        choices=[("", "—"), *AgreementType.choices],
        required=False,
    )
    earliest_move_date = forms.DateField(
        validators=[validation.PLANNED],
        label=_("Vroegste verhuisdatum"),
        required=False,
        widget=DATE,
    )
    pets = forms.BooleanField(label=_("Heeft huisdieren"), required=False)
    pets_description = forms.CharField(label=_("Welke huisdieren"), max_length=100, required=False)
    note_for_corporation = forms.CharField(
        label=_("Korte toelichting voor de corporatie"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wordt gedeeld. Geen diagnoses of zorginhoud."),
    )

    urgency_reason = forms.ChoiceField(
        label=_("Urgentiegrond"),
        choices=[("", "—"), *UrgencyReason.choices],
        required=False,
        help_text=_("Blijft binnen uw organisatie; de tafel ziet alleen dat er urgentie is."),
    )
    urgency_decided_by = forms.ChoiceField(
        label=_("Urgentie besloten door"),
        choices=[("", "—"), *UrgencyDecidedBy.choices],
        required=False,
    )
    urgency_decided_on = forms.DateField(
        validators=[validation.HAPPENED],
        label=_("Urgentie besloten op"),
        required=False,
        widget=DATE,
    )
    urgency_valid_until = forms.DateField(
        validators=[validation.PLANNED],
        label=_("Urgentie geldig tot en met"),
        required=False,
        widget=DATE,
    )

    CARE_GROUP = (
        "full_name",
        "date_of_birth",
        "phone",
        "email",
        "contact_details",
        "care_history",
        "exclusion_reasons",
    )

    def __init__(self, *args: Any, region_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "preferred_municipality_codes", forms.ChoiceField).choices = [
            (m.code, m.name) for m in geography.municipalities_in(region_id)
        ]
        districts = [
            (d.code, f"{d.name} ({d.municipality.name})") for d in geography.districts_in(region_id)
        ]
        field_of(self, "preferred_district_codes", forms.ChoiceField).choices = districts
        field_of(self, "support_team_district_code", forms.ChoiceField).choices = [
            ("", "—"),
            *districts,
        ]

    URGENCY_GROUP = (
        "urgency_reason",
        "urgency_decided_by",
        "urgency_decided_on",
        "urgency_valid_until",
    )

    def care_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.CARE_GROUP]

    def urgency_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.URGENCY_GROUP]

    def profile_fields(self) -> list[forms.BoundField]:
        return [
            self[name]
            for name in self.fields
            if name not in self.CARE_GROUP and name not in self.URGENCY_GROUP
        ]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["excluded_neighbourhood_codes"] = geography.split_codes(
            data.get("excluded_neighbourhood_codes")
        )
        return data

    @staticmethod
    def initial_from(client: Any) -> dict[str, Any]:
        care, profile = client.care, client.profile
        initial = {name: getattr(care, name) for name in ClientForm.CARE_GROUP}
        for name in (
            "target_group", "adults", "children", "monthly_income", "step_free", "ground_floor_or_lift",
            "wheelchair", "max_floor", "support_hours_per_week", "agreement_type", "earliest_move_date",
            "pets", "pets_description", "note_for_corporation", "urgency_reason",
            "urgency_decided_by", "urgency_decided_on", "urgency_valid_until",
        ):  # fmt: skip
            initial[name] = getattr(profile, name)
        initial["preferred_municipality_codes"] = [
            m.code for m in profile.preferred_municipalities.all()
        ]
        initial["preferred_district_codes"] = [d.code for d in profile.preferred_districts.all()]
        initial["excluded_neighbourhood_codes"] = " ".join(
            n.code for n in profile.excluded_neighbourhoods.all()
        )
        district = profile.support_team_district
        initial["support_team_district_code"] = district.code if district else ""
        return initial


class ConsentForm(forms.Form):
    legal_basis = forms.ChoiceField(label=_("Grondslag"), choices=LegalBasis.choices)
    text_version = forms.CharField(
        label=_("Versie van de toestemmingstekst"), max_length=40, initial=CONSENT_TEXT_VERSION
    )
    given_on = forms.DateField(
        validators=[validation.HAPPENED], label=_("Toestemming gegeven op"), widget=DATE
    )
    valid_until = forms.DateField(
        validators=[validation.PLANNED],
        label=_("Geldig tot en met"),
        widget=DATE,
        help_text=_("Hoogstens twee jaar."),
    )
    confirmed = forms.BooleanField(
        label=_(
            "De cliënt heeft de tekst gelezen of voorgelezen gekregen en stemt in met het delen van het woonprofiel."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["given_on"].initial = today
        self.fields["valid_until"].initial = today + datetime.timedelta(days=365)


class TransitionForm(forms.Form):
    reason = forms.CharField(label=_("Reden"), max_length=500, required=False)


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Nieuwe notitie"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReassignForm(forms.Form):
    coordinator = forms.ModelChoiceField(
        label=_("Nieuwe zorgcoördinator"), queryset=User.objects.none()
    )

    def __init__(self, *args: Any, coordinators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "coordinator", forms.ModelChoiceField).queryset = coordinators


class ClientFilterForm(forms.Form):
    q = forms.CharField(label=_("Zoeken op naam of referentie"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("alle")), *ClientStatus.choices], required=False
    )
    target_group = forms.ChoiceField(
        label=_("Doelgroep"), choices=[("", _("alle")), *TargetGroup.choices], required=False
    )
    waiting = forms.TypedChoiceField(
        label=_("Wachttijd sinds registratie"),
        choices=[
            ("", _("alle")),
            ("30", _("meer dan 1 maand")),
            ("90", _("meer dan 3 maanden")),
            ("180", _("meer dan 6 maanden")),
        ],
        coerce=int,
        empty_value=None,
        required=False,
    )
    mine = forms.BooleanField(label=_("Alleen mijn cliënten"), required=False)
    order = forms.ChoiceField(
        label=_("Sorteren"),
        choices=[
            ("registered", _("langst geregistreerd")),
            ("ready", _("langst uitstroomklaar")),
            ("recent", _("laatst gewijzigd")),
        ],
        required=False,
    )


__all__ = [
    "ClientFilterForm",
    "ClientForm",
    "ConsentForm",
    "NoteForm",
    "ReassignForm",
    "TransitionForm",
]
