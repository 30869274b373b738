"""Serializer fields shared by the apps' APIs."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts import access


class ScopedCodeField(serializers.SlugRelatedField[Any]):
    """An object named by its code, looked up only among the objects the requester may see.

    A code outside the requester's scope answers like an unknown one, so the field cannot be used to
    probe another region. Input that can never be a code (a NUL byte, which PostgreSQL refuses in a
    text lookup, or anything longer than the column) is refused before the database sees it.
    """

    default_error_messages = {
        "does_not_exist": _("Onbekende code: {value}."),
        "invalid": _("Ongeldige code."),
    }

    def __init__(self, *, model: type[Model], slug_field: str = "code", **kwargs: Any) -> None:
        self.model = model
        super().__init__(slug_field=slug_field, queryset=model._default_manager.all(), **kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return (
            access.scope(user, self.model)
            if user is not None
            else self.model._default_manager.none()
        )

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        max_length = getattr(self.model._meta.get_field(self.slug_field), "max_length", None)
        if max_length is not None and len(data) > max_length:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data[:max_length] + "…")
        return super().to_internal_value(data)
