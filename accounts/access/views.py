"""Class-based view mixins that put every page behind the permission layer.

    class ClientDetail(ProtectedView, TemplateView):
        access_model = Client
        access_action = {"GET": "view", "POST": "change"}   # or one string for all methods
        access_lookup = ("pk", "pk")                        # (model field, URL kwarg)
        access_purpose = "cliëntdossier"

Before the handler runs the object is fetched through the layer (`self.object`; 404 when not
visible, 403 when the rule refuses); without `access_lookup` the class-level rule for the
action is checked instead (list and create pages). A `Forbidden` raised by a service's guard
while handling the request becomes a 404 (outside the scope) or a 403 as well. A view that really is public (sign-in,
health check) says so with `PublicView`/`@public`; `tests/accounts/test_url_coverage.py`
fails for any URL that is neither.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase

from accounts.errors import Forbidden

from . import core, guard

if TYPE_CHECKING:
    from accounts.models import User


class PublicView:
    """Marker: this view needs no permission (sign-in pages, health check, language switch)."""

    access_public: ClassVar[bool] = True


def public(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a function view as public (see PublicView)."""
    view.access_public = True  # type: ignore[attr-defined]
    return view


class ProtectedView(LoginRequiredMixin):
    access_model: ClassVar[type[Model]]
    access_action: ClassVar[str | dict[str, str]] = "view"
    access_lookup: ClassVar[tuple[str, str] | None] = None
    access_purpose: ClassVar[str] = ""

    request: HttpRequest
    kwargs: dict[str, Any]
    object: Any

    @property
    def actor(self) -> User:
        """The signed-in user (dispatch has already turned anonymous visitors away)."""
        return cast("User", self.request.user)

    def get_access_queryset(self) -> QuerySet[Any]:
        return self.access_model._default_manager.all()

    def get_access_action(self) -> str:
        action = self.access_action
        if isinstance(action, dict):
            return action.get(self.request.method or "GET", action.get("*", "__no_rule__"))
        return action

    def get_access_purpose(self) -> str:
        """The purpose of the rows written for this request once the object passed the layer.

        A refused request logs the fixed `access_purpose` instead: whatever an override looks
        up by the URL's id would tell the requester's admins what the 404 hid.
        """
        return self.access_purpose

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        action = self.get_access_action()
        if self.access_lookup is not None:
            field, kwarg = self.access_lookup
            self.object = guard.get_object_or_404(
                request,
                self.get_access_queryset(),
                action,
                purpose=self.access_purpose,
                purpose_of=lambda _obj: self.get_access_purpose(),
                **{field: kwargs[kwarg]},
            )
        else:
            self.access_rule = guard.require(
                request, action, self.access_model, purpose=self.get_access_purpose()
            )
        try:
            return super().dispatch(request, *args, **kwargs)
        except Forbidden as error:
            # A service's guard refused (access.authorize): outside the scope is a 404 like a
            # missing id, a refusing rule a 403.
            if error.hidden:
                raise Http404(error.message) from None
            raise PermissionDenied(error.message) from None

    def scoped(self, model: type[Model] | QuerySet[Any]) -> QuerySet[Any]:
        """Objects of another model, filtered by the layer for the current user."""
        return core.scope(self.request.user, model)
