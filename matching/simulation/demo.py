"""Demo scenarios on the Veerhaven board: the what-if a board asks first, ready to read.

Two scenarios at a tipping point of 30%, with and without the stairwell rule (one vulnerable
household per stairwell), made by the demo analyst through the services and run once (in-process
with eager tasks, by the simulation worker otherwise). The scenario page then shows both results
side by side, each with its spread over the seeds, so the comparison a board starts from is on
screen from the first visit.

Idempotent: a scenario of that name is made once, and run only when it has no run yet.
"""

from __future__ import annotations

from typing import Any, TextIO

from accounts.models import User
from matching.board.models import Board

from . import services
from .models import Scenario

BOARD_NAME = "Plaatsingstafel Veerhaven"
ANALYST = "analist@gemeente.demo"

SCENARIOS: list[dict[str, Any]] = [
    {
        "name": "Kantelpunt 30% met portiekregel",
        "description": "Niet meer dan 30% kwetsbare huishoudens per buurt en hoogstens één "
        "kwetsbaar huishouden per portiek.",
        "limit_mode": "tipping_point",
        "tipping_point": 30,
        "stairwell_rule": True,
        "stairwell_max": 1,
        "policy": "optimiser",
    },
    {
        "name": "Kantelpunt 30% zonder portiekregel",
        "description": "Dezelfde buurtgrens, zonder grens per portiek: wat kost de portiekregel?",
        "limit_mode": "tipping_point",
        "tipping_point": 30,
        "stairwell_rule": False,
        "policy": "optimiser",
    },
]


def seed(*, stdout: TextIO) -> None:
    board = Board.objects.filter(name=BOARD_NAME).first()
    analyst = User.objects.filter(email=ANALYST).first()
    if board is None or analyst is None:
        stdout.write("  simulation: no demo board or analyst (run accounts and matching first)")
        return
    started = 0
    for data in SCENARIOS:
        scenario = Scenario.objects.filter(board=board, name=data["name"]).first()
        if scenario is None:
            scenario = services.scenario_create(actor=analyst, board=board, data=dict(data))
        if not scenario.runs.exists():
            services.simulation_start(actor=analyst, scenario=scenario)
            started += 1
    stdout.write(
        f"  simulation: {len(SCENARIOS)} scenario's, {started} doorgerekend of in de wachtrij"
    )
