"""Template filters of the formatting layer (`accounts/formatting.py`), loaded as builtins:

{{ dwelling.net_rent|money }}  {{ share|percent }}  {{ p.score|score }}
{{ meeting.week_label|week }}  {{ hours|hours }}  {{ n|number }}  {{ diff|signed:1 }}
"""

from __future__ import annotations

from typing import Any

from django import template

from accounts import formatting

register = template.Library()


@register.filter
def money(value: Any, decimals: int = 2) -> str:
    return formatting.money(value, int(decimals))


@register.filter
def percent(value: Any, decimals: int = 1) -> str:
    return formatting.percent(value, int(decimals))


@register.filter
def fraction_percent(value: Any, decimals: int = 1) -> str:
    return formatting.fraction_percent(value, int(decimals))


@register.filter
def score(value: Any) -> str:
    return formatting.score(value)


@register.filter
def number(value: Any, decimals: int = 0) -> str:
    return formatting.number(value, int(decimals))


@register.filter
def signed(value: Any, decimals: int = 0) -> str:
    return formatting.signed(value, int(decimals))


@register.filter
def hours(value: Any) -> str:
    return formatting.hours(value)


@register.filter
def week(value: Any) -> str:
    return formatting.week(value)


@register.filter
def iso_date(value: Any, style: str = "DATE_FORMAT") -> str:
    """A date kept as ISO text in a JSON snapshot ("2026-05-22") as the locale writes it."""
    return formatting.date(value, style)


@register.filter
def postcode(value: Any) -> str:
    from housing.models import format_postcode

    return format_postcode(str(value or ""))


def _choices() -> dict[str, Any]:
    from cases.models import AgreementType, TargetGroup
    from housing.models import DwellingType

    return {
        "target_group": TargetGroup,
        "agreement_type": AgreementType,
        "dwelling_type": DwellingType,
    }


@register.filter
def choice_label(value: Any, kind: str) -> str:
    """The label of a stored choice code (`{{ p.profile.target_group|choice_label:"target_group" }}`
    → "GGZ (geestelijke gezondheidszorg)"): shared JSON keeps codes, people read labels."""
    if value in (None, ""):
        return formatting.MISSING
    enum = _choices().get(kind)
    if enum is None:
        return str(value)
    try:
        return str(enum(value).label)
    except ValueError:
        return str(value)


@register.filter
def capacity_class(code: Any) -> str:
    """ "green" → "groen" (translated: the stored snapshot keeps the code)."""
    return str(formatting.CAPACITY_CLASSES.get(str(code or ""), formatting.MISSING))


@register.filter
def choice_short(value: Any, kind: str) -> str:
    """The label without its explanation in brackets: "GGZ", "MO", "anders"."""
    return choice_label(value, kind).split(" (", 1)[0]


@register.filter
def household(value: Any) -> str:
    """{"adults": 1, "children": 0} → "1 volwassene, geen kinderen"."""
    if not isinstance(value, dict):
        return formatting.MISSING
    return formatting.household(int(value.get("adults") or 0), int(value.get("children") or 0))


@register.filter
def contribution(c: Any) -> str:
    """One input of the carrying-capacity breakdown, in the reader's number format."""
    from django.utils.translation import gettext as _

    unit, raw = getattr(c, "unit", ""), getattr(c, "raw", None)
    if raw is None or not unit:
        return str(getattr(c, "value", ""))
    if unit == "pct":
        return formatting.percent(raw)
    if unit == "signed":
        return formatting.signed(raw, 2)
    if unit == "per_1000":
        return _("%(n)s (%(rate)s per 1.000 woningen)") % {
            "n": getattr(c, "count", 0),
            "rate": formatting.number(raw, 1),
        }
    return str(c.value)
