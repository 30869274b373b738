"""Records of processing for cases (`accounts.records`): purpose, field classes, retention."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.processing import KEPT
from accounts.records import declare

from .models import (
    CareRecord,
    Client,
    ClientNote,
    ClientTransition,
    Consent,
    HousingProfile,
    RentLimit,
)
from .rights import export, retention

CASE = _("een passende woning vinden voor een cliënt die uitstroomt uit een zorginstelling")


def register() -> None:
    retention.register_rules()
    declare(
        Client,
        purpose=CASE,
        retention=retention.PSEUDONYM,
        personal="reference coordinator created_by",
        other=(
            "id care_provider status status_before_pause registered_at ready_since housed_on "
            "status_changed_at updated_at anonymised_at contract_anonymised_at"
        ),
    )
    declare(
        CareRecord,
        purpose=_("de zorgaanbieder kent de cliënt en zijn zorggeschiedenis (zorgdossier)"),
        retention=export.CARE,
        personal="client",
        care="full_name date_of_birth phone email contact_details care_history exclusion_reasons",
        via=Client,
    )
    declare(
        ClientNote,
        purpose=_("interne notities van het zorgteam"),
        retention=export.CARE,
        personal="client author",
        care="body",
        other="id created_at",
        via=Client,
    )
    declare(
        HousingProfile,
        purpose=_("de woonwensen en -behoeften die de plaatsingstafel en de corporatie zien"),
        retention=export.CARE,
        personal=(
            "client adults children monthly_income max_floor support_team_district "
            "agreement_type earliest_move_date pets pets_description note_for_corporation "
            "urgency_decided_by urgency_decided_on urgency_valid_until"
        ),
        special=(
            "step_free ground_floor_or_lift wheelchair support_hours_per_week target_group "
            "urgency_reason"
        ),
        other="updated_at",
        via=Client,
    )
    declare(
        Consent,
        purpose=_("de toestemming van de cliënt om gegevens te delen (grondslag)"),
        retention=retention.PSEUDONYM,
        personal="client recorded_by ended_by end_reason",
        other="id legal_basis text_version scope given_on valid_until recorded_at ended_at",
        via=Client,
    )
    declare(
        ClientTransition,
        purpose=_("de geschiedenis van de status van het dossier"),
        retention=export.CARE,
        personal="client actor reason",
        other="id action from_status to_status at",
        via=Client,
    )
    declare(
        RentLimit,
        purpose=_("de huurgrenzen van het jaar (passend toewijzen)"),
        retention=KEPT,
        other=(
            "id year quality_discount_limit capping_limit_low capping_limit_high "
            "liberalisation_limit income_limit_single income_limit_multi source"
        ),
        seen_by=_("iedereen die een woning of cliënt ziet (openbare bedragen)"),
    )
