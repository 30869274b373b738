"""Forms for the placement pages. They parse input; the rules live in `services` (so the API
gets the same messages), and come back as field errors via `accounts.errors.add_to_form`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import validation

from .models import (
    NUISANCE_REPORTS_MAX,
    AgreementKind,
    AgreementState,
    Condition,
    Evaluation,
    EvaluationKind,
    Independence,
    Judgement,
    Network,
    Party,
    RentPayment,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgreementFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("lopend en in voorbereiding")),
            ("all", _("alle")),
            *AgreementState.choices,
        ],
    )
    kind = forms.ChoiceField(
        label=_("Afspraakvorm"), required=False, choices=[("", _("alle")), *AgreementKind.choices]
    )
    due = forms.ChoiceField(
        label=_("Termijn"),
        required=False,
        choices=[("", _("alle")), ("soon", _("binnen 4 weken")), ("overdue", _("verlopen"))],
    )


class PlacementCreateForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Afspraakvorm"),
        choices=AgreementKind.choices,
        widget=forms.RadioSelect,
        help_text=_("Voorgekozen: de voorkeur uit het woonprofiel van de cliënt."),
    )


class TermsForm(forms.Form):
    lease_start = forms.DateField(
        validators=[validation.HAPPENED], label=_("Ingangsdatum"), widget=DATE
    )
    end_date = forms.DateField(
        validators=[validation.PLANNED], label=_("Einddatum"), required=False, widget=DATE
    )
    evaluation_on = forms.DateField(
        validators=[validation.PLANNED],
        label=_("(Eerste) evaluatiedatum"),
        required=False,
        widget=DATE,
        help_text=_("Omklapcontract: aan het eind; tripartiete overeenkomst: halverwege."),
    )
    support_hours_per_week = forms.DecimalField(
        label=_("Begeleiding (uur per week)"), required=False, max_digits=4, decimal_places=1
    )
    contact_person = forms.CharField(
        label=_("Contactpersoon zorgaanbieder"), max_length=150, required=False
    )
    contact_phone = forms.CharField(
        label=_("Telefoon contactpersoon"), max_length=30, required=False
    )
    conditions = forms.MultipleChoiceField(
        label=_("Voorwaarden"),
        choices=Condition.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    conditions_text = forms.CharField(
        label=_("Overige afspraken"),
        help_text=_(
            "Alleen afspraken over wonen en begeleiding. Geen diagnose of zorginhoud: de "
            "corporatie leest en bewaart dit document."
        ),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    care_contract_reference = forms.CharField(
        label=_("Kenmerk zorgcontract"), max_length=60, required=False
    )

    CARE_FIELDS = (
        "support_hours_per_week",
        "contact_person",
        "contact_phone",
        "conditions",
        "conditions_text",
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind == AgreementKind.ORDINARY:
            for name in (*self.CARE_FIELDS, "care_contract_reference"):
                del self.fields[name]
        elif kind != AgreementKind.TRIANGLE:
            del self.fields["care_contract_reference"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reden"), max_length=500)


class IssueForm(forms.Form):
    pass


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _evaluation_choices(evaluations: list[Evaluation]) -> list[tuple[str, str]]:
    return [
        (
            str(e.pk),
            f"{e.get_kind_display()} {e.held_on:%d-%m-%Y}: {e.get_judgement_display()}"
            + ("" if e.is_confirmed else f" ({_('nog niet bevestigd')})"),
        )
        for e in evaluations
        if e.held_on is not None
    ]


class _CitingForm(forms.Form):
    """A decision that rests on a held final evaluation."""

    evaluation = forms.ChoiceField(label=_("Op grond van de evaluatie"))

    def __init__(self, *args: Any, evaluations: list[Evaluation] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        usable = [
            e
            for e in evaluations or []
            if e.kind == EvaluationKind.FINAL and not e.decision and not e.cancelled
        ]
        choices = _evaluation_choices(usable)
        _set_choices(
            self, "evaluation", [("", str(_("— kies een gehouden eindevaluatie —"))), *choices]
        )
        if not choices:
            self.fields["evaluation"].help_text = _(
                "Er is nog geen gehouden eindevaluatie: leg eerst de uitkomst vast."
            )


class ExtendForm(_CitingForm):
    end_date = forms.DateField(
        validators=[validation.PLANNED], label=_("Nieuwe einddatum"), widget=DATE
    )
    evaluation_on = forms.DateField(
        validators=[validation.PLANNED],
        label=_("Nieuwe evaluatiedatum"),
        required=False,
        widget=DATE,
        help_text=_("Leeg: op de nieuwe einddatum."),
    )
    reason = forms.CharField(label=_("Toelichting"), max_length=500, required=False)


class FlipForm(_CitingForm):
    lease_start = forms.DateField(
        validators=[validation.HAPPENED],
        label=_("Ingangsdatum huurcontract op naam van de huurder"),
        required=False,
        widget=DATE,
        help_text=_("Leeg: vandaag."),
    )
    reason = forms.CharField(label=_("Toelichting"), max_length=500, required=False)


class EndForm(forms.Form):
    ended_on = forms.DateField(
        validators=[validation.HAPPENED], label=_("Beëindigd per"), required=False, widget=DATE
    )
    reason = forms.CharField(label=_("Reden"), max_length=500)
    evaluation = forms.ChoiceField(label=_("Op grond van de evaluatie (optioneel)"), required=False)

    def __init__(self, *args: Any, evaluations: list[Evaluation] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        usable = [
            e
            for e in evaluations or []
            if e.kind == EvaluationKind.FINAL and not e.decision and not e.cancelled
        ]
        _set_choices(self, "evaluation", [("", "—"), *_evaluation_choices(usable)])


class CareStopForm(forms.Form):
    stopped_on = forms.DateField(
        validators=[validation.HAPPENED], label=_("Zorg gestopt per"), required=False, widget=DATE
    )
    reason = forms.CharField(
        label=_("Reden (blijft bij de zorgaanbieder)"),
        max_length=500,
        help_text=_("De corporatie ziet alleen dát de zorg is gestopt, niet waarom."),
    )


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "issue": IssueForm,
    "revise": ReasonForm,
    "cancel": ReasonForm,
    "extend": ExtendForm,
    "flip": FlipForm,
    "convert": FlipForm,
    "care_stop": CareStopForm,
    "care_resume": ReasonForm,
    "end": EndForm,
}
CITING = {"extend", "flip", "convert", "end"}


def action_form(action: str, data: Any = None, *, evaluations: list[Evaluation]) -> forms.Form:
    form_class = ACTION_FORMS[action]
    kwargs: dict[str, Any] = {"prefix": action}
    if action in CITING:
        kwargs["evaluations"] = evaluations
    return form_class(data, **kwargs)


class SignForm(forms.Form):
    party = forms.ChoiceField(label=_("Partij"), choices=Party.choices)
    signed_on = forms.DateField(
        validators=[validation.HAPPENED],
        label=_("Getekend op"),
        widget=DATE,
        initial=timezone.localdate,
    )
    signed_by_name = forms.CharField(
        label=_("Getekend door (naam, optioneel)"), max_length=150, required=False
    )

    def __init__(self, *args: Any, parties: list[str] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "sign")
        super().__init__(*args, **kwargs)
        if parties is not None:
            labels = dict(Party.choices)
            _set_choices(self, "party", [(p, str(labels[p])) for p in parties])


YES_NO = [("yes", _("ja")), ("no", _("nee"))]


class EvaluationForm(forms.Form):
    held_on = forms.DateField(validators=[validation.HAPPENED], label=_("Gehouden op"), widget=DATE)
    living_independently = forms.ChoiceField(
        label=_("Woont de huurder zelfstandig?"),
        choices=Independence.choices,
        widget=forms.RadioSelect,
    )
    rent_paid = forms.ChoiceField(
        label=_("Wordt de huur betaald?"), choices=RentPayment.choices, widget=forms.RadioSelect
    )
    nuisance_reports = forms.IntegerField(
        label=_("Aantal overlastmeldingen sinds de vorige evaluatie"),
        min_value=0,
        max_value=NUISANCE_REPORTS_MAX,
        initial=0,
    )
    care_continuing = forms.ChoiceField(
        label=_("Loopt de begeleiding door?"), choices=YES_NO, widget=forms.RadioSelect
    )
    social_network = forms.ChoiceField(
        label=_("Sociaal netwerk"), choices=Network.choices, widget=forms.RadioSelect
    )
    judgement = forms.ChoiceField(
        label=_("Eindoordeel"), choices=Judgement.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=_("Toelichting"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["care_continuing"] = data["care_continuing"] == "yes"
        return data

    @classmethod
    def initial_from(cls, evaluation: Evaluation) -> dict[str, Any]:
        if not evaluation.is_held:
            return {"held_on": timezone.localdate(), "nuisance_reports": 0}
        return {
            "held_on": evaluation.held_on,
            "living_independently": evaluation.living_independently,
            "rent_paid": evaluation.rent_paid,
            "nuisance_reports": evaluation.nuisance_reports,
            "care_continuing": "yes" if evaluation.care_continuing else "no",
            "social_network": evaluation.social_network,
            "judgement": evaluation.judgement,
            "notes": evaluation.notes,
        }


class WelcomeTalkForm(forms.Form):
    held_on = forms.DateField(
        validators=[validation.HAPPENED], label=_("Datum"), widget=DATE, initial=timezone.localdate
    )
    participants = forms.CharField(label=_("Wie waren erbij"), max_length=300)
    notes = forms.CharField(
        label=_("Notities"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
