"""Each app's part of one client's data: the copy for the client ('Mijn gegevens', GDPR art.
15, as JSON and a PDF) and what retention removes (`cases.rights.retention`).

Each app contributes its own part (like the Werkvoorraad's providers), registered in its
`AppConfig.ready()`:

    data_export.register(data_export.Part(
        key="placements", title=_("Plaatsingen en afspraken"), order=30,
        sources=(data_export.Source(Placement, lambda client: Placement.objects.filter(client=client)),
                 ...),
    ))

A `Source` is one model and the function that finds the client's rows of it; every concrete
field is exported (relations by their readable name, choices with their label, encrypted
care-only fields decrypted). `tests/cases/test_rights_export.py` walks every model that refers
to a client (directly or through another such model) and fails when no part covers it, so a
new app cannot forget its data.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import formatting

from ..models import Client

Rows = Callable[[Client], Iterable[models.Model]]

# What retention removes: personal and care-only values ("care", after the case closed), and
# the contract data kept for the legal period after the last agreement ended ("contract").
CARE, CONTRACT = "care", "contract"
# Put where a database constraint needs some text (an override has a reason).
ANONYMISED_TEXT = "[geanonimiseerd]"


def _nothing(client: Client) -> str | None:
    return None


def _no_duty(client: Client) -> dt.date | None:
    return None


@dataclass(frozen=True)
class Source:
    model: type[models.Model]
    rows: Rows
    # Fields left out of the readable PDF (engine internals); the JSON keeps every field.
    pdf_exclude: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Part:
    key: str
    title: str | Promise
    sources: tuple[Source, ...]
    # Remove the client's personal values of the given kinds (CARE, CONTRACT) from this part's
    # models, keeping rows, statuses, dates and the pseudonym; returns the rows changed.
    anonymise: Callable[[Client, frozenset[str]], int]
    # Why the case is still open here (then nothing is removed), or None.
    open_reason: Callable[[Client], str | None] = _nothing
    # Until when a legal duty keeps this part's contract data, or None.
    keep_contract_until: Callable[[Client], dt.date | None] = _no_duty
    order: int = 100


@dataclass
class Value:
    name: str
    label: str
    text: str  # readable (PDF, page)
    data: Any  # machine-readable (JSON)


@dataclass
class Record:
    values: list[Value]


@dataclass
class Section:
    model: str
    title: str  # plural ("afspraken")
    singular: str  # ("afspraak")
    records: list[Record]
    pdf_exclude: frozenset[str]

    @property
    def heading(self) -> str:
        """The model's name in the number its records have ("1 afspraak", "2 afspraken")."""
        return self.singular if len(self.records) == 1 else self.title


_parts: dict[str, Part] = {}


def register(part: Part) -> None:
    _parts[part.key] = part


def parts() -> list[Part]:
    return sorted(_parts.values(), key=lambda p: (p.order, p.key))


def covered_models() -> set[type[models.Model]]:
    return {source.model for part in _parts.values() for source in part.sources}


# --- Values --------------------------------------------------------------------------------

# Dutch labels for fields that carry no verbose name of their own (technical names), so the
# PDF reads as Dutch; `tests/cases/test_rights_export.py` fails on a field with neither.
FIELD_LABELS: dict[str, str | Promise] = {
    "id": gettext_lazy("nummer"),
    "acknowledged_by": gettext_lazy("ontvangst bevestigd door"),
    "actor": gettext_lazy("door"),
    "agreement": gettext_lazy("afspraak"),
    "answered_by": gettext_lazy("beantwoord door"),
    "at": gettext_lazy("tijdstip"),
    "author": gettext_lazy("auteur"),
    "board": gettext_lazy("plaatsingstafel"),
    "cancelled": gettext_lazy("vervallen"),
    "capacity_after": gettext_lazy("draagkracht na"),
    "capacity_before": gettext_lazy("draagkracht vóór"),
    "care_provider": gettext_lazy("zorgaanbieder"),
    "client": gettext_lazy("cliënt"),
    "client_at": gettext_lazy("antwoord cliënt op"),
    "client_by": gettext_lazy("antwoord cliënt vastgelegd door"),
    "client_decision": gettext_lazy("antwoord cliënt"),
    "client_reason": gettext_lazy("reden cliënt"),
    "client_text": gettext_lazy("toelichting cliënt"),
    "close_reason": gettext_lazy("reden van afsluiten"),
    "closed_at": gettext_lazy("afgesloten op"),
    "closed_by": gettext_lazy("afgesloten door"),
    "confirmed_at": gettext_lazy("bevestigd op"),
    "confirmed_by": gettext_lazy("bevestigd door"),
    "consultant": gettext_lazy("woonconsulent"),
    "consultant_at": gettext_lazy("besluit corporatie op"),
    "consultant_by": gettext_lazy("besluit corporatie door"),
    "consultant_decision": gettext_lazy("besluit corporatie"),
    "consultant_reason": gettext_lazy("reden corporatie"),
    "consultant_text": gettext_lazy("toelichting corporatie"),
    "corporation": gettext_lazy("woningcorporatie"),
    "created_at": gettext_lazy("aangemaakt op"),
    "created_by": gettext_lazy("aangemaakt door"),
    "decision": gettext_lazy("besluit"),
    "details": gettext_lazy("bijzonderheden"),
    "dwelling": gettext_lazy("woning"),
    "ended_by": gettext_lazy("beëindigd door"),
    "evaluation": gettext_lazy("evaluatie"),
    "kind": gettext_lazy("soort"),
    "meeting": gettext_lazy("overleg"),
    "message": gettext_lazy("bericht"),
    "neighbourhood": gettext_lazy("buurt"),
    "override_confirmed_at": gettext_lazy("overschrijding bevestigd op"),
    "override_confirmed_by": gettext_lazy("overschrijding bevestigd door"),
    "override_kind": gettext_lazy("soort overschrijding"),
    "override_reason": gettext_lazy("reden overschrijding"),
    "override_requested_by": gettext_lazy("overschrijding aangevraagd door"),
    "placement": gettext_lazy("plaatsing"),
    "previous": gettext_lazy("vorige afspraak"),
    "proposal": gettext_lazy("koppelingsvoorstel"),
    "raised_by": gettext_lazy("gemeld door"),
    "recorded_at": gettext_lazy("vastgelegd op"),
    "recorded_by": gettext_lazy("vastgelegd door"),
    "recorded_party": gettext_lazy("vastgelegd namens"),
    "run": gettext_lazy("berekening"),
    "score": gettext_lazy("score"),
    "signal": gettext_lazy("signaal"),
    "stalled_at": gettext_lazy("vastgelopen op"),
    "status": gettext_lazy("status"),
    "status_before_pause": gettext_lazy("status vóór de pauze"),
    "terms": gettext_lazy("voorwaarden"),
    "title": gettext_lazy("titel"),
    "updated_at": gettext_lazy("bijgewerkt op"),
    "version": gettext_lazy("versie"),
}


def field_label(f: models.Field[Any, Any]) -> str:
    own = str(f.verbose_name)
    if f.primary_key and f.name == "id":
        return str(FIELD_LABELS["id"])
    if own != f.name.replace("_", " "):
        return own
    return str(FIELD_LABELS.get(f.name, own))


def _related_name(obj: Any) -> str:
    from accounts.models import User

    if isinstance(obj, User):
        return obj.full_name or obj.email
    return str(obj)


def _value(obj: models.Model, f: models.Field[Any, Any]) -> Value:
    label = field_label(f)
    if f.is_relation:
        related = getattr(obj, f.name)
        if related is None:
            return Value(f.name, label, formatting.MISSING, None)
        text = _related_name(related)
        return Value(f.name, label, text, text)
    raw = getattr(obj, f.attname)
    if raw is None or raw == "":
        return Value(f.name, label, formatting.MISSING, raw)
    if f.choices:
        display = getattr(obj, f"get_{f.name}_display")()
        return Value(f.name, label, str(display), {"code": raw, "label": str(display)})
    if isinstance(raw, bool):
        return Value(f.name, label, _("ja") if raw else _("nee"), raw)
    if isinstance(raw, dt.datetime):
        local = timezone.localtime(raw) if timezone.is_aware(raw) else raw
        return Value(f.name, label, formatting.date(local, "DATETIME_FORMAT"), local.isoformat())
    if isinstance(raw, dt.date):
        return Value(f.name, label, formatting.date(raw), raw.isoformat())
    if isinstance(raw, decimal.Decimal):
        return Value(f.name, label, formatting.number(raw, 2, strip=True), str(raw))
    if isinstance(raw, dict | list):
        return Value(f.name, label, json.dumps(raw, ensure_ascii=False), raw)
    return Value(f.name, label, str(raw), raw)


def record(obj: models.Model) -> Record:
    return Record([_value(obj, f) for f in obj._meta.concrete_fields])


# --- The export ----------------------------------------------------------------------------


@dataclass
class Export:
    client: Client
    produced_at: dt.datetime
    produced_by: str
    parts: list[tuple[Part, list[Section]]]

    @property
    def record_count(self) -> int:
        return sum(len(s.records) for _p, sections in self.parts for s in sections)

    def as_json(self) -> dict[str, Any]:
        return {
            "format": "woonbrug-gegevens/1",
            "client": self.client.reference,
            "care_provider": self.client.care_provider.name,
            "produced_at": self.produced_at.isoformat(),
            "produced_by": self.produced_by,
            "parts": [
                {
                    "key": part.key,
                    "title": str(part.title),
                    "sections": [
                        {
                            "model": s.model,
                            "title": s.title,
                            "records": [{v.name: v.data for v in r.values} for r in s.records],
                        }
                        for s in sections
                    ],
                }
                for part, sections in self.parts
            ],
        }


def build(*, client: Client, produced_by: str) -> Export:
    """Every part's data about `client` (the caller is authorised for `data_export`)."""
    result = []
    for part in parts():
        sections = []
        for source in part.sources:
            rows = list(source.rows(client))
            sections.append(
                Section(
                    model=source.model._meta.label_lower,
                    title=str(source.model._meta.verbose_name_plural),
                    singular=str(source.model._meta.verbose_name),
                    records=[record(obj) for obj in rows],
                    pdf_exclude=source.pdf_exclude,
                )
            )
        result.append((part, sections))
    return Export(
        client=client, produced_at=timezone.localtime(), produced_by=produced_by, parts=result
    )


def as_json_bytes(export: Export) -> bytes:
    return json.dumps(export.as_json(), ensure_ascii=False, indent=2, default=str).encode()


def render_pdf(export: Export) -> bytes:
    from django.template.loader import render_to_string
    from weasyprint import HTML  # imported here: loading pango is slow

    from accounts import states

    html = render_to_string(
        "cases/rights/data_export_pdf.html", {**states.exposed(), "export": export}
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def filename(export: Export, extension: str) -> str:
    return f"gegevens-{export.client.reference}-{export.produced_at:%Y-%m-%d}.{extension}"
