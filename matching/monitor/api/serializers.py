"""The monitor's tables for BI tools: the same suppressed figures as the pages (null = hidden)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..selectors import Table


@extend_schema_field(OpenApiTypes.NUMBER)
class NumberField(serializers.Field):
    """A count as an integer, a rate (per 1,000 homes) as a decimal number, as it is."""

    def to_representation(self, value: Any) -> Any:
        return value


class TableRowSerializer(serializers.Serializer):
    row = serializers.CharField()
    date = serializers.DateField(
        read_only=True, allow_null=True, help_text="first day of the month or quarter"
    )
    cells = serializers.ListField(
        child=NumberField(allow_null=True),
        help_text="counts (integers) or rates; null is hidden, or not known when its index "
        "is in `unknown`",
    )
    unknown = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="indexes of the cells that are null because the figure is not known "
        "(a neighbourhood without indicators), not because it is hidden",
    )
    total = serializers.IntegerField(allow_null=True)


class TableSerializer(serializers.Serializer):
    title = serializers.CharField()
    unit = serializers.CharField()
    row_header = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    column_units = serializers.ListField(
        child=serializers.CharField(),
        help_text="each column's unit (a table of mixed figures: people and months)",
    )
    rows = TableRowSerializer(many=True)
    column_totals = serializers.ListField(
        child=serializers.IntegerField(allow_null=True), allow_null=True
    )


class ReportSerializer(serializers.Serializer):
    report = serializers.CharField()
    region = serializers.CharField()
    period = serializers.CharField()
    suppressed_below = serializers.IntegerField(
        help_text="counts from 1 to this minus one are null (and so is a cell they would follow from)"
    )
    exact = serializers.BooleanField(help_text="true for the region's own analysts: nothing hidden")
    tables = TableSerializer(many=True)


def table_data(t: Table) -> dict[str, Any]:
    return {
        "title": str(t.title),
        "unit": str(t.unit),
        "row_header": str(t.row_header),
        "columns": [str(c) for c in t.columns],
        "column_units": [str(t.unit_of(j)) for j in range(len(t.columns))],
        "rows": [
            {
                "row": label,
                "date": t.row_dates[i] if t.row_dates else None,
                "cells": cells,
                "unknown": [j for j in range(len(cells)) if t.is_unknown(i, j)],
                "total": total if t.row_totals else None,
            }
            for i, (label, cells, total) in enumerate(t.body)
        ],
        "column_totals": t.grid.column_totals if t.column_totals else None,
    }
