"""The API served as production would serve it, for the HTTP benchmarks: Granian, 2 workers."""

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
