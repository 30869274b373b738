"""The admin site for platform operators: staff only, and past the second factor."""

from __future__ import annotations

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class SecureAdminSite(AdminSite):
    site_header = "Woonbrug beheer"
    site_title = "Woonbrug beheer"

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        return not settings.REQUIRE_MFA or request.user.is_verified()  # type: ignore[union-attr]


class WoonbrugAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.SecureAdminSite"
