"""'Wie heeft mijn dossier ingezien?': the access-log rows about one client, readable.

The log names the client on every row that concerns it (`AccessLogEntry.client_reference`,
filled by the one audit call from the object's policy), so the overview is one indexed query
on (client_reference, at) -- also for reads of the client's proposals, placements,
agreements, evaluations and signals, and for refused attempts. Names are those of the
people at the time of access (the log copies organisation and role; the person's name is
looked up, the e-mail address kept in the log is the fallback).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access, states
from accounts.access import labels
from accounts.models import AccessLogEntry, AccessResult, User
from cases.models import ClientRights

# One PDF holds at most this many rows; the page says so and asks for a shorter period.
MAX_PDF_ROWS = 5_000
PURPOSE = "inzageverzoek van de cliënt"


@dataclass(frozen=True)
class Row:
    at: dt.datetime
    person: str
    organisation: str
    role: str
    what: str
    subject: str
    purpose: str
    refused: bool
    result: str
    channel: str


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Local dates, both inclusive, as a half-open range of aware datetimes."""
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def entries_for(*, client: ClientRights, start: dt.date, end: dt.date) -> QuerySet[AccessLogEntry]:
    """Every access-log row about `client` in the period, oldest first. The caller has been
    authorised for the client (`access_overview` on `ClientRights`)."""
    low, high = period_bounds(start, end)
    return AccessLogEntry.objects.filter(
        client_reference=client.reference, at__gte=low, at__lt=high
    ).order_by("at", "id")


def _channel_label(channel: str) -> str:
    return {
        "web": _("website"),
        "api": _("koppeling (API)"),
        "system": _("Woonbrug zelf"),
        "service": _("Woonbrug"),
    }.get(channel, channel)


def rows(entries: list[AccessLogEntry]) -> list[Row]:
    user_ids = {e.user_id for e in entries if e.user_id}
    names = dict(User.objects.filter(pk__in=user_ids).values_list("pk", "full_name"))
    result = []
    for e in entries:
        if e.user_id:
            person = names.get(e.user_id) or e.user_email
        else:
            person = _("Woonbrug (automatisch)") if e.channel == "system" else _("onbekend")
        result.append(
            Row(
                at=timezone.localtime(e.at),
                person=person,
                organisation=e.organisation_name,
                role=labels.role_label(e.role),
                what=labels.event_label(e.event) or e.get_action_display(),
                subject=labels.object_type_label(e.object_type),
                purpose=labels.purpose_label(e.purpose),
                refused=e.result == AccessResult.REFUSED,
                result=e.get_result_display(),
                channel=_channel_label(e.channel),
            )
        )
    return result


def summary(entries: QuerySet[AccessLogEntry]) -> dict[str, int]:
    """Counts for the page's head: rows, refused rows, distinct people and organisations."""
    return {
        "total": entries.count(),
        "refused": entries.filter(result=AccessResult.REFUSED).count(),
        "people": entries.exclude(user_id=None).values("user_id").distinct().count(),
        "organisations": entries.exclude(organisation_id=None)
        .values("organisation_id")
        .distinct()
        .count(),
    }


def record_produced(
    *, actor: Any, client: ClientRights, start: dt.date, end: dt.date, printed: bool, request: Any
) -> None:
    """Producing the overview is itself an access to the client's data: one row."""
    access.audit(
        "cases.access_overview.printed" if printed else "cases.access_overview.viewed",
        actor=actor,
        target="cases.access_overview",
        object_id=client.reference,
        client_reference=client.reference,
        rule=getattr(client, "_access_rule", ""),
        purpose=f"{PURPOSE} {start.isoformat()} t/m {end.isoformat()}",
        request=request,
    )


def record_refused_period(*, actor: Any, client: ClientRights, request: Any) -> None:
    """An overview asked for an impossible period: nothing shown, the attempt logged."""
    access.audit(
        "cases.access_overview.viewed",
        actor=actor,
        target="cases.access_overview",
        object_id=client.reference,
        client_reference=client.reference,
        rule=getattr(client, "_access_rule", ""),
        result=AccessResult.ERROR,
        purpose=f"{PURPOSE}: ongeldige periode",
        request=request,
    )


def render_pdf(
    *, client: ClientRights, start: dt.date, end: dt.date, viewer: User
) -> tuple[bytes, int]:
    """The overview as a Dutch PDF for the client (WeasyPrint, like the agreement PDF);
    returns the document and the number of rows in it."""
    from weasyprint import HTML  # imported here: loading pango is slow

    entries = entries_for(client=client, start=start, end=end)
    total = entries.count()
    chosen = list(entries[:MAX_PDF_ROWS])
    html = render_to_string(
        "cases/rights/access_overview_pdf.html",
        {
            **states.exposed(),
            "client": client,
            "provider": client.care_provider.name,
            "start": start,
            "end": end,
            "rows": rows(chosen),
            "total": total,
            "truncated": total > len(chosen),
            "summary": summary(entries),
            "printed_at": timezone.localtime(),
            "printed_by": viewer.full_name or viewer.email,
        },
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf, len(chosen)


def filename(client: ClientRights, start: dt.date, end: dt.date) -> str:
    return f"inzage-{client.reference}-{start.isoformat()}-{end.isoformat()}.pdf"
