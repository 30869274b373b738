"""Records of processing for placements (`accounts.records`): purpose, field classes, retention."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.records import declare
from cases.rights import export

from .models import (
    Agreement,
    AgreementDocument,
    AgreementTransition,
    Evaluation,
    Placement,
    Signature,
    WelcomeTalk,
)

AGREEMENT = _("de afspraken tussen cliënt, zorgaanbieder en corporatie over wonen en begeleiding")


def register() -> None:
    declare(
        Placement,
        purpose=_("de plaatsing van een cliënt in een woning na het besluit van de tafel"),
        retention=export.CARE,
        personal="client client_reference consultant created_by close_reason",
        other=(
            "id proposal board dwelling care_provider corporation neighbourhood status "
            "housed_on created_at closed_at"
        ),
    )
    declare(
        WelcomeTalk,
        purpose=_("het kennismakingsgesprek met de nieuwe huurder"),
        retention=export.CARE,
        personal="participants notes recorded_by",
        other="id placement held_on recorded_at",
        via=Placement,
    )
    declare(
        Agreement,
        purpose=AGREEMENT,
        retention=export.CONTRACT,
        personal=(
            "lease_holder contact_person contact_phone conditions_text care_contract_reference "
            "created_by"
        ),
        special="support_hours_per_week conditions care_stopped_on",
        other=(
            "id placement previous dwelling kind state lease_start end_date evaluation_on "
            "monthly_rent version issued_at activated_on ended_on created_at updated_at"
        ),
    )
    declare(
        AgreementTransition,
        purpose=_("de geschiedenis van een afspraak"),
        retention=export.CARE,
        personal="actor reason details",
        other="id agreement action from_state to_state at evaluation",
        via=Agreement,
    )
    declare(
        Signature,
        purpose=_("wie een afspraak namens welke partij ondertekende"),
        retention=export.CONTRACT,
        personal="signed_by_name recorded_by",
        other="id agreement version party signed_on recorded_at",
        via=Agreement,
    )
    declare(
        AgreementDocument,
        purpose=_("de vastgelegde tekst van een afspraak (het document)"),
        retention=export.CONTRACT,
        personal="terms created_by",
        other="id agreement version title created_at",
        via=Agreement,
    )
    declare(
        Evaluation,
        purpose=_("de evaluatie van een plaatsing: gaat het goed met wonen en begeleiding"),
        retention=export.CARE,
        personal="recorded_by confirmed_by recorded_party",
        special=(
            "living_independently rent_paid nuisance_reports care_continuing social_network "
            "judgement notes"
        ),
        other="id agreement kind due_on held_on recorded_at confirmed_at decision cancelled",
    )
