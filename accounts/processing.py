"""Records of processing for accounts and the libraries it brings (sign-in, second factor,
throttling, sessions, admin): purpose, field classes and retention per model (`accounts.records`).
Also the retention rules accounts enforces itself."""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from .models import (
    AccessLogEntry,
    ApiToken,
    Enrolment,
    ExternalIdentity,
    IdentityProvider,
    LoginSession,
    Membership,
    Notification,
    Organisation,
    Region,
    RoleGrant,
    User,
)
from .records import Retention, declare, register_retention

ACCOUNT = "account"
ACCESS_LOG = "access_log"
SESSION = "session"
KEPT = "kept"
# Personal values nothing removes on a schedule yet (staff names on housing and board records,
# the engine's stored runs, throttling records): the register says so rather than hide it.
NO_PERIOD = "no_period"

OPERATORS = _("platformbeheerders (beheeromgeving, met tweede factor)")
SYSTEM = _("alleen de applicatie zelf (niet op een pagina of in de API)")


def register() -> None:
    register_retention(
        Retention(
            ACCESS_LOG,
            _("toegangslog (NEN 7513)"),
            "ACCESS_LOG_RETENTION_DAYS",
            _("de dag van de toegang"),
            _("minimaal zo lang bewaard, nooit geanonimiseerd"),
        )
    )
    register_retention(
        Retention(
            ACCOUNT,
            _("account en lidmaatschap"),
            "",
            _("het aanmaken van het account"),
            _(
                "zolang de persoon bij een organisatie werkt; de beheerder beëindigt het "
                "lidmaatschap, naam en e-mailadres blijven omdat het toegangslog ernaar verwijst"
            ),
        )
    )
    register_retention(
        Retention(
            SESSION,
            _("aanmelding"),
            "SESSION_MAX_AGE",
            _("het aanmelden"),
            _("de sessie eindigt; de taak purge_login_sessions ruimt het elk uur op"),
            in_seconds=True,
        )
    )
    register_retention(
        Retention(
            NO_PERIOD,
            _("geen termijn ingesteld"),
            "",
            _("–"),
            _(
                "wordt niet automatisch verwijderd; bewaard zolang de organisatie het gebruikt "
                "(een platformbeheerder kan het verwijderen)"
            ),
        )
    )
    register_retention(
        Retention(
            KEPT,
            _("blijvend (geen persoonsgegevens)"),
            "",
            _("–"),
            _("referentie- en beleidsgegevens zonder persoonsgegevens blijven bewaard"),
        )
    )

    declare(
        User,
        purpose=_("aanmelden en vastleggen wie wat deed (medewerkers)"),
        retention=ACCOUNT,
        personal="email full_name last_login date_joined password",
        other="id is_superuser is_active is_staff",
        seen_by=_("de beheerder van de eigen organisatie (ledenlijst) en platformbeheerders"),
    )
    declare(
        Region,
        purpose=_("de regio waarin organisaties samenwerken"),
        retention=KEPT,
        other="id name slug",
        via=Organisation,
    )
    declare(
        Organisation,
        purpose=_("de organisaties die samenwerken (gemeente, zorgaanbieder, corporatie)"),
        retention=KEPT,
        other="id name slug kind region is_active",
    )
    declare(
        Membership,
        purpose=_("welke rol een medewerker in een organisatie heeft (de rechten)"),
        retention=ACCOUNT,
        personal="user created_by",
        other="id organisation role is_active created_at deactivated_at",
    )
    declare(
        LoginSession,
        purpose=_("alle sessies van een persoon kunnen beëindigen (na een wachtwoordwijziging)"),
        retention=SESSION,
        personal="user session_key",
        other="id created_at",
        seen_by=SYSTEM,
    )
    declare(
        AccessLogEntry,
        purpose=_(
            "verantwoorden wie welke gegevens inzag of wijzigde (NEN 7513, AVG art. 32), en de "
            "cliënt laten zien wie zijn dossier inzag"
        ),
        retention=ACCESS_LOG,
        personal=(
            "user_id user_email responsible_user_id responsible_user_email ip_address "
            "object_id client_reference"
        ),
        other=(
            "id at organisation_id organisation_name role action event object_type result "
            "rule channel purpose chain seq prev_hash row_hash"
        ),
    )
    declare(
        Notification,
        purpose=_("medewerkers op de hoogte brengen van werk dat op hen wacht"),
        retention=ACCOUNT,
        personal="user title body url email_error",
        other="id kind dedupe_key created_at emailed_at read_at",
    )
    declare(
        ApiToken,
        purpose=_("toegang tot de API voor een persoon of een gekoppeld systeem"),
        retention=ACCOUNT,
        personal="user created_by name",
        other=("id prefix digest is_integration created_at expires_at last_used_at revoked_at"),
    )
    declare(
        Enrolment,
        purpose=_("een nieuwe medewerker eenmalig laten inschrijven (wachtwoord, tweede factor)"),
        retention=ACCOUNT,
        personal="user created_by confirmed_by reason",
        other="id digest created_at expires_at used_at confirmed_at cancelled_at",
        seen_by=_("de beheerders van de organisatie (ledenlijst)"),
    )
    declare(
        RoleGrant,
        purpose=_("het vier-ogen-besluit over een rol die cliëntgegevens leest"),
        retention=ACCOUNT,
        personal="user requested_by decided_by",
        other="id organisation role status requested_at decided_at",
    )
    declare(
        IdentityProvider,
        purpose=_("medewerkers laten aanmelden via het inlogsysteem van hun eigen organisatie"),
        retention=KEPT,
        other=(
            "id organisation is_active issuer client_id scopes email_domains mfa_amr_values "
            "mfa_acr_values"
        ),
        seen_by=OPERATORS,
    )
    declare(
        ExternalIdentity,
        purpose=_(
            "een account bij het inlogsysteem van de organisatie (sub) aan de Woonbrug-gebruiker "
            "koppelen, en de tweede factor van dat inlogsysteem laten meetellen"
        ),
        retention=ACCOUNT,
        personal="user subject name bound_at last_login_at",
        other="id organisation confirmed",
        seen_by=OPERATORS,
    )
    _declare_libraries()


def _declare_libraries() -> None:
    """The tables of the libraries accounts uses for sign-in and administration."""
    model = apps.get_model
    declare(
        model("admin", "LogEntry"),
        purpose=_("wat platformbeheerders in de beheeromgeving wijzigden"),
        retention=ACCOUNT,
        personal="user object_repr change_message",
        other="id action_time content_type object_id action_flag",
        seen_by=OPERATORS,
    )
    declare(
        model("auth", "Permission"),
        purpose=_("de rechten die per object kunnen worden toegekend"),
        retention=KEPT,
        other="id name content_type codename",
        seen_by=SYSTEM,
    )
    declare(
        model("auth", "Group"),
        purpose=_("niet gebruikt (Django)"),
        retention=KEPT,
        other="id name",
        seen_by=OPERATORS,
    )
    declare(
        model("contenttypes", "ContentType"),
        purpose=_("technisch: welke soorten gegevens er zijn"),
        retention=KEPT,
        other="id app_label model",
        seen_by=SYSTEM,
    )
    declare(
        model("sessions", "Session"),
        purpose=_("aangemeld blijven (sessie)"),
        retention=SESSION,
        personal="session_key session_data",
        other="expire_date",
        seen_by=SYSTEM,
    )
    declare(
        model("authtoken", "Token"),
        purpose=_("niet gebruikt (Django REST framework); API-toegang loopt via ApiToken"),
        retention=ACCOUNT,
        personal="key user",
        other="created",
        seen_by=OPERATORS,
    )
    declare(
        model("guardian", "UserObjectPermission"),
        purpose=_("toegang tot één object (de toegewezen zorgcoördinator van een cliënt)"),
        retention=ACCOUNT,
        personal="user object_pk",
        other="id permission content_type",
        seen_by=SYSTEM,
    )
    declare(
        model("guardian", "GroupObjectPermission"),
        purpose=_("niet gebruikt (rechten per groep)"),
        retention=KEPT,
        other="id permission content_type object_pk group",
        seen_by=SYSTEM,
    )
    otp_common = "id name confirmed throttling_failure_timestamp throttling_failure_count"
    declare(
        model("otp_totp", "TOTPDevice"),
        purpose=_("de tweede factor (authenticator-app)"),
        retention=ACCOUNT,
        personal="user key last_used_at",
        other=f"{otp_common} created_at step t0 digits tolerance drift last_t",
        seen_by=_("de persoon zelf; de beheerder kan hem laten vervallen"),
    )
    declare(
        model("otp_static", "StaticDevice"),
        purpose=_("reservecodes voor de tweede factor"),
        retention=ACCOUNT,
        personal="user last_used_at",
        other=f"{otp_common} created_at",
        seen_by=_("de persoon zelf"),
    )
    declare(
        model("otp_static", "StaticToken"),
        purpose=_("reservecodes voor de tweede factor"),
        retention=ACCOUNT,
        personal="token",
        other="id device",
        seen_by=SYSTEM,
    )
    declare(
        model("django_otp_webauthn", "WebAuthnCredential"),
        purpose=_("de tweede factor (passkey of beveiligingssleutel)"),
        retention=ACCOUNT,
        personal="user name credential_id public_key credential_id_sha256 aaguid last_used_at",
        other=(
            "id confirmed created_at credential_type transports sign_count backup_eligible "
            "backup_state discoverable"
        ),
    )
    declare(
        model("django_otp_webauthn", "WebAuthnAttestation"),
        purpose=_("de verklaring van de beveiligingssleutel bij het registreren"),
        retention=ACCOUNT,
        personal="data client_data_json",
        other="id fmt credential",
        seen_by=SYSTEM,
    )
    declare(
        model("django_otp_webauthn", "WebAuthnUserHandle"),
        purpose=_("de koppeling van passkeys aan een persoon"),
        retention=ACCOUNT,
        personal="handle_hex user",
        seen_by=SYSTEM,
    )
    attempt = "user_agent ip_address username http_accept path_info"
    declare(
        model("axes", "AccessFailureLog"),
        purpose=_("mislukte aanmeldingen afremmen en onderzoeken (beveiliging)"),
        retention=NO_PERIOD,
        personal=attempt,
        other="id attempt_time locked_out",
        seen_by=OPERATORS,
    )
    declare(
        model("axes", "AccessAttempt"),
        purpose=_("mislukte aanmeldingen afremmen (beveiliging)"),
        retention=NO_PERIOD,
        personal=f"{attempt} get_data post_data",
        other="id attempt_time failures_since_start",
        seen_by=OPERATORS,
    )
    declare(
        model("axes", "AccessAttemptExpiration"),
        purpose=_("wanneer een afremming afloopt"),
        retention=NO_PERIOD,
        other="access_attempt expires_at",
        seen_by=SYSTEM,
    )
    declare(
        model("axes", "AccessLog"),
        purpose=_("aan- en afmeldingen (beveiliging)"),
        retention=NO_PERIOD,
        personal=f"{attempt} session_hash",
        other="id attempt_time logout_time",
        seen_by=OPERATORS,
    )
