from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.core.worker import run_forever


class Command(BaseCommand):
    help = "Run the embedded background worker (heartbeat and periodic jobs) until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", default="default")
        parser.add_argument("--tick", type=float, default=1.0, help="seconds between runs of the due jobs")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write(f"MotCua worker '{options['name']}' started.")
        run_forever(stop=stop, name=options["name"], tick_seconds=options["tick"])
        self.stdout.write("MotCua worker stopped.")
