"""The weekly placement board (plaatsingstafel): boards, meetings, generated proposals,
three-party decisions and a timeline per proposal.

Invariants live in the database, so that concurrent requests and retried tasks cannot break
them however the code is called:

- a client has at most one active proposal (open, awaiting four-eyes confirmation, or agreed)
  and a dwelling too (`proposal_one_active_per_client`, `proposal_one_active_per_dwelling`);
- a generation run with an idempotency key runs once (`run_once_per_key`);
- an override is confirmed by someone other than who asked for it (`proposal_four_eyes`);
- a meeting exists once per board and date, and once per ISO week.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.constraints import ConstraintMessages


class Board(ConstraintMessages, models.Model):
    """A region's placement board (plaatsingstafel): municipality, care providers and
    corporations meeting weekly to place outflowing clients."""

    constraint_messages = {
        "board_weekday_valid": (
            "meeting_weekday",
            _("Kies een dag van de week (0 = maandag tot 6 = zondag)."),
        ),
        "board_decision_days_pos": ("decision_days", _("De beslistermijn is minstens één dag.")),
    }

    region = models.OneToOneField(
        "accounts.Region", verbose_name=_("regio"), on_delete=models.PROTECT, related_name="board"
    )
    name = models.CharField(_("naam"), max_length=150)
    members = models.ManyToManyField(
        "accounts.Organisation", verbose_name=_("deelnemende organisaties"), related_name="boards"
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voorzitter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    meeting_weekday = models.PositiveSmallIntegerField(_("vergaderdag (0 = maandag)"), default=1)
    meeting_time = models.TimeField(_("aanvang"), default="10:00")
    decision_days = models.PositiveSmallIntegerField(
        _("dagen voor een besluit na de tafel"), default=7
    )
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("plaatsingstafel")
        verbose_name_plural = _("plaatsingstafels")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(meeting_weekday__lte=6), name="board_weekday_valid"),
            models.CheckConstraint(
                condition=Q(decision_days__gte=1), name="board_decision_days_pos"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("gepland")
    PROPOSED = "proposed", _("voorstellen klaar")
    CLOSED = "closed", _("afgerond")


class Meeting(ConstraintMessages, models.Model):
    """One weekly meeting (tafeloverleg). `week_label` ("2026-W48") is the access-log purpose."""

    constraint_messages = {
        "meeting_once_per_date": ("date", _("Deze tafel vergadert op die datum al.")),
        "meeting_once_per_week": ("week_label", _("Deze tafel heeft die week al een overleg.")),
        "meeting_week_format": ("week_label", _("Een week wordt geschreven als 2026-W49.")),
    }

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField(_("datum"))
    week_label = models.CharField(_("week"), max_length=8)
    status = models.CharField(
        _("status"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    generated_at = models.DateTimeField(_("voorstellen gemaakt op"), null=True, blank=True)
    closed_at = models.DateTimeField(_("afgerond op"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tafeloverleg")
        verbose_name_plural = _("tafeloverleggen")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["board", "date"], name="meeting_once_per_date"),
            models.UniqueConstraint(fields=["board", "week_label"], name="meeting_once_per_week"),
            models.CheckConstraint(
                condition=Q(week_label__regex=r"^[0-9]{4}-W[0-9]{2}$"), name="meeting_week_format"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MeetingStatus.values), name="meeting_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.board} {self.week_label}"

    @property
    def purpose(self) -> str:
        """The access-log purpose of everything read or done for this meeting."""
        return f"plaatsingstafel {self.week_label}"


class GenerationStatus(models.TextChoices):
    QUEUED = "queued", _("in de wachtrij")
    RUNNING = "running", _("bezig")
    DONE = "done", _("klaar")
    FAILED = "failed", _("mislukt")


# One run per meeting at a time is queued or running (a constraint below).
ACTIVE_GENERATION_STATUSES = (GenerationStatus.QUEUED, GenerationStatus.RUNNING)


class GenerationRunManager(models.Manager["GenerationRun"]):
    """Runs without their stored instance and solution (megabytes of JSON at regional scale).

    No screen or list reads them, so no query loads them unless it asks (`with_stored()`); a
    deferred field still loads on first access. Related managers (`meeting.runs`) use this too.
    """

    def get_queryset(self) -> models.QuerySet[GenerationRun]:
        return super().get_queryset().defer(*RUN_STORED_FIELDS)

    def with_stored(self) -> models.QuerySet[GenerationRun]:
        return super().get_queryset()


RUN_STORED_FIELDS = ("instance", "solution", "archive")


class GenerationRun(ConstraintMessages, models.Model):
    """One run of the engine for a meeting: its instance and solution, kept for audit.

    A background run ("Berekenen", beat) is queued first and done when its write phase
    commits; a run made in-process is stored done at once.
    Superseded runs and runs of closed meetings are archived on a schedule
    (`run_archive_stored`): instance and solution move, zlib-compressed, into `archive`. The
    minutes and the screens need only `no_match` and `stats`, which stay as they are.
    """

    constraint_messages = {
        "one_active_run_per_meeting": (
            "meeting",
            _("Voor dit overleg loopt al een berekening; wacht tot die klaar is."),
        ),
        "run_once_per_key": ("key", _("Deze berekening is al gemaakt.")),
    }

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(
        _("status"), max_length=8, choices=GenerationStatus.choices, default=GenerationStatus.DONE
    )
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempt = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    # The automatic run per meeting has a key, so a retried or duplicated task runs once.
    key = models.CharField(max_length=100, blank=True)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)
    instance = models.JSONField(default=dict)
    solution = models.JSONField(default=dict)
    # "Why no match": {"clients": [{reference, care_provider_id, message, counts}],
    #                  "dwellings": [{id, label, neighbourhood, message}]}
    no_match = models.JSONField(default=dict)
    stats = models.JSONField(default=dict)
    # zlib-compressed JSON {"instance": ..., "solution": ...} once archived (see the docstring).
    archive = models.BinaryField(null=True, blank=True, editable=False)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = GenerationRunManager()

    class Meta:
        verbose_name = _("berekening")
        verbose_name_plural = _("berekeningen")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=~Q(key=""), name="run_once_per_key"),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_run_per_meeting",
            ),
        ]

    def __str__(self) -> str:
        return f"run {self.pk} ({self.meeting})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_GENERATION_STATUSES

    def stored(self) -> dict[str, Any]:
        """The run's instance and solution, from the archive once it is archived."""
        if self.archive is not None:
            return dict(json.loads(zlib.decompress(bytes(self.archive))))
        return {"instance": self.instance, "solution": self.solution}


class ProposalStatus(models.TextChoices):
    AWAITING_CONFIRMATION = "awaiting", _("wacht op tweede akkoord")
    OPEN = "open", _("open")
    AGREED = "agreed", _("akkoord")
    DECLINED = "declined", _("afgewezen door corporatie")
    REFUSED = "refused", _("geweigerd door cliënt")
    EXPIRED = "expired", _("verlopen")
    SUPERSEDED = "superseded", _("vervangen")
    WITHDRAWN = "withdrawn", _("ingetrokken")


# A proposal in these statuses holds its client and its dwelling.
ACTIVE_STATUSES = (
    ProposalStatus.AWAITING_CONFIRMATION,
    ProposalStatus.OPEN,
    ProposalStatus.AGREED,
)
DECIDED_STATUSES = (
    ProposalStatus.AGREED,
    ProposalStatus.DECLINED,
    ProposalStatus.REFUSED,
    ProposalStatus.EXPIRED,
)


class ConsultantDecision(models.TextChoices):
    APPROVED = "approved", _("akkoord")
    DECLINED = "declined", _("afgewezen")


class ClientDecision(models.TextChoices):
    ACCEPTED = "accepted", _("aanvaard")
    REFUSED = "refused", _("geweigerd")


class OverrideKind(models.TextChoices):
    HEADROOM = "headroom", _("boven de ruimte van de buurt")
    STOPPED_COMPLEX = "stopped_complex", _("in een gesloten complex")
    BOTH = "both", _("boven de buurtruimte en in een gesloten complex")


_active = [s.value for s in ACTIVE_STATUSES]


class Proposal(ConstraintMessages, models.Model):
    """A proposed placement of one client in one dwelling (koppelingsvoorstel)."""

    constraint_messages = {
        "proposal_four_eyes": (
            "override_confirmed_by",
            _(
                "Een tweede persoon van de gemeente bevestigt de overschrijding, niet wie haar aanvroeg."
            ),
        ),
        "proposal_override_has_reason": (
            "override_reason",
            _("Geef de reden voor de overschrijding."),
        ),
        "proposal_agreed_needs_both": (
            "status",
            _("Een voorstel is pas akkoord als de corporatie akkoord is en de cliënt aanvaardt."),
        ),
    }

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="proposals")
    run = models.ForeignKey(
        GenerationRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    client = models.ForeignKey("cases.Client", on_delete=models.PROTECT, related_name="proposals")
    dwelling = models.ForeignKey(
        "housing.Dwelling", on_delete=models.PROTECT, related_name="proposals"
    )
    # Copied from client and dwelling for grouping, scoping and indexes.
    care_provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    corporation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    neighbourhood = models.ForeignKey(
        "housing.Neighbourhood", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    score = models.FloatField(_("score"), default=0)
    breakdown = models.JSONField(_("opbouw score"), default=list)
    alternatives = models.JSONField(_("alternatieven"), default=list)
    explanation = models.TextField(_("toelichting"), blank=True)
    profile = models.JSONField(_("gedeeld woonprofiel"), default=dict)
    capacity_before = models.JSONField(default=dict)
    capacity_after = models.JSONField(default=dict)
    deadline = models.DateField(_("besluit uiterlijk"))

    consultant_decision = models.CharField(
        max_length=10, choices=ConsultantDecision.choices, blank=True
    )
    consultant_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consultant_at = models.DateTimeField(null=True, blank=True)
    consultant_reason = models.CharField(max_length=32, blank=True)
    consultant_text = models.CharField(max_length=500, blank=True)

    client_decision = models.CharField(max_length=10, choices=ClientDecision.choices, blank=True)
    client_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    client_at = models.DateTimeField(null=True, blank=True)
    client_reason = models.CharField(max_length=32, blank=True)
    client_text = models.CharField(max_length=500, blank=True)

    override_kind = models.CharField(max_length=16, choices=OverrideKind.choices, blank=True)
    override_reason = models.TextField(blank=True)
    override_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_confirmed_at = models.DateTimeField(null=True, blank=True)

    stalled_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("koppelingsvoorstel")
        verbose_name_plural = _("koppelingsvoorstellen")
        ordering = ["meeting", "neighbourhood__name", "-score", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(status__in=_active),
                name="proposal_one_active_per_client",
                violation_error_message=_("Deze cliënt heeft al een lopend voorstel."),
            ),
            models.UniqueConstraint(
                fields=["dwelling"],
                condition=Q(status__in=_active),
                name="proposal_one_active_per_dwelling",
                violation_error_message=_("Deze woning heeft al een lopend voorstel."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProposalStatus.values), name="proposal_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(override_confirmed_by__isnull=True)
                | ~Q(override_confirmed_by=F("override_requested_by")),
                name="proposal_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(override_kind="") | ~Q(override_reason=""),
                name="proposal_override_has_reason",
            ),
            # Agreed means both sides said yes.
            models.CheckConstraint(
                condition=~Q(status=ProposalStatus.AGREED)
                | Q(consultant_decision=ConsultantDecision.APPROVED, client_decision="accepted"),
                name="proposal_agreed_needs_both",
            ),
        ]
        indexes = [
            models.Index(fields=["meeting", "status"], name="proposal_meeting_status_idx"),
            models.Index(fields=["status", "deadline"], name="proposal_status_deadline_idx"),
        ]

    def __str__(self) -> str:
        return f"voorstel {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_stalled(self) -> bool:
        return self.status == ProposalStatus.OPEN and self.stalled_at is not None


class ProposalEvent(models.Model):
    """One line on a proposal's timeline (tijdlijn): who did what, when, why."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=40)
    message = models.CharField(max_length=500)

    class Meta:
        verbose_name = _("gebeurtenis")
        verbose_name_plural = _("tijdlijn")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} @ {self.at:%Y-%m-%d %H:%M}"
