"""Reads for the placement board, filtered by what the user may see.

Names: a care coordinator sees the names of their own provider's clients; a housing
consultant sees a client's name only once the client accepted, the consultant's corporation
approved, and the client's consent is in force today. Everyone else sees the pseudonym.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from accounts import access, formatting
from accounts.models import AccessAction, Role, User
from cases import selectors as case_selectors

from .models import (
    ACTIVE_STATUSES,
    DECIDED_STATUSES,
    Board,
    Meeting,
    Proposal,
    ProposalEvent,
    ProposalStatus,
)

AGENDA_STATUSES = [
    ProposalStatus.AWAITING_CONFIRMATION,
    ProposalStatus.OPEN,
    ProposalStatus.AGREED,
    ProposalStatus.DECLINED,
    ProposalStatus.REFUSED,
    ProposalStatus.EXPIRED,
]


def board_list(*, user: User) -> QuerySet[Board]:
    return access.scope(user, Board).select_related("region", "chair").order_by("name")


def meeting_list(*, user: User, board: Board) -> QuerySet[Meeting]:
    return (
        access.scope(user, Meeting)
        .filter(board=board)
        .annotate(
            n_proposals=Count("proposals", filter=Q(proposals__status__in=AGENDA_STATUSES)),
            n_agreed=Count("proposals", filter=Q(proposals__status=ProposalStatus.AGREED)),
        )
        .order_by("-date")
    )


def meeting_detail_queryset() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("board", "board__region", "board__chair")


def agenda(*, user: User, meeting: Meeting) -> QuerySet[Proposal]:
    """The meeting's proposals the user may see, with what the screen shows, in one query."""
    return (
        access.scope(user, Proposal)
        .filter(meeting=meeting, status__in=AGENDA_STATUSES)
        .select_related(
            "dwelling",
            "neighbourhood",
            "care_provider",
            "corporation",
            "consultant_by",
            "client_by",
        )
        .order_by("neighbourhood__name", "-score", "pk")
    )


def _consented_client_ids(client_ids: list[int]) -> set[int]:
    if not client_ids:
        return set()
    return case_selectors.clients_with_valid_consent(client_ids)


def name_allowed(user: User, proposal: Proposal, *, consented: bool) -> bool:
    """May `user` see the real name of the proposal's client (see the module docstring)."""
    if proposal.care_provider_id in access.organisation_ids_of(user, Role.CARE_COORDINATOR):
        return True
    return (
        proposal.corporation_id in access.organisation_ids_of(user, Role.HOUSING_CONSULTANT)
        and proposal.status == ProposalStatus.AGREED
        and consented
    )


def visible_names(
    *, user: User, proposals: list[Proposal], consented: set[int] | None = None
) -> dict[int, str]:
    """Proposal id -> client name, only where the user may see it (at most two queries;
    one when `consented` comes from `for_reader`, which every proposal read passes)."""
    allowed = _names_allowed(user, proposals, consented=consented)
    if not allowed:
        return {}
    names = case_selectors.client_names([p.client_id for p in allowed])
    return {p.pk: names.get(p.client_id, "") for p in allowed}


def _names_allowed(
    user: User, proposals: list[Proposal], *, consented: set[int] | None = None
) -> list[Proposal]:
    """The proposals whose client name the user may see (at most one query: consent)."""
    coordinator_orgs = access.organisation_ids_of(user, Role.CARE_COORDINATOR)
    consultant_orgs = access.organisation_ids_of(user, Role.HOUSING_CONSULTANT)
    maybe = [
        p
        for p in proposals
        if p.care_provider_id in coordinator_orgs
        or (p.corporation_id in consultant_orgs and p.status == ProposalStatus.AGREED)
    ]
    if not maybe:
        return []
    if consented is None:
        consented = _consented_client_ids(
            [p.client_id for p in maybe if p.care_provider_id not in coordinator_orgs]
        )
    return [p for p in maybe if name_allowed(user, p, consented=p.client_id in consented)]


# What an agenda row shows that changes during a meeting: its state and decisions. The rest of a
# row (client profile, dwelling, capacity before/after, score) is fixed when the proposal is made;
# a new run makes new proposals (new ids), which changes the set of rows.
AGENDA_STATE_FIELDS = (
    "status",
    "consultant_decision",
    "consultant_at",
    "client_decision",
    "client_at",
    "override_kind",
    "override_confirmed_by_id",
    "stalled_at",
    "deadline",
    "closed_at",
)


@dataclass
class AgendaVersion:
    """A fingerprint of what one user's agenda shows (the ETag), and one per row."""

    etag: str
    rows: dict[int, str]  # proposal id -> the row's fingerprint
    proposals: list[Proposal]  # light rows: ids, state and decision columns only

    def changed_since(self, previous: dict[int, str] | None) -> list[int] | None:
        """The ids of rows that changed since `previous`, or None when rows came or went
        (or `previous` is unknown): then only the whole agenda will do."""
        if previous is None or previous.keys() != self.rows.keys():
            return None
        return [pk for pk, value in self.rows.items() if previous[pk] != value]


def agenda_version(*, user: User, meeting: Meeting, view: str) -> AgendaVersion:
    """What `user`'s agenda of `meeting` shows, as fingerprints, from two light queries.

    No JSON columns, no joins, no rendering: the live refresh compares this with the version the
    screen has and sends nothing when they are equal. The fingerprint covers the rows' state
    and decision columns, which names the user may see (consent can end during a meeting), the
    meeting's state, who the viewer is and `view` (grouping, language).

    "Who the viewer is" is the set of (organisation, role) the user holds, not the user: two
    people in the same role at the same organisation see the same agenda (the same rows, names
    and profiles, which the fingerprint covers row by row), so they share one version and one
    rendered copy. Everything a person-level grant changes (a row, a name) is in the rows.
    """
    proposals = list(
        access.scope(user, Proposal)
        .filter(meeting=meeting, status__in=AGENDA_STATUSES)
        .only("id", "client_id", "care_provider_id", "corporation_id", *AGENDA_STATE_FIELDS)
        .order_by("pk")
    )
    named = {p.pk for p in _names_allowed(user, proposals)}
    rows = {
        p.pk: fingerprint([*(getattr(p, f) for f in AGENDA_STATE_FIELDS), p.pk in named])
        for p in proposals
    }
    etag = fingerprint(
        [
            meeting.pk,
            meeting.status,
            meeting.generated_at,
            meeting.closed_at,
            sorted((m.organisation_id, m.role) for m in access.memberships_of(user)),
            view,
            sorted(rows.items()),
        ]
    )
    return AgendaVersion(etag=f'"{etag}"', rows=rows, proposals=proposals)


def fingerprint(values: list[Any]) -> str:
    """A short stable hash of `values` (versions, cache keys)."""
    return hashlib.blake2b(repr(values).encode(), digest_size=12).hexdigest()


def for_reader(
    *,
    user: User,
    proposals: list[Proposal],
    request: HttpRequest | None = None,
    purpose: str = "",
    action: str = AccessAction.SEARCH,
) -> dict[int, str]:
    """Make `proposals` what this reader may see, and return the names they may see.

    With `request`, the read is written to the access log (one row naming how many
    proposals were read); views whose proposal the layer fetched (and logged) pass none.

    Every read of a proposal goes through here (pages, fragments, minutes, API). The stored
    copy of the shared profile (and the score's explanation drawn from it) is shown to a
    reader outside the client's own care provider only while the client's consent is in
    force *today*: consent that was withdrawn or simply ran out hides it at once, before any
    task has dropped the stored copy. The instances are changed in memory only.
    """
    from .signals import consent_ended_profile

    own = access.organisation_ids_of(user, Role.CARE_COORDINATOR)
    others = [p for p in proposals if p.care_provider_id not in own]
    # One query serves both the profiles and the names below.
    consented = _consented_client_ids(sorted({p.client_id for p in others}))
    for p in others:
        if p.client_id not in consented:
            p.profile = consent_ended_profile((p.profile or {}).get("reference", ""))
            p.breakdown, p.alternatives, p.explanation = [], [], ""
    if request is not None and proposals:
        access.audit(
            "board.proposal.listed" if action == AccessAction.SEARCH else "board.proposal.viewed",
            actor=user,
            action=action,
            target=Proposal,
            object_id=",".join(str(p.pk) for p in proposals)[:100],
            rule="matching.proposal.view:scope",
            purpose=purpose,
            request=request,
        )
    return visible_names(user=user, proposals=proposals, consented=consented)


@dataclass
class AgendaGroup:
    key: str
    label: str
    proposals: list[Proposal]


def grouped(proposals: list[Proposal], *, by: str) -> list[AgendaGroup]:
    groups: OrderedDict[str, AgendaGroup] = OrderedDict()
    for p in proposals:
        if by == "provider":
            key, label = str(p.care_provider_id), p.care_provider.name
        elif by == "corporation":
            key, label = str(p.corporation_id), p.corporation.name
        else:
            key, label = str(p.neighbourhood_id), p.neighbourhood.name
        groups.setdefault(key, AgendaGroup(key, label, [])).proposals.append(p)
    return sorted(groups.values(), key=lambda g: g.label)


# Proposals that place someone or still may: what "past the tipping point" and "into an
# occupied stairwell" count on the board's screen and in its minutes.
PLACING_STATUSES = frozenset(ACTIVE_STATUSES)


def summary(proposals: list[Proposal]) -> dict[str, int]:
    """Counts per status, stalled, and the one counting rule's two counts: the placing
    proposals recorded (`pool.placement_count`) as past the tipping point or into an
    occupied stairwell. Nothing is recounted here; the monitor sums the same records."""
    counts = {s.value: 0 for s in ProposalStatus}
    stalled = past = occupied = 0
    for p in proposals:
        counts[p.status] += 1
        stalled += p.is_stalled
        if p.status in PLACING_STATUSES:
            recorded = p.capacity_before or {}
            past += recorded.get("past_tipping") is True
            occupied += recorded.get("occupied_stairwell") is True
    counts["stalled"] = stalled
    counts["total"] = len(proposals)
    counts["past_tipping"] = past
    counts["occupied_stairwell"] = occupied
    return counts


# A run stores the engine's whole instance and solution (megabytes of JSON at regional scale):
# no screen reads them, so every read of runs leaves them in the database.
# What a screen never reads from a run: the stored instance and solution, the archive, and the
# "why no match" lists (megabytes at regional scale; `no_match_for` asks for them by name).
RUN_STORED_COLUMNS = ("instance", "solution", "archive", "no_match")


def latest_run(meeting: Meeting) -> Any:
    """The last run that wrote proposals, without its stored instance and solution."""
    return (
        meeting.runs.filter(status="done")
        .defer(*RUN_STORED_COLUMNS)
        .order_by("-started_at", "-id")
        .first()
    )


def current_generation(meeting: Meeting) -> Any:
    """The run queued or running now, else the last one if it failed (its message)."""
    return screen_runs(meeting)[1]


def screen_runs(meeting: Meeting) -> tuple[Any, Any]:
    """(last run that wrote proposals, run queued/running/failed after it): one query when
    the last run is done, the usual case."""
    last = meeting.runs.defer(*RUN_STORED_COLUMNS).order_by("-id").first()
    if last is None or last.status == "done":
        return last, None
    return latest_run(meeting), last


def no_match_version(*, meeting: Meeting) -> str:
    """A fingerprint of `no_match_for`'s answer: the latest run and what is taken since (two
    small queries; the screen keeps the rendered list under it)."""
    run_id = (
        meeting.runs.filter(status="done")
        .order_by("-started_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    taken = sorted(
        Proposal.objects.filter(
            meeting__board_id=meeting.board_id, status__in=ACTIVE_STATUSES
        ).values_list("client_id", "dwelling_id")
    )
    return fingerprint([run_id, taken])


def no_match_for(*, user: User, meeting: Meeting) -> dict[str, list[dict[str, Any]]]:
    """The latest run's "why no match", minus clients or dwellings that since got a proposal."""
    run = meeting.runs.filter(status="done").order_by("-started_at", "-id").only("no_match").first()
    if run is None:
        return {"clients": [], "dwellings": []}
    taken = Proposal.objects.filter(
        meeting__board_id=meeting.board_id, status__in=ACTIVE_STATUSES
    ).values_list("client_id", "dwelling_id")
    taken_clients = {c for c, _ in taken}
    taken_dwellings = {d for _, d in taken}
    clients = []
    for c in run.no_match.get("clients", []):
        if c["client_id"] in taken_clients:
            continue
        # Worded only where shown (`with_lifted_texts`, the override helper): at regional scale
        # these are tens of thousands of dwellings, and the meeting page shows only their count.
        lifted = [d for d in c.get("if_lifted", []) if d["dwelling_id"] not in taken_dwellings]
        clients.append(
            {**c, "text": no_match_text(c), "if_lifted": lifted, "lifted_known": "if_lifted" in c}
        )
    return {
        "clients": clients,
        "dwellings": [
            d for d in run.no_match.get("dwellings", []) if d["dwelling_id"] not in taken_dwellings
        ],
    }


def with_lifted_texts(entry: dict[str, Any]) -> dict[str, Any]:
    """A `no_match_for` client entry with each dwelling that fits if a limit is lifted worded."""
    return {**entry, "if_lifted": [{**d, "text": lifted_text(d)} for d in entry["if_lifted"]]}


def timeline(proposal: Proposal) -> QuerySet[ProposalEvent]:
    return proposal.events.select_related("actor").order_by("at", "id")


def proposal_detail_queryset() -> QuerySet[Proposal]:
    return Proposal.objects.select_related(
        "meeting__board",
        "dwelling",
        "neighbourhood",
        "care_provider",
        "corporation",
        "consultant_by",
        "client_by",
        "override_requested_by",
        "override_confirmed_by",
    )


def minutes(*, user: User, meeting: Meeting) -> list[Proposal]:
    """What the minutes record: every decided or open proposal with its reasons."""
    return list(
        agenda(user=user, meeting=meeting).select_related(
            "override_requested_by", "override_confirmed_by"
        )
    )


def digest_for(*, user: User, today: dt.date, since: dt.datetime) -> dict[str, int]:
    visible = access.scope(user, Proposal)
    return {
        "stalled": visible.filter(status=ProposalStatus.OPEN, stalled_at__isnull=False).count(),
        "expiring": visible.filter(
            status=ProposalStatus.OPEN,
            stalled_at__isnull=True,
            deadline__gte=today,
            deadline__lte=today + dt.timedelta(days=2),
        ).count(),
        "decided": visible.filter(status__in=DECIDED_STATUSES, closed_at__gte=since).count(),
        "new": visible.filter(status=ProposalStatus.OPEN, created_at__gte=since).count(),
    }


def purpose_of_meeting(meeting_id: Any) -> str:
    """The access-log purpose for a meeting URL, before the layer has fetched it."""
    label = Meeting.objects.filter(pk=meeting_id).values_list("week_label", flat=True).first()
    return f"plaatsingstafel {label}" if label else "plaatsingstafel"


def purpose_of_proposal(proposal_id: Any) -> str:
    label = (
        Proposal.objects.filter(pk=proposal_id)
        .values_list("meeting__week_label", flat=True)
        .first()
    )
    return f"plaatsingstafel {label}" if label else "plaatsingstafel"


# --- "Why no proposal", worded at display time ---------------------------------------------

# The engine's rules as people read them, per dwelling count ("3 woningen zijn te duur").
RULE_PHRASES: dict[str, tuple[str, str]] = {
    "outside_search_area": (
        gettext_noop("%(n)s woning ligt buiten het zoekgebied"),
        gettext_noop("%(n)s woningen liggen buiten het zoekgebied"),
    ),
    "rent_above_max": (
        gettext_noop("%(n)s woning is te duur"),
        gettext_noop("%(n)s woningen zijn te duur"),
    ),
    "too_few_bedrooms": (
        gettext_noop("%(n)s woning heeft te weinig slaapkamers"),
        gettext_noop("%(n)s woningen hebben te weinig slaapkamers"),
    ),
    "not_step_free": (
        gettext_noop("%(n)s woning is niet traploos bereikbaar"),
        gettext_noop("%(n)s woningen zijn niet traploos bereikbaar"),
    ),
    "no_ground_floor_or_lift": (
        gettext_noop("%(n)s woning ligt hoger zonder lift"),
        gettext_noop("%(n)s woningen liggen hoger zonder lift"),
    ),
    "not_wheelchair_accessible": (
        gettext_noop("%(n)s woning is niet rolstoelgeschikt"),
        gettext_noop("%(n)s woningen zijn niet rolstoelgeschikt"),
    ),
    "neighbourhood_excluded": (
        gettext_noop("%(n)s woning ligt in een uitgesloten buurt"),
        gettext_noop("%(n)s woningen liggen in een uitgesloten buurt"),
    ),
    "complex_stopped": (
        gettext_noop("%(n)s woning staat in een gesloten complex"),
        gettext_noop("%(n)s woningen staan in een gesloten complex"),
    ),
    "available_too_late": (
        gettext_noop("%(n)s woning komt te laat vrij"),
        gettext_noop("%(n)s woningen komen te laat vrij"),
    ),
    "other_target_group": (
        gettext_noop("%(n)s woning hoort bij een contingent voor een andere doelgroep"),
        gettext_noop("%(n)s woningen horen bij een contingent voor een andere doelgroep"),
    ),
}


def _fitting(n: int) -> str:
    return ngettext("%(n)s passende woning", "%(n)s passende woningen", n) % {"n": n}


def no_match_text(entry: dict[str, Any]) -> str:
    """The reason a client has no proposal, in the reader's language, from the stored code
    and numbers (runs stored before codes existed keep their Dutch `message`)."""
    reason = entry.get("reason")
    if not reason:
        return str(entry.get("message", ""))
    code = reason.get("code")
    if code == "only_excluded":
        return _("Alleen woningen die eerder zijn afgewezen of geweigerd passen.")
    if code in ("all_limited", "outbid"):
        parts = []
        if reason.get("buurt"):
            parts.append(_("%(n)s in een buurt zonder ruimte") % {"n": reason["buurt"]})
        if reason.get("portiek"):
            parts.append(_("%(n)s in een vol portiek") % {"n": reason["portiek"]})
        head = _fitting(reason["allowed"]) + (f" ({', '.join(parts)})" if parts else "")
        if code == "all_limited":
            return _("%(head)s: geen daarvan kan nu binnen de grenzen van buurt en portiek.") % {
                "head": head
            }
        return _(
            "%(head)s; de overige gingen naar cliënten met meer voorrang of een betere match."
        ) % {"head": head}
    counts: dict[str, int] = reason.get("counts") or {}
    ordered = sorted(counts.items(), key=lambda kv: -kv[1])
    reasons = ", ".join(
        ngettext(*RULE_PHRASES[c], n) % {"n": n} if c in RULE_PHRASES else f"{n} × {c}"
        for c, n in ordered
    )
    if not reasons:
        return _("Er staan geen woningen aan tafel.")
    return _("Geen toegestane woning: %(reasons)s.") % {"reasons": reasons}


def lifted_text(entry: dict[str, Any]) -> str:
    """What lifting the limit means for one dwelling of the override helper."""
    if entry["limit"] == "complex":
        return _("complex gesloten voor plaatsingen")
    what = _("buurt") if entry["limit"] == "buurt" else _("portiek")
    room = entry.get("room")
    if room is None:
        return _("%(what)s: ruimte onbekend") % {"what": what}
    return _("%(what)s: ruimte %(room)s → %(after)s (1 boven de grens)") % {
        "what": what,
        "room": room,
        "after": formatting.signed(entry["room_after"]) if entry["room_after"] else "0",
    }


def _area_names(parts: list[dict[str, Any]]) -> dict[str, str]:
    """CBS codes named in a score's parts (buurt, wijk, gemeente) → their names."""
    from housing.models import District, Municipality, Neighbourhood

    codes = {
        str(v)
        for part in parts
        for key, v in (part.get("params") or {}).items()
        if key in ("neighbourhood", "district", "municipality")
    }
    names: dict[str, str] = {}
    if codes:
        for model in (Neighbourhood, District, Municipality):
            names.update(model.objects.filter(code__in=codes).values_list("code", "name"))
    return names


def score_part_text(part: dict[str, Any], names: dict[str, str] | None = None) -> str:
    """One part of a proposal's score in the reader's language and formats, from its stored
    code and numbers; parts stored before the numbers were kept show their Dutch message."""
    params = part.get("params")
    if not params:
        return str(part.get("message", ""))
    names = names or {}
    case = params.get("case")

    def area(key: str) -> str:
        code = str(params.get(key, ""))
        return names.get(code, code)

    code = part.get("code")
    if code == "base":
        return _("Elke toegestane combinatie krijgt basispunten.")
    if code == "waiting":
        if case == "urgent":
            return _("De cliënt is urgent: volledige punten voor wachttijd en urgentie.")
        days = int(params["days"])
        return ngettext(
            "De cliënt wacht %(days)s dag (sinds %(since)s); volle punten na %(horizon)s dagen.",
            "De cliënt wacht %(days)s dagen (sinds %(since)s); volle punten na %(horizon)s dagen.",
            days,
        ) % {
            "days": formatting.number(days),
            "since": formatting.date(params["since"]),
            "horizon": formatting.number(params["horizon"]),
        }
    if code == "preference":
        if case == "none":
            return _("De cliënt heeft geen voorkeur voor wijk of gemeente opgegeven.")
        if case == "district":
            return _("De woning ligt in wijk %(wijk)s, een voorkeurswijk van de cliënt.") % {
                "wijk": area("district")
            }
        if case == "municipality":
            return _(
                "De woning ligt in voorkeursgemeente %(gemeente)s, maar niet in een voorkeurswijk."
            ) % {"gemeente": area("municipality")}
        return _("De woning ligt niet in een voorkeurswijk of -gemeente van de cliënt.")
    if code == "carrying_capacity":
        if case == "hidden":
            return _(
                "Buurt %(buurt)s: de draagkrachtscore wordt niet getoond (een klein aantal "
                "plaatsingen); gerekend is met het hoogste aantal dat het kan zijn."
            ) % {"buurt": area("neighbourhood")}
        return _("Buurt %(buurt)s heeft een draagkrachtscore van %(score)s van 100.") % {
            "buurt": area("neighbourhood"),
            "score": formatting.score(params["capacity"]),
        }
    if code == "stairwell":
        if case == "empty":
            return _("In het portiek woont nog geen kwetsbaar huishouden.")
        n = int(params["n"])
        return ngettext(
            "In het portiek woont al %(n)s kwetsbaar huishouden.",
            "In het portiek wonen al %(n)s kwetsbare huishoudens.",
            n,
        ) % {"n": n}
    if code == "support":
        if case == "district":
            return _("De woning ligt in wijk %(wijk)s, waar het begeleidingsteam werkt.") % {
                "wijk": area("district")
            }
        if case == "municipality":
            return _(
                "De woning ligt in gemeente %(gemeente)s van het begeleidingsteam, buiten zijn wijken."
            ) % {"gemeente": area("municipality")}
        if case == "unknown":
            return _("Het werkgebied van het begeleidingsteam is niet bekend.")
        return _("De woning ligt buiten het werkgebied van het begeleidingsteam.")
    if code == "size":
        n = int(params["bedrooms"])
        return ngettext(
            "De woning heeft %(n)s slaapkamer voor een huishouden dat er %(needed)s nodig heeft.",
            "De woning heeft %(n)s slaapkamers voor een huishouden dat er %(needed)s nodig heeft.",
            n,
        ) % {"n": n, "needed": params["needed"]}
    return str(part.get("message", ""))


def score_parts(proposal: Proposal) -> list[dict[str, Any]]:
    """A proposal's score parts for its page: each worded for the reader, with its points."""
    parts = list(proposal.breakdown or [])
    names = _area_names(parts)
    return [
        {
            "code": p.get("code"),
            "text": score_part_text(p, names),
            "points": p.get("points"),
            "max": p.get("max"),
        }
        for p in parts
    ]


def explanation_text(proposal: Proposal, parts: list[dict[str, Any]]) -> str:
    """The summary line: the two strongest reasons, worded for the reader (the stored Dutch
    line for proposals made before the parts kept their numbers)."""
    if not parts or not all(p.get("params") for p in proposal.breakdown or []):
        return proposal.explanation
    strongest = sorted(parts, key=lambda p: -(p["points"] or 0))[:2]
    return " ".join(p["text"] for p in strongest)
