"""Admin: only the yearly rent and income limits. Care-only data is never in the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts import access

from .models import RentLimit


@admin.register(RentLimit)
class RentLimitAdmin(admin.ModelAdmin):
    list_display = (
        "year",
        "quality_discount_limit",
        "capping_limit_low",
        "capping_limit_high",
        "liberalisation_limit",
        "income_limit_single",
        "income_limit_multi",
        "source",
    )
    ordering = ("-year",)

    def save_model(self, request: HttpRequest, obj: RentLimit, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # Changing the figures changes every client's maximum rent: keep a trace of who did it.
        access.audit(
            "cases.rentlimit.changed" if change else "cases.rentlimit.created",
            actor=request.user,
            target=obj,
            purpose="huur- en inkomensgrenzen beheren",
            request=request,
        )
