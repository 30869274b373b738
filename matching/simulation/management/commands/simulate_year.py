"""Run one or more what-if scenarios on a board's region and print the results table.

    python manage.py simulate_year --board 1 --scenario tipping30.json [--scenario more.json]
        [--weeks] [--json]

A scenario file holds the same values as the scenario form (missing flows are prefilled from
the region's last 12 months; everything else has the form's defaults), e.g.

    {"name": "Kantelpunt 30%", "policy": "optimiser", "limit_mode": "tipping_point",
     "tipping_point": 30, "stairwell_rule": true, "stairwell_max": 1, "seed": 1}

Nothing is stored and no live data changes: the command takes one snapshot and runs the pure
simulation on it, so several scenarios are compared on exactly the same starting point.
Per-neighbourhood counts are not printed (the summary is region-wide).
"""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path
from typing import Any

import orjson
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from matching.board.models import Board
from matching.simulation import core, seeds, selectors, snapshot


class Command(BaseCommand):
    help = "Simuleer een jaar wekelijkse tafels onder gekozen grenzen en toon de uitkomsten."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--board", type=int, required=True, help="id van de plaatsingstafel")
        parser.add_argument(
            "--scenario",
            action="append",
            required=True,
            help="scenario als JSON-bestand; herhaal om scenario's naast elkaar te zetten",
        )
        parser.add_argument("--weeks", action="store_true", help="toon ook de tabel per week")
        parser.add_argument("--json", action="store_true", help="uitvoer als JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("nl")
        board = Board.objects.filter(pk=options["board"]).first()
        if board is None:
            raise CommandError(f"Plaatsingstafel {options['board']} bestaat niet.")
        flows = snapshot.flows(board)
        scenarios = [self._load(Path(p), flows) for p in options["scenario"]]
        started = time.perf_counter()
        snap = snapshot.take(board)
        snap_seconds = time.perf_counter() - started
        results = []
        for name, params in scenarios:
            result = seeds.simulate_seeds(snap, params)
            results.append((name, result))
        total = time.perf_counter() - started
        if options["json"]:
            self.stdout.write(
                json.dumps(self._as_json(board, results, total), indent=2, default=str)
            )
            return
        self._table(board, snap, results)
        if options["weeks"]:
            for name, result in results:
                self._weeks(name, result)
        self.stderr.write(
            f"momentopname {snap_seconds:.2f} s; "
            + "; ".join(f"{name}: {r.seconds:.2f} s" for name, r in results)
            + f"; totaal {total:.2f} s"
        )

    def _load(self, path: Path, flows: dict[str, Any]) -> tuple[str, core.Params]:
        try:
            data = orjson.loads(path.read_bytes())
        except OSError as error:
            raise CommandError(f"Kan {path} niet lezen: {error.strerror}") from None
        except orjson.JSONDecodeError as error:
            raise CommandError(f"{path} is geen geldige JSON: {error}") from None
        if not isinstance(data, dict):
            raise CommandError(f"{path}: verwacht een JSON-object.")
        for key in ("clients_per_week", "dwellings_per_week", "departure_rate", "urgent_share"):
            data.setdefault(key, flows[key])
        try:
            params = core.Params.from_dict(data)
        except core.ParamsError as error:
            raise CommandError(f"{path}: {error.field}: {error.message}") from None
        return str(data.get("name") or path.stem), params

    def _table(
        self, board: Board, snap: core.Snapshot, results: list[tuple[str, seeds.SeedsResult]]
    ) -> None:
        self.stdout.write(
            f"{board.name}: momentopname {snap.start:%d-%m-%Y}, {len(snap.waiting)} wachtende "
            f"cliënten, {len(snap.offered)} aangeboden woningen, {len(snap.neighbourhoods)} buurten"
        )
        names = [name for name, _r in results]
        width = max(12, *(len(n) + 2 for n in names))
        label_width = max(len(str(m.label)) for m in selectors.METRICS) + 2
        header = "".ljust(label_width) + "".join(n.rjust(width + 2) for n in names)
        if len(results) > 1:
            header += "".join(f"Δ {n}"[:width].rjust(width + 2) for n in names[1:])
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for m in selectors.METRICS:
            values = [r.summary.get(m.key) for _n, r in results]
            line = str(m.label).ljust(label_width)
            line += "".join(_fmt(v).rjust(width + 2) for v in values)
            if len(results) > 1:
                for v in values[1:]:
                    diff = None if v is None or values[0] is None else round(v - values[0], 1)
                    line += ("—" if diff is None else f"{diff:+g}").rjust(width + 2)
            self.stdout.write(line)

    def _weeks(self, name: str, seeds: seeds.SeedsResult) -> None:
        result = seeds.first
        self.stdout.write("")
        self.stdout.write(f"{name}: per week")
        self.stdout.write(
            "week  datum       nieuw  vrij  geplaatst  >kantelpunt  portiek  regulier  wachtend  buurten>kp"
        )
        for w in result.weeks:
            self.stdout.write(
                f"{w.week:>4}  {w.date:%d-%m-%Y}  {w.arrivals:>5}  {w.vacancies:>4}  {w.placed:>9}  "
                f"{w.placed_past_tipping:>11}  {w.placed_in_occupied_stairwell:>7}  "
                f"{w.let_regular:>8}  {w.waiting:>8}  {w.neighbourhoods_past_tipping:>10}"
            )

    def _as_json(
        self, board: Board, results: list[tuple[str, seeds.SeedsResult]], seconds: float
    ) -> dict[str, Any]:
        return {
            "board": board.pk,
            "seconds": round(seconds, 3),
            "scenarios": [
                {
                    "name": name,
                    "params": r.first.params.to_dict(),
                    "snapshot_digest": r.first.snapshot_digest,
                    "seconds": round(r.seconds, 3),
                    "summary": r.summary,
                    "weeks": [dataclasses.asdict(w) for w in r.first.weeks],
                }
                for name, r in results
            ],
        }


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return "/".join(str(v) for v in value.values())
    return str(value)
