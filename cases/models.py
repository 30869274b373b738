"""Cases: outflowing clients (uitstromers), their care-only record, shared housing profile,
consent, lifecycle history, and the yearly affordable-allocation (passend toewijzen) table.

The privacy split is structural: `CareRecord` and `ClientNote` hold what never leaves the
care provider (encrypted at rest); `HousingProfile` holds what the board parties may see
once the client has valid consent. Nothing outside `cases` reads these models directly:
other apps use `cases.selectors` (e.g. `shared_profiles_for_board`).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.constraints import ConstraintMessages

from .fields import EncryptedCharField, EncryptedDateField, EncryptedTextField

REFERENCE_REGEX = r"^WB-[0-9]{4}-[0-9]{5}$"


class ClientStatus(models.TextChoices):
    DRAFT = "draft", _("concept")
    READY = "ready", _("uitstroomklaar")
    ON_BOARD = "on_board", _("aan tafel")
    MATCHED = "matched", _("gekoppeld")
    HOUSED = "housed", _("gehuisvest")
    FOLLOW_UP = "follow_up", _("nazorg")
    CLOSED = "closed", _("afgesloten")
    PAUSED = "paused", _("gepauzeerd")
    WITHDRAWN = "withdrawn", _("teruggetrokken")


# Statuses in which the shared profile is visible to the board parties (with valid consent).
SHARED_STATUSES = frozenset({ClientStatus.READY, ClientStatus.ON_BOARD, ClientStatus.MATCHED})

# Bounds that fit both the columns and the domain (a household for one dwelling; a monthly
# income well above the affordable-allocation limits; the highest Dutch residential floors).
# The services check them with a Dutch message per field; the constraints are the last line.
ADULTS_MAX = 12
CHILDREN_MAX = 15
MONTHLY_INCOME_MAX = 50_000
FLOOR_MAX = 50
BIRTH_YEAR_MIN = 1900
MOVE_YEARS_AHEAD = 3


class TargetGroup(models.TextChoices):
    GGZ = "ggz", _("GGZ (geestelijke gezondheidszorg)")
    MO = "mo", _("MO (maatschappelijke opvang)")
    BW = "bw", _("BW (beschermd wonen)")
    LVB = "lvb", _("LVB-zorg")
    OTHER = "other", _("anders")


class AgreementType(models.TextChoices):
    FLIP_LEASE = "flip_lease", _("omklapcontract")
    TRIPARTITE = "tripartite", _("tripartiete overeenkomst")
    TRIANGLE = "triangle", _("driehoekscontract")
    ORDINARY = "ordinary", _("regulier huurcontract")


class Client(ConstraintMessages, models.Model):
    """An outflowing client (uitstromer), owned by one care provider.

    Outside the owning care provider the client is known only by `reference`, a random
    pseudonym (`WB-<year>-<5 digits>`) that is never derived from personal data.
    """

    constraint_messages = {
        "client_reference_format": (
            "reference",
            _("Een cliëntnummer ziet eruit als WB-2026-00001."),
        ),
        "client_ready_since_when_ready": (
            "status",
            _("Een uitstroomklare cliënt heeft een datum waarop hij uitstroomklaar werd."),
        ),
    }

    reference = models.CharField(_("referentie"), max_length=13, unique=True, editable=False)
    care_provider = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("zorgaanbieder"),
        on_delete=models.PROTECT,
        related_name="clients",
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("zorgcoördinator"),
        on_delete=models.PROTECT,
        related_name="coordinated_clients",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ClientStatus.choices, default=ClientStatus.DRAFT
    )
    # Where `resume` returns to after a pause (the status the client was paused from).
    status_before_pause = models.CharField(max_length=16, choices=ClientStatus.choices, blank=True)
    registered_at = models.DateTimeField(_("geregistreerd op"), default=timezone.now)
    ready_since = models.DateTimeField(_("uitstroomklaar sinds"), null=True, blank=True)
    housed_on = models.DateField(_("gehuisvest op"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status gewijzigd op"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    updated_at = models.DateTimeField(_("bijgewerkt op"), auto_now=True)
    # Retention (cases.rights.retention): when the personal and care-only data were removed,
    # and when the contract data kept for the legal period after that. The pseudonym, the
    # statuses and the dates stay, so the monitor's numbers keep counting the case.
    anonymised_at = models.DateTimeField(_("geanonimiseerd op"), null=True, blank=True)
    contract_anonymised_at = models.DateTimeField(
        _("contractgegevens geanonimiseerd op"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("cliënt")
        verbose_name_plural = _("cliënten")
        ordering = ["registered_at", "id"]
        permissions = [("coordinate_client", "Is the coordinator of this client")]
        constraints = [
            models.CheckConstraint(
                condition=Q(reference__regex=REFERENCE_REGEX), name="client_reference_format"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ClientStatus.values), name="client_status_valid"
            ),
            # Waiting since "ready" only exists once the client has been ready.
            models.CheckConstraint(
                condition=~Q(status__in=sorted(s.value for s in SHARED_STATUSES))
                | Q(ready_since__isnull=False),
                name="client_ready_since_when_ready",
            ),
        ]
        indexes = [
            models.Index(fields=["care_provider", "status"], name="client_provider_status_idx"),
            models.Index(fields=["care_provider", "registered_at"], name="client_provider_reg_idx"),
        ]

    def __str__(self) -> str:
        return self.reference


class ClientRights(Client):
    """The client as the subject of its privacy rights (inzage in wie het dossier zag, een
    kopie van de gegevens): a proxy with its own policy, so the provider's privacy officer can
    answer a request for any of its clients without gaining the coordinator's access to the
    client pages (`cases.permissions.ClientRightsPolicy`)."""

    class Meta:
        proxy = True
        verbose_name = _("cliënt (privacyrechten)")
        verbose_name_plural = _("cliënten (privacyrechten)")


class CareRecord(models.Model):
    """Care-only data (zorgdossier): never shown outside the owning care provider; encrypted."""

    client = models.OneToOneField(
        Client, on_delete=models.CASCADE, related_name="care", primary_key=True
    )
    full_name = EncryptedCharField(_("naam"), max_length=150, blank=True, default="")
    date_of_birth = EncryptedDateField(_("geboortedatum"), null=True, blank=True)
    phone = EncryptedCharField(_("telefoonnummer"), max_length=30, blank=True, default="")
    email = EncryptedCharField(_("e-mailadres"), max_length=254, blank=True, default="")
    contact_details = EncryptedTextField(_("overige contactgegevens"), blank=True, default="")
    care_history = EncryptedTextField(_("samenvatting zorggeschiedenis"), blank=True, default="")
    exclusion_reasons = EncryptedTextField(
        _("redenen voor uitgesloten buurten"), blank=True, default=""
    )

    class Meta:
        verbose_name = _("zorgdossier")
        verbose_name_plural = _("zorgdossiers")

    def __str__(self) -> str:
        return f"zorgdossier {self.client_id}"


class ClientNote(models.Model):
    """An internal note by the care team (interne notitie): care-only, encrypted, append-only."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("geschreven op"), default=timezone.now)
    body = EncryptedTextField(_("notitie"))

    class Meta:
        verbose_name = _("interne notitie")
        verbose_name_plural = _("interne notities")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"notitie {self.pk}"


class UrgencyReason(models.TextChoices):
    """Why a client was declared urgent (urgentiegrond); the category only, never the story."""

    HOMELESS = "homeless", _("dakloos of dreigend dakloos")
    DISCHARGE = "discharge", _("uitstroom met vaste einddatum (bed of plek vervalt)")
    SAFETY = "safety", _("veiligheid (bijvoorbeeld huiselijk geweld)")
    MEDICAL = "medical", _("medische of psychische noodzaak")
    OTHER = "other", _("andere grond")


class UrgencyDecidedBy(models.TextChoices):
    """Who took the urgency decision (a body, not a person's name)."""

    MUNICIPALITY = "municipality", _("gemeente (urgentiecommissie)")
    BOARD = "board", _("plaatsingstafel")
    CARE_PROVIDER = "care_provider", _("zorgaanbieder")
    CORPORATION = "corporation", _("woningcorporatie")


class HousingProfile(ConstraintMessages, models.Model):
    """The shared housing profile (woonprofiel): minimised; the board parties may see the
    projection in `selectors.shared_profile_data` once the client has valid consent.

    `monthly_income` is stored here for the rent calculation, but it is not shared: other
    parties see only whether the household is within the affordable-allocation income
    limit and the resulting maximum rent.
    """

    constraint_messages = {
        "profile_counts_within_bounds": (
            "adults",
            _(
                "Een aantal ligt buiten de grenzen: 1 tot 12 volwassenen, 0 tot 15 kinderen, "
                "een inkomen tot € 50.000 per maand en een verdieping tot en met 50."
            ),
        ),
        "profile_at_least_one_adult": (
            "adults",
            _("Een huishouden heeft minstens één volwassene."),
        ),
        "profile_support_hours_not_negative": (
            "support_hours_per_week",
            _("Het aantal uur begeleiding kan niet negatief zijn."),
        ),
    }

    client = models.OneToOneField(
        Client, on_delete=models.CASCADE, related_name="profile", primary_key=True
    )
    adults = models.PositiveSmallIntegerField(
        _("volwassenen"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(ADULTS_MAX)],
    )
    children = models.PositiveSmallIntegerField(
        _("kinderen"), default=0, validators=[MaxValueValidator(CHILDREN_MAX)]
    )
    monthly_income = models.PositiveIntegerField(
        _("bruto huishoudinkomen per maand (€)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MONTHLY_INCOME_MAX)],
    )
    step_free = models.BooleanField(_("drempelvrij"), default=False)
    ground_floor_or_lift = models.BooleanField(_("begane grond of lift"), default=False)
    wheelchair = models.BooleanField(_("rolstoeltoegankelijk"), default=False)
    max_floor = models.PositiveSmallIntegerField(
        _("hoogste verdieping"), null=True, blank=True, validators=[MaxValueValidator(FLOOR_MAX)]
    )
    preferred_municipalities = models.ManyToManyField(
        "housing.Municipality", verbose_name=_("voorkeursgemeenten"), blank=True, related_name="+"
    )
    preferred_districts = models.ManyToManyField(
        "housing.District", verbose_name=_("voorkeurswijken"), blank=True, related_name="+"
    )
    excluded_neighbourhoods = models.ManyToManyField(
        "housing.Neighbourhood", verbose_name=_("uitgesloten buurten"), blank=True, related_name="+"
    )
    support_hours_per_week = models.DecimalField(
        _("begeleiding (uur per week)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    support_team_district = models.ForeignKey(
        "housing.District",
        verbose_name=_("werkgebied begeleidingsteam"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    agreement_type = models.CharField(
        _("gewenste afspraakvorm"), max_length=16, choices=AgreementType.choices, blank=True
    )
    target_group = models.CharField(
        _("doelgroep"), max_length=8, choices=TargetGroup.choices, blank=True
    )
    earliest_move_date = models.DateField(_("vroegste verhuisdatum"), null=True, blank=True)
    pets = models.BooleanField(_("huisdier(en)"), default=False)
    pets_description = models.CharField(_("welke huisdieren"), max_length=100, blank=True)
    note_for_corporation = models.TextField(
        _("korte toelichting voor de corporatie"), max_length=500, blank=True
    )
    # Urgency statement (urgentieverklaring): all four or none. The board's priority puts a
    # client with a statement valid on the meeting date first; others see that it holds, by
    # whom and until when, never the reason.
    urgency_reason = models.CharField(
        _("urgentiegrond"), max_length=16, choices=UrgencyReason.choices, blank=True
    )
    urgency_decided_by = models.CharField(
        _("urgentie besloten door"), max_length=16, choices=UrgencyDecidedBy.choices, blank=True
    )
    urgency_decided_on = models.DateField(_("urgentie besloten op"), null=True, blank=True)
    urgency_valid_until = models.DateField(_("urgentie geldig tot en met"), null=True, blank=True)
    updated_at = models.DateTimeField(_("bijgewerkt op"), auto_now=True)

    class Meta:
        verbose_name = _("woonprofiel")
        verbose_name_plural = _("woonprofielen")
        constraints = [
            models.CheckConstraint(condition=Q(adults__gte=1), name="profile_at_least_one_adult"),
            models.CheckConstraint(
                condition=Q(adults__lte=ADULTS_MAX)
                & Q(children__lte=CHILDREN_MAX)
                & (Q(monthly_income__isnull=True) | Q(monthly_income__lte=MONTHLY_INCOME_MAX))
                & (Q(max_floor__isnull=True) | Q(max_floor__lte=FLOOR_MAX)),
                name="profile_counts_within_bounds",
            ),
            models.CheckConstraint(
                condition=Q(support_hours_per_week__isnull=True) | Q(support_hours_per_week__gte=0),
                name="profile_support_hours_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(agreement_type="") | Q(agreement_type__in=AgreementType.values),
                name="profile_agreement_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(target_group="") | Q(target_group__in=TargetGroup.values),
                name="profile_target_group_valid",
            ),
            models.CheckConstraint(
                condition=(
                    Q(urgency_reason="", urgency_decided_by="")
                    & Q(urgency_decided_on__isnull=True, urgency_valid_until__isnull=True)
                )
                | (
                    Q(urgency_reason__in=UrgencyReason.values)
                    & Q(urgency_decided_by__in=UrgencyDecidedBy.values)
                    & Q(urgency_decided_on__isnull=False, urgency_valid_until__isnull=False)
                    & Q(urgency_valid_until__gte=F("urgency_decided_on"))
                ),
                name="profile_urgency_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"woonprofiel {self.client_id}"

    @property
    def household_size(self) -> int:
        return self.adults + self.children

    def urgent_on(self, day: datetime.date) -> bool:
        """The urgency statement holds on `day` (decided on or before it, valid through it)."""
        return bool(
            self.urgency_valid_until
            and self.urgency_decided_on
            and self.urgency_decided_on <= day <= self.urgency_valid_until
        )


class LegalBasis(models.TextChoices):
    EXPLICIT_CONSENT = (
        "explicit_consent",
        _("uitdrukkelijke toestemming van de cliënt (AVG art. 6 lid 1a, 9 lid 2a)"),
    )
    REPRESENTATIVE = "representative", _("toestemming van wettelijk vertegenwoordiger of mentor")


class ConsentScope(models.TextChoices):
    SHARE_PROFILE_WITH_BOARD = (
        "share_profile_with_board",
        _("woonprofiel delen met de partijen aan de plaatsingstafel"),
    )


class ConsentEndReason(models.TextChoices):
    WITHDRAWN = "withdrawn", _("ingetrokken")
    EXPIRED = "expired", _("verlopen")
    SUPERSEDED = "superseded", _("vervangen door nieuwe toestemming")


class Consent(ConstraintMessages, models.Model):
    """Consent (toestemming) to share the housing profile. Valid when not ended and today
    lies between `given_on` and `valid_until`; every read path checks that, so an expired
    consent counts as absent before the nightly task has marked it ended.
    """

    constraint_messages = {
        "consent_valid_after_given": (
            "valid_until",
            _("De einddatum van de toestemming ligt niet vóór de datum waarop die is gegeven."),
        ),
        "consent_one_open_per_client": (
            "client",
            _(
                "Deze cliënt heeft al een lopende toestemming; trek die eerst in of laat die verlopen."
            ),
        ),
        "consent_end_reason_with_end": (
            "end_reason",
            _("Een beëindigde toestemming heeft een reden van beëindiging, een lopende niet."),
        ),
    }

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consents")
    legal_basis = models.CharField(_("grondslag"), max_length=32, choices=LegalBasis.choices)
    text_version = models.CharField(_("versie van de toestemmingstekst"), max_length=40)
    scope = models.CharField(
        _("reikwijdte"),
        max_length=32,
        choices=ConsentScope.choices,
        default=ConsentScope.SHARE_PROFILE_WITH_BOARD,
    )
    given_on = models.DateField(_("gegeven op"))
    valid_until = models.DateField(_("geldig tot en met"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vastgelegd door"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("vastgelegd op"), default=timezone.now)
    ended_at = models.DateTimeField(_("beëindigd op"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    end_reason = models.CharField(
        _("reden beëindiging"), max_length=16, choices=ConsentEndReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("toestemming")
        verbose_name_plural = _("toestemmingen")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("given_on")), name="consent_valid_after_given"
            ),
            # At most one consent per client is in force (not ended) at a time.
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(ended_at__isnull=True),
                name="consent_one_open_per_client",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, end_reason="")
                | Q(ended_at__isnull=False) & ~Q(end_reason=""),
                name="consent_end_reason_with_end",
            ),
        ]

    def __str__(self) -> str:
        return f"toestemming {self.pk} ({self.client_id})"

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.ended_at is None and self.given_on <= day <= self.valid_until


class ClientTransition(models.Model):
    """One step in a client's lifecycle (statusovergang): who, when, why, from, to."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("handeling"), max_length=32)
    from_status = models.CharField(
        _("van"), max_length=16, choices=ClientStatus.choices, blank=True
    )
    to_status = models.CharField(_("naar"), max_length=16, choices=ClientStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    at = models.DateTimeField(_("tijdstip"), default=timezone.now)
    reason = models.CharField(_("reden"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("statusovergang")
        verbose_name_plural = _("statusovergangen")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_status or '–'} → {self.to_status}"


class RentLimit(ConstraintMessages, models.Model):
    """The yearly figures for affordable allocation (passend toewijzen), in euros.

    Rent caps are per month (huurgrenzen); income limits per year (inkomensgrenzen passend
    toewijzen, below the state-pension age). Each row names its source.
    """

    constraint_messages = {
        "rentlimit_caps_ordered": (
            "capping_limit_low",
            _(
                "De huurgrenzen lopen op: kwaliteitskortingsgrens ≤ lage aftoppingsgrens ≤ hoge aftoppingsgrens ≤ liberalisatiegrens."
            ),
        ),
        "rentlimit_income_ordered": (
            "income_limit_single",
            _(
                "De inkomensgrens voor eenpersoonshuishoudens ligt niet boven die voor meerpersoonshuishoudens."
            ),
        ),
    }

    year = models.PositiveSmallIntegerField(_("jaar"), unique=True)
    quality_discount_limit = models.DecimalField(
        _("kwaliteitskortingsgrens"), max_digits=7, decimal_places=2
    )
    capping_limit_low = models.DecimalField(
        _("aftoppingsgrens laag (1–2 personen)"), max_digits=7, decimal_places=2
    )
    capping_limit_high = models.DecimalField(
        _("aftoppingsgrens hoog (3 of meer personen)"), max_digits=7, decimal_places=2
    )
    liberalisation_limit = models.DecimalField(
        _("maximale huurgrens sociale huur (liberalisatiegrens)"), max_digits=7, decimal_places=2
    )
    income_limit_single = models.PositiveIntegerField(
        _("inkomensgrens eenpersoonshuishouden (per jaar)")
    )
    income_limit_multi = models.PositiveIntegerField(
        _("inkomensgrens meerpersoonshuishouden (per jaar)")
    )
    source = models.CharField(_("bron"), max_length=300)

    class Meta:
        verbose_name = _("huur- en inkomensgrenzen")
        verbose_name_plural = _("huur- en inkomensgrenzen")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quality_discount_limit__lte=F("capping_limit_low"))
                & Q(capping_limit_low__lte=F("capping_limit_high"))
                & Q(capping_limit_high__lte=F("liberalisation_limit")),
                name="rentlimit_caps_ordered",
            ),
            models.CheckConstraint(
                condition=Q(income_limit_single__lte=F("income_limit_multi")),
                name="rentlimit_income_ordered",
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)
