"""A monitor period: whole months from a first to a last month, read per month or per quarter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language

MONTH, QUARTER = "month", "quarter"


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


@dataclass(frozen=True)
class Period:
    first: dt.date  # first day of the first month
    last: dt.date  # first day of the last month (inclusive)
    unit: str = MONTH

    @classmethod
    def last_12_months(cls, today: dt.date | None = None, unit: str = MONTH) -> Period:
        today = today or timezone.localdate()
        last = month_start(today)
        return cls(add_months(last, -11), last, unit)

    @property
    def end(self) -> dt.date:
        """The first day after the period (exclusive bound)."""
        return add_months(self.last, 1)

    @property
    def start_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.first, dt.time.min))

    @property
    def end_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.end, dt.time.min))

    def bucket_of(self, day: dt.date) -> dt.date:
        return quarter_start(day) if self.unit == QUARTER else month_start(day)

    def buckets(self) -> list[dt.date]:
        out: list[dt.date] = []
        day = self.first
        while day <= self.last:
            bucket = self.bucket_of(day)
            if bucket not in out:
                out.append(bucket)
            day = add_months(day, 1)
        return out

    def label(self, bucket: dt.date) -> str:
        if self.unit == QUARTER:
            return f"{bucket.year} K{(bucket.month - 1) // 3 + 1}"
        # Dutch writes a month in lower case ("mrt 2026"), as the XLSX cells show it.
        label = date_format(bucket, "M Y")
        return label.lower() if (get_language() or "nl").startswith("nl") else label

    def long_label(self, bucket: dt.date) -> str:
        if self.unit == QUARTER:
            return f"{(bucket.month - 1) // 3 + 1}e kwartaal {bucket.year}"
        return date_format(bucket, "F Y")

    @property
    def description(self) -> str:
        return f"{date_format(self.first, 'F Y')} – {date_format(self.last, 'F Y')}"

    @property
    def query(self) -> str:
        """The period as the filter form's query string (for export links)."""
        return f"van={self.first:%Y-%m}&tot={self.last:%Y-%m}&per={self.unit}"
