"""The real parts a fault test runs: web servers, workers and a private Redis, as processes.

Each runs with the production settings module on the test database, as a machine of its own
would. The web server is Granian, as in production (bench/serve.py starts it the same way).
Every wait polls against a deadline and, when it gives up, shows what the processes logged.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.worker.test_worker_survives_a_kill import url_of_the_test_database

DEADLINE_SECONDS = 120  # a loaded CI machine; only a failing test waits this long
COMPTOIR = [sys.executable, "-m", "comptoir"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Machines:
    """The processes a test started, and their logs, shown when a wait gives up."""

    tmp_path: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    logs: list[Path] = field(default_factory=list)

    def env(self, queue_url: str, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "comptoir.settings.base",
            "COMPTOIR_DEBUG": "0",
            "COMPTOIR_DATABASE_URL": url_of_the_test_database(),
            "COMPTOIR_QUEUE_URL": queue_url,
            "COMPTOIR_VAR_DIR": str(self.tmp_path / "var"),
            # The webhook URL policy refuses loopback unless the operator allows it.
            "COMPTOIR_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8,::1/128",
            "COMPTOIR_LOG_LEVEL": "WARNING",
            **extra,
        }

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = self.tmp_path / f"{name}.log"
        self.logs.append(log)
        with log.open("ab") as output:
            # A group of its own, so that a kill reaches Granian's worker processes as well.
            process = subprocess.Popen(
                command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.processes[name] = process
        return process

    def worker(self, name: str, env: dict[str, str]) -> subprocess.Popen:
        return self.start(name, [*COMPTOIR, "worker"], env)

    def web(self, name: str, env: dict[str, str]) -> str:
        """Granian on a free port of 127.0.0.1; returns its base URL once /healthz answers."""
        port = free_port()
        granian = [sys.executable, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1"]
        command = [*granian, "--port", str(port), "--workers", "1", "--blocking-threads", "4"]
        self.start(name, [*command, "--no-ws", "comptoir.wsgi:application"], env)
        base = f"http://127.0.0.1:{port}"
        self.wait_until(lambda: _answers(f"{base}/healthz"), what=f"{name} to serve")
        return base

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        _kill_group(process)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes.values():
            _kill_group(process)
        for process in self.processes.values():
            process.wait(timeout=10)
        self.processes.clear()

    def wait_until(
        self, condition: Callable[[], bool], *, what: str, deadline: float = DEADLINE_SECONDS
    ) -> None:
        """Poll until `condition` holds; fail at the deadline, or at once if a process died."""
        give_up = time.monotonic() + deadline
        while not condition():
            died = [name for name, p in self.processes.items() if p.poll() is not None]
            if died or time.monotonic() > give_up:
                why = f"{died} exited" if died else f"{deadline} s passed"
                pytest.fail(f"gave up waiting for {what}: {why}\n{self.shown_logs()}")
            time.sleep(0.05)

    def shown_logs(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()[-4000:]}" for log in self.logs)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process and the children it started (its process group)."""
    with suppress(ProcessLookupError):  # the group is gone already
        os.killpg(process.pid, signal.SIGKILL)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def machines(tmp_path: Path) -> Iterator[Machines]:
    """Processes started in the block are all killed when it ends."""
    started = Machines(tmp_path)
    try:
        yield started
    finally:
        started.stop_all()


@dataclass
class PrivateRedis:
    """A redis-server of the test's own, on a free port, that the test may stop and start."""

    tmp_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        if shutil.which("redis-server") is None:
            if os.environ.get("CI") == "true":
                pytest.fail("redis-server is not installed; CI needs it")
            pytest.skip("redis-server is not installed: a fault test starts its own")
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        options = ["--save", "", "--appendonly", "no", "--dir", str(self.tmp_path)]
        self.process = subprocess.Popen(
            [*command, *options], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        give_up = time.monotonic() + DEADLINE_SECONDS
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > give_up:
                pytest.fail(f"the private redis-server on port {self.port} did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        """As a crash would: SIGKILL, and the queue it held is gone (no persistence)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as link:
                link.sendall(b"PING\r\n")
                return link.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@contextmanager
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    redis = PrivateRedis(tmp_path)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


def in_parallel(count: int, work: Callable[[], list]) -> list:
    """Run `work` in `count` threads at once; their results, joined; the first error raised."""
    results: list[list] = [[] for _ in range(count)]
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            results[index] = work()
        except BaseException as error:  # reported below, with the others'
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return [answer for result in results for answer in result]
