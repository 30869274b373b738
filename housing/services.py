"""State changes in housing. Keyword-only, typed, atomic; each writes its access-log row.

Views and the API check the permission layer before calling a service (and log refusals);
services check it again with `access.authorize` (scope and rule), so a caller that forgot
cannot do what the actor may not. Demo data, commands and tasks act as a `SystemActor`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.access import Actor, user_or_none
from accounts.errors import DomainError, Forbidden
from accounts.models import AccessAction, Organisation, OrganisationKind, Role

from . import capacity, import_limits, importing, rules
from .models import (
    CapacityWeights,
    CapacityWeightsChange,
    Complex,
    ComplexStop,
    Dwelling,
    DwellingEvent,
    DwellingStatus,
    ImportBatch,
    ImportKind,
    ImportStatus,
    Municipality,
    Neighbourhood,
    NeighbourhoodIndicator,
    Stairwell,
)

S = DwellingStatus


def _own_corporation(actor: Actor, corporation: Organisation) -> None:
    """Consultants register dwellings and complexes for their own corporation only."""
    if not access.is_system(actor) and corporation.pk not in access.organisation_ids_of(
        actor, Role.HOUSING_CONSULTANT
    ):
        raise Forbidden(rule="own-corporation")


# --- Dwellings ------------------------------------------------------------------------------

DWELLING_FIELDS = (
    "reference",
    "street",
    "number",
    "suffix",
    "postcode",
    "city",
    "neighbourhood",
    "complex",
    "stairwell",
    "dwelling_type",
    "floor",
    "has_lift",
    "rooms",
    "bedrooms",
    "living_area",
    "net_rent",
    "service_costs",
    "step_free",
    "ground_floor",
    "wheelchair",
    "available_from",
    "counts_toward_quota",
    "notes",
    "latitude",
    "longitude",
)


def _clean_dwelling(dwelling: Dwelling) -> None:
    """Invariants that span objects (the database checks the rest)."""
    if dwelling.net_rent is not None and Decimal(dwelling.net_rent) < 0:
        raise DomainError(
            _("De huur kan niet negatief zijn."), field="net_rent", code="negative_rent"
        )
    if (
        dwelling.bedrooms is not None
        and dwelling.rooms is not None
        and dwelling.bedrooms > dwelling.rooms
    ):
        raise DomainError(_("Meer slaapkamers dan kamers."), field="bedrooms", code="bedrooms")
    complex_, stairwell = dwelling.complex, dwelling.stairwell
    if complex_ is not None and complex_.corporation_id != dwelling.corporation_id:
        raise DomainError(
            _("Dit complex is niet van uw corporatie."), field="complex", code="foreign_complex"
        )
    if complex_ is not None and complex_.neighbourhood_id != dwelling.neighbourhood_id:
        raise DomainError(
            _("Het complex ligt in een andere buurt."),
            field="complex",
            code="complex_neighbourhood",
        )
    if stairwell is not None and stairwell.complex_id != dwelling.complex_id:
        raise DomainError(
            _("Deze portiek hoort niet bij het gekozen complex."),
            field="stairwell",
            code="stairwell",
        )
    if (
        dwelling.neighbourhood_id
        and dwelling.neighbourhood.district.municipality.region_id != dwelling.corporation.region_id
    ):
        raise DomainError(
            _("Deze buurt ligt niet in de regio van de corporatie."),
            field="neighbourhood",
            code="region",
        )
    if (
        Dwelling.objects.filter(
            corporation_id=dwelling.corporation_id, reference=dwelling.reference
        )
        .exclude(pk=dwelling.pk)
        .exists()
    ):
        raise DomainError(
            _("Er is al een woning met deze referentie."), field="reference", code="duplicate"
        )


def dwelling_create(*, actor: Actor, corporation: Organisation, **fields: Any) -> Dwelling:
    """Register a vacating dwelling as a draft for `corporation`."""
    if corporation.kind != OrganisationKind.HOUSING_CORPORATION:
        raise DomainError(
            _("Alleen een woningcorporatie registreert woningen."), code="not_corporation"
        )
    unknown = set(fields) - set(DWELLING_FIELDS)
    if unknown:
        raise TypeError(f"unknown dwelling fields: {sorted(unknown)}")
    dwelling = Dwelling(corporation=corporation, status=S.DRAFT, **fields)
    _own_corporation(actor, corporation)
    access.authorize(actor, "create", Dwelling)
    _clean_dwelling(dwelling)
    with transaction.atomic():
        dwelling.save()
        DwellingEvent.objects.create(
            dwelling=dwelling, to_status=S.DRAFT, actor=user_or_none(actor)
        )
        access.audit(
            "housing.dwelling.created",
            actor=actor,
            target=dwelling,
            rule="own-corporation",
            organisation_id=corporation.pk,
        )
    return dwelling


def dwelling_update(*, actor: Actor, dwelling: Dwelling, **fields: Any) -> Dwelling:
    """Change a dwelling's details (not while it is reserved or let)."""
    rule = access.authorize(actor, "change", dwelling)
    if refusal := rules.dwelling_edit(dwelling):
        raise refusal
    unknown = set(fields) - set(DWELLING_FIELDS)
    if unknown:
        raise TypeError(f"unknown dwelling fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(dwelling, name, value)
    _clean_dwelling(dwelling)
    with transaction.atomic():
        dwelling.save()
        access.audit(
            "housing.dwelling.changed",
            actor=actor,
            target=dwelling,
            rule=rule,
            organisation_id=dwelling.corporation_id,
        )
    return dwelling


# The dwelling's action -> the access log's event (housing.dwelling.<past>).
TRANSITION_EVENTS = {
    "offer": "housing.dwelling.offered",
    "withdraw": "housing.dwelling.withdrawn",
    "reopen": "housing.dwelling.reopened",
    "reserve": "housing.dwelling.reserved",
    "release": "housing.dwelling.released",
    "let": "housing.dwelling.let",
}


def dwelling_lock(dwelling_id: int) -> Dwelling:
    """The dwelling's row lock, that row only. Lock order (docs/concurrency.md): meeting,
    client, dwelling, proposal; call it inside the caller's transaction."""
    return Dwelling.objects.select_for_update(of=("self",)).order_by().get(pk=dwelling_id)


def dwellings_lock(dwelling_ids: list[int]) -> None:
    """Row locks on several dwellings, in ascending id (the global order within one kind)."""
    list(
        Dwelling.objects.select_for_update(of=("self",))
        .filter(pk__in=dwelling_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _transition(
    *, actor: Actor, dwelling: Dwelling, action: str, to: str, note: str = "", **changes: Any
) -> Dwelling:
    rule = access.authorize(actor, action, dwelling)
    with transaction.atomic():
        # Lock the row: two people offering/reserving at once must not both succeed.
        current = dwelling_lock(dwelling.pk)
        if refusal := rules.dwelling_transition(current, to):
            # Someone else moved it meanwhile: a conflict, not a wrong request.
            refusal.conflict = current.status != dwelling.status
            raise refusal
        from_status = current.status
        current.status = to
        for name, value in changes.items():
            setattr(current, name, value)
        current.save(update_fields=["status", "updated_at", *changes])
        DwellingEvent.objects.create(
            dwelling=current,
            from_status=from_status,
            to_status=to,
            actor=user_or_none(actor),
            note=note[:300],
        )
        access.audit(TRANSITION_EVENTS[action], actor=actor, target=current, rule=rule)
    dwelling.status = current.status
    for name, value in changes.items():
        setattr(dwelling, name, value)
    return dwelling


def dwelling_offer(*, actor: Actor, dwelling: Dwelling, note: str = "") -> Dwelling:
    """Offer a draft dwelling to the board (aanbieden aan de plaatsingstafel)."""
    if dwelling.complex is not None and dwelling.complex.active_stop():
        raise DomainError(_("Dit complex heeft een plaatsingsstop."), code="complex_stopped")
    return _transition(actor=actor, dwelling=dwelling, action="offer", to=S.OFFERED, note=note)


def dwelling_withdraw(*, actor: Actor, dwelling: Dwelling, note: str = "") -> Dwelling:
    """Take a dwelling off the board or out of the pipeline (intrekken)."""
    return _transition(actor=actor, dwelling=dwelling, action="withdraw", to=S.WITHDRAWN, note=note)


def dwelling_reopen(*, actor: Actor, dwelling: Dwelling, note: str = "") -> Dwelling:
    """Bring a withdrawn dwelling back to draft."""
    return _transition(actor=actor, dwelling=dwelling, action="reopen", to=S.DRAFT, note=note)


def dwelling_reserve(*, actor: Actor, dwelling: Dwelling, note: str = "") -> Dwelling:
    """Reserve an offered dwelling (for a client the board matched; the board calls this)."""
    return _transition(actor=actor, dwelling=dwelling, action="reserve", to=S.RESERVED, note=note)


def dwelling_release(*, actor: Actor, dwelling: Dwelling, note: str = "") -> Dwelling:
    """Undo a reservation: the dwelling is offered to the board again."""
    return _transition(actor=actor, dwelling=dwelling, action="release", to=S.OFFERED, note=note)


def dwelling_let(
    *, actor: Actor, dwelling: Dwelling, to_outflow: bool = True, note: str = "", at: Any = None
) -> Dwelling:
    """Record that a reserved dwelling is let. `to_outflow`: let to an outflowing client via the
    board, which counts as a placement in the neighbourhood's capacity for 12 months."""
    changes = {"let_to_outflow_at": (at or timezone.now()) if to_outflow else None}
    return _transition(actor=actor, dwelling=dwelling, action="let", to=S.LET, note=note, **changes)


# --- Complexes and stairwells ---------------------------------------------------------------


def complex_create(
    *, actor: Actor, corporation: Organisation, neighbourhood: Neighbourhood, code: str, name: str
) -> Complex:
    """Register a complex of `corporation` in `neighbourhood`."""
    access.authorize(actor, "create", Complex)
    _own_corporation(actor, corporation)
    if neighbourhood.district.municipality.region_id != corporation.region_id:
        raise DomainError(
            _("Deze buurt ligt niet in de regio van de corporatie."),
            field="neighbourhood",
            code="region",
        )
    if Complex.objects.filter(corporation=corporation, code=code).exists():
        raise DomainError(_("Er is al een complex met dit nummer."), field="code", code="duplicate")
    with transaction.atomic():
        obj = Complex.objects.create(
            corporation=corporation, neighbourhood=neighbourhood, code=code, name=name
        )
        access.audit(
            "housing.complex.created",
            actor=actor,
            target=obj,
            rule="own-corporation",
            organisation_id=corporation.pk,
        )
    return obj


def complex_stop(*, actor: Actor, complex: Complex, reason: str, until: date) -> ComplexStop:
    """Close a complex to placements until a date (plaatsingsstop), with the reason and who decided."""
    rule = access.authorize(actor, "stop", complex)
    if not reason.strip():
        raise DomainError(_("Geef een reden."), field="reason", code="required")
    if until < timezone.localdate():
        raise DomainError(_("De einddatum ligt in het verleden."), field="until", code="past")
    with transaction.atomic():
        stop = ComplexStop.objects.create(
            complex=complex, reason=reason.strip(), until=until, decided_by=user_or_none(actor)
        )
        access.audit("housing.complex.stopped", actor=actor, target=complex, rule=rule)
    return stop


def complex_stop_lift(*, actor: Actor, stop: ComplexStop) -> ComplexStop:
    """End a placement stop before its date."""
    rule = access.authorize(actor, "stop", stop.complex)
    if stop.lifted_at is not None:
        raise DomainError(_("Deze stop is al opgeheven."), code="already_lifted", conflict=True)
    with transaction.atomic():
        stop.lifted_at = timezone.now()
        stop.lifted_by = user_or_none(actor)
        stop.save(update_fields=["lifted_at", "lifted_by"])
        access.audit("housing.complex.stop_lifted", actor=actor, target=stop.complex, rule=rule)
    return stop


def stairwell_create(*, actor: Actor, complex: Complex, name: str) -> Stairwell:
    """Add a stairwell to a complex, with the default limit of one vulnerable household."""
    rule = access.authorize(actor, "add_stairwell", complex)
    name = name.strip()
    if not name:
        raise DomainError(_("Geef de portiek een naam."), field="name", code="required")
    if complex.stairwells.filter(name__iexact=name).exists():
        raise DomainError(_("Deze portiek bestaat al."), field="name", code="duplicate")
    with transaction.atomic():
        stairwell = Stairwell.objects.create(complex=complex, name=name)
        access.audit("housing.stairwell.created", actor=actor, target=stairwell, rule=rule)
    return stairwell


def stairwell_set_limit(*, actor: Actor, stairwell: Stairwell, max_vulnerable: int) -> Stairwell:
    """The board's maximum of vulnerable households in this stairwell (Groningen: usually 1)."""
    rule = access.authorize(actor, "set_limit", stairwell)
    if max_vulnerable < 0 or max_vulnerable > 50:
        raise DomainError(
            _("Kies een maximum tussen 0 en 50."), field="max_vulnerable", code="range"
        )
    with transaction.atomic():
        stairwell.max_vulnerable = max_vulnerable
        stairwell.limit_set_by = user_or_none(actor)
        stairwell.limit_set_at = timezone.now()
        stairwell.save(update_fields=["max_vulnerable", "limit_set_by", "limit_set_at"])
        access.audit("housing.stairwell.limit_set", actor=actor, target=stairwell, rule=rule)
    return stairwell


def stairwell_record_count(
    *, actor: Actor, stairwell: Stairwell, current_vulnerable: int
) -> Stairwell:
    """The corporation records how many vulnerable households live in the stairwell now."""
    rule = access.authorize(actor, "record_count", stairwell)
    if current_vulnerable < 0 or current_vulnerable > 500:
        raise DomainError(
            _("Kies een aantal van 0 of meer."), field="current_vulnerable", code="range"
        )
    with transaction.atomic():
        stairwell.current_vulnerable = current_vulnerable
        stairwell.count_recorded_at = timezone.now()
        stairwell.save(update_fields=["current_vulnerable", "count_recorded_at"])
        access.audit("housing.stairwell.count_recorded", actor=actor, target=stairwell, rule=rule)
    return stairwell


def stairwell_add_vulnerable(*, stairwell_id: int, note: str = "") -> Stairwell:
    """One more vulnerable household lives in the stairwell: a placement's agreement was signed
    (issue 7). A system step (the placements app authorised it); atomic under concurrency."""
    with transaction.atomic():
        Stairwell.objects.filter(pk=stairwell_id).update(
            current_vulnerable=F("current_vulnerable") + 1, count_recorded_at=timezone.now()
        )
        stairwell = Stairwell.objects.get(pk=stairwell_id)
        access.audit(
            "housing.stairwell.vulnerable_added",
            actor=access.SystemActor("placement-signed"),
            target=stairwell,
            purpose=note[:200],
        )
    return stairwell


# --- Capacity weights ------------------------------------------------------------------------


def capacity_weights_update(
    *, actor: Actor, municipality: Municipality, values: dict[str, float], reason: str = ""
) -> CapacityWeights:
    """Change a municipality's capacity weights; the change (old → new, who, why) is kept."""
    rule = access.authorize(actor, "configure", municipality)
    new = capacity.weights_with_defaults(values)
    errors = capacity.validate_weights(new)
    if errors:
        name, message = next(iter(errors.items()))
        raise DomainError(message, field=name, code="invalid_weights")
    with transaction.atomic():
        weights, _created = CapacityWeights.objects.select_for_update().get_or_create(
            municipality=municipality
        )
        old = capacity.weights_with_defaults(weights.values)
        diff = {k: [old[k], new[k]] for k in new if old[k] != new[k]}
        if not diff:
            return weights
        weights.values = {k: v for k, v in new.items() if v != capacity.DEFAULT_WEIGHTS[k]}
        weights.save()
        CapacityWeightsChange.objects.create(
            weights=weights, changed_by=user_or_none(actor), diff=diff, reason=reason[:300]
        )
        access.audit(
            "housing.municipality.weights_changed", actor=actor, target=municipality, rule=rule
        )
    return weights


# --- Indicators a municipality enters itself ----------------------------------------------

MANUAL_FIELDS = ("lvb_share", "psychiatric_share")


def indicator_enter(
    *, actor: Actor, neighbourhood: Neighbourhood, year: int, values: dict[str, Decimal | None]
) -> NeighbourhoodIndicator:
    """Enter the LVB and/or psychiatric share of a buurt for a year (what no public file has).

    Merged into that year's row like an import: the other figures stay; a value left empty
    stays as it was. Locks the row, writes only the columns entered, logs the change."""
    rule = access.authorize(actor, "enter_indicators", neighbourhood)
    entered = {k: v for k, v in values.items() if k in MANUAL_FIELDS and v is not None}
    if not entered:
        raise DomainError(_("Vul ten minste één aandeel in."), field="lvb_share", code="empty")
    with transaction.atomic():
        NeighbourhoodIndicator.objects.get_or_create(neighbourhood=neighbourhood, year=year)
        indicator = NeighbourhoodIndicator.objects.select_for_update().get(
            neighbourhood=neighbourhood, year=year
        )
        for name, value in entered.items():
            setattr(indicator, name, value)
        indicator.sources = {**(indicator.sources or {}), **dict.fromkeys(entered, "handmatig")}
        indicator.save(update_fields=[*entered, "sources", "imported_at"])
        access.audit(
            "housing.neighbourhood.indicators_entered",
            actor=actor,
            target=neighbourhood,
            rule=rule,
            purpose="indicatoren ingevoerd: " + ", ".join(sorted(entered)),
        )
    return indicator


# --- Imports --------------------------------------------------------------------------------

KINDS_BY_ORGANISATION = {
    OrganisationKind.MUNICIPALITY: (ImportKind.INDICATORS, ImportKind.BOUNDARIES),
    OrganisationKind.HOUSING_CORPORATION: (ImportKind.DWELLINGS,),
}
MAX_UPLOAD_BYTES = import_limits.MAX_BYTES


def import_upload(
    *,
    actor: Actor,
    organisation: Organisation,
    kind: str,
    filename: str,
    content: bytes,
    options: dict[str, Any] | None = None,
    channel: str = "page",
) -> tuple[ImportBatch, importing.Report]:
    """Store an uploaded file and check every row; nothing is imported yet (see import_apply).

    The page and `manage.py import_housing` both come here: the same import record, actor
    and access-log row (`channel` says which)."""
    rule = access.authorize(actor, "create", ImportBatch)
    if kind not in KINDS_BY_ORGANISATION.get(OrganisationKind(organisation.kind), ()):
        raise DomainError(
            _("Uw organisatie kan dit soort bestand niet importeren."), field="kind", code="kind"
        )
    try:
        import_limits.check(filename, content)  # before any parser reads it
    except import_limits.LimitExceeded as error:
        raise DomainError(str(error), field="file", code=error.code) from None
    options = {k: v for k, v in (options or {}).items() if v not in (None, "", [], False)}
    try:
        report = importing.validate(
            kind, filename, content, organisation=organisation, options=options
        )
    except importing.ImportFileError as error:
        raise DomainError(str(error), field="file", code="unreadable") from None
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            kind=kind,
            organisation=organisation,
            uploaded_by=user_or_none(actor),
            filename=filename[:200],
            content=content,
            options=options,
            channel=channel,
            status=ImportStatus.PENDING if report.ok else ImportStatus.INVALID,
            row_count=len(report.rows) + len({e.line for e in report.errors if e.line > 1}),
            error_count=len(report.errors),
            preview=report.summary(),
        )
        access.audit(
            "housing.importbatch.created",
            actor=actor,
            target=batch,
            rule=rule,
            organisation_id=organisation.pk,
            channel="web" if channel == "page" else channel,
        )
    return batch, report


def import_preview(*, batch: ImportBatch) -> importing.Report | importing.StoredReport:
    """The preview of an upload: as stored when it was checked (no parsing), or, for a batch
    stored before previews were kept, by checking the stored file."""
    if batch.preview:
        return importing.StoredReport.from_summary(batch.preview)
    return import_report(batch=batch)


def import_report(*, batch: ImportBatch) -> importing.Report:
    try:
        import_limits.check(batch.filename, bytes(batch.content))
        return importing.validate(
            batch.kind,
            batch.filename,
            bytes(batch.content),
            organisation=batch.organisation,
            options=batch.options,
        )
    except (importing.ImportFileError, import_limits.LimitExceeded) as error:
        report = importing.Report(kind=batch.kind)
        report.errors.append(importing.RowError(0, "", str(error)))
        return report


def import_apply(*, actor: Actor, batch: ImportBatch) -> importing.Report:
    """Check the stored file again (the data may have changed) and write it all, or nothing."""
    rule = access.authorize(actor, "apply", batch)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != ImportStatus.PENDING:
            raise DomainError(
                _("Dit bestand is al verwerkt of afgekeurd."), code="not_pending", conflict=True
            )
        # Checked once more (the data may have changed since the upload), and written from
        # that same check: APPLIED only when it found no error and everything was written.
        report = import_report(batch=locked)
        if not report.ok:
            locked.status = ImportStatus.INVALID
            locked.error_count = len(report.errors)
            locked.save(update_fields=["status", "error_count"])
            return report
        try:
            with transaction.atomic():
                importing.write(
                    report,
                    organisation=locked.organisation,
                    actor=user_or_none(actor),
                    filename=locked.filename,
                )
        except IntegrityError:
            # Someone changed the same rows by hand at this moment: nothing of the file is
            # written; the batch stays pending and can be applied again.
            raise DomainError(
                _(
                    "Tegelijk zijn dezelfde gegevens gewijzigd; er is niets opgeslagen. "
                    "Probeer het opnieuw."
                ),
                code="conflict",
                conflict=True,
            ) from None
        locked.status = ImportStatus.APPLIED
        locked.applied_at = timezone.now()
        locked.row_count = report.written
        locked.save(update_fields=["status", "applied_at", "row_count"])
        access.audit(
            "housing.importbatch.applied",
            actor=actor,
            action=AccessAction.CREATE,
            target=locked,
            rule=rule,
            organisation_id=locked.organisation_id,
            channel="web" if locked.channel == "page" else locked.channel,
        )
    batch.status = locked.status
    return report
