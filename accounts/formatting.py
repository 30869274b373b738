"""The one formatting layer: money, numbers, percentages, scores, hours and weeks.

Everything a person reads goes through Django's localisation (the active language's format
file in `config/formats/`), so Dutch reads "€ 1.234,56", "64,3%", "week 49 van 2026" and
English "€1,234.56", "64.3%", "week 49, 2026". Templates use the same functions as filters
(`accounts/templatetags/formatting.py`, loaded as a builtin); PDFs, XLSX exports and e-mails
call them directly. Zero is zero: only a missing value (None) prints as a dash.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import formats
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

MISSING = "—"

# Carrying-capacity classes as people read them (housing/capacity.py keeps the codes).
CAPACITY_CLASSES = {
    "green": gettext_lazy("groen"),
    "amber": gettext_lazy("oranje"),
    "red": gettext_lazy("rood"),
    "unknown": gettext_lazy("onbekend"),
}
MINUS = "\u2212"  # a real minus sign, not a hyphen
_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def number(value: Any, decimals: int = 0, *, strip: bool = False) -> str:
    """A number with the locale's thousands and decimal separators; `strip` drops a
    zero fraction ("8" rather than "8,0")."""
    d = _decimal(value)
    if d is None:
        return MISSING
    if strip and d == d.to_integral_value():
        decimals = 0
    quantum = Decimal(1).scaleb(-decimals) if decimals else Decimal(1)
    d = d.quantize(quantum)
    negative = d < 0
    text = formats.number_format(abs(d), decimals, use_l10n=True, force_grouping=True)
    return f"{MINUS}{text}" if negative and d != 0 else text


def signed(value: Any, decimals: int = 0) -> str:
    """A change: "+3", "−0,07", "0"."""
    d = _decimal(value)
    if d is None:
        return MISSING
    text = number(d, decimals)
    return f"+{text}" if d.quantize(Decimal(1).scaleb(-decimals)) > 0 else text


def money(value: Any, decimals: int = 2) -> str:
    """Euros: Dutch "€ 1.234,56" (a space after the sign), English "€1,234.56"."""
    d = _decimal(value)
    if d is None:
        return MISSING
    text = number(abs(d), decimals)
    sign = MINUS if d < 0 else ""
    if (get_language() or "nl").startswith("nl"):
        return f"{sign}€\u00a0{text}"
    return f"{sign}€{text}"


def percent(value: Any, decimals: int = 1) -> str:
    """A percentage given as a number of percent (64.3 → "64,3%"); a whole number loses
    its fraction ("40%")."""
    d = _decimal(value)
    if d is None:
        return MISSING
    return f"{number(d, decimals, strip=True)}%"


def fraction_percent(value: Any, decimals: int = 1) -> str:
    """A share given as a fraction (0.643 → "64,3%")."""
    d = _decimal(value)
    return MISSING if d is None else percent(d * 100, decimals)


def score(value: Any) -> str:
    """A 0–100 score with one decimal: "82,8"; 0 is "0,0", never a dash."""
    return number(value, 1)


def hours(value: Any) -> str:
    """Hours with at most one decimal: "8", "2,5"."""
    return number(value, 1, strip=True)


def week(value: Any) -> str:
    """An ISO week ("2026-W49", or a date) as "week 49 van 2026"."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, dt.date):
        year, wk, _day = value.isocalendar()
    else:
        match = _ISO_WEEK.match(str(value).strip())
        if not match:
            return str(value)
        year, wk = int(match.group(1)), int(match.group(2))
    return _("week %(week)s van %(year)s") % {"week": wk, "year": year}


def date(value: Any, style: str = "DATE_FORMAT") -> str:
    """A date (or datetime, in the current time zone) in the locale's long or short form. An
    ISO date string ("2026-05-22", as JSON snapshots keep dates) is read as that date."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
    return formats.date_format(value, style, use_l10n=True)


def short_date(value: Any) -> str:
    return date(value, "SHORT_DATE_FORMAT")


def count(n: int, singular: str, plural: str) -> str:
    """ "1 slaapkamer", "3 slaapkamers": `singular`/`plural` are ngettext msgids with %(n)s."""
    return ngettext(singular, plural, n) % {"n": number(n)}


def household(adults: int, children: int) -> str:
    """ "1 volwassene, geen kinderen", "2 volwassenen, 1 kind"."""
    grown = ngettext("%(n)s volwassene", "%(n)s volwassenen", adults) % {"n": adults}
    if not children:
        return _("%(adults)s, geen kinderen") % {"adults": grown}
    kids = ngettext("%(n)s kind", "%(n)s kinderen", children) % {"n": children}
    return f"{grown}, {kids}"
