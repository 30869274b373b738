"""Records of processing for housing (`accounts.records`): purpose, field classes, retention."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.processing import KEPT, NO_PERIOD
from accounts.records import declare

from .models import (
    CapacityWeights,
    CapacityWeightsChange,
    Complex,
    ComplexStop,
    District,
    Dwelling,
    DwellingEvent,
    ImportBatch,
    Municipality,
    Neighbourhood,
    NeighbourhoodIndicator,
    Stairwell,
)

STOCK = _("de woningvoorraad die voor uitstroom beschikbaar kan komen")


def register() -> None:
    declare(
        Municipality,
        purpose=_("de gemeenten van de regio"),
        retention=KEPT,
        other="id code name region organisation",
    )
    declare(
        District,
        purpose=_("de wijken van een gemeente (CBS)"),
        retention=KEPT,
        other="id code name municipality",
        via=Municipality,
    )
    declare(
        Neighbourhood,
        purpose=_("de buurten waarin de draagkracht wordt bewaakt"),
        retention=KEPT,
        other="id code name district boundary",
    )
    declare(
        NeighbourhoodIndicator,
        purpose=_("de draagkracht van een buurt (openbare cijfers per buurt, geen personen)"),
        retention=KEPT,
        other=(
            "id neighbourhood year population homes corporation_share liveability_score "
            "liveability_class dimension_housing dimension_physical dimension_amenities "
            "dimension_social dimension_nuisance lvb_share welfare_share psychiatric_share "
            "nuisance_index sources imported_at"
        ),
    )
    declare(
        CapacityWeights,
        purpose=_("hoe de gemeente de indicatoren van de draagkracht weegt"),
        retention=KEPT,
        other="id municipality values updated_at",
        via=Municipality,
    )
    declare(
        CapacityWeightsChange,
        purpose=_("wie de weging van de draagkracht veranderde en waarom"),
        retention=NO_PERIOD,
        personal="changed_by reason",
        other="id weights changed_at diff",
        via=Municipality,
    )
    declare(
        Complex,
        purpose=STOCK,
        retention=KEPT,
        other="id corporation neighbourhood code name created_at",
    )
    declare(
        ComplexStop,
        purpose=_("een tijdelijke stop op plaatsingen in een complex"),
        retention=NO_PERIOD,
        personal="decided_by lifted_by reason",
        other="id complex until decided_at lifted_at",
        via=Complex,
    )
    declare(
        Stairwell,
        purpose=_("het aantal kwetsbare huishoudens per portiek (geteld, niet genoemd)"),
        retention=NO_PERIOD,
        personal="limit_set_by",
        other=("id complex name max_vulnerable current_vulnerable limit_set_at count_recorded_at"),
    )
    declare(
        Dwelling,
        purpose=STOCK,
        retention=NO_PERIOD,
        # An address is personal data once a client lives there: it says where a vulnerable
        # person lives. Free-text notes can name a tenant.
        personal="street number suffix postcode bag_id latitude longitude notes",
        other=(
            "id corporation reference city neighbourhood complex stairwell dwelling_type floor "
            "has_lift rooms bedrooms living_area net_rent service_costs step_free ground_floor "
            "wheelchair available_from counts_toward_quota status let_to_outflow_at created_at "
            "updated_at"
        ),
    )
    declare(
        DwellingEvent,
        purpose=_("de geschiedenis van de status van een woning"),
        retention=NO_PERIOD,
        personal="actor note",
        other="id dwelling from_status to_status at",
        via=Dwelling,
    )
    declare(
        ImportBatch,
        purpose=_("het inlezen van woningen en buurtcijfers uit een bestand"),
        retention=NO_PERIOD,
        personal="uploaded_by content preview",
        other=(
            "id kind organisation filename status row_count error_count options channel "
            "created_at applied_at"
        ),
    )
