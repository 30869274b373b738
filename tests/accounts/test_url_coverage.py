"""Every URL of the project goes through the permission layer or is declared public."""

from __future__ import annotations

from accounts.access.drf import IsVerifiedUser, LayerPermission
from accounts.access.views import ProtectedView
from tests.url_walk import walk

# Routes that are outside the layer on purpose, with the reason.
EXEMPT_PREFIXES = {
    "admin/": "Django admin: staff only, second factor required (SecureAdminSite); holds no client data",
    "i18n/": "language switch (Django's set_language)",
}


def _is_covered(callback) -> tuple[bool, str]:
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if getattr(callback, "access_public", False) or getattr(view_class, "access_public", False):
        return True, "public"
    if view_class is None:
        return False, "function view without @public"
    if isinstance(view_class, type) and issubclass(view_class, ProtectedView):
        return bool(getattr(view_class, "access_model", None)), "ProtectedView"
    permissions = getattr(view_class, "permission_classes", None) or []
    if LayerPermission in permissions or any(issubclass(p, LayerPermission) for p in permissions):
        return bool(getattr(view_class, "access_model", None)), "LayerPermission"
    if IsVerifiedUser in permissions and (
        getattr(view_class, "access_self_only", False)
        or view_class.__module__.startswith("drf_spectacular")
    ):
        return True, "own account / API schema"
    return False, f"{view_class.__module__}.{view_class.__name__} is not behind the layer"


def test_every_url_is_behind_the_permission_layer_or_declared_public():
    uncovered = []
    for route in walk():
        if any(route.route.startswith(prefix) for prefix in EXEMPT_PREFIXES):
            continue
        covered, why = _is_covered(route.callback)
        if not covered:
            uncovered.append(f"{route.route} ({route.name or 'unnamed'}): {why}")
    assert not uncovered, "URLs outside the permission layer:\n" + "\n".join(uncovered)


def test_the_api_schema_settings_require_a_verified_user():
    from django.conf import settings

    assert settings.SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"] == [
        "accounts.access.drf.IsVerifiedUser"
    ]
    assert settings.REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"] == [
        "accounts.access.drf.LayerPermission"
    ]
