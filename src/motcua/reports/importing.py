"""`import_dossiers`: historical dossier records from a CSV file (CONTRACT.md §4), all or nothing.

Every row is checked first; a bad value is reported by row number (the header is row 1) and
column, and then nothing of the file is written. A good file is read again and written in batches
inside one transaction (COPY on PostgreSQL: 1,000,000 rows in well under the 2 minutes of issue 6,
bench/README.md §5), as `HistoricalDossier` rows (see reports/models.py for why not as live
dossiers); memory stays flat whatever the size of the file.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from django.db import connection, transaction
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
YEARS = (1900, 2100)  # the years a time may have
# Looked up once: `TextChoices.values` builds a new list at every call (1,000,000 rows: seconds).
CHANNELS = frozenset(Channel.values)
OUTCOMES = frozenset(HistoricalOutcome.values)


def _moment(text: str) -> datetime:
    """ISO 8601 with an offset, or a date (00:00 local time)."""
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), time.min, tzinfo=timezone.get_default_timezone())
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("no offset")
    return moment


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of the file; a file that is not UTF-8 text, or not CSV, is refused at the line it fails."""
    number = 1
    try:
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
    except UnicodeDecodeError as exc:
        raise ImportFailed([RowError(0, "-", _("The file is not UTF-8 text."))]) from exc
    except csv.Error as exc:  # e.g. a cell longer than the csv module's limit (128 KiB)
        raise ImportFailed(
            [RowError(number + 1, "-", _("The file cannot be read: %(error)s.") % {"error": exc})]
        ) from exc


class RowChecker:
    """Checks the rows of a file one by one, remembering what a row cannot be checked alone (the
    codes seen, for duplicates), and turns a good row into the values of a `HistoricalDossier`."""

    def __init__(self, *, source: str = "", lookups: tuple[dict[str, int], set[str]] | None = None) -> None:
        self.agencies, self.procedures = lookups or (
            dict(Agency.objects.values_list("code", "pk")),
            set(Procedure.objects.values_list("code", flat=True)),
        )
        self.source = source[:255]
        self.now = timezone.now()
        self.errors: list[RowError] = []
        self.rows_of: dict[str, int] = {}  # code -> the row it is on

    @property
    def lookups(self) -> tuple[dict[str, int], set[str]]:
        return self.agencies, self.procedures

    @property
    def full(self) -> bool:
        return len(self.errors) >= MAX_ERRORS

    def check(self, number: int, row: dict[str, str]) -> dict[str, Any] | None:
        """The values of the record of `row`, or None when it (or an earlier row) has an error."""
        errors = self.errors

        def fail(column: str, message: str) -> None:
            errors.append(RowError(number, column, message))

        # PostgreSQL stores no NUL character: such a row is reported for those cells alone.
        with_nul = [column for column in COLUMNS if "\x00" in row.get(column, "")]
        for column in with_nul:
            fail(column, _("The value contains a NUL character."))
        if with_nul:
            return None

        code = row.get("code", "")
        if not code:
            fail("code", _("This value is required."))
        elif len(code) > 64:
            fail("code", _("At most 64 characters."))
        elif code in self.rows_of:
            fail("code", _("The same code is on row %(row)s.") % {"row": self.rows_of[code]})
        else:
            self.rows_of[code] = number
        procedure_code = row.get("procedure_code", "")
        if procedure_code not in self.procedures:
            fail("procedure_code", _("No procedure has the code %(code)s.") % {"code": procedure_code})
        agency_id = self.agencies.get(row.get("agency_code", ""))
        if agency_id is None:
            fail("agency_code", _("No agency has the code %(code)s.") % {"code": row.get("agency_code", "")})
        channel = row.get("channel", "")
        if channel not in CHANNELS:
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
                parsed = _moment(text)
            except ValueError:
                fail(column, _("Write a date (YYYY-MM-DD) or a time with its offset (2019-03-04T09:30:00+07:00)."))
                continue
            if not YEARS[0] <= parsed.year <= YEARS[1]:  # and so never out of range when stored in UTC
                fail(column, _("Write a year from %(first)s to %(last)s.") % {"first": YEARS[0], "last": YEARS[1]})
                continue
            times[column] = parsed
        received = times["received_at"]
        for column in ("resolved_at", "returned_at"):
            moment = times[column]
            if received and moment and moment < received:
                fail(column, _("Before the dossier was received."))
        outcome = row.get("outcome", "")
        if outcome and outcome not in OUTCOMES:
            fail("outcome", _("Leave empty (pending) or write approved, denied or withdrawn."))
        if errors or received is None or agency_id is None:
            return None
        return {
            "code": code,
            "procedure_code": procedure_code,
            "agency_id": agency_id,
            "channel": channel,
            "online_level": level,
            "legacy_level": legacy,
            "received_at": received,
            "due_at": times["due_at"],
            "resolved_at": times["resolved_at"],
            "returned_at": times["returned_at"],
            "outcome": outcome,
            "source": self.source,
            "imported_at": self.now,
        }

    def check_codes_are_new(self) -> None:
        """An error for each code already taken by a live or an imported dossier."""
        codes = list(self.rows_of)
        # SQLite accepts at most 999 parameters in older versions; PostgreSQL takes a chunk as one
        # array (`= ANY(%s)`), which it parses and plans much faster than as many parameters.
        size = 900 if connection.vendor == "sqlite" else 100_000
        for i in range(0, len(codes), size):
            chunk = codes[i : i + size]
            taken = _taken(HistoricalDossier, chunk) | _taken(Dossier, chunk)
            self.errors += [
                RowError(self.rows_of[c], "code", _("A dossier with this code already exists.")) for c in sorted(taken)
            ]
            if self.full:
                break

    def raise_errors(self) -> None:
        if self.errors:
            raise ImportFailed(sorted(self.errors, key=lambda e: e.row)[:MAX_ERRORS])


def _taken(model: type[Dossier] | type[HistoricalDossier], codes: list[str]) -> set[str]:
    """Which of `codes` the rows of `model` already have."""
    if connection.vendor != "postgresql":
        return set(model.objects.filter(code__in=codes).values_list("code", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT code FROM {model._meta.db_table} WHERE code = ANY(%s)", [codes])  # noqa: S608
        return {code for (code,) in cursor.fetchall()}


def parse_dossiers(rows: Iterable[tuple[int, dict[str, str]]], *, source: str = "") -> list[HistoricalDossier]:
    """The records of `rows`, or ImportFailed with every error found (up to MAX_ERRORS)."""
    checker = RowChecker(source=source)
    records = []
    for number, row in rows:
        values = checker.check(number, row)
        if values is not None:
            records.append(HistoricalDossier(**values))
        if checker.full:
            break
    if not checker.errors:
        checker.check_codes_are_new()
    checker.raise_errors()
    return records


def _write(batch: list[dict[str, Any]]) -> None:
    """Insert `batch`: with COPY on PostgreSQL (several times faster than INSERT), else bulk_create."""
    if connection.vendor != "postgresql":
        HistoricalDossier.objects.bulk_create([HistoricalDossier(**values) for values in batch])
        return
    columns = list(batch[0])
    table = HistoricalDossier._meta.db_table
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the driver's cursor (psycopg 3), in the same transaction
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for values in batch:
                copy.write_row(tuple(values.values()))


def import_dossiers(path: Path, *, progress: Callable[[int, int], Any] | None = None) -> int:
    """Check the whole file, then write it in one transaction; the number of records written.

    The file is read twice, so that memory stays flat whatever its size: first every row is
    checked (nothing kept but the codes), then, if all are good, the rows are read again and
    written in batches of BATCH (COPY on PostgreSQL), `progress(done, total)` after each.
    """
    checker = RowChecker(source=path.name)
    total = 0
    for number, row in _rows(path):
        checker.check(number, row)
        total += 1
        if checker.full:
            break
    if not checker.errors:
        checker.check_codes_are_new()
    checker.raise_errors()
    written = 0
    with transaction.atomic():
        writer = RowChecker(source=path.name, lookups=checker.lookups)
        batch: list[dict[str, Any]] = []
        for number, row in _rows(path):
            values = writer.check(number, row)
            if values is None:  # the file changed since it was checked: roll back
                writer.raise_errors()
                raise ImportFailed(writer.errors)
            batch.append(values)
            if len(batch) == BATCH or written + len(batch) == total:
                _write(batch)
                written += len(batch)
                batch = []
                if progress:
                    progress(written, total)
        if batch:
            _write(batch)
            written += len(batch)
            if progress:
                progress(written, total)
    return written
