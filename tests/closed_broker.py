"""Press "Doorrekenen" and "Berekenen" in a process whose broker is a closed port
(`python -m tests.closed_broker USER_ID SCENARIO_ID MEETING_ID`; REDIS_URL set by the caller).
Prints one JSON line: each page's status code, the run's status and error, and the seconds.
Test code only: the broker really is unreachable here, nothing is mocked."""

from __future__ import annotations

import json
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["ALLOWED_HOSTS"] = "testserver"
django.setup()

from django.test import Client as Browser  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from matching.board.models import GenerationRun  # noqa: E402
from matching.simulation.models import SimulationRun  # noqa: E402

user_id, scenario_id, meeting_id = (int(x) for x in sys.argv[1:4])
browser = Browser(raise_request_exception=False)
browser.force_login(User.objects.get(pk=user_id))
out = {}
for name, url, runs in (
    (
        "doorrekenen",
        reverse("simulation:run-start", args=[scenario_id]),
        SimulationRun.objects.filter(scenario_id=scenario_id),
    ),
    (
        "berekenen",
        reverse("matching:meeting-generate", args=[meeting_id]),
        GenerationRun.objects.filter(meeting_id=meeting_id),
    ),
):
    started = time.monotonic()
    response = browser.post(url, follow=True)
    run = runs.order_by("-pk").first()
    out[name] = {
        "status_code": response.status_code,
        "run": str(run.status) if run else None,
        "error": run.error if run else "",
        "shown": bool(run and run.error and run.error[:30] in response.content.decode()),
        "seconds": round(time.monotonic() - started, 1),
        "messages": [str(m) for m in response.context["messages"]] if response.context else [],
    }
print(json.dumps(out))
