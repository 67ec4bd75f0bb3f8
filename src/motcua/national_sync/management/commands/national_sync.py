"""`manage.py national_sync`: the reconciliation report (what differs from what the national portal
acknowledged) and the sync rate; `--push` runs one round of the sync, `--retry-failed` puts refused
states back in line."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from motcua.accounts.models import Agency
from motcua.national_sync.selectors import national_sync_rate, national_sync_reconciliation
from motcua.national_sync.services import national_sync_retry_failed, national_sync_run


class Command(BaseCommand):
    help = "National portal sync: reconciliation report and sync rate (Decision 766 index 1.4)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", help="An agency's code (with the agencies under it); default: all.")
        parser.add_argument("--from", dest="start", help="First day of the sync rate's period (YYYY-MM-DD).")
        parser.add_argument("--to", dest="end", help="Last day of the period (YYYY-MM-DD); default: today.")
        parser.add_argument("--limit", type=int, default=100, help="Differences listed at most.")
        parser.add_argument("--json", action="store_true", help="Print JSON.")
        parser.add_argument("--push", action="store_true", help="Run one round of the sync first.")
        parser.add_argument("--retry-failed", action="store_true", help="Put refused states back in line first.")

    def handle(self, *args: Any, **options: Any) -> None:
        agencies = None
        if options["agency"]:
            agency = Agency.objects.filter(code=options["agency"]).first()
            if agency is None:
                raise CommandError(f"No agency has the code {options['agency']!r}.")
            agencies = [agency]
        try:
            end = date.fromisoformat(options["end"]) if options["end"] else timezone.localdate()
            start = date.fromisoformat(options["start"]) if options["start"] else end.replace(day=1)
        except ValueError as exc:
            raise CommandError(f"Dates are written YYYY-MM-DD: {exc}") from exc
        if start > end:
            raise CommandError("--from is after --to.")
        if options["retry_failed"]:
            self.stdout.write(f"put back in line: {national_sync_retry_failed()}")
        if options["push"]:
            planned, pushed = national_sync_run()
            self.stdout.write(f"waiting: {planned}, acknowledged: {pushed}")
        rate = national_sync_rate(start=start, end=end, agencies=agencies)
        report = national_sync_reconciliation(agencies=agencies, limit=options["limit"])
        if options["json"]:
            data = {
                "period": {"from": start.isoformat(), "to": end.isoformat()},
                "sync_rate": {"received": rate.received, "synced": rate.synced, "rate": rate.rate},
                "counts": report.counts,
                "differences": [
                    {
                        "code": d.code,
                        "status": d.status,
                        "last_error": d.last_error,
                        "fields": [{"field": n, "ours": o, "portal": p} for n, o, p in d.fields],
                    }
                    for d in report.differences
                ],
                "more": report.more,
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        shown = "—" if rate.rate is None else f"{rate.rate * 100:.2f} %"
        self.stdout.write(f"sync rate {start}–{end}: {rate.synced}/{rate.received} = {shown}")
        self.stdout.write("by status: " + ", ".join(f"{k} {v}" for k, v in report.counts.items()))
        for d in report.differences:
            fields = "; ".join(f"{n}: {o!r} ≠ {p!r}" for n, o, p in d.fields)
            error = f" [{d.last_error}]" if d.last_error else ""
            self.stdout.write(f"{d.code} ({d.status}){error}: {fields}")
        if report.more:
            self.stdout.write("… more differences: raise --limit")
