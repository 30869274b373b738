"""Signals placements sends to the parts built on it (they never import upward)."""

from django.dispatch import Signal

# Sent inside the transaction of `triangle_care_stop`: agreement=, actor=, stopped_on=.
care_stopped = Signal()
