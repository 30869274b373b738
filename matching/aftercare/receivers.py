"""Receivers of other parts' signals (connected in `AftercareConfig.ready`)."""

from __future__ import annotations

from typing import Any

from . import services


def signal_on_care_stop(
    sender: Any, *, agreement: Any, actor: Any, stopped_on: Any, **_: Any
) -> None:
    services.signal_from_care_stop(actor=actor, agreement=agreement, stopped_on=stopped_on)


def signals_on_placement_end(
    sender: Any, *, agreement: Any, actor: Any, ended_on: Any, **_: Any
) -> None:
    services.signals_close_with_placement(actor=actor, agreement=agreement, ended_on=ended_on)
