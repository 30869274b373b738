"""One builder for the test worlds: a region with a municipality (organisation, CBS geography,
indicators), care providers, housing corporations, people of every role, a board with a
meeting, and a second region with its outsiders.

Each test folder's fixtures build what its tests need with it and name the parts as those
tests read them (the `world` of `tests/board/conftest.py`, `tests/housing/conftest.py` and
`tests/placements/conftest.py`; the separate people and geography fixtures of
`tests/cases/conftest.py`; `tests/monitor`, `tests/aftercare` and `tests/simulation` reuse
the board or placements world):

    build = WorldBuilder(region)
    municipality_org = build.municipality_org("Gemeente Test")
    geo = build.geography(municipality_org, code="GM0001", name="Teststad", ...)
    provider = build.provider("Zorg A")
    coordinator = build.person(Role.CARE_COORDINATOR, provider)
    outsider = build.outsider(Role.HOUSING_CONSULTANT, OrganisationKind.HOUSING_CORPORATION, "Elders")
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, Region, User
from tests.accounts.factories import OrganisationFactory, RegionFactory, member
from tests.housing.factories import (
    DistrictFactory,
    IndicatorFactory,
    MunicipalityFactory,
    NeighbourhoodFactory,
)


@dataclass
class Geography:
    """A municipality with one district and its neighbourhoods (each with indicators)."""

    municipality: Any
    district: Any
    neighbourhoods: list[Any]

    @property
    def neighbourhood(self) -> Any:
        return self.neighbourhoods[0]


class WorldBuilder:
    """Builds the parts of a test world in one region; the second region is made once, on
    first use (`elsewhere`), with the name every test folder uses for it."""

    def __init__(self, region: Region) -> None:
        self.region = region
        self._elsewhere: Region | None = None

    # --- Organisations ----------------------------------------------------------------------

    def organisation(self, kind: str, name: str, *, region: Region | None = None) -> Organisation:
        return OrganisationFactory(kind=kind, region=region or self.region, name=name)

    def municipality_org(self, name: str) -> Organisation:
        return self.organisation(OrganisationKind.MUNICIPALITY, name)

    def provider(self, name: str) -> Organisation:
        return self.organisation(OrganisationKind.CARE_PROVIDER, name)

    def corporation(self, name: str) -> Organisation:
        return self.organisation(OrganisationKind.HOUSING_CORPORATION, name)

    # --- Geography --------------------------------------------------------------------------

    def geography(
        self,
        municipality_org: Organisation | None,
        *,
        code: str,
        name: str,
        district: str,
        neighbourhoods: Sequence[tuple[str, str]],
        indicator_years: Sequence[int] | None = None,
        **indicator: Any,
    ) -> Geography:
        """The municipality `code`/`name` of `municipality_org` (None: governed by no
        organisation in the test), one district, and the neighbourhoods (code, name), each
        with an indicator row per year (last year by default); `indicator` fields (e.g.
        homes=1000) go on every row."""
        municipality = MunicipalityFactory(
            code=code, name=name, region=self.region, organisation=municipality_org
        )
        district_obj = DistrictFactory(code=district, municipality=municipality)
        years = indicator_years or [timezone.localdate().year - 1]
        rows = []
        for n_code, n_name in neighbourhoods:
            neighbourhood = NeighbourhoodFactory(code=n_code, name=n_name, district=district_obj)
            for year in years:
                IndicatorFactory(neighbourhood=neighbourhood, year=year, **indicator)
            rows.append(neighbourhood)
        return Geography(municipality=municipality, district=district_obj, neighbourhoods=rows)

    # --- People -----------------------------------------------------------------------------

    def person(self, role: str, organisation: Organisation) -> User:
        """A new user with `role` in `organisation`."""
        return member(role, organisation)

    # --- The board --------------------------------------------------------------------------

    def board(self, *, chair: User, name: str) -> Any:
        from matching.board import services

        return services.board_create(region=self.region, name=name, chair=chair)

    def meeting(self, board: Any, *, on: Any = None) -> Any:
        """The board's meeting on `on` (today by default), made directly: no generation."""
        from matching.board import services
        from matching.board.models import Meeting

        day = on or timezone.localdate()
        return Meeting.objects.create(board=board, date=day, week_label=services.week_label(day))

    # --- The second region ------------------------------------------------------------------

    @property
    def elsewhere(self) -> Region:
        if self._elsewhere is None:
            self._elsewhere = RegionFactory(name="Regio Elders", slug="regio-elders")
        return self._elsewhere

    def outsider_org(self, kind: str, name: str) -> Organisation:
        return self.organisation(kind, name, region=self.elsewhere)

    def outsider(self, role: str, kind: str, name: str) -> User:
        """A user with `role` in a new organisation of `kind` in the second region."""
        return member(role, self.outsider_org(kind, name))
