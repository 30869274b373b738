"""People, organisations, their roles, and the access log.

The organisation is the tenant: every protected object belongs to one, and a user only ever
acts through an active membership (organisation + role). Django superusers exist for
operations (the admin site) but hold no role, so the permission layer shows them no
client data.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from .constraints import ConstraintMessages


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


# django-stubs cannot type the reverse manager of a django-otp device (ExternalIdentity.user).
class User(AbstractBaseUser, PermissionsMixin):  # type: ignore[django-manager-missing]
    """A person who signs in with an e-mail address (gebruiker)."""

    email = models.EmailField(_("e-mailadres"), unique=True)
    full_name = models.CharField(_("naam"), max_length=150)
    is_active = models.BooleanField(_("actief"), default=True)
    is_staff = models.BooleanField(_("beheerder van het platform"), default=False)
    date_joined = models.DateTimeField(_("aangemaakt op"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Region(models.Model):
    """A region whose organisations work together on one placement board (regio)."""

    name = models.CharField(_("naam"), max_length=100, unique=True)
    slug = models.SlugField(unique=True)

    class Meta:
        verbose_name = _("regio")
        verbose_name_plural = _("regio's")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("gemeente")
    CARE_PROVIDER = "care_provider", _("zorgaanbieder")
    HOUSING_CORPORATION = "housing_corporation", _("woningcorporatie")


class Organisation(ConstraintMessages, models.Model):
    """A municipality, care provider or housing corporation (organisatie)."""

    constraint_messages = {
        "organisation_unique_name_per_region": (
            "name",
            _("Er is in deze regio al een organisatie met deze naam."),
        ),
    }

    name = models.CharField(_("naam"), max_length=150)
    slug = models.SlugField(unique=True)
    kind = models.CharField(_("soort"), max_length=32, choices=OrganisationKind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("regio"), on_delete=models.PROTECT, related_name="organisations"
    )
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["name"]
        permissions = [("manage_members", "Can manage the organisation's members")]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"], name="organisation_unique_name_per_region"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CARE_COORDINATOR = "care_coordinator", _("zorgcoördinator")
    HOUSING_CONSULTANT = "housing_consultant", _("woonconsulent")
    BOARD_CHAIR = "board_chair", _("voorzitter plaatsingstafel")
    ANALYST = "analyst", _("beleidsanalist")
    ORG_ADMIN = "org_admin", _("beheerder organisatie")
    # The care provider's privacy officer (functionaris gegevensbescherming / privacy-
    # officer): answers a client's rights requests (who looked at my file, my data) for
    # every client of the provider, without the coordinator's other rights.
    PRIVACY_OFFICER = "privacy_officer", _("privacyfunctionaris")


# Which roles an organisation of each kind can hand out.
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    OrganisationKind.MUNICIPALITY: frozenset({Role.BOARD_CHAIR, Role.ANALYST, Role.ORG_ADMIN}),
    OrganisationKind.CARE_PROVIDER: frozenset(
        {Role.CARE_COORDINATOR, Role.ORG_ADMIN, Role.PRIVACY_OFFICER}
    ),
    OrganisationKind.HOUSING_CORPORATION: frozenset({Role.HOUSING_CONSULTANT, Role.ORG_ADMIN}),
}

# Roles that read client data (names, profiles, care data) and the role that can confirm a
# grant: giving one of these needs a second organisation admin (four eyes, issue 13).
ROLES_NEEDING_SECOND_ADMIN: frozenset[str] = frozenset(
    {Role.CARE_COORDINATOR, Role.HOUSING_CONSULTANT, Role.BOARD_CHAIR, Role.ORG_ADMIN}
    # The privacy officer reads every client's "who opened my file" overview.
    | {Role.PRIVACY_OFFICER}
)


class Membership(ConstraintMessages, models.Model):
    """A user's role in an organisation (lidmaatschap). Deactivated, never deleted."""

    constraint_messages = {
        "membership_unique_role_per_org": (
            "role",
            _("Deze persoon heeft deze rol al in deze organisatie."),
        ),
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("rol"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("actief"), default=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deactivated_at = models.DateTimeField(_("gedeactiveerd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        ordering = ["organisation__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role_per_org"
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.organisation})"


class LoginSession(models.Model):
    """The session keys a user signed in with, so deactivation can end every session."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user_id}@{self.created_at:%Y-%m-%d %H:%M}"


class AccessAction(models.TextChoices):
    VIEW = "view", _("inzien")
    SEARCH = "search", _("zoeken")
    CREATE = "create", _("aanmaken")
    CHANGE = "change", _("wijzigen")
    EXPORT = "export", _("exporteren")
    PRINT = "print", _("afdrukken")
    DELETE = "delete", _("verwijderen")


class AccessResult(models.TextChoices):
    SUCCESS = "success", _("toegestaan")
    REFUSED = "refused", _("geweigerd")
    ERROR = "error", _("fout")


class AccessLogEntry(ConstraintMessages, models.Model):
    """One access to protected data, in the spirit of NEN 7513 (toegangslog).

    Append-only: a database trigger refuses UPDATE and DELETE (see migration 0002). On
    PostgreSQL the table is partitioned by month (migration 0010, accounts.access.partitions):
    its primary key there is (id, at) and (chain, seq) is unique per partition. It holds
    no foreign keys to what it describes, so deleting a user, organisation or client never
    deletes or changes its history; names are copied at the time of access.
    """

    constraint_messages = {
        "accesslog_chain_seq_unique": (
            "seq",
            _("Deze plaats in de keten van het toegangslog is al bezet."),
        ),
    }

    at = models.DateTimeField(_("tijdstip (UTC)"), default=timezone.now, db_index=True)
    user_id = models.BigIntegerField(_("gebruiker-id"), null=True, blank=True, db_index=True)
    user_email = models.CharField(_("gebruiker"), max_length=254, blank=True)
    organisation_id = models.BigIntegerField(
        _("organisatie-id"), null=True, blank=True, db_index=True
    )
    organisation_name = models.CharField(_("organisatie"), max_length=150, blank=True)
    role = models.CharField(_("rol"), max_length=100, blank=True)
    responsible_user_id = models.BigIntegerField(_("verantwoordelijke-id"), null=True, blank=True)
    responsible_user_email = models.CharField(_("verantwoordelijke"), max_length=254, blank=True)
    action = models.CharField(_("handeling"), max_length=16, choices=AccessAction.choices)
    # What happened, as a dotted name ("placements.agreement.extended"); see access.audit.
    event = models.CharField(_("gebeurtenis"), max_length=100, blank=True, db_index=True)
    object_type = models.CharField(_("soort gegeven"), max_length=100)
    object_id = models.CharField(_("gegeven"), max_length=100, blank=True)
    result = models.CharField(_("resultaat"), max_length=16, choices=AccessResult.choices)
    rule = models.CharField(_("regel"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-adres"), null=True, blank=True)
    channel = models.CharField(_("kanaal"), max_length=16, blank=True)
    purpose = models.CharField(_("doel"), max_length=200, blank=True)
    # The pseudonym of the client the row concerns, also for rows about the client's
    # proposals, placements, agreements, evaluations and signals (filled by the one audit
    # call from the object's policy), so "who looked at my file" is one indexed query.
    client_reference = models.CharField(_("cliënt"), max_length=20, blank=True, default="")
    # The hash chain (accounts.access.chain): the row's month, its place in that month's
    # chain, the previous row's hash and its own over the previous hash and its fields.
    chain = models.CharField(_("keten"), max_length=7, blank=True, default="")
    seq = models.BigIntegerField(_("volgnummer"), default=0)
    prev_hash = models.CharField(_("vorige hash"), max_length=64, blank=True, default="")
    row_hash = models.CharField(_("hash"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("toegangslogregel")
        verbose_name_plural = _("toegangslog")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="accesslog_object_idx"),
            models.Index(fields=["client_reference", "at"], name="accesslog_client_idx"),
            # The org admin's page: one organisation, optionally one person, newest first.
            models.Index(
                fields=["organisation_id", "user_id", "at"], name="accesslog_org_user_idx"
            ),
            models.Index(fields=["organisation_id", "at"], name="accesslog_org_at_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="accesslog_chain_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_email} {self.action} {self.object_type}:{self.object_id}"


class Notification(ConstraintMessages, models.Model):
    """A message to one person, shown in the app and sent by e-mail (melding).

    `dedupe_key` makes sending idempotent: a reminder for one due date, or one week's digest,
    is created once however often the task that sends it runs.
    """

    constraint_messages = {
        "notification_once_per_key": ("dedupe_key", _("Deze melding is al verstuurd.")),
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("soort"), max_length=50)
    title = models.CharField(_("titel"), max_length=200)
    body = models.TextField(_("tekst"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    emailed_at = models.DateTimeField(_("gemaild op"), null=True, blank=True)
    # Why the mail server refused the address (not retried); empty while none was refused.
    email_error = models.CharField(max_length=200, blank=True, default="")
    read_at = models.DateTimeField(_("gelezen op"), null=True, blank=True)

    class Meta:
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"], name="notification_once_per_key"
            ),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.title}"


class ApiToken(ConstraintMessages, models.Model):
    """An API key (API-sleutel) of one person: expires, can be revoked, remembers its last use.

    Only a SHA-256 digest of the key is stored; the key itself is shown once. A personal token
    follows the sessions' idle rule (unused for SESSION_IDLE_MINUTES: dead); an integration
    token (`is_integration`, named, created by a platform administrator with
    `manage.py api_token_create --integration`) does not, but still expires.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("naam"), max_length=100)
    prefix = models.CharField(_("begin van de sleutel"), max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    is_integration = models.BooleanField(_("koppeling"), default=False)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("verloopt op"))
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)

    constraint_messages = {
        "api_token_expires_later": (
            "expires_at",
            _("Een API-sleutel verloopt na het moment waarop hij is aangemaakt."),
        ),
        "api_token_integration_named": (
            "name",
            _("Geef een koppelingssleutel een naam."),
        ),
    }

    class Meta:
        verbose_name = _("API-sleutel")
        verbose_name_plural = _("API-sleutels")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="api_token_expires_later"
            ),
            models.CheckConstraint(
                condition=Q(is_integration=False) | ~Q(name=""), name="api_token_integration_named"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class EnrolmentReason(models.TextChoices):
    INVITATION = "invitation", _("uitnodiging")
    RE_ENROLMENT = "re_enrolment", _("opnieuw instellen door beheerder")


class Enrolment(ConstraintMessages, models.Model):
    """A one-time, expiring link to choose a password and set up the second factor
    (inschrijving), sent with an invitation or when an admin resets someone's second factor.

    The link is the only way to register a device: signing in with a password (even a new
    one from a reset) never offers a new secret. A device registered through it stays
    unusable until an organisation admin other than the person confirms it
    (`confirmed_at`), so a mailbox alone never gets anyone in. Only a digest of the link's
    secret is stored.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    digest = models.CharField(max_length=64, unique=True)
    reason = models.CharField(_("aanleiding"), max_length=16, choices=EnrolmentReason.choices)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("verloopt op"))
    used_at = models.DateTimeField(_("gebruikt op"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("bevestigd op"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("vervallen op"), null=True, blank=True)

    constraint_messages = {
        "enrolment_confirmed_after_use": (
            "confirmed_at",
            _("Een inschrijving wordt pas bevestigd nadat de link is gebruikt."),
        ),
    }

    class Meta:
        verbose_name = _("inschrijving tweede factor")
        verbose_name_plural = _("inschrijvingen tweede factor")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(used_at__isnull=False),
                name="enrolment_confirmed_after_use",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.reason} ({self.created_at:%Y-%m-%d})"


class RoleGrantStatus(models.TextChoices):
    AWAITING = "awaiting", _("wacht op tweede beheerder")
    CONFIRMED = "confirmed", _("bevestigd")
    REFUSED = "refused", _("afgewezen")


class RoleGrant(ConstraintMessages, models.Model):
    """A request to give someone a role that reads client data (rolverzoek). It becomes a
    membership only when a second organisation admin, neither the requester nor the person,
    confirms it; the database refuses a request for oneself and a decision by the requester.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="role_grants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("rol"), max_length=32, choices=Role.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RoleGrantStatus.choices,
        default=RoleGrantStatus.AWAITING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("aangevraagd op"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)

    constraint_messages = {
        "role_grant_one_awaiting": (
            "role",
            _("Voor deze persoon wacht deze rol al op een tweede beheerder."),
        ),
        "role_grant_not_for_oneself": (
            "user",
            _("U kunt deze rol niet aan uzelf geven; een andere beheerder vraagt hem aan."),
        ),
        "role_grant_decided_by_another": (
            "decided_by",
            _("Een andere beheerder dan de aanvrager en de persoon zelf beslist over dit verzoek."),
        ),
    }

    class Meta:
        verbose_name = _("rolverzoek")
        verbose_name_plural = _("rolverzoeken")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "role"],
                condition=Q(status="awaiting"),
                name="role_grant_one_awaiting",
            ),
            models.CheckConstraint(
                condition=~Q(requested_by=models.F("user")), name="role_grant_not_for_oneself"
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | ~Q(decided_by=models.F("requested_by")) & ~Q(decided_by=models.F("user")),
                name="role_grant_decided_by_another",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.role} @ {self.organisation_id} ({self.status})"


class IdentityProvider(models.Model):
    """An organisation's own sign-in (OpenID Connect), next to password + Woonbrug's 2FA.

    Only the public part is stored here; the client secret comes from the environment
    (`OIDC_CLIENT_SECRETS`, by the organisation's slug), so no secret is in the database or
    the admin. The endpoints and signing keys come from the issuer's discovery document.
    An identity provider only signs in people who already have a membership of the
    organisation (see `accounts.oidc`): roles stay in Woonbrug.
    """

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.CASCADE,
        related_name="identity_provider",
    )
    is_active = models.BooleanField(_("in gebruik"), default=True)
    issuer = models.URLField(
        _("issuer"),
        help_text=_(
            "De issuer-URL van het inlogsysteem (zonder /.well-known/openid-configuration), "
            "bijvoorbeeld https://login.microsoftonline.com/<tenant-id>/v2.0."
        ),
    )
    client_id = models.CharField(_("client-id"), max_length=200)
    scopes = models.CharField(_("scopes"), max_length=200, default="openid email profile")
    email_domains = models.CharField(
        _("e-maildomeinen"),
        max_length=500,
        blank=True,
        help_text=_(
            "Gescheiden door komma's, bijvoorbeeld gemeente.nl. Wie op de aanmeldpagina een "
            "adres in dit domein invult, gaat naar dit inlogsysteem."
        ),
    )
    mfa_amr_values = models.CharField(
        _("amr-waarden die een tweede factor aantonen"),
        max_length=200,
        default="mfa otp hwk sms tel fpt face",
        help_text=_(
            "Gescheiden door spaties. Staat er één in de amr-claim, dan vraagt Woonbrug "
            "geen eigen tweede factor."
        ),
    )
    mfa_acr_values = models.CharField(
        _("acr-waarden die een tweede factor aantonen"),
        max_length=300,
        blank=True,
        help_text=_("Gescheiden door spaties, bijvoorbeeld een Keycloak-niveau als gold."),
    )

    class Meta:
        verbose_name = _("inlogsysteem van de organisatie")
        verbose_name_plural = _("inlogsystemen van organisaties")
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.issuer}"

    def domains(self) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in self.email_domains.split(",") if d.strip()]


class ExternalIdentity(ConstraintMessages, Device):
    """A person's account at their organisation's identity provider (`sub`), bound to their
    Woonbrug user on the first sign-in (see `accounts.oidc`).

    It is also the django-otp device that marks a session as past the second factor when the
    provider asserted one (`amr`/`acr`); it never accepts a code of its own.
    """

    constraint_messages = {
        "external_identity_unique_subject": (
            "subject",
            _("Dit account bij het inlogsysteem is al aan een andere gebruiker gekoppeld."),
        ),
        "external_identity_one_per_user": (
            "user",
            _("Deze gebruiker is al gekoppeld aan een account bij dit inlogsysteem."),
        ),
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.CASCADE,
        related_name="external_identities",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField(_("kenmerk bij het inlogsysteem (sub)"), max_length=255)
    bound_at = models.DateTimeField(_("gekoppeld op"), default=timezone.now)
    last_login_at = models.DateTimeField(_("laatst aangemeld"), null=True, blank=True)

    class Meta:
        verbose_name = _("koppeling met inlogsysteem")
        verbose_name_plural = _("koppelingen met inlogsystemen")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "subject"], name="external_identity_unique_subject"
            ),
            models.UniqueConstraint(
                fields=["organisation", "user"], name="external_identity_one_per_user"
            ),
        ]

    def verify_token(self, token: object) -> bool:
        return False  # the provider verified the factor; this device takes no codes
