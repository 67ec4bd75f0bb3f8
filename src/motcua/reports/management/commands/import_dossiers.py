"""`manage.py import_dossiers FILE.csv`: historical dossier records (CONTRACT.md §2, §4)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.reports.importing import ImportFailed, import_dossiers


class Command(BaseCommand):
    help = "Import historical dossier records from a CSV file; a bad row writes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="UTF-8 CSV with the columns of CONTRACT.md §4")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        tty = sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            if not tty:
                return
            width = 40
            filled = width * done // total if total else width
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            if done >= total:
                sys.stderr.write("\n")
            sys.stderr.flush()

        try:
            written = import_dossiers(path, progress=progress)
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(exc.errors)} error(s); nothing was imported.") from exc
        except UnicodeDecodeError as exc:
            raise CommandError("The file is not UTF-8; nothing was imported.") from exc
        self.stdout.write(f"Imported {written} historical dossiers from {path.name}.")
