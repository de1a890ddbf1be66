"""gunicorn settings for production: `gunicorn oversight.wsgi -c gunicorn.conf.py`.

Read from the environment, like the Django settings. Options given on the command line win
over this file (the benchmarks pass `--bind 127.0.0.1:...` to stay on loopback).

The sync workers read each request themselves, so a slow client holds a worker: gunicorn
always runs behind a buffering proxy (nginx, `deploy/nginx-site.conf`, the `proxy` service of
compose.yaml), never exposed directly.

| Variable              | Default                           | Meaning                                  |
| --------------------- | --------------------------------- | ---------------------------------------- |
| `PORT`                | `8000`                            | Port to listen on, on every interface.   |
| `WEB_CONCURRENCY`     | 2 x CPUs + 1, at most 8           | Worker processes.                        |
| `GUNICORN_THREADS`    | `1`                               | Threads per worker (more: gthread).      |
| `FORWARDED_ALLOW_IPS` | `127.0.0.1,::1`                   | Proxies trusted for X-Forwarded-Proto.   |
| `GUNICORN_MAX_REQUESTS` | `1000`                          | Requests before a worker is replaced.    |
| `GUNICORN_LOG_LEVEL`  | `info`                            | gunicorn's own log level.                |
"""

import math
import os
from pathlib import Path

# Enough workers to keep every CPU busy while others wait on the database; no more than
# MAX_WORKERS, as each holds its own copy of the application and its own database connection.
MAX_WORKERS = 8


def cpu_count() -> int:
    """CPUs this process may use: its affinity mask, lowered to a container's CPU quota."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:  # cgroup v2: "max 100000" (no limit) or "150000 100000" (1.5 CPUs).
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()
        if quota != "max":
            cpus = min(cpus, math.ceil(int(quota) / int(period)))
    except (OSError, ValueError):
        pass
    return max(1, cpus or 1)


bind = f"0.0.0.0:{int(os.environ.get('PORT', '8000'))}"
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * cpu_count() + 1, MAX_WORKERS))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# A request that takes longer than this is stuck: its worker is killed and replaced.
timeout = 30
# On SIGTERM (a deploy), requests in flight get this long to finish.
graceful_timeout = 30
# Seconds a keep-alive connection may idle (threaded workers; the sync worker closes each one).
keepalive = 5

# Access log on standard output, gunicorn's own messages on standard error: the platform
# collects both. The address is the proxy's, so the client's (X-Forwarded-For) follows it.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%({x-forwarded-for}i)s" %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Workers prove they are alive by touching a file; in /dev/shm (memory) that never waits on a
# slow or full container disk, which would get healthy workers killed as stuck.
SHARED_MEMORY = "/dev/shm"  # noqa: S108 (gunicorn makes, and at once unlinks, a private file)
worker_tmp_dir = SHARED_MEMORY if os.path.isdir(SHARED_MEMORY) else None

# Replace each worker after 1,000 to 1,500 requests, so slow leaks never build up. The wide
# jitter keeps workers, which share the load evenly, from all restarting at the same moment.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = max_requests // 2

# Load the application once, in the master, and fork workers from it: a replaced worker starts
# in milliseconds instead of importing Django and WeasyPrint again (1.5 s of CPU each, which
# starved the other workers: p99 rose from 0.08 s to 2.5 s under load). Workers share that
# memory too. Code changes need a new container or a full restart, not a HUP.
preload_app = True


def when_ready(server) -> None:
    """Import the URLconf, and with it every view (and WeasyPrint), before workers are forked.

    Django does it on the first request in each process; done here once, every worker inherits
    it. No database connection is opened, and any that was is closed: workers never share one.
    """
    if not server.cfg.preload_app:
        return  # the application, and Django's settings, load in each worker instead
    from django.db import connections
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (the import is the point)
    connections.close_all()
