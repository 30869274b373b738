"""The admin site for platform operators: staff only, and past the second factor."""

from __future__ import annotations

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest

from .middleware import user_is_verified


class SecureAdminSite(AdminSite):
    site_header = "Woonbrug beheer"
    site_title = "Woonbrug beheer"

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        return not settings.REQUIRE_MFA or user_is_verified(request.user)


class WoonbrugAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.SecureAdminSite"
