"""Every date a person enters is bounded to a plausible window (accounts.validation)."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from rest_framework import serializers

from accounts import validation

PACKAGES = ("accounts", "cases", "housing", "matching")


def _project_classes(base: type) -> list[type]:
    found: dict[str, type] = {}
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            if info.name.rsplit(".", 1)[-1] not in {"forms", "serializers"}:
                continue
            module = importlib.import_module(info.name)
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, base) and cls.__module__ == module.__name__:
                    found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [found[key] for key in sorted(found)]


def _form_date_fields():
    for form in _project_classes(forms.BaseForm):
        for name, field in getattr(form, "base_fields", {}).items():
            if isinstance(field, forms.DateField) and not field.disabled:
                validators = list(field.validators)
                model = getattr(getattr(form, "_meta", None), "model", None)
                if model is not None and name in {f.name for f in model._meta.fields}:
                    # A model form validates the model field's own validators (full_clean).
                    validators += model._meta.get_field(name).validators
                yield pytest.param(validators, id=f"{form.__module__}.{form.__qualname__}.{name}")


def _serializer_date_fields():
    """The API writes through input serializers (`*InputSerializer`, or plain serializers for an
    action's body); model serializers not named so only answer (their fields are output)."""
    for serializer in _project_classes(serializers.Serializer):
        if (
            issubclass(serializer, serializers.ModelSerializer)
            and "Input" not in serializer.__name__
        ):
            continue
        fields = serializer().fields
        for name, field in fields.items():
            if isinstance(field, serializers.DateField) and not field.read_only:
                yield pytest.param(
                    field, id=f"{serializer.__module__}.{serializer.__qualname__}.{name}"
                )


def _bounded(validators) -> bool:
    return any(isinstance(v, validation.DateWithin) for v in validators)


@pytest.mark.parametrize("validators", list(_form_date_fields()))
def test_every_form_date_field_is_bounded(validators):
    assert _bounded(validators)


@pytest.mark.parametrize("field", list(_serializer_date_fields()))
def test_every_api_date_field_is_bounded(field):
    assert _bounded(field.validators)


def test_the_walk_finds_the_date_fields():
    assert len(list(_form_date_fields())) >= 25
    assert len(list(_serializer_date_fields())) >= 15


@pytest.mark.parametrize("value", [dt.date(1, 1, 1), dt.date(9999, 12, 31)])
def test_extreme_dates_are_refused_with_a_dutch_message(value):
    field = forms.DateField(validators=[validation.HAPPENED])
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(value.isoformat())
    assert refused.value.error_list[0].code == "date_out_of_range"
    message = refused.value.messages[0]
    assert message.startswith("Kies een datum van ") and " tot en met " in message


def test_the_windows_around_a_day():
    today = dt.date(2026, 12, 2)
    assert validation.BIRTH.window(today) == (dt.date(1900, 1, 1), today)
    assert validation.HAPPENED.window(today) == (dt.date(2016, 12, 2), dt.date(2027, 12, 2))
    assert validation.PLANNED.window(today) == (dt.date(2024, 12, 2), dt.date(2036, 12, 2))
    assert validation.HAPPENED.window(dt.date(2028, 2, 29))[1] == dt.date(2029, 2, 28)


def test_a_birth_date_in_the_future_is_refused():
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    with pytest.raises(forms.ValidationError):
        validation.BIRTH(tomorrow)
    validation.BIRTH(dt.date(1960, 5, 1))
