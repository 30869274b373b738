from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from accounts import validation
from accounts.access import labels as access_labels

from .models import ROLES_BY_KIND, Organisation, Role


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mailadres"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _("Onjuist e-mailadres of wachtwoord."),
        "inactive": _("Dit account is niet actief."),
    }


class TokenForm(forms.Form):
    """A code from the authenticator app, or one of the recovery codes (each works once)."""

    token = forms.CharField(
        label=_("Code uit uw authenticator-app of een herstelcode"),
        min_length=6,
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def __init__(self, *args: Any, devices: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.devices = devices or []
        self.device: Any = None

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "").lower()
        for device in self.devices:
            if device.verify_token(token):
                self.device = device
                return token
        raise forms.ValidationError(
            _("Deze code klopt niet of is verlopen. Probeer de volgende code.")
        )


class EnrolForm(SetPasswordForm):
    """Choose a password and confirm the authenticator app with its first code."""

    token = forms.CharField(
        label=_("Code van zes cijfers uit uw authenticator-app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class InviteMemberForm(forms.Form):
    full_name = forms.CharField(label=_("Naam"), max_length=150)
    email = forms.EmailField(label=_("E-mailadres"))
    role = forms.ChoiceField(label=_("Rol"), choices=())

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = ROLES_BY_KIND[organisation.kind]
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(r.value, r.label) for r in Role if r.value in allowed]


class AccessLogFilterForm(forms.Form):
    """Filters of the access-log page and its exports. Everything optional; invalid input
    shows at its field and the page lists nothing rather than everything."""

    RESULTS = [("", _("alle")), ("refused", _("alleen geweigerd")), ("success", _("toegestaan"))]

    date_from = forms.DateField(
        validators=[validation.FILTER],
        label=_("Van"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        validators=[validation.FILTER],
        label=_("Tot en met"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    person = forms.TypedChoiceField(label=_("Persoon"), required=False, coerce=int, choices=())
    client = forms.CharField(
        label=_("Cliëntnummer"),
        required=False,
        max_length=20,
        help_text=_("Het pseudoniem, bijvoorbeeld WB-2026-00001"),
    )
    action = forms.ChoiceField(label=_("Handeling"), required=False, choices=())
    # What the row is about ("afspraak", "cliënt"): the event family, chosen by its name.
    event = forms.ChoiceField(label=_("Over"), required=False, choices=())
    result = forms.ChoiceField(label=_("Resultaat"), required=False, choices=RESULTS)

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        from .models import AccessAction

        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        assert isinstance(person, forms.ChoiceField)
        person.choices = [("", _("iedereen")), *people]
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [("", _("alle")), *AccessAction.choices]
        field_of(self, "event", forms.ChoiceField).choices = [
            ("", _("alles")),
            *access_labels.event_families(),
        ]

    def clean_client(self) -> str:
        return self.cleaned_data["client"].strip().upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("De einddatum ligt vóór de begindatum."))
        return data


F = TypeVar("F", bound=forms.Field)


def field_of(form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """The form's field `name`, typed as `kind` (to set `choices` or `queryset` in __init__)."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}")
    return field


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Waarvoor gebruikt u deze sleutel?"),
        max_length=100,
        help_text=_("Bijvoorbeeld de naam van het systeem dat u koppelt."),
    )


class OrganisationSignInForm(forms.Form):
    """Which organisation's identity provider to sign in with: by the e-mail address's
    domain, or by the organisation's slug (the page's links; only active providers)."""

    email = forms.EmailField(label=_("Uw e-mailadres bij uw organisatie"), required=False)
    organisatie = forms.SlugField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, providers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.providers = providers

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        slug, email = data.get("organisatie"), data.get("email")
        provider = None
        if slug:
            provider = next((p for p in self.providers if p.organisation.slug == slug), None)
            if provider is None:
                raise forms.ValidationError(
                    _("Deze organisatie heeft geen eigen inlogsysteem ingesteld."),
                    code="unknown_organisation",
                )
        elif email:
            domain = email.rpartition("@")[2].lower()
            provider = next((p for p in self.providers if domain in p.domains()), None)
            if provider is None:
                raise forms.ValidationError(
                    _(
                        "Voor dit e-maildomein is geen inlogsysteem van een organisatie "
                        "ingesteld. Meld u aan met uw wachtwoord."
                    ),
                    code="unknown_domain",
                )
        elif not self.errors:
            raise forms.ValidationError(
                _("Vul uw e-mailadres in of kies uw organisatie."), code="required"
            )
        data["provider"] = provider
        return data
