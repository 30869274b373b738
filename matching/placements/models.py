"""Placements and agreements (plaatsingen en afspraken).

An agreed proposal (corporation approved, client accepted) becomes a `Placement`; the
placement carries one or more `Agreement`s over time: a flip lease (omklapcontract), a
tripartite agreement (tripartiete overeenkomst), a triangle contract (driehoekscontract) or
an ordinary lease, and after a flip or a tripartite agreement the ordinary lease on the
client's name that follows it. Each agreement moves through `machine.TRANSITIONS`; every
step is an `AgreementTransition` (who, when, why, which evaluation).

Invariants in the database, so no code path can break them:

- one active placement per dwelling and per client, one placement per proposal;
- one open agreement per dwelling (`agreement_one_open_per_dwelling`): a dwelling that is
  let under an agreement cannot get a second one;
- a flip lease runs at least 12 months; an end date and an evaluation date lie after the
  lease start;
- one signature per party per document version;
- an evaluation is confirmed by someone other than who recorded it (four eyes: the other
  party).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.constraints import ConstraintMessages


class PlacementStatus(models.TextChoices):
    ACTIVE = "active", _("lopend")
    CANCELLED = "cancelled", _("vervallen")
    ENDED = "ended", _("beëindigd")


class Placement(ConstraintMessages, models.Model):
    """A placement (plaatsing): the client of an agreed proposal moves into its dwelling.

    Organisation, board and neighbourhood are copied from the proposal for scoping and
    indexes; `client_reference` is the pseudonym shown to everyone who may not see a name.
    """

    constraint_messages = {}

    proposal = models.OneToOneField(
        "matching.Proposal", on_delete=models.PROTECT, related_name="placement"
    )
    board = models.ForeignKey("matching.Board", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("cases.Client", on_delete=models.PROTECT, related_name="+")
    client_reference = models.CharField(_("referentie"), max_length=13)
    dwelling = models.ForeignKey("housing.Dwelling", on_delete=models.PROTECT, related_name="+")
    care_provider = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("zorgaanbieder"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    corporation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("corporatie"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    neighbourhood = models.ForeignKey(
        "housing.Neighbourhood", verbose_name=_("buurt"), on_delete=models.PROTECT, related_name="+"
    )
    # The consultant who approved the proposal: reminders go to them and the coordinator.
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlacementStatus.choices, default=PlacementStatus.ACTIVE
    )
    housed_on = models.DateField(_("gehuisvest op"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("plaatsing")
        verbose_name_plural = _("plaatsingen")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PlacementStatus.values), name="placement_status_valid"
            ),
            models.UniqueConstraint(
                fields=["dwelling"],
                condition=Q(status="active"),
                name="placement_one_active_per_dwelling",
                violation_error_message=_("Deze woning heeft al een lopende plaatsing."),
            ),
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(status="active"),
                name="placement_one_active_per_client",
                violation_error_message=_("Deze cliënt heeft al een lopende plaatsing."),
            ),
        ]
        indexes = [
            models.Index(fields=["care_provider", "status"], name="placement_provider_idx"),
            models.Index(fields=["corporation", "status"], name="placement_corporation_idx"),
            models.Index(fields=["board", "status"], name="placement_board_idx"),
        ]

    def __str__(self) -> str:
        return f"plaatsing {self.pk} ({self.client_reference})"


class AgreementKind(models.TextChoices):
    """The same codes as the client's preference (`cases.models.AgreementType`)."""

    FLIP_LEASE = "flip_lease", _("omklapcontract")
    TRIPARTITE = "tripartite", _("tripartiete overeenkomst")
    TRIANGLE = "triangle", _("driehoekscontract")
    ORDINARY = "ordinary", _("regulier huurcontract")


class AgreementState(models.TextChoices):
    DRAFT = "draft", _("concept")
    SIGNING = "signing", _("ter ondertekening")
    ACTIVE = "active", _("lopend")
    EXTENDED = "extended", _("verlengd")
    CARE_STOPPED = "care_stopped", _("zorg gestopt")
    FLIPPED = "flipped", _("omgeklapt naar huurder")
    CONVERTED = "converted", _("omgezet naar regulier huurcontract")
    ENDED = "ended", _("beëindigd")
    CANCELLED = "cancelled", _("vervallen")


# An agreement in these states holds its dwelling (one per dwelling).
OPEN_STATES = (
    AgreementState.DRAFT,
    AgreementState.SIGNING,
    AgreementState.ACTIVE,
    AgreementState.EXTENDED,
    AgreementState.CARE_STOPPED,
)
# In force: signed, running; reminders look at these.
RUNNING_STATES = (AgreementState.ACTIVE, AgreementState.EXTENDED, AgreementState.CARE_STOPPED)


class Party(models.TextChoices):
    CLIENT = "client", _("cliënt / huurder")
    CARE_PROVIDER = "care_provider", _("zorgaanbieder")
    CORPORATION = "corporation", _("woningcorporatie")


class Condition(models.TextChoices):
    """Conditions a tripartite agreement or triangle contract may set (voorwaarden)."""

    BUDGET_MANAGEMENT = "budget_management", _("bewindvoering of budgetbeheer")
    KEEP_APPOINTMENTS = "keep_appointments", _("afspraken met de begeleiding nakomen")
    HOME_VISITS = "home_visits", _("huisbezoeken door begeleiding toestaan")
    DAY_ACTIVITIES = "day_activities", _("dagbesteding of werk")
    NO_NUISANCE = "no_nuisance", _("geen overlast; bij overlast direct overleg")
    MEDICATION = "medication", _("medicatie volgens afspraak")


_open = [s.value for s in OPEN_STATES]


class Agreement(ConstraintMessages, models.Model):
    """A lease or agreement of a placement (huurcontract of afspraak), with its terms.

    Care terms (support hours, contact person, conditions, care contract, why care stopped)
    are for the parties only; the municipality sees the agreement without them.
    """

    constraint_messages = {
        "agreement_end_after_start": ("end_date", _("De einddatum ligt na de ingangsdatum.")),
        "agreement_evaluation_after_start": (
            "evaluation_on",
            _("De evaluatie ligt na de ingangsdatum."),
        ),
        "agreement_flip_lease_has_end": (
            "end_date",
            _(
                "Een omklapcontract heeft een einddatum: de datum waarop het wordt omgeklapt of beëindigd."
            ),
        ),
        "agreement_support_hours_nonneg": (
            "support_hours_per_week",
            _("Het aantal uur begeleiding kan niet negatief zijn."),
        ),
        "agreement_rent_nonneg": ("monthly_rent", _("De huur kan niet negatief zijn.")),
    }

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="agreements")
    # The agreement this one follows (the ordinary lease after a flip or a tripartite term).
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="successor"
    )
    dwelling = models.ForeignKey("housing.Dwelling", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("afspraakvorm"), max_length=12, choices=AgreementKind.choices)
    state = models.CharField(
        _("status"), max_length=14, choices=AgreementState.choices, default=AgreementState.DRAFT
    )
    lease_holder = models.CharField(
        _("huurder (contractant)"), max_length=14, choices=Party.choices, default=Party.CLIENT
    )
    lease_start = models.DateField(_("ingangsdatum"))
    end_date = models.DateField(_("einddatum"), null=True, blank=True)
    evaluation_on = models.DateField(_("(eerste) evaluatiedatum"), null=True, blank=True)
    monthly_rent = models.DecimalField(_("huur per maand (€)"), max_digits=7, decimal_places=2)

    support_hours_per_week = models.DecimalField(
        _("begeleiding (uur per week)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    contact_person = models.CharField(_("contactpersoon zorgaanbieder"), max_length=150, blank=True)
    contact_phone = models.CharField(_("telefoon contactpersoon"), max_length=30, blank=True)
    conditions = models.JSONField(_("voorwaarden"), default=list, blank=True)
    conditions_text = models.TextField(_("overige afspraken"), max_length=2000, blank=True)
    care_contract_reference = models.CharField(_("kenmerk zorgcontract"), max_length=60, blank=True)
    care_stopped_on = models.DateField(_("zorg gestopt op"), null=True, blank=True)

    version = models.PositiveSmallIntegerField(_("versie"), default=0)
    issued_at = models.DateTimeField(_("aangeboden ter ondertekening op"), null=True, blank=True)
    activated_on = models.DateField(_("getekend door alle partijen op"), null=True, blank=True)
    ended_on = models.DateField(_("beëindigd per"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("afspraak")
        verbose_name_plural = _("afspraken")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AgreementKind.values), name="agreement_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=AgreementState.values), name="agreement_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(lease_holder__in=Party.values), name="agreement_lease_holder_valid"
            ),
            models.UniqueConstraint(
                fields=["dwelling"],
                condition=Q(state__in=_open),
                name="agreement_one_open_per_dwelling",
                violation_error_message=_("Voor deze woning loopt al een afspraak."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=F("lease_start")),
                name="agreement_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(evaluation_on__isnull=True) | Q(evaluation_on__gt=F("lease_start")),
                name="agreement_evaluation_after_start",
            ),
            # A flip lease runs at least a year (the end is checked in months by the service).
            models.CheckConstraint(
                condition=~Q(kind="flip_lease") | Q(end_date__isnull=False),
                name="agreement_flip_lease_has_end",
            ),
            models.CheckConstraint(
                condition=Q(support_hours_per_week__isnull=True) | Q(support_hours_per_week__gte=0),
                name="agreement_support_hours_nonneg",
            ),
            models.CheckConstraint(condition=Q(monthly_rent__gte=0), name="agreement_rent_nonneg"),
        ]
        indexes = [
            models.Index(fields=["state", "end_date"], name="agreement_state_end_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_running(self) -> bool:
        return self.state in RUNNING_STATES

    def condition_labels(self) -> list[str]:
        labels = dict(Condition.choices)
        return [str(labels.get(code, code)) for code in self.conditions]


class AgreementTransition(models.Model):
    """One step on an agreement's timeline (who, when, why, from, to, citing what)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("handeling"), max_length=20)
    from_state = models.CharField(
        _("van"), max_length=14, choices=AgreementState.choices, blank=True
    )
    to_state = models.CharField(_("naar"), max_length=14, choices=AgreementState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("tijdstip"), default=timezone.now)
    reason = models.CharField(_("reden"), max_length=500, blank=True)
    evaluation = models.ForeignKey(
        "Evaluation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What the step set (dates, the signing party): shown on the timeline.
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("statusovergang afspraak")
        verbose_name_plural = _("statusovergangen afspraken")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state or '–'} → {self.to_state}"


class Signature(ConstraintMessages, models.Model):
    """A party's signature on one version of the agreement document (ondertekening)."""

    constraint_messages = {
        "signature_once_per_party": ("party", _("Deze partij heeft deze versie al getekend.")),
    }

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatures")
    version = models.PositiveSmallIntegerField()
    party = models.CharField(_("partij"), max_length=14, choices=Party.choices)
    signed_on = models.DateField(_("getekend op"))
    signed_by_name = models.CharField(_("getekend door (naam)"), max_length=150, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ondertekening")
        verbose_name_plural = _("ondertekeningen")
        ordering = ["agreement", "version", "recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "version", "party"], name="signature_once_per_party"
            ),
            models.CheckConstraint(
                condition=Q(party__in=Party.values), name="signature_party_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} v{self.version} {self.signed_on}"


class AgreementDocument(ConstraintMessages, models.Model):
    """One issued version of the agreement's PDF (document).

    The terms are a snapshot without names: the PDF is rendered on request with the names
    the reader may see, so a stored file never leaks a name to someone the rules exclude.
    """

    constraint_messages = {
        "document_once_per_version": ("version", _("Van deze versie bestaat al een document.")),
    }

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="documents")
    version = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    terms = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documenten")
        ordering = ["agreement", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "version"], name="document_once_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class EvaluationKind(models.TextChoices):
    MIDWAY = "midway", _("tussentijdse evaluatie")
    FINAL = "final", _("eindevaluatie")


class Judgement(models.TextChoices):
    POSITIVE = "positive", _("positief")
    DOUBTFUL = "doubtful", _("twijfel")
    NEGATIVE = "negative", _("negatief")


class Independence(models.TextChoices):
    YES = "yes", _("ja, zelfstandig")
    WITH_SUPPORT = "with_support", _("ja, met begeleiding")
    NO = "no", _("nee")


class RentPayment(models.TextChoices):
    ON_TIME = "on_time", _("op tijd betaald")
    ARRANGED = "arranged", _("achterstand met regeling")
    ARREARS = "arrears", _("achterstand zonder regeling")


class Network(models.TextChoices):
    SUFFICIENT = "sufficient", _("voldoende")
    LIMITED = "limited", _("beperkt")
    ABSENT = "absent", _("afwezig")


# More than this many nuisance reports between two evaluations is a typing error.
NUISANCE_REPORTS_MAX = 500


class Evaluation(ConstraintMessages, models.Model):
    """A scheduled and then held evaluation (evaluatie) of an agreement.

    Recorded by one party (care provider or corporation) and confirmed by the other: only a
    confirmed positive evaluation lets a flip lease flip or a tripartite agreement become an
    ordinary lease. A decision that cites it marks it used (`decision`).
    """

    constraint_messages = {
        "evaluation_held_has_judgement": (
            "judgement",
            _("Een gehouden evaluatie heeft een oordeel."),
        ),
        "evaluation_four_eyes": (
            "confirmed_by",
            _("Een ander dan wie de evaluatie vastlegde, bevestigt haar (vier ogen)."),
        ),
        "evaluation_confirm_after_held": (
            "confirmed_by",
            _("Een evaluatie wordt pas bevestigd als ze is gehouden."),
        ),
    }

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="evaluations")
    kind = models.CharField(_("soort"), max_length=8, choices=EvaluationKind.choices)
    due_on = models.DateField(_("gepland op"))
    held_on = models.DateField(_("gehouden op"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_party = models.CharField(max_length=14, choices=Party.choices, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    living_independently = models.CharField(
        _("woont zelfstandig"), max_length=14, choices=Independence.choices, blank=True
    )
    rent_paid = models.CharField(
        _("huur betaald"), max_length=10, choices=RentPayment.choices, blank=True
    )
    nuisance_reports = models.PositiveSmallIntegerField(
        _("overlastmeldingen"), default=0, validators=[MaxValueValidator(NUISANCE_REPORTS_MAX)]
    )
    care_continuing = models.BooleanField(_("begeleiding loopt door"), null=True)
    social_network = models.CharField(
        _("sociaal netwerk"), max_length=10, choices=Network.choices, blank=True
    )
    judgement = models.CharField(
        _("eindoordeel"), max_length=10, choices=Judgement.choices, blank=True
    )
    notes = models.TextField(_("toelichting"), max_length=4000, blank=True)
    # Set when a flip, extension, conversion or end cites this evaluation (cited once).
    decision = models.CharField(max_length=20, blank=True)
    cancelled = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("evaluatie")
        verbose_name_plural = _("evaluaties")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EvaluationKind.values), name="evaluation_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(held_on__isnull=True) | ~Q(judgement=""),
                name="evaluation_held_has_judgement",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=F("recorded_by")),
                name="evaluation_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | Q(held_on__isnull=False),
                name="evaluation_confirm_after_held",
            ),
        ]
        indexes = [
            models.Index(fields=["held_on", "due_on"], name="evaluation_open_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on}"

    @property
    def is_held(self) -> bool:
        return self.held_on is not None

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_by_id is not None

    @property
    def is_positive(self) -> bool:
        """Positive by both parties: recorded positive and confirmed by the other party."""
        return self.is_held and self.is_confirmed and self.judgement == Judgement.POSITIVE


class WelcomeTalk(models.Model):
    """The welcome talk (welkomstgesprek) with the new tenant: date, who, notes."""

    placement = models.OneToOneField(
        Placement, on_delete=models.CASCADE, related_name="welcome_talk"
    )
    held_on = models.DateField(_("datum"))
    participants = models.CharField(_("wie waren erbij"), max_length=300)
    notes = models.TextField(_("notities"), max_length=4000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("welkomstgesprek")
        verbose_name_plural = _("welkomstgesprekken")

    def __str__(self) -> str:
        return f"welkomstgesprek {self.placement_id}"
