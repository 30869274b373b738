"""The pure modules import no Django: they run (and are tested, benchmarked) on plain data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PURE = [
    "matching.engine",
    "matching.engine_input",
    "matching.simulation.core",
    "matching.simulation.weekly",
    "matching.simulation.seeds",
    "housing.capacity",
]
CHECK = """
import importlib, sys
importlib.import_module({module!r})
loaded = sorted(m for m in sys.modules if m == "django" or m.startswith(("django.", "rest_framework")))
print(",".join(loaded))
"""


@pytest.mark.parametrize("module", PURE)
def test_a_pure_module_imports_no_django(module):
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed module list
        [sys.executable, "-c", CHECK.format(module=module)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},  # no DJANGO_SETTINGS_MODULE
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{module} loads {result.stdout.strip()}"
