"""Signals other apps can listen to (the board removes its items when a client leaves)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after commit when a client leaves the shared statuses (ready, on the board, matched),
# including when consent is withdrawn or expires. Arguments: client_id, reason (the action).
client_left_board = Signal()
