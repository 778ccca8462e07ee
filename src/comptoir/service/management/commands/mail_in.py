"""`comptoir mail_in` (also `mail-in`): receive email into the service inbox."""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand

from comptoir.service.listener import MailInController


class Command(BaseCommand):
    help = "Receive email into the service inbox: an SMTP (or --lmtp) listener."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("COMPTOIR_MAIL_IN_HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("COMPTOIR_MAIL_IN_PORT", "2525"))
        )
        parser.add_argument("--lmtp", action="store_true", help="speak LMTP (behind Postfix)")

    def handle(self, *args: Any, **options: Any) -> None:
        controller = MailInController(
            host=options["host"], port=options["port"], lmtp=options["lmtp"]
        )
        controller.start()
        protocol = "LMTP" if options["lmtp"] else "SMTP"
        self.stdout.write(f"Receiving mail ({protocol}) on {options['host']}:{options['port']}")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
