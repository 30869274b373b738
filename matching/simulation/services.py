"""State changes for what-if scenarios. Keyword-only, typed, atomic, audited.

Each function a person triggers takes `actor=`, checks the permission layer itself (pages,
API and command share these), writes the access-log row in the same transaction and raises
`DomainError` when refused. The simulation itself (`simulation_execute`, the task's body)
reads a snapshot and writes only its own run and week rows: never live data.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access, smallnumbers
from accounts.errors import DomainError, Forbidden
from accounts.models import User
from config.heartbeat import Heartbeat
from matching.board.models import Board

from . import core, seeds, snapshot
from .models import ACTIVE_RUN_STATUSES, RunStatus, Scenario, SimulationRun, SimulationWeek
from .permissions import PURPOSE

logger = logging.getLogger(__name__)

__all__ = [
    "results_export",
    "scenario_create",
    "scenario_delete",
    "scenario_share",
    "scenario_update",
    "simulation_cancel",
    "simulation_execute",
    "simulation_start",
    "suppress_neighbourhoods",
]

# Fields a person may set on a scenario (never board, sharing or authorship).
SCENARIO_FIELDS = (
    "name",
    "description",
    "limit_mode",
    "tipping_point",
    "neighbourhood_limits",
    "stairwell_rule",
    "stairwell_max",
    "complexes_stopped",
    "policy",
    "horizon_weeks",
    "seed",
    "clients_per_week",
    "dwellings_per_week",
    "offer_weeks",
    "departure_rate",
    "urgent_share",
    "seeds",
)
DECIMAL_FIELDS = (
    "tipping_point",
    "clients_per_week",
    "dwellings_per_week",
    "departure_rate",
    "urgent_share",
)
# A running run whose worker has not reported for this long is taken as gone.
# A running run's worker writes its heartbeat every HEARTBEAT_SECONDS (a thread, so a long
# week or snapshot does not look dead); without one for STALE_AFTER it is taken over (at
# most MAX_ATTEMPTS times) or failed, by the next delivery or by the beat sweep.
HEARTBEAT_SECONDS = 5
STALE_AFTER = timedelta(seconds=30)
# A queued run no worker picked up (its message lost) is sent again after this long.
REQUEUE_AFTER = timedelta(seconds=60)
MAX_ATTEMPTS = 3


def small_number_threshold() -> int:
    return smallnumbers.threshold()


def _clean(data: dict[str, Any], *, base: Scenario) -> dict[str, Any]:
    """The whitelisted values over the scenario's current ones, checked by the pure Params."""
    values = {name: getattr(base, name) for name in SCENARIO_FIELDS}
    values.update({k: v for k, v in data.items() if k in SCENARIO_FIELDS})
    values["name"] = str(values["name"] or "").strip()[:120]
    if not values["name"]:
        raise DomainError(_("Geef het scenario een naam."), field="name", code="required")
    for name in DECIMAL_FIELDS:
        try:
            values[name] = Decimal(str(values[name])).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise DomainError(_("Vul een getal in."), field=name, code="invalid") from None
    try:
        params = core.Params.from_dict(
            {k: v for k, v in values.items() if k not in ("name", "description")}
            | {name: float(values[name]) for name in DECIMAL_FIELDS}
        )
    except core.ParamsError as error:
        raise DomainError(error.message, field=error.field, code="invalid") from None
    values["neighbourhood_limits"] = dict(params.neighbourhood_limits)
    return values


def scenario_create(
    *, actor: User, board: Board, data: dict[str, Any], request: HttpRequest | None = None
) -> Scenario:
    """A new scenario for the board. Flows not given are prefilled from the region's own last
    12 months (see `snapshot.flows`)."""
    if not access.visible(actor, board):
        raise Forbidden(rule="not-visible", hidden=True)
    scenario = Scenario(board=board, created_by=actor)
    rule = access.authorize(actor, "create", scenario)
    prefill = snapshot.flows(board)
    for name in ("clients_per_week", "dwellings_per_week", "departure_rate", "urgent_share"):
        if data.get(name) in (None, ""):
            data = {**data, name: prefill[name]}
    for name, value in _clean(data, base=scenario).items():
        setattr(scenario, name, value)
    with transaction.atomic():
        scenario.save()
        access.audit(
            "simulation.scenario.created",
            actor=actor,
            target=scenario,
            rule=rule,
            purpose=PURPOSE,
            request=request,
        )
    return scenario


def scenario_update(
    *, actor: User, scenario: Scenario, data: dict[str, Any], request: HttpRequest | None = None
) -> Scenario:
    """Change a scenario's rules or flows; earlier runs keep the values they ran with."""
    rule = access.authorize(actor, "change", scenario)
    values = _clean(data, base=scenario)
    with transaction.atomic():
        for name, value in values.items():
            setattr(scenario, name, value)
        scenario.save()
        access.audit(
            "simulation.scenario.changed",
            actor=actor,
            target=scenario,
            rule=rule,
            purpose=PURPOSE,
            request=request,
        )
    return scenario


def scenario_delete(*, actor: User, scenario: Scenario, request: HttpRequest | None = None) -> None:
    """Remove a scenario with its runs (only its own rows; nothing live)."""
    rule = access.authorize(actor, "delete", scenario)
    with transaction.atomic():
        if scenario.runs.filter(status__in=ACTIVE_RUN_STATUSES).exists():
            raise DomainError(
                _("Stop eerst de lopende berekening."), code="run_active", conflict=True
            )
        access.audit(
            "simulation.scenario.deleted",
            actor=actor,
            target=scenario,
            rule=rule,
            purpose=PURPOSE,
            request=request,
        )
        scenario.delete()


def scenario_share(
    *, actor: User, scenario: Scenario, shared: bool, request: HttpRequest | None = None
) -> Scenario:
    """The chair shares a scenario's results with the board's corporations and care
    providers (or takes them back)."""
    rule = access.authorize(actor, "share", scenario)
    with transaction.atomic():
        scenario.shared_with_board = shared
        scenario.shared_by = actor if shared else None
        scenario.shared_at = timezone.now() if shared else None
        scenario.save(update_fields=["shared_with_board", "shared_by", "shared_at", "updated_at"])
        access.audit(
            "simulation.scenario.shared" if shared else "simulation.scenario.unshared",
            actor=actor,
            target=scenario,
            rule=rule,
            purpose=PURPOSE,
            request=request,
        )
    return scenario


def simulation_start(
    *, actor: User, scenario: Scenario, request: HttpRequest | None = None
) -> SimulationRun:
    """Queue a run of the scenario (one at a time per scenario); the task runs after commit."""
    from . import tasks

    rule = access.authorize(actor, "run", scenario)
    params = scenario.params()
    try:
        with transaction.atomic():
            run = SimulationRun.objects.create(
                scenario=scenario,
                parameters=params.to_dict(),
                total_weeks=params.horizon_weeks * params.seeds,
                requested_by=actor,
            )
            access.audit(
                "simulation.scenario.run_started",
                actor=actor,
                target=scenario,
                rule=rule,
                purpose=PURPOSE,
                request=request,
            )
            tasks.queue_run(run.pk)  # a broker that is down fails the run with a message
    except IntegrityError:
        raise DomainError(
            _("Dit scenario wordt al doorgerekend."), code="run_active", conflict=True
        ) from None
    return run


def simulation_cancel(
    *, actor: User, scenario: Scenario, request: HttpRequest | None = None
) -> SimulationRun:
    """Stop the scenario's active run: at once when it has not started (or its worker is
    gone), otherwise after the week it is busy with."""
    rule = access.authorize(actor, "cancel", scenario)
    with transaction.atomic():
        run = (
            SimulationRun.objects.select_for_update()
            .filter(scenario=scenario, status__in=ACTIVE_RUN_STATUSES)
            .first()
        )
        if run is None:
            raise DomainError(
                _("Er loopt geen berekening voor dit scenario."), code="no_run", conflict=True
            )
        now = timezone.now()
        if run.status == RunStatus.QUEUED or _is_stale(run, now):
            run.status = RunStatus.CANCELLED
            run.finished_at = now
        run.cancel_requested = True
        run.save(update_fields=["status", "finished_at", "cancel_requested"])
        access.audit(
            "simulation.scenario.run_cancelled",
            actor=actor,
            target=scenario,
            rule=rule,
            purpose=PURPOSE,
            request=request,
        )
    return run


def suppress_neighbourhoods(
    rows: list[core.NeighbourhoodResult], *, threshold: int
) -> list[dict[str, Any]]:
    """Per neighbourhood, with placement counts from 1 to threshold - 1 hidden, and the share
    at the end too (start and end together would give the count away)."""
    out = []
    for n in rows:
        small = smallnumbers.is_small(n.placements, limit=threshold)
        out.append(
            {
                "code": n.code,
                "name": n.name,
                "tipping_point": n.tipping_point,
                "share_start": n.share_start,
                "share_end": None if small else n.share_end,
                "past_start": n.past_start,
                "past_end": n.past_end,
                "placements": None if small else n.placements,
                "suppressed": small,
            }
        )
    return out


def _is_stale(run: SimulationRun, now: Any) -> bool:
    beat = run.heartbeat_at or run.started_at
    return beat is None or now - beat > STALE_AFTER


def _claim(run_id: int) -> SimulationRun | None:
    """Take the run for this delivery: a queued run, or a running one whose worker stopped
    beating (killed child, killed worker, lost connection). None when another delivery
    owns it or it has ended; a run taken over too often fails with a message."""
    with transaction.atomic():
        run = (
            SimulationRun.objects.select_for_update(of=("self",))
            .select_related("scenario__board")
            .get(pk=run_id)
        )
        now = timezone.now()
        if run.status == RunStatus.RUNNING and not _is_stale(run, now):
            return None  # a duplicate delivery while the first one runs: nothing twice
        if run.status not in ACTIVE_RUN_STATUSES:
            return None
        if run.cancel_requested:
            run.status, run.finished_at = RunStatus.CANCELLED, now
            run.save(update_fields=["status", "finished_at"])
            return None
        if run.attempt >= MAX_ATTEMPTS:
            run.status, run.finished_at = RunStatus.FAILED, now
            run.error = _("De berekening is %(n)s keer onderbroken; start haar opnieuw.") % {
                "n": run.attempt
            }
            run.save(update_fields=["status", "finished_at", "error"])
            return None
        run.status = RunStatus.RUNNING
        run.attempt += 1
        run.started_at = run.heartbeat_at = now
        run.weeks_done = 0
        run.save(update_fields=["status", "attempt", "started_at", "heartbeat_at", "weeks_done"])
    return run


def _heartbeat(run_id: int, attempt: int) -> Heartbeat:
    """Writes the run's heartbeat every HEARTBEAT_SECONDS from a thread while it computes."""
    return Heartbeat(
        lambda: SimulationRun.objects.filter(
            pk=run_id, attempt=attempt, status=RunStatus.RUNNING
        ).update(heartbeat_at=timezone.now()),
        every=HEARTBEAT_SECONDS,
        label=f"simulation run {run_id}",
    )


def simulation_execute(*, run_id: int) -> SimulationRun:
    """Run a queued simulation (the Celery task's body). Idempotent: a run that another
    delivery is running, or that has ended, is left alone; a run whose worker died (stale
    heartbeat) is taken over. Only the attempt that owns the run writes its result."""
    run = _claim(run_id)
    if run is None:
        return SimulationRun.objects.get(pk=run_id)
    attempt = run.attempt
    started = time.perf_counter()

    def on_week(done: int, total: int) -> bool:
        # Progress is for the page only: a busy database skips one report rather than failing
        # the run (the next week reports again and reads the cancel flag again).
        try:
            # (A run queued before runs counted every seed's weeks has a smaller total.)
            SimulationRun.objects.filter(pk=run_id, attempt=attempt).update(
                weeks_done=min(done, run.total_weeks), heartbeat_at=timezone.now()
            )
            return not SimulationRun.objects.filter(pk=run_id, cancel_requested=True).exists()
        except OperationalError:
            logger.warning("simulation run %s: progress not recorded (database busy)", run_id)
            return True

    with _heartbeat(run_id, attempt):
        try:
            params = core.Params.from_dict(run.parameters)
            snap = snapshot.take(run.scenario.board)
            result = seeds.simulate_seeds(snap, params, on_week=on_week)
        except core.Cancelled:
            return _finish(run, status=RunStatus.CANCELLED, started=started)
        except SoftTimeLimitExceeded:
            return _finish(
                run,
                status=RunStatus.FAILED,
                started=started,
                error=_("De berekening duurde te lang en is gestopt."),
            )
        except Exception as error:  # a failed computation is shown as failed, not retried
            logger.exception("simulation run %s failed", run_id)
            return _finish(run, status=RunStatus.FAILED, started=started, error=str(error))
        return _finish(run, status=RunStatus.DONE, started=started, result=result, snap=snap)


def _finish(run: SimulationRun, *, status: str, started: float, **values: Any) -> SimulationRun:
    """Store the outcome; a connection lost at this moment is retried a few times (the result
    is in memory). If the database stays away the run is left to the sweep, which requeues it."""
    from django.db import connection

    for attempt in range(3):
        try:
            return _store_outcome(run, status=status, started=started, **values)
        except OperationalError:
            logger.warning("simulation run %s: result not stored yet (database)", run.pk)
            # A fresh connection for the retry; inside an outer transaction (a test, or a
            # caller's atomic block) closing would only break that transaction.
            if not connection.in_atomic_block:
                connection.close()
            if attempt == 2:
                raise
            time.sleep(1 + 2 * attempt)
    raise AssertionError("unreachable")


def _store_outcome(
    run: SimulationRun,
    *,
    status: str,
    started: float,
    result: seeds.SeedsResult | None = None,
    snap: core.Snapshot | None = None,
    error: str = "",
) -> SimulationRun:
    attempt = run.attempt
    with transaction.atomic():
        run = SimulationRun.objects.select_for_update(of=("self",)).get(pk=run.pk)
        if run.status != RunStatus.RUNNING or run.attempt != attempt:
            return run  # cancelled meanwhile, or taken over by another delivery
        run.status = status
        run.finished_at = timezone.now()
        run.duration_ms = int((time.perf_counter() - started) * 1000)
        run.error = error[:300]
        if result is not None and snap is not None:
            run.weeks_done = run.total_weeks
            run.snapshot_date = snap.start
            run.snapshot_digest = result.first.snapshot_digest
            run.snapshot_stats = {
                "waiting": len(snap.waiting),
                "offered": len(snap.offered),
                "neighbourhoods": len(snap.neighbourhoods),
                "stairwells": len(snap.stairwells),
                "stock": len(snap.stock),
            }
            run.summary = result.summary
            run.neighbourhoods = suppress_neighbourhoods(
                result.first.neighbourhoods, threshold=small_number_threshold()
            )
            SimulationWeek.objects.bulk_create(
                SimulationWeek(
                    run=run,
                    week=w.week,
                    date=w.date,
                    arrivals=w.arrivals,
                    vacancies=w.vacancies,
                    departures=w.departures,
                    placed=w.placed,
                    placed_past_tipping=w.placed_past_tipping,
                    placed_in_occupied_stairwell=w.placed_in_occupied_stairwell,
                    let_regular=w.let_regular,
                    waiting=w.waiting,
                    offered=w.offered,
                    housed_total=w.housed_total,
                    neighbourhoods_past_tipping=w.neighbourhoods_past_tipping,
                    score_total=w.score_total,
                    wait_median=w.wait_median,
                )
                for w in result.first.weeks
            )
        run.save()
    return run


def simulation_sweep(*, now: Any = None) -> dict[str, int]:
    """Beat's sweep for runs nobody is working on: a running run with a stale heartbeat and a
    queued run whose message was lost are sent again (the task takes them over); runs past
    MAX_ATTEMPTS fail with a message (in `_claim`). Returns the counts per outcome."""
    from . import tasks

    now = now or timezone.now()
    counts = {"requeued": 0, "failed": 0}
    candidates = SimulationRun.objects.filter(
        Q(status=RunStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
        | Q(status=RunStatus.QUEUED, created_at__lt=now - REQUEUE_AFTER)
    ).values_list("pk", "attempt")
    for run_id, attempt in list(candidates):
        if attempt >= MAX_ATTEMPTS:
            _claim(run_id)  # fails it with the message
            counts["failed"] += 1
        elif tasks.send_run(run_id):
            counts["requeued"] += 1
    return counts


def simulation_queue_failed(*, run_id: int) -> None:
    """The broker did not take the run: it fails with a message, so 'Doorrekenen' can be
    clicked again (an active run blocks the scenario)."""
    SimulationRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.FAILED,
        finished_at=timezone.now(),
        error=_("De berekening kon niet worden ingepland; probeer het over een minuut opnieuw."),
    )


def results_export(
    *, actor: User, scenarios: list[Scenario], request: HttpRequest | None = None
) -> bytes:
    """The scenarios' latest results as an XLSX workbook; one export row per scenario in the
    access log. Scenarios without results are refused (there is nothing to export)."""
    from . import exports, selectors

    runs = []
    rules = []
    for scenario in scenarios:
        rules.append(access.authorize(actor, "export", scenario))
        run = selectors.latest_result(scenario)
        if run is None:
            raise DomainError(
                _("Scenario ‘%(name)s’ heeft nog geen uitkomsten.") % {"name": scenario.name},
                code="no_results",
                conflict=True,
            )
        runs.append(run)
    data = exports.workbook(runs, threshold=small_number_threshold())
    with transaction.atomic():
        for scenario, rule in zip(scenarios, rules, strict=True):
            access.audit(
                "simulation.scenario.exported",
                actor=actor,
                target=scenario,
                rule=rule,
                purpose=PURPOSE,
                request=request,
            )
    return data
