"""Forms for signals. They parse; the services decide (bounds, states, who may)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import validation
from matching.placements.models import Party

from .models import (
    CATEGORIES_BY_PARTY,
    DESCRIPTION_MAX,
    PARTY_CHOICES,
    TEXT_MAX,
    Outcome,
    Severity,
    SignalCategory,
    SignalState,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SignalForm(forms.Form):
    category = forms.ChoiceField(label=_("Soort signaal"))
    observed_on = forms.DateField(
        validators=[validation.HAPPENED], label=_("Waargenomen op"), widget=DATE
    )
    severity = forms.ChoiceField(
        label=_("Ernst"),
        choices=Severity.choices,
        initial=Severity.MEDIUM,
        help_text=_("Urgent: de andere partij reageert binnen één werkdag."),
    )
    description = forms.CharField(
        label=_("Feitelijke beschrijving"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Wat is er gezien of gemeld, wanneer? Geen diagnose, geen oordeel."),
    )
    already_done = forms.CharField(
        label=_("Wat u al heeft gedaan"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, party: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(c.value, c.label) for c in CATEGORIES_BY_PARTY[Party(party)]]


class AnswerForm(forms.Form):
    assessment = forms.CharField(
        label=_("Inschatting"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    proposed_action = forms.CharField(
        label=_("Voorgestelde aanpak"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PlanActionForm(forms.Form):
    description = forms.CharField(label=_("Actie"), max_length=300)
    owner_party = forms.ChoiceField(
        label=_("Wie voert haar uit"),
        choices=[("", "—"), *PARTY_CHOICES],
        required=False,
    )
    due_on = forms.DateField(validators=[validation.PLANNED], label=_("Uiterlijk op"), widget=DATE)


class FollowUpForm(forms.Form):
    action = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    done_on = forms.DateField(
        validators=[validation.HAPPENED], label=_("Uitgevoerd op"), widget=DATE, required=False
    )
    follow_up = forms.CharField(label=_("Opvolging"), max_length=500, required=False)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Uitkomst"), choices=Outcome.choices)
    note = forms.CharField(
        label=_("Toelichting"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EscalateForm(forms.Form):
    reason = forms.CharField(
        label=_("Waarom legt u dit voor aan de gemeente?"),
        max_length=500,
        help_text=_("De voorzitter ziet het signaal dan met deze reden op de agenda."),
    )


class SignalFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Stand"),
        required=False,
        choices=[("open", _("open")), ("", _("alle")), *SignalState.choices],
    )
    category = forms.ChoiceField(
        label=_("Soort"), required=False, choices=[("", _("alle")), *SignalCategory.choices]
    )


class PeriodForm(forms.Form):
    start = forms.DateField(
        validators=[validation.FILTER], label=_("Van"), widget=DATE, required=False
    )
    end = forms.DateField(
        validators=[validation.FILTER], label=_("Tot en met"), widget=DATE, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("De einddatum ligt vóór de begindatum."))
        if start and end and (end - start).days > 3 * 366:
            self.add_error("end", _("Kies een periode van hoogstens drie jaar."))
        return data
