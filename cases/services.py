"""State changes for clients: register, update, lifecycle, consent, notes, coordinator.

Every function is keyword-only, takes the acting user, runs in one transaction, checks the
permission layer itself with `access.authorize` (the board and the API call these too, not
only views), and writes its access-log row (`cases.client.<event>`) in that same transaction.
Refusals raise `DomainError` (`Forbidden` from the guard); input problems raise `FieldErrors`
carrying one message per field, so forms and the API can show them next to the field and
nothing is saved.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy
from guardian.shortcuts import assign_perm, remove_perm

from accounts import access, validation
from accounts.access import Actor, user_or_none
from accounts.errors import DomainError, FieldErrors
from accounts.models import Membership, Organisation, OrganisationKind, Role, User
from accounts.validation import CONTROL_CHARACTERS_MESSAGE, has_control_characters

from . import geography, rules, signals
from .lifecycle import TRANSITIONS
from .models import (
    ADULTS_MAX,
    BIRTH_YEAR_MIN,
    CHILDREN_MAX,
    FLOOR_MAX,
    MONTHLY_INCOME_MAX,
    MOVE_YEARS_AHEAD,
    SHARED_STATUSES,
    CareRecord,
    Client,
    ClientNote,
    ClientStatus,
    ClientTransition,
    Consent,
    ConsentEndReason,
    ConsentScope,
    HousingProfile,
    LegalBasis,
    UrgencyDecidedBy,
    UrgencyReason,
)

__all__ = [
    "CARE_FIELDS",
    "PROFILE_FIELDS",
    "DomainError",
    "FieldErrors",
    "client_note_add",
    "client_reassign",
    "client_register",
    "client_transition",
    "client_transition_for_placement",
    "client_update",
    "consent_expire_due",
    "consent_record",
    "consent_withdraw",
    "missing_for_ready",
]

GRANT = "cases.coordinate_client"
CARE_FIELDS = (
    "full_name",
    "date_of_birth",
    "phone",
    "email",
    "contact_details",
    "care_history",
    "exclusion_reasons",
)
PROFILE_FIELDS = (
    "adults", "children", "monthly_income", "step_free", "ground_floor_or_lift", "wheelchair", "max_floor",
    "support_hours_per_week", "agreement_type", "target_group", "earliest_move_date", "pets",
    "pets_description", "note_for_corporation", "urgency_reason", "urgency_decided_by",
    "urgency_decided_on", "urgency_valid_until",
)  # fmt: skip
URGENCY_FIELDS = (
    "urgency_reason",
    "urgency_decided_by",
    "urgency_decided_on",
    "urgency_valid_until",
)
GEOGRAPHY_FIELDS = (
    "preferred_municipality_codes", "preferred_district_codes", "excluded_neighbourhood_codes",
    "support_team_district_code",
)  # fmt: skip
# Consent is asked again at the latest after this long (a tripartite agreement runs 2 years).
MAX_CONSENT_DAYS = 2 * 366
PURPOSE = "cliëntdossier"


def _log(
    event: str,
    *,
    actor: Actor,
    client: Client,
    rule: str,
    purpose: str = PURPOSE,
    request: HttpRequest | None,
) -> None:
    """The client's access-log row, on behalf of its care provider."""
    access.audit(
        f"cases.client.{event}",
        actor=actor,
        target=client,
        rule=rule,
        purpose=purpose,
        request=request,
        organisation_id=client.care_provider_id,
    )


# --- Validation -------------------------------------------------------------------------


def _validate(
    *,
    care: Mapping[str, Any],
    profile: Mapping[str, Any],
    existing: HousingProfile | None,
    region_id: int,
) -> tuple[FieldErrors | None, dict[str, Any]]:
    """Check input against the domain rules. Returns (the errors, each field with the code of
    its first message, or None; the resolved geography)."""
    errors: dict[str, list[str]] = {}
    field_codes: dict[str, str] = {}
    resolved: dict[str, Any] = {}
    today = timezone.localdate()

    def add(field: str, message: str, code: str) -> None:
        errors.setdefault(field, []).append(message)
        field_codes.setdefault(field, code)

    if "adults" in profile and (profile["adults"] is None or profile["adults"] < 1):
        add("adults", _("Een huishouden heeft ten minste één volwassene."), "min_value")
    elif profile.get("adults") is not None and profile["adults"] > ADULTS_MAX:
        add(
            "adults",
            _("Hoogstens %(n)s volwassenen in één huishouden.") % {"n": ADULTS_MAX},
            "max_value",
        )
    if "children" in profile and (profile["children"] is None or profile["children"] < 0):
        add("children", _("Het aantal kinderen kan niet negatief zijn."), "min_value")
    elif profile.get("children") is not None and profile["children"] > CHILDREN_MAX:
        add(
            "children",
            _("Hoogstens %(n)s kinderen in één huishouden.") % {"n": CHILDREN_MAX},
            "max_value",
        )
    if profile.get("monthly_income") is not None and profile["monthly_income"] < 0:
        add("monthly_income", _("Het inkomen kan niet negatief zijn."), "min_value")
    elif (
        profile.get("monthly_income") is not None and profile["monthly_income"] > MONTHLY_INCOME_MAX
    ):
        add(
            "monthly_income",
            _("Vul het bruto inkomen per maand in (hoogstens € %(n)s).")
            % {"n": MONTHLY_INCOME_MAX},
            "max_value",
        )
    if profile.get("max_floor") is not None and profile["max_floor"] > FLOOR_MAX:
        add(
            "max_floor",
            _("Vul een verdieping tot en met %(n)s in.") % {"n": FLOOR_MAX},
            "max_value",
        )
    hours = profile.get("support_hours_per_week")
    if hours is not None and not (Decimal(0) <= Decimal(hours) <= Decimal(168)):
        add("support_hours_per_week", _("Vul een aantal uren tussen 0 en 168 in."), "out_of_range")
    if profile.get("max_floor") is not None and profile["max_floor"] < 0:
        add("max_floor", _("De hoogste verdieping kan niet negatief zijn."), "min_value")
    move = profile.get("earliest_move_date")
    # A new client cannot move in the past; an existing one keeps a date set earlier.
    changed = existing is None or existing.earliest_move_date != move
    if move is not None and changed and move < today:
        add("earliest_move_date", _("De verhuisdatum ligt in het verleden."), "in_past")
    elif move is not None and move.year > today.year + MOVE_YEARS_AHEAD:
        add(
            "earliest_move_date",
            _("Kies een verhuisdatum binnen %(n)s jaar.") % {"n": MOVE_YEARS_AHEAD},
            "too_far_ahead",
        )
    _validate_urgency(profile, existing, add, today=today)
    birth = care.get("date_of_birth")
    if birth is not None and birth > today:
        add("date_of_birth", _("De geboortedatum ligt in de toekomst."), "in_future")
    elif birth is not None and birth.year < BIRTH_YEAR_MIN:
        add(
            "date_of_birth",
            _("Kies een geboortedatum na %(y)s.") % {"y": BIRTH_YEAR_MIN},
            "min_value",
        )
    # Free text: NUL bytes and control characters (except line breaks and tabs) are refused.
    for field, value in (*care.items(), *profile.items()):
        if isinstance(value, str) and has_control_characters(value):
            add(field, str(CONTROL_CHARACTERS_MESSAGE), "control_characters")

    # Code lists that must name known places: (form field, resolved field, lookup, message).
    code_lists = (
        (
            "excluded_neighbourhood_codes",
            "excluded_neighbourhoods",
            geography.neighbourhoods_for,
            ngettext_lazy(
                "Onbekende buurtcode: %(codes)s. Gebruik CBS-buurtcodes, zoals BU03630000.",
                "Onbekende buurtcodes: %(codes)s. Gebruik CBS-buurtcodes, zoals BU03630000.",
                "n",
            ),
        ),
        (
            "preferred_municipality_codes",
            "preferred_municipalities",
            lambda codes: geography.municipalities_by_code(codes, region_id=region_id),
            ngettext_lazy(
                "Onbekende gemeente in deze regio: %(codes)s.",
                "Onbekende gemeenten in deze regio: %(codes)s.",
                "n",
            ),
        ),
        (
            "preferred_district_codes",
            "preferred_districts",
            lambda codes: geography.districts_by_code(codes, region_id=region_id),
            ngettext_lazy(
                "Onbekende wijk in deze regio: %(codes)s.",
                "Onbekende wijken in deze regio: %(codes)s.",
                "n",
            ),
        ),
    )
    for field, target, lookup, message in code_lists:
        if field not in profile:
            continue
        codes = geography.split_codes(profile[field])
        found = lookup(codes)
        unknown = [c for c in codes if c not in found]
        if unknown:
            add(field, message % {"codes": ", ".join(unknown), "n": len(unknown)}, "unknown_code")
        resolved[target] = list(found.values())
    if "support_team_district_code" in profile:
        code = (profile["support_team_district_code"] or "").strip().upper()
        district = (
            geography.districts_by_code([code], region_id=region_id).get(code) if code else None
        )
        if code and district is None:
            add(
                "support_team_district_code",
                _("Onbekende wijk in deze regio: %(codes)s.") % {"codes": code},
                "unknown_code",
            )
        resolved["support_team_district"] = district
    return (FieldErrors(errors, codes=field_codes) if errors else None), resolved


def _validate_urgency(
    profile: Mapping[str, Any],
    existing: HousingProfile | None,
    add: Any,
    *,
    today: datetime.date,
) -> None:
    """An urgency statement is complete (reason, by whom, on, until) or absent; it was not
    decided in the future, and it does not end before it was decided."""
    if not any(name in profile for name in URGENCY_FIELDS):
        return
    values = {
        name: profile[name] if name in profile else getattr(existing, name, None)
        for name in URGENCY_FIELDS
    }
    given = {name for name, value in values.items() if value not in (None, "")}
    if not given:
        return
    for name in sorted(set(URGENCY_FIELDS) - given, key=URGENCY_FIELDS.index):
        add(name, _("Vul ook dit in, of laat de hele urgentieverklaring leeg."), "required")
    decided, until = values["urgency_decided_on"], values["urgency_valid_until"]
    if decided and decided > today:
        add("urgency_decided_on", _("Het besluit over urgentie ligt in de toekomst."), "in_future")
    if decided and until and until < decided:
        add(
            "urgency_valid_until",
            _("De urgentie kan niet eindigen voordat erover is besloten."),
            "ends_before_decided",
        )
    if values["urgency_reason"] and values["urgency_reason"] not in UrgencyReason.values:
        add("urgency_reason", _("Kies een urgentiegrond uit de lijst."), "invalid_choice")
    if values["urgency_decided_by"] and values["urgency_decided_by"] not in UrgencyDecidedBy.values:
        add("urgency_decided_by", _("Kies wie over de urgentie besloot."), "invalid_choice")


def missing_for_ready(client: Client) -> dict[str, list[str]]:
    """What must be filled in before the client can be marked ready (field -> message)."""
    needed = _("Nodig om uitstroomklaar te melden.")
    care, profile = client.care, client.profile
    missing: dict[str, list[str]] = {}
    for field in ("full_name", "date_of_birth"):
        if not getattr(care, field):
            missing[field] = [needed]
    for field in (
        "monthly_income",
        "target_group",
        "agreement_type",
        "earliest_move_date",
        "support_hours_per_week",
    ):
        if getattr(profile, field) in (None, ""):
            missing[field] = [needed]
    if not profile.preferred_municipalities.exists() and not profile.preferred_districts.exists():
        missing["preferred_municipality_codes"] = [
            _("Kies ten minste één voorkeursgemeente of -wijk.")
        ]
    return missing


def _apply(
    client: Client, care: Mapping[str, Any], profile: Mapping[str, Any], resolved: Mapping[str, Any]
) -> None:
    care_record, profile_record = client.care, client.profile
    care_fields = [f for f in CARE_FIELDS if f in care]
    profile_fields = [f for f in PROFILE_FIELDS if f in profile]
    for field in care_fields:
        value = care[field]
        setattr(care_record, field, value if value is not None or field == "date_of_birth" else "")
    for field in profile_fields:
        value = profile[field]
        if value is None and field in {
            "agreement_type",
            "target_group",
            "pets_description",
            "note_for_corporation",
            "urgency_reason",
            "urgency_decided_by",
        }:
            value = ""
        setattr(profile_record, field, value)
    if "support_team_district" in resolved:
        profile_record.support_team_district = resolved["support_team_district"]
        profile_fields.append("support_team_district")
    # Only the columns given: a full save() would write back what another request changed.
    if care_record._state.adding:
        care_record.save()
    elif care_fields:
        care_record.save(update_fields=care_fields)
    if profile_record._state.adding:
        profile_record.save()
    else:
        profile_record.save(update_fields=[*profile_fields, "updated_at"])
    for relation in ("preferred_municipalities", "preferred_districts", "excluded_neighbourhoods"):
        if relation in resolved:
            getattr(profile_record, relation).set(resolved[relation])


def _split_input(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    care = {k: v for k, v in data.items() if k in CARE_FIELDS}
    profile = {k: v for k, v in data.items() if k in PROFILE_FIELDS or k in GEOGRAPHY_FIELDS}
    unknown = set(data) - set(care) - set(profile)
    if unknown:
        raise ValueError(f"Unknown client fields: {sorted(unknown)}")
    return care, profile


def _new_reference(year: int) -> str:
    # Random, not sequential: a reference reveals neither a person nor how many clients exist.
    return f"WB-{year}-{secrets.randbelow(100_000):05d}"


# --- Register and update ----------------------------------------------------------------


def client_register(
    *,
    actor: User,
    data: Mapping[str, Any],
    care_provider: Organisation | None = None,
    mark_ready: bool = False,
    request: HttpRequest | None = None,
    purpose: str = "intake",
) -> Client:
    """Register a client (intake) for the actor's care provider, assigned to the actor.

    May be incomplete (a draft). With `mark_ready` the client is marked ready in the same
    transaction; if that is refused, nothing is saved.
    """
    rule = access.authorize(actor, "create", Client)
    provider_ids = access.organisation_ids_of(actor, Role.CARE_COORDINATOR)
    if care_provider is None:
        care_provider = Organisation.objects.get(pk=min(provider_ids))
    elif (
        care_provider.pk not in provider_ids or care_provider.kind != OrganisationKind.CARE_PROVIDER
    ):
        raise DomainError(
            _("U kunt alleen cliënten registreren voor uw eigen zorgaanbieder."),
            field="care_provider",
        )
    care, profile = _split_input(data)
    profile.setdefault("adults", 1)
    refused, resolved = _validate(
        care=care, profile=profile, existing=None, region_id=care_provider.region_id
    )
    if refused:
        raise refused
    now = timezone.now()
    with transaction.atomic():
        client = None
        for _attempt in range(20):
            try:
                with transaction.atomic():
                    client = Client.objects.create(
                        reference=_new_reference(timezone.localdate().year),
                        care_provider=care_provider,
                        coordinator=actor,
                        created_by=actor,
                        registered_at=now,
                        status_changed_at=now,
                    )
                break
            except IntegrityError:
                continue  # the random reference was taken; draw again
        if client is None:
            raise DomainError(_("Er kon geen referentie worden toegekend. Probeer het opnieuw."))
        client.care = CareRecord.objects.create(client=client)
        client.profile = HousingProfile.objects.create(client=client)
        _apply(client, care, profile, resolved)
        ClientTransition.objects.create(
            client=client,
            action="register",
            from_status="",
            to_status=ClientStatus.DRAFT,
            actor=actor,
            at=now,
        )
        assign_perm(GRANT, actor, client)
        _log("created", actor=actor, client=client, rule=rule, purpose=purpose, request=request)
        if mark_ready:
            _transition(
                actor=actor,
                client=client,
                action="mark_ready",
                reason="",
                request=request,
                rule=rule,
            )
    return client


def client_update(
    *,
    actor: User,
    client: Client,
    data: Mapping[str, Any],
    mark_ready: bool = False,
    request: HttpRequest | None = None,
    purpose: str = PURPOSE,
) -> Client:
    """Change care-only data and/or the profile (only the keys given). Optionally mark ready
    in the same transaction: if the client is incomplete, nothing of the change is saved."""
    rule = access.authorize(actor, "change", client)
    care, profile = _split_input(data)
    with transaction.atomic():
        # Lock, then read: the records are re-read under the client's lock and only the
        # fields given are written, so a concurrent PATCH of another field is kept.
        locked = _lock_client(client.pk)
        refused, resolved = _validate(
            care=care,
            profile=profile,
            existing=locked.profile,
            region_id=client.care_provider.region_id,
        )
        if refused:
            raise refused
        _apply(locked, care, profile, resolved)
        for cached in ("care", "profile"):
            client._state.fields_cache.pop(cached, None)  # the caller's copy reads fresh rows
        Client.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
        _log("changed", actor=actor, client=client, rule=rule, purpose=purpose, request=request)
        if mark_ready:
            client.status = locked.status
            _transition(
                actor=actor,
                client=client,
                action="mark_ready",
                reason="",
                request=request,
                rule=rule,
            )
    return client


# --- Lifecycle ----------------------------------------------------------------------------


def client_lock(client_id: int) -> Client:
    """The client's row lock, for other apps' services that change the client's proposals or
    placements: lock order (docs/concurrency.md) is meeting, client, dwelling, proposal."""
    return _lock_client(client_id)


def clients_lock(client_ids: list[int]) -> None:
    """Row locks on several clients, in ascending id (the global order within one kind)."""
    list(
        Client.objects.select_for_update(of=("self",))
        .filter(pk__in=client_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _lock_client(client_id: int) -> Client:
    """The client's row lock, and only that row (`of=self`: no joined rows through a default
    ordering). Every service that changes a client and its proposals takes this first."""
    return Client.objects.select_for_update(of=("self",)).order_by().get(pk=client_id)


def _valid_consent_exists(client: Client) -> bool:
    today = timezone.localdate()
    return client.consents.filter(
        ended_at__isnull=True, given_on__lte=today, valid_until__gte=today
    ).exists()


def _transition(
    *,
    actor: Actor,
    client: Client,
    action: str,
    reason: str,
    request: HttpRequest | None,
    rule: str,
    purpose: str = PURPOSE,
    event: str = "",
) -> Client:
    """Apply one row of the table to a locked client; the caller holds the transaction.
    The access log names the action (`cases.client.mark_ready`) unless `event` is given."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise DomainError(_("Onbekende handeling."), field="action", code="unknown_action")
    locked = _lock_client(client.pk)
    refused = rules.transition_status(locked, transition)
    if refused:
        raise refused
    reason = validation.free_text(reason, field="reason")
    refused = rules.transition_reason(transition, reason)
    if refused:
        raise refused
    target = rules.target_of(locked, transition)
    has_consent = rules.needs_consent(transition, target) and _valid_consent_exists(locked)
    refused = rules.transition_consent(
        transition, target, has_consent=has_consent
    ) or rules.transition_complete(
        transition,
        target,
        missing=missing_for_ready(client)
        if rules.needs_complete_profile(transition, target)
        else {},
    )
    if refused:
        raise refused
    now = timezone.now()
    updates: dict[str, Any] = {"status": target, "status_changed_at": now}
    if target == ClientStatus.READY and locked.ready_since is None:
        updates["ready_since"] = now
    if target == ClientStatus.DRAFT:
        updates["ready_since"] = None  # waiting "since ready" starts again when ready again
    if target == ClientStatus.PAUSED:
        updates["status_before_pause"] = locked.status
    if action == "resume":
        updates["status_before_pause"] = ""
    if target == ClientStatus.HOUSED:
        updates["housed_on"] = timezone.localdate()
    Client.objects.filter(pk=locked.pk).update(**updates)
    for field, value in updates.items():
        setattr(client, field, value)
    ClientTransition.objects.create(
        client=client,
        action=action,
        from_status=locked.status,
        to_status=target,
        actor=user_or_none(actor),
        at=now,
        reason=reason,
    )
    _log(event or action, actor=actor, client=client, rule=rule, purpose=purpose, request=request)
    if locked.status in SHARED_STATUSES and target not in SHARED_STATUSES:
        # In this transaction, under the client's lock (lock order: client before proposal):
        # when it commits, no open proposal of a client who left the board remains.
        signals.client_left_board.send(sender=Client, client_id=client.pk, reason=action)
    return client


def client_transition(
    *,
    actor: User,
    client: Client,
    action: str,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Client:
    """Move the client along the lifecycle (see `lifecycle.TRANSITIONS`), with a history row."""
    transition = TRANSITIONS.get(action)
    if transition is None or transition.system:
        raise DomainError(_("Onbekende handeling."), field="action", code="unknown_action")
    rule = access.authorize(actor, "transition", client)
    with transaction.atomic():
        return _transition(
            actor=actor, client=client, action=action, reason=reason, request=request, rule=rule
        )


# Lifecycle steps that follow from a placement (issue 7). The placements app authorises them
# with its own policy: the actor may be the corporation's consultant, who holds no grant on
# the client. Only these rows of the table, and every guard of `_transition` still applies.
PLACEMENT_ACTIONS = frozenset({"place_on_board", "match", "unmatch", "house", "start_follow_up"})


def client_transition_for_placement(
    *,
    actor: User,
    client: Client,
    action: str,
    rule: str,
    reason: str = "",
    request: HttpRequest | None = None,
    purpose: str = "plaatsing",
) -> Client:
    """Move the client along the lifecycle because of a placement (matched when it is made,
    housed when its agreement is signed, follow-up after the welcome talk, back on the board
    when it lapses). `rule` names the placements rule that allowed it, for the access log."""
    if action not in PLACEMENT_ACTIONS:
        raise DomainError(_("Onbekende handeling."), field="action", code="unknown_action")
    with transaction.atomic():
        return _transition(
            actor=actor,
            client=client,
            action=action,
            reason=reason,
            request=request,
            rule=rule,
            purpose=purpose,
        )


def client_reassign(
    *, actor: User, client: Client, coordinator: User, request: HttpRequest | None = None
) -> Client:
    """Hand the client to another coordinator of the same care provider (moves the grant)."""
    rule = access.authorize(actor, "reassign", client)
    is_coordinator = Membership.objects.filter(
        user=coordinator,
        organisation_id=client.care_provider_id,
        role=Role.CARE_COORDINATOR,
        is_active=True,
    ).exists()
    if not is_coordinator:
        raise DomainError(
            _("Kies een zorgcoördinator van %(org)s.") % {"org": client.care_provider.name},
            field="coordinator",
        )
    with transaction.atomic():
        # The previous coordinator is read under the lock: two reassignments at once move the
        # grant one after the other, and exactly one person holds it afterwards.
        locked = _lock_client(client.pk)
        previous = locked.coordinator
        Client.objects.filter(pk=client.pk).update(
            coordinator=coordinator, updated_at=timezone.now()
        )
        client.coordinator = coordinator
        if previous.pk != coordinator.pk:
            remove_perm(GRANT, previous, client)
        assign_perm(GRANT, coordinator, client)
        _log("reassigned", actor=actor, client=client, rule=rule, request=request)
    return client


# --- Consent ----------------------------------------------------------------------------


def consent_record(
    *,
    actor: User,
    client: Client,
    legal_basis: str,
    text_version: str,
    given_on: datetime.date,
    valid_until: datetime.date,
    scope: str = ConsentScope.SHARE_PROFILE_WITH_BOARD,
    request: HttpRequest | None = None,
) -> Consent:
    """Record consent to share the housing profile. Replaces the consent in force, if any."""
    rule = access.authorize(actor, "consent_record", client)
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if legal_basis not in LegalBasis.values:
        errors["legal_basis"] = [_("Kies een grondslag.")]
    if not (text_version or "").strip():
        errors["text_version"] = [_("Vermeld de versie van de tekst waarmee de cliënt instemde.")]
    if given_on > today:
        errors["given_on"] = [_("De datum van toestemming ligt in de toekomst.")]
    if valid_until < today:
        errors["valid_until"] = [_("Deze toestemming is al verlopen.")]
    elif valid_until < given_on:
        errors["valid_until"] = [_("‘Geldig tot’ ligt voor de datum van toestemming.")]
    elif (valid_until - given_on).days > MAX_CONSENT_DAYS:
        errors["valid_until"] = [_("Toestemming geldt hoogstens twee jaar; vraag daarna opnieuw.")]
    if errors:
        raise FieldErrors(errors)
    now = timezone.now()
    with transaction.atomic():
        _lock_client(client.pk)
        client.consents.filter(ended_at__isnull=True).update(
            ended_at=now, ended_by=actor, end_reason=ConsentEndReason.SUPERSEDED
        )
        consent = Consent.objects.create(
            client=client,
            legal_basis=legal_basis,
            text_version=text_version.strip(),
            scope=scope,
            given_on=given_on,
            valid_until=valid_until,
            recorded_by=actor,
            recorded_at=now,
        )
        _log("consent_recorded", actor=actor, client=client, rule=rule, request=request)
    return consent


def _end_consent(
    *,
    actor: Actor,
    client: Client,
    reason: str,
    request: HttpRequest | None,
    rule: str,
    event: str,
) -> None:
    now = timezone.now()
    # Lock order (docs/concurrency.md): the client row first, then its consents and proposals,
    # as `consent_record` does; the caller may hold the client lock already.
    locked = _lock_client(client.pk)
    client.consents.filter(ended_at__isnull=True).update(
        ended_at=now, ended_by=user_or_none(actor), end_reason=reason
    )
    # Other parties' copies of the profile end with the consent (docs/cases.md).
    signals.consent_ended.send(sender=Client, client_id=client.pk, reason=reason)
    if locked.status in SHARED_STATUSES:
        client.status = locked.status
        _transition(
            actor=actor,
            client=client,
            action="consent_lost",
            reason=str(ConsentEndReason(reason).label),
            request=request,
            rule=rule,
            event=event,
        )
    else:
        _log(event, actor=actor, client=client, rule=rule, request=request)


def consent_withdraw(*, actor: User, client: Client, request: HttpRequest | None = None) -> Client:
    """The client withdraws consent: from the next request on, no other party sees the
    profile, and a client who was ready, on the board or matched goes back to draft."""
    rule = access.authorize(actor, "consent_withdraw", client)
    with transaction.atomic():
        _lock_client(client.pk)
        if not client.consents.filter(ended_at__isnull=True).exists():
            raise DomainError(_("Er is geen toestemming om in te trekken."), code="no_consent")
        _end_consent(
            actor=actor,
            client=client,
            reason=ConsentEndReason.WITHDRAWN,
            request=request,
            rule=rule,
            event="consent_withdrawn",
        )
    return client


def consent_expire_due(*, today: datetime.date | None = None) -> int:
    """Mark consents past `valid_until` as expired and take their clients off the board.

    Idempotent: a second run finds nothing left to do. Returns the number of consents ended.
    """
    today = today or timezone.localdate()
    ended = 0
    due = Consent.objects.filter(ended_at__isnull=True, valid_until__lt=today).values_list(
        "client_id", flat=True
    )
    for client_id in list(due):
        with transaction.atomic():
            client = _lock_client(client_id)
            if not client.consents.filter(
                Q(ended_at__isnull=True) & Q(valid_until__lt=today)
            ).exists():
                continue  # renewed or withdrawn meanwhile
            _end_consent(
                actor=access.SystemActor("consent-expired"),
                client=client,
                reason=ConsentEndReason.EXPIRED,
                request=None,
                rule="system:consent-expired",
                event="consent_expired",
            )
            ended += 1
    return ended


# --- Notes ----------------------------------------------------------------------------


def client_note_add(
    *, actor: User, client: Client, body: str, request: HttpRequest | None = None
) -> ClientNote:
    """Add an internal note (care-only, encrypted). Notes are never edited or shared."""
    rule = access.authorize(actor, "note_add", client)
    body = (body or "").strip()
    if not body:
        raise FieldErrors({"body": [_("Schrijf een notitie.")]})
    if has_control_characters(body):
        raise FieldErrors({"body": [str(CONTROL_CHARACTERS_MESSAGE)]})
    if len(body) > 5000:
        raise FieldErrors({"body": [_("Een notitie is hoogstens 5000 tekens.")]})
    with transaction.atomic():
        note = ClientNote.objects.create(client=client, author=actor, body=body)
        _log("note_added", actor=actor, client=client, rule=rule, request=request)
    return note
