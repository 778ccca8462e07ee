"""An integrator's webhook endpoint on 127.0.0.1, for tests that send real HTTP requests.

It does what the Standard Webhooks guide asks of a receiver: verify every request with the
reference library (`standardwebhooks`), answer 400 when the signature does not match, and drop
a message whose webhook-id it has already processed (answering 2xx so it is not sent again).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class WebhookReceiver:
    """What the endpoint saw. `secret` is the one secret it knows; set it once subscribed."""

    url: str = ""
    secret: str = ""
    answer: int = 200
    hang_on_first_request: bool = False
    seconds_per_answer: float = 0.0  # a slow receiver
    requests: list[dict[str, str]] = field(default_factory=list)  # headers, in arrival order
    paths: list[str] = field(default_factory=list)  # the request target of each, in order
    accepted: list[tuple[str, Any]] = field(default_factory=list)  # (webhook-id, payload)
    duplicates: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # why verification failed
    connections: set[int] = field(default_factory=set)  # the sender's ports, one a connection
    in_flight: int = 0
    most_in_flight: int = 0
    first_request_arrived: threading.Event = field(default_factory=threading.Event)
    let_go: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def receive(self, body: bytes, headers: dict[str, str], *, from_port: int = 0) -> int:
        with self.lock:
            self.requests.append(headers)
            self.connections.add(from_port)
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            is_first = len(self.requests) == 1
        try:
            return self._answer(body, headers, is_first=is_first)
        finally:
            with self.lock:
                self.in_flight -= 1

    def _answer(self, body: bytes, headers: dict[str, str], *, is_first: bool) -> int:
        if is_first:
            self.first_request_arrived.set()
            if self.hang_on_first_request:
                self.let_go.wait(timeout=120)
                return 200
        if self.seconds_per_answer:
            time.sleep(self.seconds_per_answer)
        try:
            payload = Webhook(self.secret).verify(body, headers)
        except WebhookVerificationError as error:
            self.rejected.append(str(error))
            return 400
        if self.answer >= 300:
            return self.answer
        message_id = headers["webhook-id"]
        with self.lock:
            if message_id in {seen for seen, _ in self.accepted}:
                self.duplicates.append(message_id)
            else:
                self.accepted.append((message_id, payload))
        return 200


@contextmanager
def receiving_webhooks(
    *, answer: int = 200, hang_on_first_request: bool = False, keep_alive: bool = False
) -> Iterator[WebhookReceiver]:
    """Serve a receiver on a free port of 127.0.0.1 for the duration of the block (HTTP/1.0,
    one connection a request, unless `keep_alive`)."""
    receiver = WebhookReceiver(answer=answer, hang_on_first_request=hang_on_first_request)

    class Endpoint(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1" if keep_alive else "HTTP/1.0"

        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            headers = {k.lower(): v for k, v in self.headers.items()}
            with receiver.lock:
                receiver.paths.append(self.path)
            status = receiver.receive(body, headers, from_port=self.client_address[1])
            answer = json.dumps({"status": status}).encode()
            try:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            except OSError:  # the sender hung up (a killed worker): nothing to answer to
                pass

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/comptoir"
    try:
        yield receiver
    finally:
        receiver.let_go.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
