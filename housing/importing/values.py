"""Reading single cell values as the Dutch public files write them.

Public files suppress and postpone figures with markers; every one of them means "not known"
(`UNKNOWN`), never zero and never a parse error. Numbers come with a decimal comma or point;
an integer column refuses both a decimal comma and a thousands separator rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ..models import (
    DISTRICT_CODE_REGEX,
    MUNICIPALITY_CODE_REGEX,
    NEIGHBOURHOOD_CODE_REGEX,
    POSTCODE_REGEX,
)


class Invalid(ValueError):
    pass


# CBS: "." not available/suppressed, "x" secret, "-" nil or not applicable (StatLine),
# "geheim"; Leefbaarometer: NA; CBS buurtkaart: -99995 (not yet / suppressed for privacy),
# -99997 (not applicable) and, before 2022, -99999999.
UNKNOWN_MARKERS = frozenset({"", ".", "x", "-", "?", "geheim", "na", "n/a", "nan"})
UNKNOWN_NUMBERS = frozenset({-99995, -99996, -99997, -99998, -99999999, -99999997})


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def is_unknown(value: Any) -> bool:
    """True for every marker a public file uses for "not known"."""
    if value is None:
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return value != value or value in UNKNOWN_NUMBERS  # NaN or a CBS marker
    raw = text(value)
    if raw.lower() in UNKNOWN_MARKERS:
        return True
    try:
        return int(raw) in UNKNOWN_NUMBERS
    except ValueError:
        return False


def decimal(
    value: Any, *, low: float | None = None, high: float | None = None, places: int = 2
) -> Decimal:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raw = repr(value)
    else:
        raw = text(value).replace(" ", "").replace("\u00a0", "")
        if "," in raw and "." in raw:
            raw = raw.replace(".", "")  # 1.234,50
        raw = raw.replace(",", ".").rstrip("%")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise Invalid(f"geen getal: {text(value)!r}") from None
    if not number.is_finite():
        raise Invalid("geen getal")
    if low is not None and number < Decimal(str(low)):
        raise Invalid(f"{number} is kleiner dan {low:g}")
    if high is not None and number > Decimal(str(high)):
        raise Invalid(f"{number} is groter dan {high:g}")
    return number.quantize(Decimal(1).scaleb(-places))


_THOUSANDS = re.compile(r"^-?[0-9]{1,3}([.][0-9]{3})+$")


def integer(value: Any, *, low: int | None = None, high: int | None = None) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        raw = text(value).replace(" ", "")
        if _THOUSANDS.match(raw):
            raise Invalid(
                f"{raw!r} heeft een scheidingsteken voor duizendtallen; schrijf {raw.replace('.', '')}"
            )
        if re.match(r"^-?[0-9]+[,.][0-9]+$", raw):
            raise Invalid(f"{raw!r} is geen geheel getal (decimale komma of punt in deze kolom)")
        try:
            number = int(raw)
        except ValueError:
            raise Invalid(f"geen geheel getal: {raw!r}") from None
    if low is not None and number < low:
        raise Invalid(f"{number} is kleiner dan {low}")
    if high is not None and number > high:
        raise Invalid(f"{number} is groter dan {high}")
    return number


def percentage(value: Any) -> Decimal:
    return decimal(value, low=0, high=100)


TRUE = {"1", "ja", "j", "yes", "y", "true", "waar", "x"}
FALSE = {"0", "nee", "n", "no", "false", "onwaar", ""}


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raw = text(value).lower()
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    raise Invalid(f"ja of nee verwacht, niet {raw!r}")


def a_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise Invalid(f"datum als JJJJ-MM-DD verwacht, niet {raw!r}")


def optional(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A parser that reads every "not known" marker as None."""
    return lambda v: None if is_unknown(v) else parse(v)


# --- CBS codes ------------------------------------------------------------------------------

_PREFIX = {"BU": 8, "WK": 6, "GM": 4}


def _code(pattern: str, prefix: str, example: str) -> Callable[[Any], str]:
    compiled = re.compile(pattern)
    tail = re.compile(rf"^[0-9]{{4}}[0-9A-Z]{{{_PREFIX[prefix] - 4}}}$")

    def parse(value: Any) -> str:
        code = text(value).upper().replace(" ", "")
        if compiled.match(code):
            return code
        if tail.match(code):
            raise Invalid(
                f"{text(value)!r} mist het voorvoegsel {prefix}: bedoelt u {prefix}{code}?"
            )
        raise Invalid(f"{text(value)!r} is geen geldige code (verwacht {example})")

    return parse


neighbourhood_code = _code(NEIGHBOURHOOD_CODE_REGEX, "BU", "BU + 8 tekens, zoals BU03080000")
district_code = _code(DISTRICT_CODE_REGEX, "WK", "WK + 6 tekens, zoals WK030800")
municipality_code = _code(MUNICIPALITY_CODE_REGEX, "GM", "GM + 4 cijfers, zoals GM0308")


def district_of(neighbourhood: str) -> str:
    """BU GGGG WW BB lies in WK GGGG WW."""
    return "WK" + neighbourhood[2:8]


def municipality_of(code: str) -> str:
    return "GM" + code[2:6]


def postcode(value: Any) -> str:
    code = text(value).upper().replace(" ", "")
    if not re.match(POSTCODE_REGEX, code):
        raise Invalid(f"{text(value)!r} is geen postcode (1234AB)")
    return code
