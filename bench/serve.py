"""The API served as production would serve it, for the HTTP benchmarks: Granian, 2 workers,
on a database loaded with the big demo."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx


def start_granian(port: int, env: dict[str, str], *, blocking_threads: int) -> subprocess.Popen:
    """Start Granian on 127.0.0.1:`port` and return once /healthz answers (30 s at most)."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "2",
            "--blocking-threads",
            str(blocking_threads),
            "--no-ws",
            "comptoir.wsgi:application",
        ],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError("the Granian server did not come up")


def load_big_demo(database_url: str, *, stores: int, skus: int) -> float:
    """Migrate, load the demo retailer at this size, and settle the database (VACUUM ANALYZE,
    else autovacuum works through the fresh load mid-run; CHECKPOINT, else the load's dirty
    pages are flushed mid-run). The seconds migrating and loading took."""
    import psycopg
    from django.core.management import call_command
    from django.db import connection

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:  # the big load's statements run past the default
        cursor.execute("SET statement_timeout = 0")
    call_command("load_demo", stores=stores, skus=skus, customers=0, verbosity=0)
    seconds = round(time.monotonic() - started, 1)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        conn.execute("CHECKPOINT")
    return seconds


def server_env(queue_url: str, **more: str) -> dict[str, str]:
    """What a bench server runs with: DEBUG off, persistent connections, the real queue, and
    this checkout's code first (also when run from a worktree with PYTHONPATH=src)."""
    return {
        "COMPTOIR_DEBUG": "0",
        "COMPTOIR_LOG_LEVEL": "WARNING",
        "COMPTOIR_CONN_MAX_AGE": "600",
        "COMPTOIR_QUEUE_URL": queue_url,
        "PYTHONPATH": os.pathsep.join(
            [os.getcwd(), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
        ),
        **more,
    }
