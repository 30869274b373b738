"""The monitor's figures, counted in the database from the event history of the other apps.

Every function takes a `Viewer` (whose region, what they may filter on, whether they read
exact small numbers) and a `Period`, runs a fixed number of aggregate queries whatever the
number of rows (pinned in the tests), and returns tables already passed through the one
suppression (`accounts.smallnumbers`). No function returns a person, a reference or a name
of a client: only counts, shares and durations of groups.

Sources:
- registered: `cases.Client.registered_at`; ready, on the board, paused, withdrawn: the
  lifecycle history (`cases.ClientTransition`, by its target status);
- proposed: the board's proposals by their meeting's date (superseded ones were replaced by a
  recalculation before anyone decided, so they are not counted twice);
- accepted (both sides said yes), declined by the corporation, refused by the client: the
  proposal's decision timestamps, with the reason codes the board's services record;
- housed: placements by the day the agreement was signed (`Placement.housed_on`);
- waiting time: from the client's registration and from "ready" to that day, in days.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate, TruncMonth, TruncQuarter
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts import access, smallnumbers
from accounts.models import Organisation, OrganisationKind, Role
from cases.models import Client, ClientStatus, ClientTransition, TargetGroup
from housing import capacity
from housing import selectors as housing_selectors
from housing.models import DwellingEvent, DwellingStatus, Neighbourhood
from matching.board.models import Board, Meeting, Proposal, ProposalStatus
from matching.board.permissions import municipality_region_ids
from matching.board.services import CLIENT_REFUSAL_REASONS, CONSULTANT_DECLINE_REASONS
from matching.placements.models import Placement, PlacementStatus

from .models import HEADROOM_CAP, FiguresRefresh, MonthlyCount, Quota
from .periods import QUARTER, Period
from .sql import DaysBetween, Percentile

# --- Who reads ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """What one reader may see in the monitor: one region, as aggregates."""

    region_id: int
    region_name: str
    municipality: bool  # the region's chair or analyst
    exact: bool  # the region's own analyst: small numbers are not hidden (not published)
    care_provider_ids: frozenset[int] = frozenset()  # a coordinator's own providers
    corporation_ids: frozenset[int] = frozenset()  # a consultant's own corporations

    @property
    def threshold(self) -> int:
        return smallnumbers.threshold()


def viewer(user: Any) -> Viewer | None:
    """The monitor's reader: the region of their municipality role, else of their
    corporation or care provider. None for anyone without a monitor role."""
    memberships = [m for m in access.memberships_of(user) if m.organisation.is_active]
    municipal = municipality_region_ids(user)
    analyst = municipality_region_ids(user, Role.ANALYST)
    if municipal:
        region_id = min(municipal)
    else:
        regions = sorted(
            m.organisation.region_id
            for m in memberships
            if m.role in (Role.HOUSING_CONSULTANT, Role.CARE_COORDINATOR)
        )
        if not regions:
            return None
        region_id = regions[0]
    region = next(
        m.organisation.region for m in memberships if m.organisation.region_id == region_id
    )
    return Viewer(
        region_id=region_id,
        region_name=region.name,
        municipality=region_id in municipal,
        exact=region_id in analyst,
        care_provider_ids=frozenset(
            m.organisation_id
            for m in memberships
            if m.role == Role.CARE_COORDINATOR and m.organisation.region_id == region_id
        ),
        corporation_ids=frozenset(
            m.organisation_id
            for m in memberships
            if m.role == Role.HOUSING_CONSULTANT and m.organisation.region_id == region_id
        ),
    )


def region_organisations(v: Viewer, kind: str) -> list[Organisation]:
    return list(
        Organisation.objects.filter(region_id=v.region_id, kind=kind, is_active=True).order_by(
            "name"
        )
    )


def care_provider_choices(v: Viewer) -> list[tuple[int, str]]:
    """Whose flow the reader may filter on: every provider for the municipality and the
    corporations (aggregates per provider), a coordinator their own."""
    providers = region_organisations(v, OrganisationKind.CARE_PROVIDER)
    if v.care_provider_ids and not v.municipality:
        providers = [p for p in providers if p.pk in v.care_provider_ids]
    return [(p.pk, p.name) for p in providers]


# --- Tables ------------------------------------------------------------------------------


COUNT = _("aantal")


@dataclass
class Table:
    """Rows x columns of counts after suppression, ready for a page, a chart and an export."""

    title: str | Promise
    row_header: str | Promise
    rows: list[str]
    columns: list[str | Promise]
    grid: smallnumbers.Grid
    unit: str | Promise = COUNT
    row_totals: bool = True
    column_totals: bool = True
    note: str | Promise = ""
    row_dates: list[dt.date] | None = None  # rows that are months or quarters
    # (row, column) of cells that are None because the figure is not known (a neighbourhood
    # without indicators), not because it is hidden: shown as "onbekend", never as "< 5".
    unknown: frozenset[tuple[int, int]] = frozenset()
    # A table of mixed figures (people and months, dwellings and a shortfall): each column's
    # own unit, shown in its header instead of `unit`.
    column_units: list[str | Promise] | None = None
    # (row, column) of empty cells that say why in words, as the page does ("geen
    # contingent", "—" for a median of nobody): an export writes that text there.
    texts: dict[tuple[int, int], str | Promise] = field(default_factory=dict)

    def is_unknown(self, row: int, column: int) -> bool:
        return (row, column) in self.unknown

    def unit_of(self, column: int) -> str | Promise:
        return self.column_units[column] if self.column_units else self.unit

    @property
    def body(self) -> list[tuple[str, list[int | None], int | None]]:
        return [
            (label, self.grid.cells[i], self.grid.row_totals[i])
            for i, label in enumerate(self.rows)
        ]

    @property
    def is_empty(self) -> bool:
        return not any(v for row in self.grid.cells for v in row if v)


def table(
    title: str | Promise,
    row_header: str | Promise,
    rows: Sequence[str],
    columns: Sequence[str | Promise],
    counts: Sequence[Sequence[int]],
    *,
    v: Viewer,
    row_totals: bool = True,
    column_totals: bool = True,
    unit: str | Promise = COUNT,
    note: str | Promise = "",
    row_dates: list[dt.date] | None = None,
) -> Table:
    grid = smallnumbers.suppress_grid(
        counts,
        exact=v.exact,
        row_totals_shown=row_totals,
        column_totals_shown=column_totals,
    )
    return Table(
        title,
        row_header,
        list(rows),
        list(columns),
        grid,
        unit,
        row_totals,
        column_totals,
        note,
        row_dates,
    )


@dataclass(frozen=True)
class Wait:
    """Median and 90th percentile of a waiting time in days, over `n` people."""

    label: str | Promise
    n: int | None  # None: suppressed
    median: float | None
    p90: float | None

    @property
    def median_months(self) -> float | None:
        return None if self.median is None else self.median / 30.44

    @property
    def p90_months(self) -> float | None:
        return None if self.p90 is None else self.p90 / 30.44


def _wait(label: str | Promise, row: dict[str, Any], v: Viewer) -> Wait:
    n = int(row.get("n") or 0)
    if n == 0 or (not v.exact and smallnumbers.is_small(n)):
        # A median of fewer than five people is close to one person's waiting time.
        return Wait(label, None if n else 0, None, None)
    return Wait(label, n, row.get("median"), row.get("p90"))


def _trunc(period: Period, expression: str) -> Any:
    return TruncQuarter(expression) if period.unit == QUARTER else TruncMonth(expression)


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _series(
    qs: QuerySet[Any], period: Period, field_name: str, *group: str
) -> dict[tuple[Any, ...], int]:
    """{(bucket, *group values): count} from one GROUP BY query."""
    out: dict[tuple[Any, ...], int] = defaultdict(int)
    rows = (
        qs.annotate(bucket=_trunc(period, field_name))
        .order_by()
        .values("bucket", *group)
        .annotate(n=Count("pk"))
    )
    for r in rows:
        out[(period.bucket_of(_as_date(r["bucket"])), *(r[g] for g in group))] += r["n"]
    return out


# --- 1. Flow -----------------------------------------------------------------------------

FLOW_MEASURES: list[tuple[str, Promise]] = [
    ("registered", _("aangemeld")),
    ("ready", _("uitstroomklaar")),
    ("on_board", _("aan tafel")),
    ("proposed", _("voorgesteld")),
    ("accepted", _("akkoord (beide partijen)")),
    ("declined", _("afgewezen door corporatie")),
    ("refused", _("geweigerd door cliënt")),
    ("housed", _("gehuisvest")),
    ("paused", _("gepauzeerd")),
    ("withdrawn", _("teruggetrokken")),
]
TRANSITION_MEASURES: dict[str, str] = {
    ClientStatus.READY: "ready",
    ClientStatus.ON_BOARD: "on_board",
    ClientStatus.PAUSED: "paused",
    ClientStatus.WITHDRAWN: "withdrawn",
}
WAIT_BANDS: list[tuple[int, int | None, Promise]] = [
    (0, 91, _("korter dan 3 maanden")),
    (91, 183, _("3 tot 6 maanden")),
    (183, 365, _("6 tot 12 maanden")),
    (365, 730, _("1 tot 2 jaar")),
    (730, None, _("2 jaar of langer")),
]
DECISION_WINDOW = dt.timedelta(days=120)
WAITING_STATUSES = (ClientStatus.READY, ClientStatus.ON_BOARD, ClientStatus.MATCHED)


@dataclass(frozen=True)
class FlowFilter:
    care_provider_id: int | None = None
    target_group: str = ""


def _client_q(v: Viewer, f: FlowFilter, prefix: str = "") -> Q:
    q = Q(**{f"{prefix}care_provider__region_id": v.region_id})
    if f.care_provider_id:
        q &= Q(**{f"{prefix}care_provider_id": f.care_provider_id})
    if f.target_group:
        q &= Q(**{f"{prefix}profile__target_group": f.target_group})
    return q


def _proposal_q(v: Viewer, f: FlowFilter) -> Q:
    q = Q(meeting__board__region_id=v.region_id)
    if f.care_provider_id:
        q &= Q(care_provider_id=f.care_provider_id)
    if f.target_group:
        q &= Q(client__profile__target_group=f.target_group)
    return q


def _board_ids(region_id: int) -> list[int]:
    """The region's board (ids, so the big tables are filtered without a join)."""
    return list(Board.objects.filter(region_id=region_id).values_list("pk", flat=True))


def _placements(v: Viewer, f: FlowFilter | None = None) -> QuerySet[Placement]:
    qs = Placement.objects.filter(board_id__in=_board_ids(v.region_id)).exclude(
        status=PlacementStatus.CANCELLED
    )
    if f and f.care_provider_id:
        qs = qs.filter(care_provider_id=f.care_provider_id)
    if f and f.target_group:
        qs = qs.filter(client__profile__target_group=f.target_group)
    return qs


@dataclass
class Flow:
    period: Period
    table: Table
    waits: list[Wait]
    waiting_now: Wait
    waiting_bands: Table
    decline_reasons: Table
    refusal_reasons: Table
    by_provider: Table
    by_group: Table
    chart: dict[str, Any] = field(default_factory=dict)
    refreshed_at: dt.datetime | None = None

    @property
    def is_empty(self) -> bool:
        return self.table.is_empty


def flow(*, v: Viewer, period: Period, f: FlowFilter | None = None) -> Flow:
    """Per month or quarter: how many came in, moved on, were proposed, decided, housed.

    The counts come from the materialised monthly table (`MonthlyCount`, rebuilt from the
    event history by `services.figures_refresh`: by beat, and here when the region's
    counts are older than `FIGURES_MAX_AGE`); the waiting times are aggregated live (the
    database's percentile). A fixed number of queries whatever the number of rows."""
    f = f or FlowFilter()
    buckets = period.buckets()
    refreshed = figures_fresh(v.region_id)
    counts: dict[str, dict[dt.date, int]] = {k: defaultdict(int) for k, _label in FLOW_MEASURES}
    per: dict[str, dict[tuple[str, Any], int]] = {
        k: defaultdict(int) for k, _ in BREAKDOWN_MEASURES
    }

    declined: dict[str, int] = defaultdict(int)
    refused: dict[str, int] = defaultdict(int)
    counted = MonthlyCount.objects.filter(
        region_id=v.region_id, month__gte=period.first, month__lt=period.end
    ).exclude(measure="placed")
    if f.care_provider_id:
        counted = counted.filter(care_provider_id=f.care_provider_id)
    if f.target_group:
        counted = counted.filter(target_group=f.target_group)
    for r in counted.order_by().values("month", "measure").annotate(total=Sum("n")):
        counts[r["measure"]][period.bucket_of(r["month"])] += r["total"]
    for b in (
        counted.filter(measure__in=[k for k, _l in BREAKDOWN_MEASURES])
        .order_by()
        .values("measure", "care_provider_id", "target_group")
        .annotate(total=Sum("n"))
    ):
        per[b["measure"]][("p", b["care_provider_id"])] += b["total"]
        per[b["measure"]][("g", b["target_group"])] += b["total"]
    for c in (
        counted.filter(measure__in=["declined", "refused"])
        .order_by()
        .values("measure", "reason")
        .annotate(total=Sum("n"))
    ):
        (declined if c["measure"] == "declined" else refused)[c["reason"]] += c["total"]
    housed = _placements(v, f).filter(housed_on__gte=period.first, housed_on__lt=period.end)

    main = table(
        _("Instroom, voorstellen en uitstroom"),
        _("Periode"),
        [period.label(b) for b in buckets],
        [label for _key, label in FLOW_MEASURES],
        [[counts[key][b] for key, _label in FLOW_MEASURES] for b in buckets],
        v=v,
        row_totals=False,
        unit=_("personen of voorstellen"),
        row_dates=buckets,
    )

    waits_row = housed.aggregate(
        n=Count("pk"),
        median=Percentile(DaysBetween(F("housed_on"), F("client__registered_at")), 0.5),
        p90=Percentile(DaysBetween(F("housed_on"), F("client__registered_at")), 0.9),
        ready_n=Count("pk", filter=Q(client__ready_since__isnull=False)),
        ready_median=Percentile(DaysBetween(F("housed_on"), F("client__ready_since")), 0.5),
        ready_p90=Percentile(DaysBetween(F("housed_on"), F("client__ready_since")), 0.9),
    )
    waits = [
        _wait(_("van aanmelding tot gehuisvest"), waits_row, v),
        _wait(
            _("van uitstroomklaar tot gehuisvest"),
            {
                "n": waits_row["ready_n"],
                "median": waits_row["ready_median"],
                "p90": waits_row["ready_p90"],
            },
            v,
        ),
    ]

    today = timezone.localdate()
    waiting = Client.objects.filter(
        _client_q(v, f), status__in=list(WAITING_STATUSES), ready_since__isnull=False
    )
    days = DaysBetween(Value(today), F("ready_since"))
    band_counts = {
        f"b{i}": Count(
            "pk",
            filter=Q(**{"wait_days__gte": lo}) & (Q(wait_days__lt=hi) if hi else Q()),
        )
        for i, (lo, hi, _label) in enumerate(WAIT_BANDS)
    }
    now_row = waiting.annotate(wait_days=days).aggregate(
        n=Count("pk"),
        median=Percentile(F("wait_days"), 0.5),
        p90=Percentile(F("wait_days"), 0.9),
        **band_counts,
    )
    waiting_now = _wait(_("wachtend sinds uitstroomklaar (nu)"), now_row, v)
    bands = table(
        _("Wachtenden naar wachttijd sinds uitstroomklaar"),
        _("Wachttijd"),
        [str(label) for _lo, _hi, label in WAIT_BANDS],
        [_("wachtend")],
        [[int(now_row[f"b{i}"] or 0)] for i in range(len(WAIT_BANDS))],
        v=v,
        row_totals=False,
        unit=_("personen"),
    )
    decline_table = table(
        _("Afgewezen door de corporatie, naar reden"),
        _("Reden"),
        [str(label) for label in CONSULTANT_DECLINE_REASONS.values()],
        [_("afgewezen")],
        [[declined.get(code, 0)] for code in CONSULTANT_DECLINE_REASONS],
        v=v,
        row_totals=False,
        unit=_("voorstellen"),
    )
    refusal_table = table(
        _("Geweigerd door de cliënt, naar reden"),
        _("Reden"),
        [str(label) for label in CLIENT_REFUSAL_REASONS.values()],
        [_("geweigerd")],
        [[refused.get(code, 0)] for code in CLIENT_REFUSAL_REASONS],
        v=v,
        row_totals=False,
        unit=_("voorstellen"),
    )
    by_provider, by_group = _flow_breakdowns(v=v, f=f, per=per)
    chart = {
        "labels": main.rows,
        "series": [
            {"label": str(label), "data": [row[j] for row in main.grid.cells]}
            for j, (key, label) in enumerate(FLOW_MEASURES)
            if key in ("registered", "ready", "proposed", "housed")
        ],
    }
    return Flow(
        period,
        main,
        waits,
        waiting_now,
        bands,
        decline_table,
        refusal_table,
        by_provider,
        by_group,
        chart,
        refreshed.refreshed_at,
    )


BREAKDOWN_MEASURES = [
    ("registered", _("aangemeld")),
    ("ready", _("uitstroomklaar")),
    ("housed", _("gehuisvest")),
]


def _flow_breakdowns(
    *, v: Viewer, f: FlowFilter, per: dict[str, dict[tuple[str, Any], int]]
) -> tuple[Table, Table]:
    """The period's registered, ready and housed per care provider and per target group
    (from the same grouped rows as the flow itself)."""
    providers = care_provider_choices(v)
    if f.care_provider_id:
        providers = [p for p in providers if p[0] == f.care_provider_id]
    columns = [label for _k, label in BREAKDOWN_MEASURES]
    by_provider = table(
        _("Per zorgaanbieder"),
        _("Zorgaanbieder"),
        [name for _pk, name in providers],
        columns,
        [[per[k][("p", pk)] for k, _l in BREAKDOWN_MEASURES] for pk, _name in providers],
        v=v,
        row_totals=False,
        unit=_("personen"),
    )
    groups = [*TargetGroup.choices, ("", _("niet ingevuld"))]
    by_group = table(
        _("Per doelgroep"),
        _("Doelgroep"),
        [str(label) for _code, label in groups],
        columns,
        [[per[k][("g", code)] for k, _l in BREAKDOWN_MEASURES] for code, _label in groups],
        v=v,
        row_totals=False,
        unit=_("personen"),
    )
    return by_provider, by_group


FIGURES_MAX_AGE = dt.timedelta(minutes=15)


def figures_fresh(region_id: int) -> FiguresRefresh:
    """The region's monthly counts, rebuilt first when missing or older than FIGURES_MAX_AGE
    (beat rebuilds them every few minutes, so a page seldom waits for it)."""
    from . import services  # the write lives in services; selectors only ask for it

    refresh = FiguresRefresh.objects.filter(region_id=region_id).first()
    if refresh is None or timezone.now() - refresh.refreshed_at > FIGURES_MAX_AGE:
        refresh = services.figures_refresh(region_id=region_id)
    return refresh


def placement_rows(region_id: int) -> list[MonthlyCount]:
    """Placements per month, neighbourhood, care provider, the class and the headroom the
    board saw when it proposed (`Proposal.capacity_before`), override or not, into an
    occupied stairwell or not: the rows "where people go" reads (`MonthlyCount` with measure
    "placed")."""
    placed: list[MonthlyCount] = []
    for pl in (
        Placement.objects.filter(board__region_id=region_id)
        .exclude(status=PlacementStatus.CANCELLED)
        .annotate(
            month=TruncMonth("created_at"),
            klass=F("proposal__capacity_before__class"),
            headroom=F("proposal__capacity_before__headroom"),
            # Counted once, by the one rule, when the board proposed (`pool.placement_count`).
            occupied=F("proposal__capacity_before__occupied_stairwell"),
            past_tipping=F("proposal__capacity_before__past_tipping"),
            override=~Q(proposal__override_kind=""),
        )
        .order_by()
        .values(
            "month",
            "neighbourhood_id",
            "care_provider_id",
            "klass",
            "headroom",
            "occupied",
            "past_tipping",
            "override",
        )
        .annotate(n=Count("pk"))
    ):
        placed.append(
            MonthlyCount(
                region_id=region_id,
                month=_as_date(pl["month"]),
                measure="placed",
                care_provider_id=pl["care_provider_id"],
                reason=_class_of(pl["klass"]),
                headroom=headroom_of(pl["headroom"]),
                neighbourhood_id=pl["neighbourhood_id"],
                occupied=pl["occupied"] is True,
                past_tipping=pl["past_tipping"] is True,
                override=bool(pl["override"]),
                n=pl["n"],
            )
        )
    # Rows that differ only in a headroom above the cap are one row.
    merged: dict[tuple[Any, ...], MonthlyCount] = {}
    for row in placed:
        key = (
            row.month,
            row.neighbourhood_id,
            row.care_provider_id,
            row.reason,
            row.headroom,
            row.occupied,
            row.past_tipping,
            row.override,
        )
        if key in merged:
            merged[key].n += row.n
        else:
            merged[key] = row
    return list(merged.values())


def headroom_of(value: Any) -> int | None:
    """The recorded headroom as a whole number from 0 to HEADROOM_CAP; None when the board
    did not know it (no indicators, no number of homes) or nothing was recorded."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return max(0, min(HEADROOM_CAP, int(value)))


def event_rows(region_id: int) -> list[tuple[str, dt.date, int | None, str, str, int]]:
    """Every flow event of the region, counted per (measure, month, care provider, target
    group, reason): seven GROUP BY queries over the whole history, the rows `MonthlyCount`
    holds. Same sources as the module docstring says."""
    out: list[tuple[str, dt.date, int | None, str, str, int]] = []
    region_clients = Q(care_provider__region_id=region_id)
    for r in (
        Client.objects.filter(region_clients)
        .annotate(month=TruncMonth("registered_at"))
        .order_by()
        .values("month", "care_provider_id", "profile__target_group")
        .annotate(n=Count("pk"))
    ):
        out.append(
            (
                "registered",
                _as_date(r["month"]),
                r["care_provider_id"],
                r["profile__target_group"] or "",
                "",
                r["n"],
            )
        )
    for t in (
        ClientTransition.objects.filter(
            client__care_provider__region_id=region_id, to_status__in=list(TRANSITION_MEASURES)
        )
        .annotate(month=TruncMonth("at"))
        .order_by()
        .values("month", "to_status", "client__care_provider_id", "client__profile__target_group")
        .annotate(n=Count("pk"))
    ):
        out.append(
            (
                TRANSITION_MEASURES[t["to_status"]],
                _as_date(t["month"]),
                t["client__care_provider_id"],
                t["client__profile__target_group"] or "",
                "",
                t["n"],
            )
        )
    proposals = Proposal.objects.filter(meeting__board__region_id=region_id)
    for measure, qs, stamp, reason in (
        ("proposed", proposals.exclude(status=ProposalStatus.SUPERSEDED), "meeting__date", None),
        ("accepted", proposals.filter(status=ProposalStatus.AGREED), "closed_at", None),
        (
            "declined",
            proposals.filter(consultant_decision="declined"),
            "consultant_at",
            "consultant_reason",
        ),
        ("refused", proposals.filter(client_decision="refused"), "client_at", "client_reason"),
    ):
        fields = ["month", "care_provider_id", "client__profile__target_group"]
        if reason:
            fields.append(reason)
        for p in (
            qs.filter(**{f"{stamp}__isnull": False})
            .annotate(month=TruncMonth(stamp))
            .order_by()
            .values(*fields)
            .annotate(n=Count("pk"))
        ):
            out.append(
                (
                    measure,
                    _as_date(p["month"]),
                    p["care_provider_id"],
                    p["client__profile__target_group"] or "",
                    (p[reason] or "") if reason else "",
                    p["n"],
                )
            )
    for h in (
        Placement.objects.filter(board__region_id=region_id, housed_on__isnull=False)
        .exclude(status=PlacementStatus.CANCELLED)
        .annotate(month=TruncMonth("housed_on"))
        .order_by()
        .values("month", "care_provider_id", "client__profile__target_group")
        .annotate(n=Count("pk"))
    ):
        out.append(
            (
                "housed",
                _as_date(h["month"]),
                h["care_provider_id"],
                h["client__profile__target_group"] or "",
                "",
                h["n"],
            )
        )
    return out


# --- 2. Where people go --------------------------------------------------------------------

CLASS_ORDER = [capacity.GREEN, capacity.AMBER, capacity.RED, capacity.UNKNOWN]

# Headroom at the time of placement, in bands (key, label, lowest, highest).
HEADROOM_BANDS: list[tuple[str, str | Promise, int, int]] = [
    ("none", _("geen ruimte (0)"), 0, 0),
    ("low", _("1 of 2"), 1, 2),
    ("some", _("3 tot en met 5"), 3, 5),
    ("plenty", _("6 of meer"), 6, HEADROOM_CAP),
]
HEADROOM_UNKNOWN = "unknown"
HEADROOM_ORDER = [key for key, *_rest in HEADROOM_BANDS] + [HEADROOM_UNKNOWN]


def headroom_band(headroom: int | None) -> str:
    """The band of a headroom at placement (`HEADROOM_BANDS`), "unknown" without one."""
    if headroom is None:
        return HEADROOM_UNKNOWN
    for key, _label, low, high in HEADROOM_BANDS:
        if low <= headroom <= high:
            return key
    return HEADROOM_BANDS[-1][0]


@dataclass
class HoodRow:
    code: str
    name: str
    placements: int | None
    homes: int | None
    year: int | None
    per_1000: float | None
    headroom_now: int | None
    class_now: str
    in_red: int | None
    overrides: int | None
    occupied_stairwell: int | None
    # Placements the board recorded as taking the neighbourhood past its tipping point.
    past_tipping: int | None = 0
    # The lowest headroom the board saw when it proposed one of the period's placements
    # here; None when there were none, when it was unknown at every one of them, or when
    # the placement count is hidden (`headroom_state` says which).
    headroom_lowest: int | None = None
    # Placements made when the board saw no headroom left (0): through an override.
    without_room: int | None = 0
    headroom_state: str = "none"  # "none" (no placements), "shown", "hidden", "unknown"

    @property
    def headroom_shown(self) -> bool:
        return self.headroom_state == "shown"

    @property
    def headroom_hidden(self) -> bool:
        return self.headroom_state == "hidden"

    @property
    def headroom_unknown(self) -> bool:
        return self.headroom_state == "unknown"

    @property
    def class_now_label(self) -> str:
        return capacity.CLASS_LABELS.get(self.class_now, capacity.CLASS_LABELS[capacity.UNKNOWN])


@dataclass
class Where:
    period: Period
    hoods: list[HoodRow]
    by_class: Table
    by_headroom: Table
    crossed: list[dict[str, Any]]
    stairwells: Table
    missing_indicators: list[str]
    chart: dict[str, Any]
    map_data: dict[str, Any]
    # Neighbourhoods that received placements while the board knew no headroom there (no
    # indicators or no number of homes for that year): named, not left blank.
    headroom_unknown: list[str] = field(default_factory=list)
    headroom_chart: dict[str, Any] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return self.by_class.is_empty


def _class_of(value: Any) -> str:
    return value if value in CLASS_ORDER else capacity.UNKNOWN


def where(*, v: Viewer, period: Period) -> Where:
    """Placements per neighbourhood against its homes, headroom and carrying-capacity class,
    both as the board saw them when it proposed the placement (stored on the proposal), and
    per period by class and by headroom band."""
    figures_fresh(v.region_id)
    per_hood: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_bucket: dict[tuple[dt.date, str], int] = defaultdict(int)
    per_band: dict[tuple[dt.date, str], int] = defaultdict(int)
    lowest: dict[int, int] = {}
    first_red: dict[int, dt.date] = {}
    rows = (
        MonthlyCount.objects.filter(
            region_id=v.region_id,
            measure="placed",
            month__gte=period.first,
            month__lt=period.end,
        )
        .order_by()
        .values("neighbourhood_id", "month", "occupied", "past_tipping", "override", "headroom")
        .annotate(klass=F("reason"), bucket=F("month"), n=Sum("n"))
    )
    for r in rows:
        hood = per_hood[r["neighbourhood_id"]]
        klass = _class_of(r["klass"])
        bucket = period.bucket_of(_as_date(r["bucket"]))
        hood["total"] += r["n"]
        hood[klass] += r["n"]
        if r["override"]:
            hood["override"] += r["n"]
        if r["past_tipping"]:
            hood["past_tipping"] += r["n"]
        if r["occupied"]:
            hood["occupied"] += r["n"]
            hood["occupied_override"] += r["n"] if r["override"] else 0
        per_bucket[(bucket, klass)] += r["n"]
        per_band[(bucket, headroom_band(r["headroom"]))] += r["n"]
        if r["headroom"] is None:
            hood["headroom_unknown"] += r["n"]
        else:
            hid = r["neighbourhood_id"]
            lowest[hid] = min(r["headroom"], lowest.get(hid, r["headroom"]))
            if r["headroom"] == 0:
                hood["without_room"] += r["n"]
        if klass == capacity.RED:
            first_red[r["neighbourhood_id"]] = min(
                bucket, first_red.get(r["neighbourhood_id"], bucket)
            )

    hoods = list(
        Neighbourhood.objects.filter(district__municipality__region_id=v.region_id)
        .select_related("district")
        .order_by("name", "code")
    ) or list(Neighbourhood.objects.filter(pk__in=list(per_hood)).select_related("district"))
    indicators = housing_selectors.latest_indicators([n.pk for n in hoods], year=period.last.year)
    now = housing_selectors.capacities(hoods, at=min(period.end_at, timezone.now()))
    if not v.exact:
        # Today's class and headroom as published: a small count of the window at its bound.
        now = {nid: housing_selectors.capacity_published(r) for nid, r in now.items()}
    counted = [n for n in hoods if n.pk in per_hood or n.pk in indicators]
    grid = smallnumbers.suppress_grid(
        [[per_hood[n.pk]["total"]] for n in counted], exact=v.exact, row_totals_shown=False
    )
    red_grid = smallnumbers.suppress_column(
        [per_hood[n.pk][capacity.RED] for n in counted], exact=v.exact
    )
    override_grid = smallnumbers.suppress_column(
        [per_hood[n.pk]["override"] for n in counted], exact=v.exact
    )
    occupied_grid = smallnumbers.suppress_column(
        [per_hood[n.pk]["occupied"] for n in counted], exact=v.exact
    )
    past_grid = smallnumbers.suppress_column(
        [per_hood[n.pk]["past_tipping"] for n in counted], exact=v.exact
    )
    without_room_grid = smallnumbers.suppress_column(
        [per_hood[n.pk]["without_room"] for n in counted], exact=v.exact
    )
    headroom_unknown: list[str] = []
    out: list[HoodRow] = []
    missing: list[str] = []
    for i, n in enumerate(counted):
        ind = indicators.get(n.pk)
        homes = ind.homes if ind else None
        shown = grid.cells[i][0]
        if ind is None or not homes:
            missing.append(n.name)
        result = now.get(n.pk)
        total = per_hood[n.pk]["total"] if n.pk in per_hood else 0
        # The lowest headroom goes with the placement count: where that is hidden, so is it
        # (with today's headroom beside it, it would tell roughly how many followed).
        state = "none"
        if total:
            state = "hidden" if shown is None else "shown" if n.pk in lowest else "unknown"
            if per_hood[n.pk]["headroom_unknown"]:
                headroom_unknown.append(n.name)
        out.append(
            HoodRow(
                code=n.code,
                name=n.name,
                placements=shown,
                homes=homes,
                year=ind.year if ind else None,
                per_1000=(1000 * shown / homes) if (shown is not None and homes) else None,
                headroom_now=result.headroom if result else None,
                class_now=result.klass if result else capacity.UNKNOWN,
                in_red=red_grid.cells[i][0],
                overrides=override_grid.cells[i][0],
                occupied_stairwell=occupied_grid.cells[i][0],
                past_tipping=past_grid.cells[i][0],
                headroom_lowest=lowest.get(n.pk) if state == "shown" else None,
                without_room=without_room_grid.cells[i][0],
                headroom_state=state,
            )
        )
    buckets = period.buckets()
    by_class = table(
        _("Plaatsingen naar draagkrachtklasse van de buurt op het moment van plaatsing"),
        _("Periode"),
        [period.label(b) for b in buckets],
        [capacity.CLASS_LABELS[k] for k in CLASS_ORDER],
        [[per_bucket[(b, k)] for k in CLASS_ORDER] for b in buckets],
        v=v,
        unit=_("plaatsingen"),
        row_dates=buckets,
    )
    by_headroom = table(
        _("Plaatsingen naar ruimte van de buurt op het moment van plaatsing"),
        _("Periode"),
        [period.label(b) for b in buckets],
        [label for _key, label, *_rest in HEADROOM_BANDS] + [capacity.CLASS_LABELS["unknown"]],
        [[per_band[(b, k)] for k in HEADROOM_ORDER] for b in buckets],
        v=v,
        unit=_("plaatsingen"),
        note=_(
            "Ruimte: hoeveel plaatsingen de buurt volgens het draagkrachtmodel nog aankon toen "
            "de tafel het voorstel deed. Bij 0 kon het alleen met een overschrijding."
        ),
        row_dates=buckets,
    )
    crossed = []
    names = {n.pk: n for n in hoods}
    for hood_id, month in sorted(
        first_red.items(), key=lambda kv: (kv[1], names[kv[0]].name if kv[0] in names else "")
    ):
        place = names.get(hood_id)
        if place is None:
            continue
        row = next((r for r in out if r.code == place.code), None)
        crossed.append(
            {
                "name": place.name,
                "code": place.code,
                "first_red": period.long_label(month),
                "in_red": row.in_red if row else None,
                "overrides": row.overrides if row else None,
            }
        )
    stairwell_rows = [
        [
            sum(h["occupied"] - h["occupied_override"] for h in per_hood.values()),
            sum(h["occupied_override"] for h in per_hood.values()),
        ]
    ]
    stairwells = table(
        _("Plaatsingen in een portiek waar al een kwetsbaar huishouden woonde"),
        _("Regio"),
        [v.region_name],
        [_("zonder overschrijding"), _("met overschrijding (tweede akkoord)")],
        stairwell_rows,
        v=v,
        column_totals=False,
        unit=_("plaatsingen"),
    )
    chart = {
        "labels": by_class.rows,
        "series": [
            {
                "label": str(by_class.columns[j]),
                "key": CLASS_ORDER[j],
                "data": [row[j] for row in by_class.grid.cells],
            }
            for j in range(len(CLASS_ORDER))
        ],
    }
    headroom_chart = {
        "labels": by_headroom.rows,
        "series": [
            {
                "label": str(by_headroom.columns[j]),
                "key": HEADROOM_ORDER[j],
                "data": [row[j] for row in by_headroom.grid.cells],
            }
            for j in range(len(HEADROOM_ORDER))
        ],
    }
    map_data = _map_layer(hoods, out)
    return Where(
        period,
        out,
        by_class,
        by_headroom,
        crossed,
        stairwells,
        missing,
        chart,
        map_data,
        headroom_unknown,
        headroom_chart,
    )


def _map_layer(hoods: Iterable[Neighbourhood], rows: list[HoodRow]) -> dict[str, Any]:
    """GeoJSON of the region's neighbourhoods with the period's (suppressed) placements per
    1,000 homes and today's class: the map layer beside the table."""
    by_code = {r.code: r for r in rows}
    features = []
    for n in hoods:
        if not n.boundary:
            continue
        r = by_code.get(n.code)
        features.append(
            {
                "type": "Feature",
                "geometry": n.boundary,
                "properties": {
                    "code": n.code,
                    "name": n.name,
                    "placements": r.placements if r else 0,
                    "per_1000": round(r.per_1000, 1) if r and r.per_1000 is not None else None,
                    "class": r.class_now if r else capacity.UNKNOWN,
                    "class_label": r.class_now_label
                    if r
                    else capacity.CLASS_LABELS[capacity.UNKNOWN],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --- 3. Agreed shares ----------------------------------------------------------------------


@dataclass
class QuotaRow:
    corporation_id: int
    name: str
    quota: int | None  # None: no quota set for the year
    offered: int | None
    accepted: int | None
    let: int | None
    target_to_date: float | None
    difference: float | None  # let - pro-rata target (negative: behind)
    history: list[Quota] = field(default_factory=list)

    @property
    def behind(self) -> bool:
        return self.difference is not None and self.difference < 0


@dataclass
class Quotas:
    year: int
    months: list[dt.date]
    rows: list[QuotaRow]
    monthly: Table
    fraction: float
    chart: dict[str, Any]


def quota_corporations(v: Viewer) -> list[Organisation]:
    corporations = region_organisations(v, OrganisationKind.HOUSING_CORPORATION)
    if not v.municipality:
        corporations = [c for c in corporations if c.pk in v.corporation_ids]
    return corporations


def quotas(*, v: Viewer, year: int, today: dt.date | None = None) -> Quotas:
    """Each corporation's quota for `year` against dwellings offered to the board, proposals
    agreed and dwellings let to outflowing clients (placements), per month."""
    today = today or timezone.localdate()
    corporations = quota_corporations(v)
    ids = [c.pk for c in corporations]
    first = dt.date(year, 1, 1)
    after = dt.date(year + 1, 1, 1)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(after, dt.time.min))
    history: dict[int, list[Quota]] = defaultdict(list)
    for q in (
        Quota.objects.filter(corporation_id__in=ids, year=year)
        .select_related("set_by")
        .order_by("-set_at", "-id")
    ):
        history[q.corporation_id].append(q)
    period = Period(first, dt.date(year, 12, 1))
    per: dict[str, dict[tuple[int, dt.date], int]] = {}
    per["offered"] = defaultdict(int)
    offered = (
        DwellingEvent.objects.filter(
            to_status=DwellingStatus.OFFERED,
            at__gte=start,
            at__lt=end,
            dwelling__corporation_id__in=ids,
        )
        .annotate(month=TruncMonth("at"))
        .order_by()
        .values("dwelling__corporation_id", "month")
        .annotate(n=Count("dwelling_id", distinct=True))
    )
    for o in offered:
        per["offered"][(o["dwelling__corporation_id"], _as_date(o["month"]))] += o["n"]
    per["accepted"] = defaultdict(int)
    for a in (
        Proposal.objects.filter(
            meeting__board__region_id=v.region_id,
            corporation_id__in=ids,
            status=ProposalStatus.AGREED,
            closed_at__gte=start,
            closed_at__lt=end,
        )
        .annotate(month=TruncMonth("closed_at"))
        .order_by()
        .values("corporation_id", "month")
        .annotate(n=Count("pk"))
    ):
        per["accepted"][(a["corporation_id"], _as_date(a["month"]))] += a["n"]
    per["let"] = defaultdict(int)
    for lr in (
        _placements(v)
        .filter(corporation_id__in=ids)
        .annotate(day=Coalesce("housed_on", TruncDate("created_at")))
        .filter(day__gte=first, day__lt=after)
        .annotate(month=TruncMonth("day"))
        .order_by()
        .values("corporation_id", "month")
        .annotate(n=Count("pk"))
    ):
        per["let"][(lr["corporation_id"], _as_date(lr["month"]))] += lr["n"]
    months = period.buckets()
    if today < first:
        fraction = 0.0
    elif today >= after:
        fraction = 1.0
    else:
        fraction = ((today - first).days + 1) / (after - first).days
    offered_grid = smallnumbers.suppress_column(
        [sum(per["offered"][(c, m)] for m in months) for c in ids], exact=v.exact
    )
    accepted_grid = smallnumbers.suppress_column(
        [sum(per["accepted"][(c, m)] for m in months) for c in ids], exact=v.exact
    )
    let_totals = [sum(per["let"][(c, m)] for m in months) for c in ids]
    let_grid = smallnumbers.suppress_column(let_totals, exact=v.exact)
    rows = []
    for i, c in enumerate(corporations):
        current = history[c.pk][0] if history[c.pk] else None
        let = let_grid.cells[i][0]
        target = current.dwellings * fraction if current else None
        rows.append(
            QuotaRow(
                corporation_id=c.pk,
                name=c.name,
                quota=current.dwellings if current else None,
                offered=offered_grid.cells[i][0],
                accepted=accepted_grid.cells[i][0],
                let=let,
                target_to_date=target,
                difference=(let - target) if (let is not None and target is not None) else None,
                history=history[c.pk],
            )
        )
    monthly = table(
        _("Verhuurd aan uitstromers per maand"),
        _("Maand"),
        [period.label(m) for m in months],
        [c.name for c in corporations],
        [[per["let"][(c.pk, m)] for c in corporations] for m in months],
        v=v,
        unit=_("woningen"),
        row_dates=months,
    )
    chart = {
        "labels": [r.name for r in rows],
        "series": [
            {"label": str(_("contingent dit jaar")), "data": [r.quota for r in rows]},
            {
                "label": str(_("naar rato tot nu")),
                "data": [
                    None if r.target_to_date is None else round(r.target_to_date, 1) for r in rows
                ],
            },
            {"label": str(_("verhuurd aan uitstromers")), "data": [r.let for r in rows]},
        ],
    }
    return Quotas(year, months, rows, monthly, fraction, chart)


def quota_history(*, v: Viewer) -> list[Quota]:
    ids = [c.pk for c in quota_corporations(v)]
    return list(
        Quota.objects.filter(corporation_id__in=ids)
        .select_related("corporation", "set_by")
        .order_by("-year", "corporation__name", "-set_at", "-id")[:200]
    )


# --- 4. The board's own work -----------------------------------------------------------------

MEETING_MEASURES: list[tuple[str, Promise]] = [
    ("proposed", _("voorgesteld")),
    ("agreed", _("akkoord")),
    ("declined", _("afgewezen")),
    ("refused", _("geweigerd")),
    ("expired", _("verlopen")),
    ("stalled", _("vastgelopen")),
    ("overrides", _("overschrijding gevraagd")),
    ("confirmed", _("overschrijding bevestigd (tweede akkoord)")),
]


@dataclass
class BoardWork:
    period: Period
    meetings: Table
    decision_times: list[Wait]
    declines: Table
    chart: dict[str, Any]
    per_meeting: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return self.meetings.is_empty


def board_work(*, v: Viewer, period: Period) -> BoardWork:
    """Per meeting: proposals and what became of them; time to decide per party; declines
    per corporation and reason."""
    board = Board.objects.filter(region_id=v.region_id).first()
    meetings = (
        list(
            Meeting.objects.filter(
                board=board, date__gte=period.first, date__lt=period.end
            ).order_by("date")
        )
        if board
        else []
    )
    proposals = Proposal.objects.filter(meeting__in=meetings).exclude(
        status=ProposalStatus.SUPERSEDED
    )
    buckets = period.buckets()
    meetings_per: dict[dt.date, int] = defaultdict(int)
    for m in meetings:
        meetings_per[period.bucket_of(m.date)] += 1
    rows: dict[dt.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in (
        proposals.annotate(bucket=_trunc(period, "meeting__date"))
        .order_by()
        .values("bucket")
        .annotate(
            proposed=Count("pk"),
            agreed=Count("pk", filter=Q(status=ProposalStatus.AGREED)),
            declined=Count("pk", filter=Q(status=ProposalStatus.DECLINED)),
            refused=Count("pk", filter=Q(status=ProposalStatus.REFUSED)),
            expired=Count("pk", filter=Q(status=ProposalStatus.EXPIRED)),
            stalled=Count("pk", filter=Q(stalled_at__isnull=False)),
            overrides=Count("pk", filter=~Q(override_kind="")),
            confirmed=Count("pk", filter=Q(override_confirmed_by__isnull=False)),
        )
    ):
        bucket = period.bucket_of(_as_date(r["bucket"]))
        for key, _label in MEETING_MEASURES:
            rows[bucket][key] += int(r[key])  # type: ignore[literal-required]
    meeting_table = table(
        _("Voorstellen van de tafel en wat ervan werd"),
        _("Periode"),
        [period.label(b) for b in buckets],
        [label for _k, label in MEETING_MEASURES],
        [[rows[b][k] for k, _l in MEETING_MEASURES] for b in buckets],
        v=v,
        row_totals=False,
        unit=_("voorstellen"),
        row_dates=buckets,
    )
    per_meeting = []
    for i, b in enumerate(buckets):
        shown = meeting_table.grid.cells[i][0]
        n = meetings_per[b]
        per_meeting.append(
            {
                "label": period.label(b),
                "meetings": n,
                "per_meeting": (shown / n) if (shown is not None and n) else None,
            }
        )
    times = proposals.aggregate(
        c_n=Count("pk", filter=Q(consultant_at__isnull=False)),
        c_median=Percentile(DaysBetween(TruncDate("consultant_at"), F("created_at")), 0.5),
        c_p90=Percentile(DaysBetween(TruncDate("consultant_at"), F("created_at")), 0.9),
        k_n=Count("pk", filter=Q(client_at__isnull=False)),
        k_median=Percentile(DaysBetween(TruncDate("client_at"), F("created_at")), 0.5),
        k_p90=Percentile(DaysBetween(TruncDate("client_at"), F("created_at")), 0.9),
    )
    decision_times = [
        _wait(
            _("corporatie: van voorstel tot besluit"),
            {"n": times["c_n"], "median": times["c_median"], "p90": times["c_p90"]},
            v,
        ),
        _wait(
            _("cliënt (via zorgaanbieder): van voorstel tot antwoord"),
            {"n": times["k_n"], "median": times["k_median"], "p90": times["k_p90"]},
            v,
        ),
    ]
    corporations = region_organisations(v, OrganisationKind.HOUSING_CORPORATION)
    decline_counts = {
        (r["corporation_id"], r["consultant_reason"]): r["n"]
        for r in proposals.filter(consultant_decision="declined")
        .order_by()
        .values("corporation_id", "consultant_reason")
        .annotate(n=Count("pk"))
    }
    declines = table(
        _("Afwijzingen per corporatie en reden"),
        _("Corporatie"),
        [c.name for c in corporations],
        list(CONSULTANT_DECLINE_REASONS.values()),
        [
            [decline_counts.get((c.pk, code), 0) for code in CONSULTANT_DECLINE_REASONS]
            for c in corporations
        ],
        v=v,
        unit=_("voorstellen"),
    )
    chart = {
        "labels": meeting_table.rows,
        "series": [
            {"label": str(label), "data": [row[j] for row in meeting_table.grid.cells]}
            for j, (key, label) in enumerate(MEETING_MEASURES)
            if key in ("proposed", "agreed", "declined", "refused")
        ],
    }
    return BoardWork(period, meeting_table, decision_times, declines, chart, per_meeting)
