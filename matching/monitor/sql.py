"""Two database expressions the monitor aggregates with, on PostgreSQL and on SQLite alike.

- `DaysBetween(later_date, earlier_datetime)`: whole days from a timestamp's local date to a
  date (waiting time in days), computed in the database.
- `Percentile(expression, fraction)`: the continuous percentile (median = 0.5) as an
  aggregate, grouped like `Count`. PostgreSQL has `percentile_cont ... WITHIN GROUP`; SQLite
  gets the same aggregate registered on each new connection (`register_sqlite`), so the
  monitor runs one query path on both and never pulls rows into Python to sort them.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.db.models import Aggregate, FloatField, Func, IntegerField


class DaysBetween(Func):
    output_field = IntegerField()
    arity = 2

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        later, earlier = self.source_expressions
        later_sql, later_params = compiler.compile(later)
        earlier_sql, earlier_params = compiler.compile(earlier)
        tz = settings.TIME_ZONE.replace("'", "")
        sql = f"(({later_sql})::date - (({earlier_sql}) AT TIME ZONE '{tz}')::date)"
        return sql, (*later_params, *earlier_params)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        later, earlier = self.source_expressions
        later_sql, later_params = compiler.compile(later)
        earlier_sql, earlier_params = compiler.compile(earlier)
        sql = f"CAST(julianday(date({later_sql})) - julianday(date({earlier_sql})) AS INTEGER)"
        return sql, (*later_params, *earlier_params)


class Percentile(Aggregate):
    output_field = FloatField()
    allow_distinct = False

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("fraction lies between 0 and 1")
        self.fraction = float(fraction)
        super().__init__(expression, **extra)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        expression = self.get_source_expressions()[0]
        sql, params = compiler.compile(expression)
        if connection.vendor == "postgresql":
            return (
                f"percentile_cont({self.fraction!r}) WITHIN GROUP (ORDER BY {sql})",
                params,
            )
        return f"wb_percentile({sql}, {self.fraction!r})", params


class _SqlitePercentile:
    """percentile_cont for SQLite: linear interpolation between the two nearest values."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value: Any, fraction: float) -> None:
        if value is not None:
            self.values.append(float(value))
            self.fraction = float(fraction)

    def finalize(self) -> float | None:
        return percentile(self.values, self.fraction)


def percentile(values: list[float], fraction: float) -> float | None:
    """The same definition as PostgreSQL's percentile_cont."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def register_sqlite(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("wb_percentile", 2, _SqlitePercentile)
