from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.catalog.constants import ImplementationLevel
from motcua.catalog.importing import CatalogImportError, records_from_file
from motcua.catalog.services import catalog_import


class Command(BaseCommand):
    help = (
        "Import procedures from a .csv, .xlsx or .json file (MotCua layout, or the national portal's list or "
        "detail layout). Every bad row is reported by row and column, and nothing is written unless all are valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--agency", default="", help="agency code for provincial procedures (national layouts)")
        parser.add_argument(
            "--commune-agency", default="", help="agency code for commune procedures (national layouts)"
        )
        parser.add_argument("--dry-run", action="store_true", help="check the file and write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        agency_codes = {
            ImplementationLevel.PROVINCE.value: str(options["agency"]),
            ImplementationLevel.COMMUNE.value: str(options["commune_agency"] or options["agency"]),
        }
        try:
            layout, records = records_from_file(path, agency_codes=agency_codes)
            if options["dry_run"]:
                self.stdout.write(f"{path}: {len(records)} valid procedures ({layout} layout); nothing written.")
                return
            summary = catalog_import(records)
        except CatalogImportError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{path}: {len(records)} procedures ({layout} layout): {summary.created} created, "
                f"{summary.updated} updated, {summary.new_versions} new versions."
            )
        )
