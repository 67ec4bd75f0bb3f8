"""`manage.py report`: the period report (CONTRACT.md §2, §5), the Decision 766 index (§6, for an agency
or one division, with `--by-division` each division's row) or the TT 01/2018 scores, as JSON, CSV or XLSX."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.errors import DomainError
from motcua.reports.access import report_request
from motcua.reports.exports import EXPORTS
from motcua.reports.index766 import index766, index766_by_division, index_csv, index_json
from motcua.reports.period import GROUPS, period_report
from motcua.reports.score_exports import index_xlsx, tt01_xlsx
from motcua.reports.tt01 import tt01_scores


class Command(BaseCommand):
    help = "The period report (or the Decree 766 index) for an agency and a period, as json, csv or xlsx."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="from", default="", help="YYYY-MM-DD, the first day")
        parser.add_argument("--to", dest="to", default="", help="YYYY-MM-DD, the last day (included)")
        parser.add_argument(
            "--period", default="", help="instead of --from/--to: 2026, 2026-H1, 2026-Q2 or 2026-M03 (official period)"
        )
        parser.add_argument("--agency", default="", help="agency code (default: every agency)")
        parser.add_argument("--subordinates", action="store_true", help="with the agencies under it")
        parser.add_argument("--division", default="", help="a division code of the agency (index766)")
        parser.add_argument(
            "--by-division", dest="by_division", action="store_true", help="index766: add each division's row"
        )
        parser.add_argument("--kind", choices=["period", "index766", "tt01"], default="period")
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
            "period": options["period"],
            "agency": options["agency"],
            "subordinates": "1" if options["subordinates"] else "",
            "division": options["division"],
            "group_by": options["group_by"] or "",
            "cut_off": "1" if options["cut_off"] else "",
        }
        kind, fmt = options["kind"], options["format"]
        try:
            req = report_request(None, params)
            if kind != "period" and req.scope.agency is None:
                raise CommandError(f"--kind {kind} needs --agency CODE.")
            start, end = req.period.start, req.period.end
            if kind == "index766":
                index = index766(req.scope, start, end)
                if options["by_division"]:
                    index["divisions"] = index766_by_division(req.scope, start, end)
                if fmt == "xlsx":
                    content = index_xlsx(index, index.get("divisions"))
                else:
                    content = index_csv(index) if fmt == "csv" else index_json(index)
            elif kind == "tt01":
                if fmt == "csv":
                    raise CommandError("The TT 01/2018 scores are written as json or xlsx.")
                scores = tt01_scores(req.scope, start, end)
                content = tt01_xlsx(scores) if fmt == "xlsx" else index_json(scores)
            else:
                report = period_report(req.scope, start, end, req.group_by, cut_off=req.cut_off)
                content = EXPORTS[fmt](report)
        except DomainError as exc:
            details = "; ".join(f"{name}: {' '.join(map(str, messages))}" for name, messages in exc.fields.items())
            raise CommandError(f"{exc.message} {details}".strip()) from exc
        if options["output"]:
            Path(options["output"]).write_bytes(content)
            self.stderr.write(f"Written to {options['output']}")
        elif fmt == "xlsx":
            if sys.stdout.isatty():
                raise CommandError("An XLSX workbook needs --output PATH.")
            sys.stdout.buffer.write(content)
        else:
            self.stdout.write(content.decode("utf-8-sig"), ending="" if fmt == "csv" else "\n")
