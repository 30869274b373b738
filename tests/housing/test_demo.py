"""The demo region: ~40 neighbourhoods over the whole range, ~300 dwellings; idempotent."""

from __future__ import annotations

import io

from accounts import demo as accounts_demo
from housing import demo, selectors
from housing.models import ComplexStop, Dwelling, Neighbourhood


def test_the_demo_seeds_once_and_spans_the_range(db):
    accounts_demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    assert Dwelling.objects.count() == 300
    assert Dwelling.objects.values("corporation").distinct().count() == 5
    hoods = list(Neighbourhood.objects.select_related("district"))
    assert len(hoods) == 40
    classes = {r.klass for r in selectors.capacities(hoods).values()}
    assert classes == {"green", "amber", "red"}
    assert ComplexStop.objects.exists()
