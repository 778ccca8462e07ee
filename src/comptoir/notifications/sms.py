"""SMS behind one interface; the local fake keeps what it was given, as a gateway would."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings


class SmsGateway(Protocol):
    def send(self, *, to: str, text: str) -> str:
        """Send `text` to an E.164 number; returns the gateway's message id. Raises on failure."""
        ...


@dataclass(frozen=True)
class SentSms:
    to: str
    text: str
    message_id: str


class FakeSmsGateway:
    sent: list[SentSms] = []
    _ids = itertools.count(1)
    _lock = threading.Lock()

    def send(self, *, to: str, text: str) -> str:
        with self._lock:
            message_id = f"fake-sms-{next(self._ids)}"
            self.sent.append(SentSms(to, text, message_id))
        return message_id


GATEWAYS: dict[str, type] = {"fake": FakeSmsGateway}


def sms_gateway() -> SmsGateway:
    gateway: SmsGateway = GATEWAYS[settings.SMS_ADAPTER]()
    return gateway
