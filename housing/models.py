"""Housing: geography, neighbourhood indicators, complexes, stairwells and dwellings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import validation
from accounts.constraints import ConstraintMessages

# CBS codes: the municipality's 4 digits, then 2 (wijk) and 2 more (buurt) characters. Since the
# 2022 indeling those characters may be capital letters (Amsterdam: WK0363AA, BU0363AA01).
MUNICIPALITY_CODE_REGEX = r"^GM[0-9]{4}$"
DISTRICT_CODE_REGEX = r"^WK[0-9]{4}[0-9A-Z]{2}$"
NEIGHBOURHOOD_CODE_REGEX = r"^BU[0-9]{4}[0-9A-Z]{4}$"


class Municipality(ConstraintMessages, models.Model):
    """A municipality by its CBS code (gemeente, ``GM`` + 4 digits)."""

    constraint_messages = {
        "municipality_code_format": (
            "code",
            _("Een gemeentecode is GM gevolgd door vier cijfers, bijvoorbeeld GM0599."),
        ),
    }

    code = models.CharField(_("CBS-code"), max_length=6, unique=True)
    name = models.CharField(_("naam"), max_length=100)
    region = models.ForeignKey(
        "accounts.Region",
        verbose_name=_("regio"),
        on_delete=models.PROTECT,
        related_name="municipalities",
    )
    # The municipality organisation that governs it (sets its capacity weights); optional.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("gemeentelijke organisatie"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="governed_municipalities",
    )

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=MUNICIPALITY_CODE_REGEX), name="municipality_code_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class District(ConstraintMessages, models.Model):
    """A district by its CBS code (wijk, ``WK`` + 4 digits + 2 digits or letters)."""

    constraint_messages = {
        "district_code_format": (
            "code",
            _(
                "Een wijkcode is WK gevolgd door vier cijfers en twee cijfers of hoofdletters, bijvoorbeeld WK059901 of WK0363AA."
            ),
        ),
    }

    code = models.CharField(_("CBS-code"), max_length=8, unique=True)
    name = models.CharField(_("naam"), max_length=100)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("gemeente"),
        on_delete=models.PROTECT,
        related_name="districts",
    )

    class Meta:
        verbose_name = _("wijk")
        verbose_name_plural = _("wijken")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=DISTRICT_CODE_REGEX), name="district_code_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Neighbourhood(ConstraintMessages, models.Model):
    """A neighbourhood by its CBS code (buurt, ``BU`` + 4 digits + 4 digits or letters), optionally
    with its boundary.

    ``boundary`` holds a GeoJSON geometry (Polygon or MultiPolygon, WGS84 lon/lat).
    """

    constraint_messages = {
        "neighbourhood_code_format": (
            "code",
            _(
                "Een buurtcode is BU gevolgd door vier cijfers en vier cijfers of hoofdletters, bijvoorbeeld BU05990101 of BU0363AA01."
            ),
        ),
    }

    code = models.CharField(_("CBS-code"), max_length=10, unique=True)
    name = models.CharField(_("naam"), max_length=100)
    district = models.ForeignKey(
        District,
        verbose_name=_("wijk"),
        on_delete=models.PROTECT,
        related_name="neighbourhoods",
    )
    boundary = models.JSONField(_("grens (GeoJSON)"), null=True, blank=True)

    class Meta:
        verbose_name = _("buurt")
        verbose_name_plural = _("buurten")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=NEIGHBOURHOOD_CODE_REGEX), name="neighbourhood_code_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class NeighbourhoodIndicator(ConstraintMessages, models.Model):
    """One year of a neighbourhood's figures (buurtindicatoren); every year is kept for trends.

    Shares are percentages (0–100). The Leefbaarometer class runs from 1 ("zeer onvoldoende")
    to 9 ("uitstekend"); its five dimension scores are deviations from the national average
    as the Leefbaarometer publishes them (negative is worse), between -1 and 1.

    Every figure may be unknown (NULL): public files suppress small numbers and publish some
    figures a year late, and no public file has the LVB or psychiatric shares per buurt. An
    unknown figure stays unknown; the capacity model names it as missing (`housing.capacity`).
    `sources` says per field where the value came from (file name or "handmatig").
    """

    constraint_messages = {
        "indicator_one_per_year": (
            "year",
            _("Voor deze buurt zijn de indicatoren van dit jaar er al."),
        ),
        "indicator_year_range": ("year", _("Het jaar ligt tussen 2000 en 2100.")),
        "indicator_liveability_class_1_9": (
            "liveability_class",
            _("De Leefbaarometer-klasse is een getal van 1 tot en met 9."),
        ),
        "indicator_corporation_share_pct": (
            "corporation_share",
            _("Een aandeel ligt tussen 0 en 100%."),
        ),
        "indicator_lvb_share_pct": ("lvb_share", _("Een aandeel ligt tussen 0 en 100%.")),
        "indicator_welfare_share_pct": ("welfare_share", _("Een aandeel ligt tussen 0 en 100%.")),
        "indicator_psychiatric_share_pct": (
            "psychiatric_share",
            _("Een aandeel ligt tussen 0 en 100%."),
        ),
        "indicator_nuisance_index_nonneg": (
            "nuisance_index",
            _("De overlastindex kan niet negatief zijn."),
        ),
    }

    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("buurt")
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    population = models.PositiveIntegerField(_("aantal inwoners"), null=True, blank=True)
    homes = models.PositiveIntegerField(_("aantal woningen"), null=True, blank=True)
    corporation_share = models.DecimalField(
        _("aandeel corporatiewoningen (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    liveability_score = models.DecimalField(
        _("Leefbaarometer-score (lbm)"), max_digits=6, decimal_places=4, null=True, blank=True
    )
    liveability_class = models.PositiveSmallIntegerField(
        _("Leefbaarometer-klasse (1–9)"), null=True, blank=True
    )
    dimension_housing = models.DecimalField(
        _("dimensie woningvoorraad"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    dimension_physical = models.DecimalField(
        _("dimensie fysieke omgeving"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    dimension_amenities = models.DecimalField(
        _("dimensie voorzieningen"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    dimension_social = models.DecimalField(
        _("dimensie sociale samenhang"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    dimension_nuisance = models.DecimalField(
        _("dimensie overlast en onveiligheid"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
    )
    lvb_share = models.DecimalField(
        _("aandeel LVB (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    welfare_share = models.DecimalField(
        _("aandeel bijstand (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    psychiatric_share = models.DecimalField(
        _("aandeel psychische problematiek (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    nuisance_index = models.DecimalField(
        _("overlastmeldingen per 1.000 inwoners"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
    )
    sources = models.JSONField(_("herkomst per gegeven"), default=dict, blank=True)
    imported_at = models.DateTimeField(_("geïmporteerd op"), auto_now=True)

    class Meta:
        verbose_name = _("buurtindicatoren")
        verbose_name_plural = _("buurtindicatoren")
        ordering = ["neighbourhood__code", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["neighbourhood", "year"], name="indicator_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="indicator_year_range"
            ),
            models.CheckConstraint(
                condition=Q(liveability_class__isnull=True)
                | Q(liveability_class__gte=1, liveability_class__lte=9),
                name="indicator_liveability_class_1_9",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{f}__isnull": True}) | Q(**{f"{f}__gte": 0, f"{f}__lte": 100}),
                    name=f"indicator_{f}_pct",
                )
                for f in ("corporation_share", "lvb_share", "welfare_share", "psychiatric_share")
            ],
            models.CheckConstraint(
                condition=Q(nuisance_index__isnull=True) | Q(nuisance_index__gte=0),
                name="indicator_nuisance_index_nonneg",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.neighbourhood_id} {self.year}"


class CapacityWeights(models.Model):
    """A municipality's weights and thresholds for the carrying-capacity score (draagkrachtmodel).

    Absent a row, `housing.capacity.DEFAULT_WEIGHTS` apply. Every change is recorded in
    `CapacityWeightsChange` (who changed what, when).
    """

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="capacity_weights"
    )
    values = models.JSONField(_("gewichten en drempels"), default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("draagkrachtmodel")
        verbose_name_plural = _("draagkrachtmodellen")

    def __str__(self) -> str:
        return f"{self.municipality}"


class CapacityWeightsChange(models.Model):
    """One change to a municipality's carrying-capacity weights (history)."""

    weights = models.ForeignKey(CapacityWeights, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    # {"name": [old, new], ...}
    diff = models.JSONField(default=dict)
    reason = models.CharField(_("toelichting"), max_length=300, blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.weights_id} {self.changed_at:%Y-%m-%d}"


class Complex(ConstraintMessages, models.Model):
    """A building or group of buildings owned by one corporation (complex)."""

    constraint_messages = {
        "complex_code_per_corporation": (
            "code",
            _("Uw corporatie heeft al een complex met deze code."),
        ),
    }

    corporation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="complexes",
        verbose_name=_("corporatie"),
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, related_name="complexes", verbose_name=_("buurt")
    )
    code = models.CharField(_("complexnummer"), max_length=30)
    name = models.CharField(_("naam"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("complex")
        verbose_name_plural = _("complexen")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["corporation", "code"], name="complex_code_per_corporation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def active_stop(self, today: date | None = None) -> ComplexStop | None:
        today = today or timezone.localdate()
        for stop in self.stops.all():  # prefetched on list pages
            if stop.is_active(today):
                return stop
        return None


class ComplexStop(models.Model):
    """The board closes a complex to placements for a while (plaatsingsstop), with a reason."""

    complex = models.ForeignKey(Complex, on_delete=models.CASCADE, related_name="stops")
    reason = models.CharField(_("reden"), max_length=300)
    until = models.DateField(_("tot en met"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("plaatsingsstop")
        verbose_name_plural = _("plaatsingsstops")
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"stop {self.complex_id} t/m {self.until}"

    def is_active(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.lifted_at is None and self.until >= today


class Stairwell(ConstraintMessages, models.Model):
    """The homes that share one entrance (portiek), with a limit on vulnerable households.

    Groningen practice: "no more than one vulnerable household per stairwell" is the default.
    The board sets the limit; the corporation records how many live there now.
    """

    constraint_messages = {
        "stairwell_name_per_complex": (
            "name",
            _("Dit complex heeft al een portiek met deze naam."),
        ),
    }

    complex = models.ForeignKey(Complex, on_delete=models.CASCADE, related_name="stairwells")
    name = models.CharField(_("naam of ingang"), max_length=120)
    max_vulnerable = models.PositiveSmallIntegerField(_("maximum kwetsbare huishoudens"), default=1)
    current_vulnerable = models.PositiveSmallIntegerField(_("kwetsbare huishoudens nu"), default=0)
    limit_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    limit_set_at = models.DateTimeField(null=True, blank=True)
    count_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("portiek")
        verbose_name_plural = _("portieken")
        ordering = ["complex_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["complex", "name"], name="stairwell_name_per_complex"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_room(self) -> bool:
        return self.current_vulnerable < self.max_vulnerable


class DwellingStatus(models.TextChoices):
    DRAFT = "draft", _("concept")
    OFFERED = "offered", _("aangeboden aan de tafel")
    RESERVED = "reserved", _("gereserveerd")
    LET = "let", _("verhuurd")
    WITHDRAWN = "withdrawn", _("ingetrokken")


# Statuses in which a dwelling is "on the board": visible to the region's other parties.
BOARD_STATUSES = (DwellingStatus.OFFERED, DwellingStatus.RESERVED)


class DwellingType(models.TextChoices):
    PORCH_FLAT = "porch_flat", _("portiekflat")
    GALLERY_FLAT = "gallery_flat", _("galerijflat")
    APARTMENT = "apartment", _("appartement met lift")
    GROUND_FLOOR = "ground_floor", _("benedenwoning")
    UPPER_FLOOR = "upper_floor", _("bovenwoning")
    HOUSE = "house", _("eengezinswoning")
    STUDIO = "studio", _("studio")
    ROOM = "room", _("kamer")


POSTCODE_REGEX = r"^[1-9][0-9]{3}[A-Z]{2}$"


def format_postcode(value: str) -> str:
    """A Dutch postcode as people write it: four digits, a space, two capitals."""
    compact = (value or "").replace(" ", "").upper()
    return f"{compact[:4]} {compact[4:]}" if len(compact) == 6 else compact


# Bounds of a dwelling's numbers: what Dutch rented homes are (the tallest residential tower has
# about 50 floors; a room count over 20 or an area over 1,000 m² is a typing error).
DWELLING_NUMBER_MAX = 99_999
DWELLING_FLOOR_MIN, DWELLING_FLOOR_MAX = -2, 60
DWELLING_ROOMS_MAX = 20
DWELLING_AREA_MIN, DWELLING_AREA_MAX = 5, 1_000
DWELLING_RENT_MAX = 10_000


class Dwelling(ConstraintMessages, models.Model):
    """A vacating dwelling a corporation can offer to the board (vrijkomende woning)."""

    constraint_messages = {
        "dwelling_reference_per_corporation": (
            "reference",
            _("Uw corporatie heeft al een woning met deze referentie."),
        ),
        "dwelling_rent_nonneg": ("net_rent", _("De huur kan niet negatief zijn.")),
        "dwelling_service_costs_nonneg": (
            "service_costs",
            _("De servicekosten kunnen niet negatief zijn."),
        ),
        "dwelling_postcode_format": ("postcode", _("Geen geldige postcode (1234 AB).")),
        "dwelling_bedrooms_le_rooms": (
            "bedrooms",
            _(
                "Een woning heeft niet meer slaapkamers dan kamers; tel de slaapkamers mee bij de kamers."
            ),
        ),
        "dwelling_stairwell_needs_complex": (
            "stairwell",
            _("Kies eerst het complex waar deze portiek bij hoort."),
        ),
        "dwelling_number_range": (
            "number",
            _("Een huisnummer ligt tussen 1 en 99.999."),
        ),
        "dwelling_floor_range": (
            "floor",
            _("Een verdieping ligt tussen -2 (kelder) en 60."),
        ),
        "dwelling_rooms_range": (
            "rooms",
            _("Een woning heeft 1 tot en met 20 kamers."),
        ),
        "dwelling_living_area_range": (
            "living_area",
            _("De woonoppervlakte ligt tussen 5 en 1.000 m²."),
        ),
    }

    corporation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="dwellings",
        verbose_name=_("corporatie"),
    )
    reference = models.CharField(_("referentie"), max_length=40)
    street = models.CharField(_("straat"), max_length=120)
    number = models.PositiveIntegerField(
        _("huisnummer"), validators=[MinValueValidator(1), MaxValueValidator(DWELLING_NUMBER_MAX)]
    )
    suffix = models.CharField(_("toevoeging"), max_length=10, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6)
    city = models.CharField(_("plaats"), max_length=80)
    # The BAG verblijfsobject id (16 digits), when the corporation's export carries it.
    bag_id = models.CharField(_("BAG-verblijfsobject"), max_length=16, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, related_name="dwellings", verbose_name=_("buurt")
    )
    complex = models.ForeignKey(
        Complex,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dwellings",
        verbose_name=_("complex"),
    )
    stairwell = models.ForeignKey(
        Stairwell,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dwellings",
        verbose_name=_("portiek"),
    )
    dwelling_type = models.CharField(_("type"), max_length=20, choices=DwellingType.choices)
    floor = models.SmallIntegerField(
        _("verdieping"),
        default=0,
        validators=[MinValueValidator(DWELLING_FLOOR_MIN), MaxValueValidator(DWELLING_FLOOR_MAX)],
    )
    has_lift = models.BooleanField(_("lift"), default=False)
    rooms = models.PositiveSmallIntegerField(
        _("kamers"), validators=[MinValueValidator(1), MaxValueValidator(DWELLING_ROOMS_MAX)]
    )
    bedrooms = models.PositiveSmallIntegerField(_("slaapkamers"))
    living_area = models.PositiveSmallIntegerField(
        _("woonoppervlakte (m²)"),
        validators=[MinValueValidator(DWELLING_AREA_MIN), MaxValueValidator(DWELLING_AREA_MAX)],
    )
    net_rent = models.DecimalField(
        _("netto huur (€)"),
        max_digits=7,
        decimal_places=2,
        validators=[MaxValueValidator(Decimal(DWELLING_RENT_MAX))],
    )
    service_costs = models.DecimalField(
        _("servicekosten (€)"), max_digits=6, decimal_places=2, default=Decimal("0")
    )
    step_free = models.BooleanField(_("traploos bereikbaar"), default=False)
    ground_floor = models.BooleanField(_("gelijkvloers"), default=False)
    wheelchair = models.BooleanField(_("rolstoeltoegankelijk"), default=False)
    available_from = models.DateField(
        _("beschikbaar vanaf"), null=True, blank=True, validators=[validation.PLANNED]
    )
    counts_toward_quota = models.BooleanField(_("telt mee voor contingent"), default=False)
    notes = models.TextField(_("notities"), blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=6, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=DwellingStatus.choices, default=DwellingStatus.DRAFT
    )
    # Set when the dwelling is let to an outflowing client through the board; feeds
    # `selectors.placements_last_12_months` until placements have their own model (issue 7).
    let_to_outflow_at = models.DateTimeField(_("verhuurd aan uitstromer op"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("woning")
        verbose_name_plural = _("woningen")
        ordering = ["street", "number", "suffix"]
        constraints = [
            models.UniqueConstraint(
                fields=["corporation", "reference"], name="dwelling_reference_per_corporation"
            ),
            models.CheckConstraint(condition=Q(net_rent__gte=0), name="dwelling_rent_nonneg"),
            models.CheckConstraint(
                condition=Q(service_costs__gte=0), name="dwelling_service_costs_nonneg"
            ),
            models.CheckConstraint(
                condition=Q(postcode__regex=POSTCODE_REGEX), name="dwelling_postcode_format"
            ),
            models.CheckConstraint(
                condition=Q(bedrooms__lte=models.F("rooms")), name="dwelling_bedrooms_le_rooms"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=DWELLING_NUMBER_MAX),
                name="dwelling_number_range",
            ),
            models.CheckConstraint(
                condition=Q(floor__gte=DWELLING_FLOOR_MIN, floor__lte=DWELLING_FLOOR_MAX),
                name="dwelling_floor_range",
            ),
            models.CheckConstraint(
                condition=Q(rooms__gte=1, rooms__lte=DWELLING_ROOMS_MAX),
                name="dwelling_rooms_range",
            ),
            models.CheckConstraint(
                condition=Q(living_area__gte=DWELLING_AREA_MIN, living_area__lte=DWELLING_AREA_MAX),
                name="dwelling_living_area_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=DwellingStatus.values), name="dwelling_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(stairwell__isnull=True) | Q(complex__isnull=False),
                name="dwelling_stairwell_needs_complex",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "corporation"]),
            models.Index(fields=["neighbourhood", "let_to_outflow_at"]),
        ]

    def __str__(self) -> str:
        return self.address

    @property
    def house_number(self) -> str:
        """The house number as PostNL writes it: a letter joins the number ("12A"), any
        other addition follows a dash ("188-II"). One spelling on every page, PDF and export."""
        suffix = self.suffix.strip()
        if not suffix:
            return str(self.number)
        if len(suffix) == 1 and suffix.isalpha():
            return f"{self.number}{suffix.upper()}"
        return f"{self.number}-{suffix}"

    @property
    def street_address(self) -> str:
        return f"{self.street} {self.house_number}"

    @property
    def postcode_display(self) -> str:
        """ "3011 AB" (stored without the space)."""
        return format_postcode(self.postcode)

    @property
    def address(self) -> str:
        return f"{self.street_address}, {self.city}"

    @property
    def total_rent(self) -> Decimal:
        return self.net_rent + self.service_costs


class DwellingEvent(models.Model):
    """One step in a dwelling's lifecycle (history): who moved it from which status to which."""

    dwelling = models.ForeignKey(Dwelling, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, choices=DwellingStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.dwelling_id}: {self.from_status} → {self.to_status}"

    @property
    def from_status_label(self) -> str:
        return str(DwellingStatus(self.from_status).label) if self.from_status else ""


class ImportKind(models.TextChoices):
    BOUNDARIES = "boundaries", _("buurtgrenzen (GeoJSON)")
    INDICATORS = "indicators", _("buurtindicatoren (CSV/XLSX)")
    DWELLINGS = "dwellings", _("woningen (CSV/XLSX)")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("te controleren")
    INVALID = "invalid", _("afgekeurd")
    APPLIED = "applied", _("verwerkt")


class ImportBatch(ConstraintMessages, models.Model):
    """An uploaded file waiting for confirmation, and afterwards the record of who imported it."""

    constraint_messages = {}

    kind = models.CharField(max_length=12, choices=ImportKind.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="housing_imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    row_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    # What the uploader said about the file: {"year": 2024, "municipalities": ["GM0308"],
    # "create_complexes": true}; read again when the batch is applied.
    options = models.JSONField(default=dict, blank=True)
    # What the upload's check found, as the preview page shows it (`Report.summary()`), so the
    # preview never parses the stored file again; "Alles opslaan" still checks it once more.
    preview = models.JSONField(default=dict, blank=True)
    # "page" or "command": the same record, actor and access-log row either way.
    channel = models.CharField(max_length=10, default="page")
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ImportKind.values), name="import_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.filename}"
