"""Signals other apps can listen to (the board removes its items when a client leaves)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction, under the client's row lock, when a client leaves the shared
# statuses (ready, on the board, matched), including when consent is withdrawn or expires.
# Arguments: client_id, reason (the action). Receivers lock only rows after the client in the
# global lock order (docs/concurrency.md) and must not fail for reasons of their own.
client_left_board = Signal()

# Sent inside the transaction, under the client's row lock, when the client's consent ends
# (withdrawn, expired). Receivers drop their copies of the shared profile. Arguments:
# client_id, reason (the ConsentEndReason).
consent_ended = Signal()
