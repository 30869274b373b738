"""gunicorn settings for the image, docker compose and the CI production smoke step.

Worker model: `gthread`, (cores + 1) processes with 4 threads each. Why: a Woonbrug request is
mostly template rendering (CPU, one core per process because of the GIL) plus database round
trips (waiting). Processes use the cores; threads keep a process busy while one request waits
on PostgreSQL, and, unlike the `sync` worker, gthread keeps HTTP connections alive behind the
proxy. The heavy work (minutes PDF, proposal generation) is not done in a request, so a thread is
never held for seconds. Each thread keeps its own database connection for CONN_MAX_AGE seconds
(with a health check before reuse), so a restarted database costs one failed check, not a
restart of gunicorn. Measured in benchmarks/README.md ("Load").

Override per deployment with WEB_CONCURRENCY (processes) and GUNICORN_THREADS.
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A request that runs past this is a bug (heavy work belongs in a Celery task): restart the
# worker rather than let it hold a thread forever.
timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that slow leaks cannot grow without bound.
max_requests = 5000
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
# The app is imported before forking: workers share its memory and start faster. No database
# connection is opened at import time, so none is shared between processes.
preload_app = True
