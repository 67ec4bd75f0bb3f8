"""`manage.py report`: the period report (CONTRACT.md §2, §5) as JSON, CSV or XLSX."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.errors import DomainError
from motcua.reports.access import report_request
from motcua.reports.exports import EXPORTS
from motcua.reports.index766 import index766, index_csv, index_json
from motcua.reports.period import GROUPS, period_report


class Command(BaseCommand):
    help = "The period report (or the Decree 766 index) for an agency and a period, as json, csv or xlsx."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="from", required=True, help="YYYY-MM-DD, the first day")
        parser.add_argument("--to", dest="to", required=True, help="YYYY-MM-DD, the last day (included)")
        parser.add_argument("--agency", default="", help="agency code (default: every agency)")
        parser.add_argument("--subordinates", action="store_true", help="with the agencies under it")
        parser.add_argument("--kind", choices=["period", "index766"], default="period")
        parser.add_argument("--group-by", dest="group_by", choices=list(GROUPS), default=None)
        parser.add_argument(
            "--cut-off", dest="cut_off", action="store_true", help="official months and years (15th to 14th)"
        )
        parser.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")
        parser.add_argument("--output", default="", help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        params = {
            "from": options["from"],
            "to": options["to"],
            "agency": options["agency"],
            "subordinates": "1" if options["subordinates"] else "",
            "group_by": options["group_by"] or "",
            "cut_off": "1" if options["cut_off"] else "",
        }
        try:
            req = report_request(None, params)
            if options["kind"] == "index766":
                if req.scope.agency is None:
                    raise CommandError("--kind index766 needs --agency CODE.")
                index = index766(req.scope, req.period.start, req.period.end)
            else:
                report = period_report(req.scope, req.period.start, req.period.end, req.group_by, cut_off=req.cut_off)
        except DomainError as exc:
            details = "; ".join(f"{name}: {' '.join(map(str, messages))}" for name, messages in exc.fields.items())
            raise CommandError(f"{exc.message} {details}".strip()) from exc
        if options["kind"] == "index766":
            if options["format"] == "xlsx":
                raise CommandError("The index is written as json or csv.")
            content = index_csv(index) if options["format"] == "csv" else index_json(index)
        else:
            content = EXPORTS[options["format"]](report)
        if options["output"]:
            Path(options["output"]).write_bytes(content)
            self.stderr.write(f"Written to {options['output']}")
        elif options["format"] == "xlsx":
            if sys.stdout.isatty():
                raise CommandError("An XLSX workbook needs --output PATH.")
            sys.stdout.buffer.write(content)
        else:
            self.stdout.write(content.decode("utf-8-sig"), ending="" if options["format"] == "csv" else "\n")
