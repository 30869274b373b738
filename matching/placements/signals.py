"""Signals placements sends to the parts built on it (they never import upward)."""

from django.dispatch import Signal

# Sent inside the transaction of `triangle_care_stop`: agreement=, actor=, stopped_on=.
care_stopped = Signal()

# Sent inside the transaction of `agreement_end`, under the agreement's lock, after the
# placement ended: agreement=, actor=, ended_on=. Receivers lock only rows later in the
# lock order (docs/concurrency.md, #6).
placement_ended = Signal()
