"""Hard rules: may this client be offered this dwelling at all?

Every rule has a stable code (for the board and the API) and a Dutch sentence with the actual
values, so the board can say why a client has no proposal. Each rule exists twice: a scalar
version that explains one pair, and a vectorised version that tests one client against all
dwellings at once; tests assert they agree.

Stairwell and neighbourhood limits are *not* hard rules: they are groups for the optimiser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .domain import Client, Dwelling, Need
from .table import DwellingTable, lookup


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why a pair is not allowed: a stable ``code`` and a Dutch ``message``."""

    code: str
    message: str


def euro(amount: float) -> str:
    """Dutch money notation: € 1.234,50."""
    text = f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"€ {text}"


def _date(value: object) -> str:
    return value.strftime("%d-%m-%Y")  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    label: str  # Dutch, plural phrase for counts: "12 woningen <label>"
    applies: Callable[[Client, Dwelling], bool]  # True when the rule REJECTS the pair
    message: Callable[[Client, Dwelling], str]


def _contingent_message(c: Client, d: Dwelling) -> str:
    groups = ", ".join(sorted(d.target_groups))
    return (
        f"De woning hoort bij een contingent voor {groups}; de cliënt valt onder {c.target_group}."
    )


RULES: tuple[Rule, ...] = (
    Rule(
        "outside_search_area",
        "liggen buiten het zoekgebied",
        lambda c, d: (
            bool(c.search_municipalities) and d.municipality not in c.search_municipalities
        ),
        lambda c, d: (
            f"De woning ligt in gemeente {d.municipality}, buiten het zoekgebied van de cliënt."
        ),
    ),
    Rule(
        "rent_above_max",
        "zijn te duur",
        lambda c, d: d.rent > c.max_rent,
        lambda c, d: (
            f"De huur van {euro(d.rent)} is hoger dan de maximale huur van {euro(c.max_rent)}."
        ),
    ),
    Rule(
        "too_few_bedrooms",
        "hebben te weinig slaapkamers",
        lambda c, d: d.bedrooms < c.bedrooms_needed,
        lambda c, d: (
            f"De woning heeft {d.bedrooms} slaapkamer(s); het huishouden van {c.household_size} "
            f"heeft er {c.bedrooms_needed} nodig."
        ),
    ),
    Rule(
        "not_step_free",
        "zijn niet traploos",
        lambda c, d: Need.STEP_FREE in c.needs and not d.step_free,
        lambda c, d: (
            "De cliënt heeft een traploze woning nodig; deze woning heeft trappen of drempels."
        ),
    ),
    Rule(
        "no_ground_floor_or_lift",
        "liggen hoger zonder lift",
        lambda c, d: Need.GROUND_FLOOR_OR_LIFT in c.needs and not (d.ground_floor or d.lift),
        lambda c, d: (
            "De cliënt heeft een woning op de begane grond of met lift nodig; deze woning ligt hoger zonder lift."
        ),
    ),
    Rule(
        "not_wheelchair_accessible",
        "zijn niet rolstoelgeschikt",
        lambda c, d: Need.WHEELCHAIR in c.needs and not d.wheelchair,
        lambda c, d: "De cliënt heeft een rolstoelgeschikte woning nodig; deze woning is dat niet.",
    ),
    Rule(
        "neighbourhood_excluded",
        "liggen in een uitgesloten buurt",
        lambda c, d: d.neighbourhood in c.excluded_neighbourhoods,
        lambda c, d: f"De cliënt heeft buurt {d.neighbourhood} uitgesloten.",
    ),
    Rule(
        "complex_stopped",
        "staan in een gesloten complex",
        lambda c, d: d.complex_stopped,
        lambda c, d: (
            f"Complex {d.complex_id or '(onbekend)'} is tijdelijk gesloten voor plaatsingen."
        ),
    ),
    Rule(
        "available_too_late",
        "komen te laat vrij",
        lambda c, d: d.available_from > c.move_until,
        lambda c, d: (
            f"De woning komt pas vrij op {_date(d.available_from)}, na de uiterste "
            f"verhuisdatum {_date(c.move_until)} van de cliënt."
        ),
    ),
    Rule(
        "other_target_group",
        "horen bij een contingent voor een andere doelgroep",
        lambda c, d: bool(d.target_groups) and c.target_group not in d.target_groups,
        _contingent_message,
    ),
)
RULE_CODES: tuple[str, ...] = tuple(r.code for r in RULES)
RULE_BIT: dict[str, int] = {r.code: 1 << i for i, r in enumerate(RULES)}


def rejections_for(client: Client, dwelling: Dwelling) -> list[Rejection]:
    """Every hard rule this pair breaks, in rule order (empty list: the pair is allowed)."""
    return [
        Rejection(r.code, r.message(client, dwelling)) for r in RULES if r.applies(client, dwelling)
    ]


def is_allowed(client: Client, dwelling: Dwelling) -> bool:
    return not any(r.applies(client, dwelling) for r in RULES)


def rejection_mask(
    client: Client, table: DwellingTable, rows: np.ndarray | None = None
) -> np.ndarray:
    """Per dwelling (or per dwelling in ``rows``), the bits of every rule that rejects it.

    Must agree with :func:`rejections_for`; the tests hold them to that.
    """
    idx = slice(None) if rows is None else rows
    n = table.rent[idx].shape[0]
    mask = np.zeros(n, dtype=np.uint16)

    def add(code: str, hit: np.ndarray) -> None:
        mask[hit] |= np.uint16(RULE_BIT[code])

    if client.search_municipalities:
        allowed = lookup(table.municipality_index, client.search_municipalities)
        add("outside_search_area", ~np.isin(table.municipality[idx], allowed))
    add("rent_above_max", table.rent[idx] > client.max_rent)
    add("too_few_bedrooms", table.bedrooms[idx] < client.bedrooms_needed)
    if Need.STEP_FREE in client.needs:
        add("not_step_free", ~table.step_free[idx])
    if Need.GROUND_FLOOR_OR_LIFT in client.needs:
        add("no_ground_floor_or_lift", ~table.ground_or_lift[idx])
    if Need.WHEELCHAIR in client.needs:
        add("not_wheelchair_accessible", ~table.wheelchair[idx])
    if client.excluded_neighbourhoods:
        excluded = lookup(table.neighbourhood_index, client.excluded_neighbourhoods)
        add("neighbourhood_excluded", np.isin(table.neighbourhood[idx], excluded))
    add("complex_stopped", table.stopped[idx])
    add("available_too_late", table.available[idx] > client.move_until.toordinal())
    bit = table.target_index.get(client.target_group)
    tmask = table.target_mask[idx]
    own = np.int64(0) if bit is None else np.int64(1 << bit)
    add("other_target_group", (tmask != 0) & ((tmask & own) == 0))
    return mask


def describe_mask(bits: int) -> list[str]:
    """Rule codes set in a rejection bitmask, in rule order."""
    return [code for code in RULE_CODES if bits & RULE_BIT[code]]
