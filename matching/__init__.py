"""Matching: a namespace of sibling parts, not an app of its own.

- `matching.engine`: the pure optimiser (no Django), also a command-line tool;
- `matching.engine_input`: the engine's input from plain facts (pure), shared by the board and
  the simulation;
- `matching.board`: the weekly placement board (app label `matching`);
- `matching.placements`: placements and agreements after the board (app label `placements`);
- `matching.simulation`: the what-if simulation (app label `simulation`).

`docs/ARCHITECTURE.md` shows which part may import which; `tests/test_architecture.py` holds
the code to it.
"""
