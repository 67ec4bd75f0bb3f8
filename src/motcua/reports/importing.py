"""`import_dossiers`: historical dossier records from a CSV file (CONTRACT.md §4), all or nothing.

Every row is checked first; a bad value is reported by row number (the header is row 1) and
column, and then nothing of the file is written. A good file is written in batches inside one
transaction, as `HistoricalDossier` rows (see reports/models.py for why not as live dossiers).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Agency
from motcua.catalog.constants import Channel, ServiceLevel
from motcua.catalog.models import Procedure
from motcua.core.importing import ImportFailed, RowError
from motcua.dossiers.models import Dossier
from motcua.reports.models import HistoricalDossier, HistoricalOutcome

COLUMNS = (
    "code",
    "procedure_code",
    "agency_code",
    "channel",
    "online_level",
    "received_at",
    "due_at",
    "resolved_at",
    "returned_at",
    "outcome",
)
LEVELS: dict[str, tuple[str, int | None]] = {"partial": (ServiceLevel.PARTIAL, None), "full": (ServiceLevel.FULL, None)}
LEVELS |= {"3": (ServiceLevel.PARTIAL, 3), "4": (ServiceLevel.FULL, 4)}
BATCH = 5000
MAX_ERRORS = 200


def _moment(text: str) -> datetime:
    """ISO 8601 with an offset, or a date (00:00 local time)."""
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), time.min, tzinfo=timezone.get_default_timezone())
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("no offset")
    return moment


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [name for name in COLUMNS if name not in header]
        if missing:
            raise ImportFailed(
                [RowError(1, name, _("The header has no column %(name)s.") % {"name": name}) for name in missing]
            )
        reader.fieldnames = header
        for number, row in enumerate(reader, start=2):
            yield number, {key: (value or "").strip() for key, value in row.items() if key}


def parse_dossiers(rows: Iterable[tuple[int, dict[str, str]]], *, source: str = "") -> list[HistoricalDossier]:
    """The records of `rows`, or ImportFailed with every error found (up to MAX_ERRORS)."""
    agencies = dict(Agency.objects.values_list("code", "pk"))
    procedures = set(Procedure.objects.values_list("code", flat=True))
    now = timezone.now()
    errors: list[RowError] = []
    records: list[HistoricalDossier] = []
    seen: dict[str, int] = {}
    rows_of: dict[str, int] = {}

    for number, row in rows:

        def fail(column: str, message: str, number: int = number) -> None:
            errors.append(RowError(number, column, message))

        code = row.get("code", "")
        if not code:
            fail("code", _("This value is required."))
        elif len(code) > 64:
            fail("code", _("At most 64 characters."))
        elif code in seen:
            fail("code", _("The same code is on row %(row)s.") % {"row": seen[code]})
        else:
            seen[code] = number
        procedure_code = row.get("procedure_code", "")
        if procedure_code not in procedures:
            fail("procedure_code", _("No procedure has the code %(code)s.") % {"code": procedure_code})
        agency_id = agencies.get(row.get("agency_code", ""))
        if agency_id is None:
            fail("agency_code", _("No agency has the code %(code)s.") % {"code": row.get("agency_code", "")})
        channel = row.get("channel", "")
        if channel not in Channel.values:
            fail("channel", _("Write in_person, online or postal."))
        level_text = row.get("online_level", "").lower()
        level, legacy = LEVELS.get(level_text, ("", None))
        if channel == Channel.ONLINE and not level:
            fail("online_level", _("An online dossier needs partial or full (or the legacy 3 or 4)."))
        elif channel != Channel.ONLINE and level_text:
            fail("online_level", _("Leave empty unless the channel is online."))
        times: dict[str, datetime | None] = {}
        for column in ("received_at", "due_at", "resolved_at", "returned_at"):
            text = row.get(column, "")
            times[column] = None
            if not text:
                if column == "received_at":
                    fail(column, _("This value is required."))
                continue
            try:
                times[column] = _moment(text)
            except ValueError:
                fail(column, _("Write a date (YYYY-MM-DD) or a time with its offset (2019-03-04T09:30:00+07:00)."))
        received = times["received_at"]
        for column in ("resolved_at", "returned_at"):
            moment = times[column]
            if received and moment and moment < received:
                fail(column, _("Before the dossier was received."))
        outcome = row.get("outcome", "")
        if outcome and outcome not in HistoricalOutcome.values:
            fail("outcome", _("Leave empty (pending) or write approved, denied or withdrawn."))
        if len(errors) >= MAX_ERRORS:
            break
        if not errors and received is not None and agency_id is not None:
            rows_of[code] = number
            records.append(
                HistoricalDossier(
                    code=code,
                    procedure_code=procedure_code,
                    agency_id=agency_id,
                    channel=channel,
                    online_level=level,
                    legacy_level=legacy,
                    received_at=received,
                    due_at=times["due_at"],
                    resolved_at=times["resolved_at"],
                    returned_at=times["returned_at"],
                    outcome=outcome,
                    source=source[:255],
                    imported_at=now,
                )
            )
    if not errors:
        codes = list(rows_of)
        for i in range(0, len(codes), 900):
            chunk = codes[i : i + 900]
            taken = set(HistoricalDossier.objects.filter(code__in=chunk).values_list("code", flat=True))
            taken |= set(Dossier.objects.filter(code__in=chunk).values_list("code", flat=True))
            errors += [
                RowError(rows_of[c], "code", _("A dossier with this code already exists.")) for c in sorted(taken)
            ]
            if len(errors) >= MAX_ERRORS:
                break
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: e.row)[:MAX_ERRORS])
    return records


def import_dossiers(path: Path, *, progress: Callable[[int, int], Any] | None = None) -> int:
    """Check the whole file, then write it in one transaction; the number of records written."""
    records = parse_dossiers(_rows(path), source=path.name)
    with transaction.atomic():
        for i in range(0, len(records), BATCH):
            HistoricalDossier.objects.bulk_create(records[i : i + BATCH])
            if progress:
                progress(min(i + BATCH, len(records)), len(records))
    return len(records)
