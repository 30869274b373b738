"""Admin for platform operators: organisations and people. Client data is never registered here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from .models import (
    AccessLogEntry,
    ExternalIdentity,
    IdentityProvider,
    Membership,
    Organisation,
    Region,
    User,
)


class MembershipInline(admin.TabularInline):
    """Read-only: roles are given through the organisation's admins (four eyes for roles
    that read client data, logged), never edited past them here."""

    model = Membership
    fk_name = "user"
    extra = 0
    fields = ["organisation", "role", "is_active"]
    readonly_fields = ("organisation", "role", "is_active")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "password"]}),
        ("Status", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]
    filter_horizontal = ()
    list_filter = ["is_active", "is_staff"]
    inlines = [MembershipInline]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "is_active"]
    list_filter = ["kind", "region"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    """An organisation's own sign-in (OpenID Connect). The client secret is not here: it is
    set in the environment (`OIDC_CLIENT_SECRETS`), see docs/oidc.md."""

    list_display = ["organisation", "issuer", "client_id", "is_active"]
    list_filter = ["is_active"]
    fields = [
        "organisation",
        "is_active",
        "issuer",
        "client_id",
        "scopes",
        "email_domains",
        "mfa_amr_values",
        "mfa_acr_values",
    ]


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    """Bindings made at first sign-in: visible, and deletable (the next sign-in binds anew
    by the e-mail claim), never edited."""

    list_display = ["user", "organisation", "subject", "bound_at", "last_login_at"]
    list_filter = ["organisation"]
    search_fields = ["user__email", "subject"]
    readonly_fields = ["user", "organisation", "subject", "bound_at", "last_login_at"]
    fields = ["user", "organisation", "subject", "bound_at", "last_login_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only (the database refuses changes as well)."""

    list_display = [
        "at",
        "user_email",
        "organisation_name",
        "action",
        "object_type",
        "object_id",
        "result",
        "purpose",
    ]
    list_filter = ["action", "result", "object_type"]
    search_fields = ["user_email", "object_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
