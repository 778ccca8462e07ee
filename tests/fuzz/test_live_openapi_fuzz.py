"""The OpenAPI document as a client reads it, fuzzed over HTTP against a real server process.

Granian serves the WSGI app with the production settings (DEBUG off) on a free port, on the
test database; schemathesis loads the document from that server and sends each operation a
few requests that fit it and a few that do not. Every answer must be no server error, a
status and a content type the document declares for the operation, a body that matches the
declared schema, and a refusal (4xx) for every request that breaks the document. The WSGI
fuzz test beside this one sends more examples; this one checks what only a real server shows.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import schemathesis
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from comptoir.accounts.services import issue_api_token
from comptoir.core.access import ALL_PERMISSIONS

EXAMPLES_PER_MODE = 4
STARTUP_DEADLINE_SECONDS = 60
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
MODES = [
    pytest.param(GenerationMode.POSITIVE, CHECKS, id="fits_the_document"),
    pytest.param(GenerationMode.NEGATIVE, [*CHECKS, negative_data_rejection], id="breaks_it"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def url_of_the_test_database() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgresql://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def wait_for_health(base_url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    pytest.fail(f"the API server did not come up:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def live_api(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[str]:
    """The base URL of Granian serving comptoir on the test database, for this module."""
    var_dir = tmp_path_factory.mktemp("live-api")
    log = var_dir / "server.log"
    port = free_port()
    with django_db_blocker.unblock():
        database_url = url_of_the_test_database()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "comptoir.settings.base",
        "COMPTOIR_DEBUG": "0",
        "COMPTOIR_DATABASE_URL": database_url,
        "COMPTOIR_VAR_DIR": str(var_dir),
        "COMPTOIR_QUEUE_URL": f"sqlite:///{var_dir / 'queue.sqlite3'}",
    }
    command = [
        *(sys.executable, "-m", "granian", "--interface", "wsgi", "--no-ws"),
        *("--host", "127.0.0.1", "--port", str(port), "--workers", "1"),
        *("--blocking-threads", "2", "comptoir.wsgi:application"),
    ]
    with log.open("wb") as output:
        server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(base_url, server, log)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def live_schema(live_api):
    return schemathesis.openapi.from_url(f"{live_api}/api/v1/openapi.json")


def fuzzed(operation, *, mode, checks, base_url, headers):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_MODE,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def answers_as_documented(case):
        case.call_and_validate(base_url=base_url, headers=headers, checks=checks, timeout=30)

    return answers_as_documented


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("mode", "checks"), MODES)
def test_the_live_server_answers_every_operation_as_its_document_says(
    live_api, live_schema, mode, checks
):
    # One test per mode, not per operation: each test empties every table, which costs more
    # than an operation's few requests.
    _, raw = issue_api_token(name="fuzz", scopes=sorted(ALL_PERMISSIONS), created_by_id=None)
    headers = {"Authorization": f"Bearer {raw}"}
    failures = {}
    for result in live_schema.get_all_operations():
        operation = result.ok()
        try:
            fuzzed(operation, mode=mode, checks=checks, base_url=live_api, headers=headers)()
        except Unsatisfiable:
            continue  # nothing the document says can be broken (no parameters, free text)
        except Exception as failure:  # noqa: BLE001 - every operation's failure, listed at once
            failures[operation.label] = f"{type(failure).__name__}: {failure}"[:3000]

    assert failures == {}
