"""Receivers of other parts' signals (connected in `AftercareConfig.ready`)."""

from __future__ import annotations

from typing import Any

from . import services


def signal_on_care_stop(
    sender: Any, *, agreement: Any, actor: Any, stopped_on: Any, **_: Any
) -> None:
    services.signal_from_care_stop(actor=actor, agreement=agreement, stopped_on=stopped_on)
