"""The permission layer for Django REST Framework.

`LayerPermission` is the project-wide default permission class, so a view that names no
`access_model` refuses everything (DRF's own default would be AllowAny). Viewsets use
`ProtectedViewSetMixin`, which scopes `get_queryset` and fetches objects through the layer,
and map their actions to policy actions with `access_actions`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from . import core, guard

if TYPE_CHECKING:  # importing rest_framework.views here would be circular (DRF settings load us)
    from rest_framework.permissions import _PermissionClass
    from rest_framework.views import APIView

    from accounts.models import User

# Viewset actions and the policy action each one needs by default.
DEFAULT_ACTIONS = {
    "list": "view",
    "retrieve": "view",
    "create": "create",
    "update": "change",
    "partial_update": "change",
    "destroy": "delete",
}


def is_second_factor_verified(request: Request) -> bool:
    """Session users must have passed TOTP; a token counts, as only verified users can issue one."""
    if not settings.REQUIRE_MFA:
        return True
    from accounts.tokens import is_token

    if is_token(request.auth):
        return True
    from accounts.middleware import user_is_verified

    return user_is_verified(request.user)


def actor(request: Request) -> User:
    """The signed-in user of a request that passed the layer (never anonymous there)."""
    user = request.user
    if not user.is_authenticated:
        raise exceptions.NotAuthenticated()
    return user


def policy_action(view: APIView, request: Request) -> str:
    mapping = {**DEFAULT_ACTIONS, **getattr(view, "access_actions", {})}
    name = getattr(view, "action", None) or (request.method or "").lower()
    return mapping.get(name, "__no_rule__")


class IsVerifiedUser(BasePermission):
    """Signed in, active and past the second factor (used for the API schema and docs)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.is_authenticated) and is_second_factor_verified(
            request
        )


class LayerPermission(IsVerifiedUser):
    def has_permission(self, request: Request, view: APIView) -> bool:
        if not super().has_permission(request, view):
            return False
        model = getattr(view, "access_model", None)
        if model is None:
            return False  # default deny: the view is not registered with the layer
        if getattr(view, "detail", False) or "pk" in getattr(view, "kwargs", {}):
            return True  # decided per object in get_object
        try:
            guard.require(request, policy_action(view, request), model)
        except PermissionDenied:
            return False
        return True


class ProtectedViewSetMixin:
    """Scope the queryset by the layer and fetch single objects through it (404/403 + log)."""

    access_model: ClassVar[type[Model]]
    access_actions: ClassVar[dict[str, str]] = {}
    access_purpose: ClassVar[str] = ""
    permission_classes: Sequence[_PermissionClass] = (LayerPermission,)

    def get_base_queryset(self) -> QuerySet[Any]:
        return self.access_model._default_manager.all()

    def get_queryset(self) -> QuerySet[Any]:
        return core.scope(self.request.user, self.get_base_queryset())  # type: ignore[attr-defined]

    def get_object(self) -> Any:
        lookup_field = getattr(self, "lookup_field", "pk")
        kwarg = getattr(self, "lookup_url_kwarg", None) or lookup_field
        request: Request = self.request  # type: ignore[attr-defined]
        kwargs: dict[str, Any] = self.kwargs  # type: ignore[attr-defined]
        try:
            return guard.get_object_or_404(
                request,
                self.filter_queryset(self.get_queryset()),  # type: ignore[attr-defined]
                policy_action(self, request),  # type: ignore[arg-type]
                purpose=request.headers.get("X-Purpose", self.access_purpose),
                **{lookup_field: kwargs[kwarg]},
            )
        except Http404:
            raise exceptions.NotFound() from None
        except PermissionDenied:
            raise exceptions.PermissionDenied() from None
