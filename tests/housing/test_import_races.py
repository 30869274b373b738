"""Imports at the same moment, with real concurrent transactions on PostgreSQL. Each
interleaving is forced with a pause inside the first import's write phase."""

from __future__ import annotations

import pytest

from housing import importing
from housing.models import Dwelling, NeighbourhoodIndicator
from tests.races import Pause, interleave

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_partial_indicator_files_at_once_keep_both_figures_and_both_sources(world, monkeypatch):
    homes = b"buurtcode;jaar;woningen\nBU00010101;2024;1234\n"
    scores = b"bu_code,jaar,lbm\nBU00010101,2024,4.3\n"
    org = world.municipality_org
    first = importing.validate("indicators", "woningen.csv", homes, organisation=org)
    second = importing.validate("indicators", "lbm.csv", scores, organisation=org)
    pause = Pause()
    # The first import holds its row locks while the second one tries to merge.
    real_upsert = NeighbourhoodIndicator.objects.bulk_create

    def upsert(*args, **kwargs):
        pause.hold()
        return real_upsert(*args, **kwargs)

    monkeypatch.setattr(NeighbourhoodIndicator.objects, "bulk_create", upsert)
    with interleave(
        lambda: importing.write(first, organisation=org, filename="woningen.csv"),
        lambda: importing.write(second, organisation=org, filename="lbm.csv"),
        pause,
    ) as results:
        pass
    assert not [r for r in results if isinstance(r, Exception)], results
    row = NeighbourhoodIndicator.objects.get(neighbourhood=world.neighbourhood, year=2024)
    assert row.homes == 1234 and str(row.liveability_score) == "4.3000"
    assert row.sources["homes"] == "woningen.csv"
    assert row.sources["liveability_score"] == "lbm.csv"


EXPORT = (
    "referentie;straat;huisnummer;postcode;plaats;buurtcode;type;kamers;slaapkamers;"
    "woonoppervlakte;kale huur\n"
    "R-1;Kade;1;1234AB;Veerhaven;BU00010101;studio;1;0;30;400,00\n"
)


def test_the_same_export_uploaded_twice_at_once_creates_each_dwelling_once(world, monkeypatch):
    corp = world.corp_a
    first = importing.validate("dwellings", "a.csv", EXPORT.encode(), organisation=corp)
    second = importing.validate("dwellings", "b.csv", EXPORT.encode(), organisation=corp)
    assert first.rows[0]["update"] is False and second.rows[0]["update"] is False
    pause = Pause()
    # The first import holds the corporation's lock while the second one arrives.
    real_filter = Dwelling.objects.select_for_update

    def locked(*args, **kwargs):
        qs = real_filter(*args, **kwargs)
        pause.hold()
        return qs

    monkeypatch.setattr(Dwelling.objects, "select_for_update", locked)
    with interleave(
        lambda: importing.write(first, organisation=corp, actor=world.consultant_a),
        lambda: importing.write(second, organisation=corp, actor=world.consultant_a),
        pause,
    ) as results:
        pass
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Dwelling.objects.filter(corporation=corp, reference="R-1").count() == 1
