"""Build (or top up) the demo region. Safe to run any number of times."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.core.management.base import BaseCommand

# Order matters: people first, then neighbourhoods and dwellings, then clients, then boards.
DEMO_MODULES = [
    "accounts.demo",
    "housing.demo",
    "cases.demo",
    "matching.board.demo",
    "matching.placements.demo",
    "matching.aftercare.demo",
    "matching.simulation.demo",
    "matching.monitor.demo",
]


class Command(BaseCommand):
    help = "Load the demo region: organisations, people for every role, and (per app) their data."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Demo-regio opbouwen…")
        for name in DEMO_MODULES:
            try:
                module = import_module(name)
            except ModuleNotFoundError as error:
                if error.name in {name, name.partition(".")[0]}:
                    continue  # that app has no demo data (yet)
                raise
            module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo-regio klaar."))
