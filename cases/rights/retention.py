"""Retention and anonymisation: forgotten on time, and on request.

Per kind of data a period (settings, documented in docs/privacy.md "Retention"):

- **care** (`RETENTION_CARE_DAYS`, 2 years): the personal and care-only values of a case that
  was closed or withdrawn that long ago: name, birth date, contact, care history, notes, the
  texts of proposals, evaluations, welcome talks and signals.
- **contract** (`RETENTION_CONTRACT_DAYS`, 7 years after the last agreement ended): the
  agreements' contact persons, signatories' names and documents (the fiscal duty to keep).
- the access log is never shortened here (`ACCESS_LOG_RETENTION_DAYS`, NEN 7513).

Anonymising keeps every row, status, date, the pseudonym and the facts the statistics count
(target group, household, neighbourhood), so the monitor's numbers do not change. Each app's
part (`cases.rights.export.Part`) removes its own values and says why a case is still open;
nothing is touched while any part reports an open case. `retention_apply` is what the daily
beat task runs: idempotent (each client is re-checked under its row lock), bounded in time
(`RETENTION_TIME_LIMIT_SECONDS`; the next run continues), with a dry run that only reports.
`client_erase` is the erasure on request with the same machinery, refused with the reason
when a legal duty to keep applies.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access, formatting
from accounts.errors import DomainError
from accounts.models import AccessAction

from ..models import Client
from ..services import client_lock
from . import export
from .parts import ENDED_STATUSES

SYSTEM = access.SystemActor("cases.retention")


@dataclass
class Outcome:
    reference: str
    kinds: frozenset[str]
    rows: int = 0
    contract_kept_until: dt.date | None = None
    # Rows per part (`export.Part.key`): what went, or in a dry run what would go.
    parts: dict[str, int] = field(default_factory=dict)


@dataclass
class Report:
    dry_run: bool
    done: list[Outcome] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # reference -> why (an open case)
    stopped_early: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "anonymised": [
                {
                    "client": o.reference,
                    "kinds": sorted(o.kinds),
                    "rows": o.rows,
                    "parts": dict(o.parts),
                }
                for o in self.done
            ],
            "skipped": self.skipped,
            "stopped_early": self.stopped_early,
        }


def open_reason(client: Client) -> str | None:
    """Why `client`'s data must stay (an open case in some part), or None."""
    for part in export.parts():
        if reason := part.open_reason(client):
            return reason
    return None


def contract_kept_until(client: Client) -> dt.date | None:
    dates = [d for part in export.parts() if (d := part.keep_contract_until(client))]
    return max(dates) if dates else None


def kinds_due(client: Client, *, today: dt.date) -> frozenset[str]:
    """What may go now: care data once anonymised never again; contract data once its legal
    period has passed (at once when there is no contract)."""
    kinds = set()
    if client.anonymised_at is None:
        kinds.add(export.CARE)
    if client.contract_anonymised_at is None:
        until = contract_kept_until(client)
        if until is None or until < today:
            kinds.add(export.CONTRACT)
    return frozenset(kinds)


def due_clients(*, now: dt.datetime) -> Any:
    """Clients whose case ended more than the care period ago and that still hold data."""
    closed_before = now - dt.timedelta(days=settings.RETENTION_CARE_DAYS)
    return (
        Client.objects.filter(status__in=ENDED_STATUSES, status_changed_at__lt=closed_before)
        .filter(contract_anonymised_at__isnull=True)
        .order_by("status_changed_at", "pk")
    )


def _anonymise_locked(
    client: Client, kinds: frozenset[str], *, actor: Any, reason: str, request: Any = None
) -> Outcome:
    parts = {part.key: part.anonymise(client, kinds) for part in export.parts()}
    rows = sum(parts.values())
    now = timezone.now()
    updates: dict[str, Any] = {}
    if export.CARE in kinds:
        updates["anonymised_at"] = now
    if export.CONTRACT in kinds:
        updates["contract_anonymised_at"] = now
    Client.objects.filter(pk=client.pk).update(**updates)
    access.audit(
        "cases.client.anonymised",
        actor=actor,
        action=AccessAction.DELETE,
        target=client,
        rule=str(actor)
        if isinstance(actor, access.SystemActor)
        else getattr(client, "_access_rule", ""),
        purpose=f"{reason}: {', '.join(sorted(kinds))} ({rows})",
        request=request,
        organisation_id=client.care_provider_id,
    )
    return Outcome(client.reference, kinds, rows, contract_kept_until(client), parts)


def _would_go(client: Client, kinds: frozenset[str]) -> dict[str, int]:
    """The dry run's rows per part: each part anonymises inside a savepoint that is rolled
    back, so the count is exactly what the real run would touch and nothing changes."""
    savepoint = transaction.savepoint()
    try:
        return {part.key: part.anonymise(client, kinds) for part in export.parts()}
    finally:
        transaction.savepoint_rollback(savepoint)


def retention_apply(
    *, dry_run: bool = False, now: dt.datetime | None = None, seconds: int | None = None
) -> Report:
    """Anonymise what has passed its period (see the module docstring); logged as one run row."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    budget = settings.RETENTION_TIME_LIMIT_SECONDS if seconds is None else seconds
    started = time.monotonic()
    report = Report(dry_run=dry_run)
    for client_id in due_clients(now=now).values_list("pk", flat=True):
        if time.monotonic() - started > budget:
            report.stopped_early = True
            break
        with transaction.atomic():
            client = client_lock(client_id)  # lock order: the client row (docs/concurrency.md)
            if client.status not in ENDED_STATUSES or client.contract_anonymised_at is not None:
                continue  # changed meanwhile, or done by a concurrent run
            if reason := open_reason(client):
                report.skipped[client.reference] = reason
                continue
            kinds = kinds_due(client, today=today)
            if not kinds:
                continue  # care data gone, contract data still under their legal duty
            if dry_run:
                parts = _would_go(client, kinds)
                report.done.append(
                    Outcome(
                        client.reference,
                        kinds,
                        sum(parts.values()),
                        contract_kept_until(client),
                        parts,
                    )
                )
                continue
            report.done.append(
                _anonymise_locked(client, kinds, actor=SYSTEM, reason="bewaartermijn verstreken")
            )
    access.audit(
        "cases.retention.checked" if dry_run else "cases.retention.applied",
        actor=SYSTEM,
        action=AccessAction.SEARCH if dry_run else AccessAction.DELETE,
        target="cases.retention",
        object_id=f"{len(report.done)} cliënten",
        purpose="bewaartermijnen"
        + (" (proefrun)" if dry_run else "")
        + (" (tijd op, volgende run gaat verder)" if report.stopped_early else ""),
    )
    return report


def client_erase(*, actor: Any, client: Client, request: Any = None) -> Outcome:
    """Erasure on the client's request (GDPR art. 17), with the retention machinery.

    Refused with the reason while the case is open in any part (DomainError code
    `open_case`) or when everything that may go is gone already (`nothing_left`). Care data
    go at once; contract data only when their legal period has passed, else they stay until
    the date the outcome names (`contract_kept_until`).
    """
    rule = access.authorize(actor, "erase", client)
    with transaction.atomic():
        locked = client_lock(client.pk)
        if reason := open_reason(locked):
            raise DomainError(reason, field="reference", code="open_case", conflict=True)
        kinds = kinds_due(locked, today=timezone.localdate())
        if not kinds:
            until = contract_kept_until(locked)
            raise DomainError(
                _(
                    "De gegevens zijn al geanonimiseerd; de afspraken moeten tot %(date)s "
                    "bewaard blijven (fiscale bewaarplicht)."
                )
                % {"date": formatting.date(until)},
                field="reference",
                code="nothing_left",
                conflict=True,
            )
        locked._access_rule = rule  # type: ignore[attr-defined]
        return _anonymise_locked(
            locked, kinds, actor=actor, reason="verzoek van de cliënt", request=request
        )


# The retention rules as the records of processing (`accounts.records`) show them; the keys
# are the kinds this module removes (`export.CARE`, `export.CONTRACT`), the periods are read
# from the same settings `retention_apply` uses.
PSEUDONYM = "pseudonym"


def register_rules() -> None:
    from django.utils.translation import gettext_lazy

    from accounts.records import Retention, register_retention

    register_retention(
        Retention(
            export.CARE,
            gettext_lazy("zorg- en persoonsgegevens van een zaak"),
            "RETENTION_CARE_DAYS",
            gettext_lazy("de dag dat de zaak is afgesloten of ingetrokken"),
            gettext_lazy(
                "de dagelijkse taak apply_retention verwijdert de persoonlijke en zorgwaarden "
                "(ook op verzoek, door de privacyfunctionaris); pseudoniem, statussen en "
                "datums blijven voor de statistiek"
            ),
        )
    )
    register_retention(
        Retention(
            export.CONTRACT,
            gettext_lazy("contractgegevens van afspraken"),
            "RETENTION_CONTRACT_DAYS",
            gettext_lazy("de dag dat de laatste afspraak eindigde"),
            gettext_lazy(
                "contactpersonen, namen van ondertekenaars, zorgcontractnummers en de "
                "documenten worden verwijderd (fiscale bewaarplicht)"
            ),
        )
    )
    register_retention(
        Retention(
            PSEUDONYM,
            gettext_lazy("pseudoniem en statistiek"),
            "",
            gettext_lazy("–"),
            gettext_lazy(
                "blijft na anonimisering: pseudoniem, statussen, datums, doelgroep en "
                "toestemmingsgeschiedenis (bewijs dat de verwerking rechtmatig was)"
            ),
        )
    )
