"""Field-level messages for every database constraint.

The database keeps the invariants (`Meta.constraints`); this module makes sure a person who
breaks one through a form or the API reads a Dutch sentence *at the field*, never Django's
"Beperking ‘dwelling_bedrooms_le_rooms’ is geschonden." Models mix in `ConstraintMessages`
and name a message per constraint in `constraint_messages` (constraint name → (field,
message)); a constraint on a choices field gets a generic "choose a valid value" message.
`tests/ui/test_constraints.py` walks every constraint of the project and fails when one has
no message or names a field the model does not have.

ModelForms reach this through `Model.validate_constraints` (called by `full_clean`); DRF
input serializers through `ConstraintSerializerMixin`.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models, router
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _


def _first_field(q: Any) -> str | None:
    for child in getattr(q, "children", []):
        if isinstance(child, Q):
            found = _first_field(child)
            if found:
                return found
        elif isinstance(child, tuple):
            return str(child[0]).split("__")[0]
    return None


def inferred_field(constraint: models.BaseConstraint) -> str | None:
    """The field a violation belongs to when the model names none: the last field of a
    unique constraint (the distinguishing one: `reference` in (corporation, reference)), the
    first field of a check constraint's condition."""
    if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
        return str(constraint.fields[-1])
    if isinstance(constraint, models.CheckConstraint):
        return _first_field(constraint.condition)
    return None


def resolve(model: type[models.Model], constraint: models.BaseConstraint) -> tuple[str, str] | None:
    """(field, Dutch message) for a violation of `constraint`, or None when nothing says."""
    explicit: dict[str, tuple[str, Any]] = getattr(model, "constraint_messages", {})
    if constraint.name in explicit:
        field, message = explicit[constraint.name]
        return field, str(message)
    inferred = inferred_field(constraint)
    if inferred is None:
        return None
    if constraint.violation_error_message != constraint.default_violation_error_message:
        return inferred, str(constraint.violation_error_message)
    try:
        model_field = model._meta.get_field(inferred)
    except FieldDoesNotExist:
        return None
    if getattr(model_field, "choices", None):
        return inferred, _("Kies een geldige waarde voor ‘%(field)s’.") % {
            "field": getattr(model_field, "verbose_name", inferred)
        }
    return None


class ConstraintMessages:
    """Model mixin (before `models.Model` in the bases): constraint violations become field
    errors with a Dutch message. A plain class, so migrations never see it."""

    constraint_messages: ClassVar[dict[str, tuple[str, str | Promise]]] = {}

    def validate_constraints(self: Any, exclude: Any = None) -> None:
        exclude = set(exclude or ())
        using = router.db_for_write(self.__class__, instance=self)
        errors: dict[str, list[ValidationError]] = {}
        for model_class, model_constraints in self.get_constraints():
            for constraint in model_constraints:
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    found = resolve(model_class, constraint)
                    if found is None:  # the walk test keeps this branch unreachable
                        errors.setdefault(NON_FIELD_ERRORS, []).append(error)
                        continue
                    field, message = found
                    key = field if field not in exclude else NON_FIELD_ERRORS
                    errors.setdefault(key, []).append(
                        ValidationError(message, code=constraint.name)
                    )
        if errors:
            raise ValidationError(errors)


class ConstraintSerializerMixin:
    """DRF input serializer mixin: run the model's constraint checks on the input, so the API
    answers 400 with the field (`attr`) and the Dutch message instead of an IntegrityError."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        from rest_framework import serializers

        attrs = super().validate(attrs)  # type: ignore[misc]
        model = self.Meta.model  # type: ignore[attr-defined]
        existing = getattr(self, "instance", None)
        instance = copy.copy(existing) if existing is not None else model()
        concrete = {f.name for f in model._meta.concrete_fields}
        for name, value in attrs.items():
            if name in concrete:
                setattr(instance, name, value)
        exclude = set() if existing is not None else concrete - set(attrs)
        try:
            instance.validate_constraints(exclude=exclude)
        except ValidationError as error:
            raise serializers.ValidationError(
                {
                    ("non_field_errors" if k == NON_FIELD_ERRORS else k): v
                    for k, v in error.message_dict.items()
                }
            ) from None
        return attrs
