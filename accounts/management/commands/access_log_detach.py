"""Detach one month of the access log for the archive (PostgreSQL; run as the owner role).

    manage.py access_log_detach 2020-01

Only a month that ended more than ACCESS_LOG_RETENTION_DAYS ago (NEN 7513: at least 5 years)
can go. Its chain is verified first (a broken chain is refused: investigate it first); the
partition becomes a table of its own (`accounts_accesslogentry_p2020_01`), still append-only;
the archive register keeps its head (seq and hash) and row count, so `verify_access_log`
reports the month as archived and can still check the table and the anchors; the act itself
is written to the access log. Then dump the table (`pg_dump -t ...`) to the archive and drop
it when the archive holds it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import chain, partitions
from accounts.access.actors import SystemActor
from accounts.access.log import audit
from accounts.models import AccessAction

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def detach(month: dt.date, *, now: dt.datetime) -> dict[str, Any]:
    """Detach `month` (its first day); raises CommandError with the reason when it may not."""
    name = f"{month:%Y-%m}"
    if not partitions.is_partitioned():
        raise CommandError(
            _("Het toegangslog is hier niet in maanden verdeeld (alleen op PostgreSQL).")
        )
    retention = settings.ACCESS_LOG_RETENTION_DAYS
    keep_from = now - dt.timedelta(days=retention)
    _low, month_end = chain.month_range(name)
    if month_end > keep_from:
        raise CommandError(
            _(
                "Maand %(month)s valt binnen de bewaartermijn van het toegangslog "
                "(%(days)s dagen, NEN 7513): alleen maanden die vóór %(date)s eindigden "
                "kunnen naar het archief. Er is niets losgekoppeld."
            )
            % {"month": name, "days": retention, "date": keep_from.date().isoformat()}
        )
    if name in partitions.archived():
        raise CommandError(
            _("Maand %(month)s is al losgekoppeld voor het archief.") % {"month": name}
        )
    table = partitions.partition_name(month)
    with transaction.atomic():
        # Rows of the month still in the default partition move into its own partition first.
        partitions.create(month, 1)
        count, broken = chain.verify_chain(name)
        if broken is not None:
            raise CommandError(
                _(
                    "De keten van maand %(month)s is gebroken (%(problem)s): eerst onderzoeken "
                    "met verify_access_log; er is niets losgekoppeld."
                )
                % {"month": name, "problem": broken.describe()}
            )
        head_seq, head_hash = chain.head(name)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '10s'")
            cursor.execute(f"ALTER TABLE {partitions.TABLE} DETACH PARTITION {table}")
            # Detached, the table lost the trigger it had from the log: it stays append-only.
            cursor.execute(partitions.APPEND_ONLY_TRIGGER.format(table=table))
            cursor.execute(
                f"INSERT INTO {partitions.REGISTER}"  # noqa: S608
                " (chain, table_name, detached_at, rows, head_seq, head_hash)"
                " VALUES (%s, %s, %s, %s, %s, %s)",
                [name, table, now, count, head_seq, head_hash],
            )
        audit(
            "accounts.access_log.detached",
            actor=SystemActor("accounts.access_log_detach"),
            action=AccessAction.EXPORT,
            target="accounts.access_log",
            object_id=name,
            purpose=f"archief toegangslog ({count} regels)",
        )
    return {"month": name, "table": table, "rows": count, "head_seq": head_seq}


class Command(BaseCommand):
    help = (
        "Detach one month (YYYY-MM) of the access log, older than its retention, for the archive."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("month", help="YYYY-MM")

    def handle(self, *args: Any, **options: Any) -> None:
        match = MONTH.match(options["month"])
        if match is None or not 1 <= int(match[2]) <= 12:
            raise CommandError(
                _("Geef de maand als JJJJ-MM, bijvoorbeeld 2020-01 (niet %(value)r).")
                % {"value": options["month"]}
            )
        done = detach(dt.date(int(match[1]), int(match[2]), 1), now=timezone.now())
        self.stdout.write(
            _(
                "Maand %(month)s losgekoppeld: tabel %(table)s, %(rows)s regels, kop "
                "volgnummer %(seq)s. Zet de tabel in het archief (pg_dump -t %(table)s) en "
                "verwijder haar daarna (DROP TABLE %(table)s)."
            )
            % {
                "month": done["month"],
                "table": done["table"],
                "rows": done["rows"],
                "seq": done["head_seq"],
            }
        )
