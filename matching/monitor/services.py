"""The monitor's one write: the municipality sets a corporation's quota for a year.

A quota is never overwritten (`models.Quota`): each call adds a row that is then the one in
force for that corporation and year, and the access log names who set it.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.access import Actor, user_or_none
from accounts.errors import DomainError, FieldErrors
from accounts.models import Organisation, OrganisationKind

from .models import QUOTA_MAX, FiguresRefresh, MonthlyCount, Quota

__all__ = ["figures_refresh", "quota_set"]

YEARS_AHEAD = 2


def quota_set(
    *,
    actor: Actor,
    corporation: Organisation,
    year: int,
    dwellings: int,
    note: str = "",
    request: HttpRequest | None = None,
) -> Quota:
    """Set `corporation`'s quota of dwellings for outflowing clients in `year`."""
    if corporation.kind != OrganisationKind.HOUSING_CORPORATION:
        raise DomainError(
            _("Een contingent geldt voor een woningcorporatie."),
            field="corporation",
            code="not_a_corporation",
        )
    errors: dict[str, list[str]] = {}
    this_year = timezone.localdate().year
    if not 2000 <= year <= this_year + YEARS_AHEAD:
        errors["year"] = [
            _("Kies een jaar van 2000 tot en met %(last)s.") % {"last": this_year + YEARS_AHEAD}
        ]
    if not 0 <= dwellings <= QUOTA_MAX:
        errors["dwellings"] = [_("Het contingent is een aantal woningen van 0 tot en met 100.000.")]
    if errors:
        raise FieldErrors(errors)
    draft = Quota(corporation=corporation, year=year, dwellings=dwellings)
    rule = access.authorize(actor, "set", draft)
    with transaction.atomic():
        quota = Quota.objects.create(
            corporation=corporation,
            year=year,
            dwellings=dwellings,
            note=(note or "").strip()[:300],
            set_by=user_or_none(actor),
            set_at=timezone.now(),
        )
        access.audit(
            "monitor.quota.set",
            actor=actor,
            target=quota,
            rule=rule,
            purpose=f"contingent {year}",
            request=request,
            organisation_id=corporation.pk,
        )
    return quota


def quota_in_force(*, corporation_id: int, year: int, on: dt.date | None = None) -> Quota | None:
    """The quota that held for the corporation and year (on a day, default now)."""
    qs = Quota.objects.filter(corporation_id=corporation_id, year=year)
    if on is not None:
        qs = qs.filter(set_at__date__lte=on)
    return qs.order_by("-set_at", "-id").first()


def figures_refresh(*, region_id: int) -> FiguresRefresh:
    """Rebuild the region's monthly counts from the event history (beat, every few minutes;
    a page whose counts are stale asks for it too). Idempotent: the counts are replaced as a
    whole in one transaction, under the region's refresh row (locked alone, at the end of
    the lock order), so two refreshes never interleave and a reader sees the old counts or
    the new ones, never half."""
    import time

    from .selectors import event_rows, placement_rows

    started = time.perf_counter()
    rows = event_rows(region_id)
    placed = placement_rows(region_id)
    with transaction.atomic():
        refresh, _created = FiguresRefresh.objects.get_or_create(
            region_id=region_id, defaults={"refreshed_at": timezone.now()}
        )
        refresh = FiguresRefresh.objects.select_for_update(of=("self",)).get(pk=refresh.pk)
        MonthlyCount.objects.filter(region_id=region_id).delete()
        MonthlyCount.objects.bulk_create(
            [
                MonthlyCount(
                    region_id=region_id,
                    month=month,
                    measure=measure,
                    care_provider_id=provider,
                    target_group=group,
                    reason=reason,
                    n=n,
                )
                for measure, month, provider, group, reason, n in rows
            ]
            + placed,
            batch_size=2000,
        )
        refresh.refreshed_at = timezone.now()
        refresh.duration_ms = int((time.perf_counter() - started) * 1000)
        refresh.rows = len(rows) + len(placed)
        refresh.save(update_fields=["refreshed_at", "duration_ms", "rows"])
    return refresh
