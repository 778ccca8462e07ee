"""A fast webhook receiver for the `webhooks` benchmark: raw asyncio HTTP/1.1 with keep-alive,
one process, verifying every request with the reference `standardwebhooks` library.

    python bench/webhook_receiver.py PORT   (the secret in BENCH_WEBHOOK_SECRET)

POST /hooks: verify (400 if the signature does not match); a message whose payload asks
`fail_once` is answered 500 the first time it is seen, 200 afterwards. Every arrival is noted
(time, status) per webhook-id with the event's timestamp. GET /stats answers them as JSON;
POST /reset forgets them.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from datetime import datetime

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

OK = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"
FAIL = b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\n\r\n"
REFUSED = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n"


class Log:
    def __init__(self) -> None:
        self.messages: dict[str, dict] = {}
        self.rejected = 0


def handle_hook(log: Log, webhook: Webhook, headers: dict[str, str], body: bytes) -> bytes:
    now = time.time()
    try:
        payload = webhook.verify(body, headers)
    except WebhookVerificationError:
        log.rejected += 1
        return REFUSED
    message = log.messages.get(headers["webhook-id"])
    if message is None:
        occurred_at = datetime.fromisoformat(payload["timestamp"]).timestamp()
        message = log.messages[headers["webhook-id"]] = {
            "phase": payload["data"].get("phase", ""),
            "occurred_at": occurred_at,
            "arrivals": [],
        }
    fail = payload["data"].get("fail_once") and not message["arrivals"]
    message["arrivals"].append([now, 500 if fail else 200])
    return FAIL if fail else OK


class Endpoint(asyncio.Protocol):
    def __init__(self, log: Log, webhook: Webhook) -> None:
        self.log, self.webhook = log, webhook
        self.buffer = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1").split("\r\n")
            headers = {}
            for line in head[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            if len(self.buffer) < end + 4 + length:
                return
            body = self.buffer[end + 4 : end + 4 + length]
            self.buffer = self.buffer[end + 4 + length :]
            self.transport.write(self.answer(head[0], headers, body))

    def answer(self, request_line: str, headers: dict[str, str], body: bytes) -> bytes:
        method, path, _ = request_line.split(" ", 2)
        if method == "POST" and path == "/hooks":
            return handle_hook(self.log, self.webhook, headers, body)
        if path == "/stats":
            stats = json.dumps(
                {"messages": self.log.messages, "rejected": self.log.rejected}
            ).encode()
            return (
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s"
                % (
                    len(stats),
                    stats,
                )
            )
        if path == "/reset":
            self.log.messages.clear()
            self.log.rejected = 0
            return OK
        return b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n"


async def serve(port: int, secret: str) -> None:
    log, webhook = Log(), Webhook(secret)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: Endpoint(log, webhook), "127.0.0.1", port, backlog=1024
    )
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), os.environ["BENCH_WEBHOOK_SECRET"]))
