"""Reads for placements and agreements, filtered by what the user may see.

Names follow the board's rule (`matching.board.selectors.visible_names`): a care coordinator sees
the names of their own provider's clients; a housing consultant sees the name of a client
placed in their corporation's dwelling (the proposal was agreed by both sides) while the
client's consent is in force today; the municipality never sees a name. Care terms and
evaluation details go to the parties only (`permissions.sees_care_data`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import access, formatting
from accounts.models import Role, User
from cases import selectors as case_selectors
from matching.board.models import Proposal, ProposalStatus

from .models import (
    OPEN_STATES,
    RUNNING_STATES,
    Agreement,
    AgreementDocument,
    AgreementKind,
    AgreementState,
    AgreementTransition,
    Evaluation,
    Party,
    Placement,
    PlacementStatus,
    Signature,
)
from .services import REMINDER_DAYS

# --- Agreed proposals waiting for a placement ---------------------------------------------


def proposals_to_place(*, user: User) -> QuerySet[Proposal]:
    """Agreed proposals of the user's own provider or corporation that have no placement."""
    return (
        access.scope(user, Proposal)
        .filter(status=ProposalStatus.AGREED, placement__isnull=True)
        .filter(
            Q(care_provider_id__in=access.organisation_ids_of(user, Role.CARE_COORDINATOR))
            | Q(corporation_id__in=access.organisation_ids_of(user, Role.HOUSING_CONSULTANT))
        )
        .select_related("meeting", "dwelling", "neighbourhood", "care_provider", "corporation")
        .order_by("closed_at", "pk")
    )


# --- Names --------------------------------------------------------------------------------


def visible_names(*, user: User, placements: list[Placement]) -> dict[int, str]:
    """Placement id -> client name, only where the user may see it (at most two queries)."""
    coordinator_orgs = access.organisation_ids_of(user, Role.CARE_COORDINATOR)
    consultant_orgs = access.organisation_ids_of(user, Role.HOUSING_CONSULTANT)
    own = [p for p in placements if p.care_provider_id in coordinator_orgs]
    maybe = [
        p
        for p in placements
        if p.care_provider_id not in coordinator_orgs and p.corporation_id in consultant_orgs
    ]
    consented = (
        case_selectors.clients_with_valid_consent([p.client_id for p in maybe]) if maybe else set()
    )
    allowed = own + [p for p in maybe if p.client_id in consented]
    if not allowed:
        return {}
    names = case_selectors.client_names([p.client_id for p in allowed])
    return {p.pk: names.get(p.client_id, "") for p in allowed}


# --- Lists ---------------------------------------------------------------------------------

DUE_SOON, OVERDUE = "soon", "overdue"


def _list_queryset(user: User) -> QuerySet[Agreement]:
    open_evaluation = Q(evaluations__held_on__isnull=True, evaluations__cancelled=False)
    return (
        access.scope(user, Agreement)
        .select_related(
            "placement__dwelling",
            "placement__neighbourhood",
            "placement__care_provider",
            "placement__corporation",
        )
        .annotate(next_evaluation=Min("evaluations__due_on", filter=open_evaluation))
    )


def agreement_list(
    *,
    user: User,
    state: str = "",
    kind: str = "",
    due: str = "",
    today: dt.date | None = None,
) -> QuerySet[Agreement]:
    """Agreements the user may see. Without `state`: the open ones (draft up to running);
    `state="all"` shows every state. `due`: "soon" (within four weeks) or "overdue", for the
    next evaluation or, when no evaluation is open, the end of a running agreement."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=REMINDER_DAYS)
    qs = _list_queryset(user)
    if state == "all":
        pass
    elif state:
        qs = qs.filter(state=state)
    else:
        qs = qs.filter(state__in=OPEN_STATES)
    if kind:
        qs = qs.filter(kind=kind)
    running = Q(state__in=RUNNING_STATES)
    if due == DUE_SOON:
        qs = qs.filter(
            running
            & (
                Q(next_evaluation__gte=today, next_evaluation__lte=horizon)
                | Q(next_evaluation__isnull=True, end_date__gte=today, end_date__lte=horizon)
            )
        )
    elif due == OVERDUE:
        qs = qs.filter(
            running
            & (Q(next_evaluation__lt=today) | Q(next_evaluation__isnull=True, end_date__lt=today))
        )
    # Whatever is due first on top, on SQLite and PostgreSQL alike (nulls last).
    return qs.order_by(
        F("next_evaluation").asc(nulls_last=True),
        F("end_date").asc(nulls_last=True),
        "-created_at",
        "-pk",
    )


@dataclass
class Due:
    """The next date that needs someone, for the badges on list and detail pages."""

    what: str  # "evaluation" | "end" | ""
    on: dt.date | None
    status: str  # "overdue" | "soon" | "later" | ""

    @property
    def is_overdue(self) -> bool:
        return self.status == OVERDUE

    @property
    def is_soon(self) -> bool:
        return self.status == DUE_SOON


def due_of(agreement: Agreement, *, today: dt.date | None = None) -> Due:
    today = today or timezone.localdate()
    if agreement.state not in RUNNING_STATES:
        return Due("", None, "")
    evaluation = getattr(agreement, "next_evaluation", None)
    what, on = ("evaluation", evaluation) if evaluation else ("end", agreement.end_date)
    if on is None:
        return Due("", None, "")
    if on < today:
        status = OVERDUE
    elif on <= today + dt.timedelta(days=REMINDER_DAYS):
        status = DUE_SOON
    else:
        status = "later"
    return Due(what, on, status)


# --- The municipality's overview ------------------------------------------------------------


def overview(*, user: User, today: dt.date | None = None) -> dict[str, Any]:
    """Aggregates over every agreement of the user's boards: no names, no care data."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=REMINDER_DAYS)
    agreements = access.scope(user, Agreement)
    by_kind_state = Counter(
        {
            (row["kind"], row["state"]): row["n"]
            for row in agreements.values("kind", "state").annotate(n=Count("pk"))
        }
    )
    evaluations = access.scope(user, Evaluation).filter(
        held_on__isnull=True, cancelled=False, agreement__state__in=RUNNING_STATES
    )
    placements = access.scope(user, Placement)
    since = today - dt.timedelta(days=365)
    per_neighbourhood = list(
        placements.filter(housed_on__gt=since)
        .values("neighbourhood__code", "neighbourhood__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "neighbourhood__name")
    )
    kinds = [(k.value, k.label) for k in AgreementKind]
    states = [(s.value, s.label) for s in AgreementState]
    table = [
        {
            "kind": label,
            "counts": [by_kind_state.get((code, s), 0) for s, _label in states],
            "total": sum(by_kind_state.get((code, s), 0) for s, _label in states),
        }
        for code, label in kinds
    ]
    judgements = Counter(
        dict(
            access.scope(user, Evaluation)
            .filter(held_on__isnull=False)
            .values_list("judgement")
            .annotate(n=Count("pk"))
            .values_list("judgement", "n")
        )
    )
    return {
        "states": states,
        "table": table,
        "state_totals": [sum(by_kind_state.get((k, s), 0) for k, _l in kinds) for s, _l in states],
        "evaluations_due_soon": evaluations.filter(due_on__gte=today, due_on__lte=horizon).count(),
        "evaluations_overdue": evaluations.filter(due_on__lt=today).count(),
        "care_stopped": agreements.filter(state=AgreementState.CARE_STOPPED).count(),
        "housed_12m": sum(row["n"] for row in per_neighbourhood),
        "per_neighbourhood": per_neighbourhood,
        "judgements": judgements,
    }


# --- One agreement ------------------------------------------------------------------------


def agreement_detail_queryset() -> QuerySet[Agreement]:
    return Agreement.objects.select_related(
        "placement__board",
        "placement__dwelling",
        "placement__neighbourhood",
        "placement__care_provider",
        "placement__corporation",
        "placement__welcome_talk",
        "previous",
        "successor",
        "created_by",
    )


def placement_detail_queryset() -> QuerySet[Placement]:
    return Placement.objects.select_related(
        "board",
        "dwelling",
        "neighbourhood",
        "care_provider",
        "corporation",
        "proposal__meeting",
        "welcome_talk__recorded_by",
    )


def evaluation_detail_queryset() -> QuerySet[Evaluation]:
    return Evaluation.objects.select_related(
        "agreement__placement__board",
        "agreement__placement__dwelling",
        "agreement__placement__care_provider",
        "agreement__placement__corporation",
        "recorded_by",
        "confirmed_by",
    )


def agreements_of(placement: Placement) -> QuerySet[Agreement]:
    return placement.agreements.order_by("created_at", "pk")


def timeline(agreement: Agreement) -> QuerySet[AgreementTransition]:
    return agreement.transitions.select_related("actor", "evaluation").order_by("at", "pk")


def evaluations_of(agreement: Agreement) -> QuerySet[Evaluation]:
    return agreement.evaluations.select_related("recorded_by", "confirmed_by").order_by(
        "due_on", "pk"
    )


def documents_of(agreement: Agreement) -> QuerySet[AgreementDocument]:
    return agreement.documents.select_related("created_by").order_by("-version")


def signatures_of(agreement: Agreement, version: int | None = None) -> list[Signature]:
    version = agreement.version if version is None else version
    return list(
        agreement.signatures.filter(version=version)
        .select_related("recorded_by")
        .order_by("signed_on", "recorded_at")
    )


def signatures_for(
    *, user: User, agreement: Agreement, version: int | None = None
) -> list[Signature]:
    """The signatures as this reader may see them. The name typed at the client's signature
    is the client's name, so it follows `visible_names` (the rule that governs every name
    leaving the care provider); the other signers are staff and are named to the parties only.
    """
    from .permissions import PARTY

    signatures = signatures_of(agreement, version)
    placement = agreement.placement
    client_name_visible = placement.pk in visible_names(user=user, placements=[placement])
    is_party = PARTY(user, placement)
    for signature in signatures:
        hidden = not client_name_visible if signature.party == Party.CLIENT else not is_party
        if hidden:
            signature.signed_by_name = ""
    return signatures


def purpose_of_agreement(agreement_id: Any) -> str:
    """The access-log purpose for an agreement URL, before the layer has fetched it."""
    ref = (
        Agreement.objects.filter(pk=agreement_id)
        .values_list("placement__client_reference", flat=True)
        .first()
    )
    return f"plaatsing {ref}" if ref else "plaatsing"


def purpose_of_placement(placement_id: Any) -> str:
    ref = (
        Placement.objects.filter(pk=placement_id).values_list("client_reference", flat=True).first()
    )
    return f"plaatsing {ref}" if ref else "plaatsing"


def purpose_of_evaluation(evaluation_id: Any) -> str:
    ref = (
        Evaluation.objects.filter(pk=evaluation_id)
        .values_list("agreement__placement__client_reference", flat=True)
        .first()
    )
    return f"plaatsing {ref}" if ref else "plaatsing"


# --- What each reader may see of the timeline ----------------------------------------------

# Why care stopped or resumed stays with the care provider: the corporation sees that it did.
CARE_ONLY_ACTIONS = frozenset({"care_stop", "care_resume"})


ACTION_LABELS = {
    "create": _("Aangemaakt"),
    "edit_terms": _("Voorwaarden gewijzigd"),
    "issue": _("Aangeboden ter ondertekening"),
    "sign": _("Getekend door %(party)s op %(signed_on)s"),
    "revise": _("Terug naar concept"),
    "cancel": _("Plaatsing vervallen"),
    "extend": _("Verlengd tot %(end_date)s"),
    "flip": _("Omgeklapt: huurcontract op naam van de huurder per %(lease_start)s"),
    "convert": _("Omgezet naar regulier huurcontract per %(lease_start)s"),
    "care_stop": _("Zorg gestopt per %(stopped_on)s"),
    "care_resume": _("Zorg hervat"),
    "end": _("Beëindigd per %(ended_on)s"),
    "evaluation": _("Evaluatie vastgelegd"),
    "evaluation_confirmed": _("Evaluatie bevestigd door de andere partij"),
}


def _label(action: str, details: dict[str, Any]) -> str:
    values: dict[str, str] = {}
    for key, value in details.items():
        if isinstance(value, str) and len(value) == 10 and value[4] == "-":
            values[key] = formatting.date(value)  # the reader's long date, as in prose
        else:
            values[key] = str(value)
    if "party" in values:
        values["party"] = str(dict(Party.choices).get(values["party"], values["party"]))
    label = str(ACTION_LABELS.get(action, action))
    try:
        return label % values
    except (KeyError, ValueError):
        return label.split(" %(")[0]


@dataclass
class TimelineEntry:
    at: dt.datetime
    actor: str
    action: str
    label: str
    from_state: str
    to_state: str
    to_state_label: str
    reason: str
    evaluation_id: int | None


def timeline_for(*, user: User, agreement: Agreement) -> list[TimelineEntry]:
    """The agreement's history as this reader may see it: every step with who and when; the
    municipality sees no reasons; the corporation every reason except why care stopped."""
    from .permissions import COORDINATOR, PARTY

    placement = agreement.placement
    is_party = PARTY(user, placement)
    is_coordinator = COORDINATOR(user, placement)
    # The reason of the client's signature is the name typed there: the names rule decides.
    client_name_visible = placement.pk in visible_names(user=user, placements=[placement])
    labels = dict(AgreementState.choices)
    entries = []
    for t in timeline(agreement):
        if not is_party or (t.action in CARE_ONLY_ACTIONS and not is_coordinator):
            reason = ""
        elif t.action == "sign" and (t.details or {}).get("party") == Party.CLIENT:
            reason = t.reason if client_name_visible else ""
        elif t.action == "create" and (t.details or {}).get("proposal_week"):
            reason = _("Plaatsing gemaakt uit voorstel van %(week)s") % {
                "week": formatting.week(t.details["proposal_week"])
            }
        else:
            reason = t.reason
        entries.append(
            TimelineEntry(
                at=t.at,
                actor=t.actor.full_name if t.actor else "",
                action=t.action,
                label=_label(t.action, t.details or {}),
                from_state=t.from_state,
                to_state=t.to_state,
                to_state_label=str(labels.get(t.to_state, t.to_state)),
                reason=reason,
                evaluation_id=t.evaluation_id,
            )
        )
    return entries


def departure_counts(*, board_id: int, since: dt.datetime) -> tuple[int, int]:
    """For the what-if's departure rate: placements of the board that ended since `since`,
    and placements housed at any time since then (ended since, or still running). Counts only."""
    ended = Placement.objects.filter(
        board_id=board_id, status=PlacementStatus.ENDED, closed_at__gte=since
    ).count()
    running = Placement.objects.filter(board_id=board_id, status=PlacementStatus.ACTIVE).count()
    return ended, ended + running
