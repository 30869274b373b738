"""Redis unreachable for real (REDIS_URL to a closed port; the shared Redis stays up) when the
chair presses "Doorrekenen" and "Berekenen": the page answers, the run fails with a message
that the page shows, and nothing is left queued. The page runs in its own process
(`tests/closed_broker.py`), since the broker is configured when the app starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def test_a_closed_broker_port_fails_both_runs_with_a_message_not_a_500(sim_world, make_scenario):
    scenario = make_scenario(run=False)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "REQUIRE_MFA": "false",  # the page, not the sign-in, is under test
    }
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-m", "tests.closed_broker", str(sim_world.chair.pk),
         str(scenario.pk), str(sim_world.meeting.pk)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    pages = json.loads(done.stdout.strip().splitlines()[-1])
    for name in ("doorrekenen", "berekenen"):
        page = pages[name]
        assert page["status_code"] == 200, json.dumps([name, page])
        assert page["run"] == "failed" and "ingepland" in page["error"], json.dumps([name, page])
        assert page["shown"], json.dumps([name, page])
        assert page["seconds"] < 30, json.dumps([name, page])
