from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.catalog.importing import MOTCUA_COLUMNS, export_csv, flat_cell
from motcua.catalog.services import catalog_export


class Command(BaseCommand):
    help = "Export the procedures in force in the MotCua layout that import_catalog reads back."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")
        parser.add_argument("--agency", default="")
        parser.add_argument("--output", type=Path, help="file to write (standard output for json and csv when absent)")

    def handle(self, *args: Any, **options: Any) -> None:
        records = catalog_export(agency_code=options["agency"])
        output: Path | None = options["output"]
        if options["format"] == "xlsx":
            from openpyxl import Workbook

            if output is None:
                output = Path("catalog.xlsx")
            workbook = Workbook()
            sheet = workbook.active
            assert sheet is not None
            sheet.title = "procedures"
            sheet.append(MOTCUA_COLUMNS)
            for record in records:
                sheet.append([flat_cell(c, record.get(c)) for c in MOTCUA_COLUMNS])
            workbook.save(output)
        else:
            text = (
                json.dumps({"procedures": records}, ensure_ascii=False, indent=2)
                if options["format"] == "json"
                else export_csv(records)
            )
            if output is None:
                self.stdout.write(text)
                return
            output.write_text(text, encoding="utf-8")
        self.stderr.write(f"{len(records)} procedures written to {output}.")
