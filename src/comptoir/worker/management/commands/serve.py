"""Run the web server and the worker together; Ctrl-C stops both."""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the web app and run the worker side by side (the `make demo` server)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: object, **options: str) -> None:
        stopping = []
        # Ctrl-C in a terminal, or SIGTERM from a process manager: either stops both children.
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stopping.append(True))
        comptoir = [sys.executable, "-m", "comptoir"]
        # runserver's "do not use in production" banner: serve is the demo server, and
        # docs/operations.md says what runs in production; its own start lines stay.
        quiet = {**os.environ, "DJANGO_RUNSERVER_HIDE_WARNING": "true"}
        children = [
            subprocess.Popen([*comptoir, "worker"]),
            subprocess.Popen([*comptoir, "runserver", "--noreload", options["addr"]], env=quiet),
        ]
        time.sleep(2)  # let both print their own start lines first
        host = options["addr"]
        self.stdout.write(
            self.style.SUCCESS("\ncomptoir is serving the demo retailer, Élan Sport & Tech:\n")
            + f"  Shop        http://{host}/\n"
            f"  API docs    http://{host}/api/v1/docs\n"
            f"  Health      http://{host}/healthz\n"
            f"  Admin       http://{host}/admin/\n"
            "  Logins (password comptoir-demo): admin, ops, associate.lyon, agent,"
            " jean.martin@example.fr\n"
            "  Ctrl-C stops the web server and the worker.\n"
        )
        try:
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            for child in children:
                if child.poll() is None:
                    # SIGTERM, not SIGINT: a child started in the background ignores SIGINT.
                    # A delivery cut short is safe: its lease runs out and it is retried.
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
