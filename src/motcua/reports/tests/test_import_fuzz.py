"""Hostile files for `import_dossiers` (CONTRACT.md §2, §4), generated with Hypothesis.

Whatever the cells hold (Vietnamese, control characters, NUL bytes, huge strings, formulas, bad
dates, negative numbers), whatever the header (a column missing, a BOM, another delimiter), the
import either writes every row or raises ImportFailed naming rows and columns, and then writes
nothing. A valid generated file reads back as it was written.
"""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.accounts.tests.factories import AgencyFactory
from motcua.catalog.tests.factories import ProcedureFactory
from motcua.core.importing import ImportFailed
from motcua.reports.importing import COLUMNS, import_dossiers
from motcua.reports.models import HistoricalDossier

pytestmark = pytest.mark.django_db

AGENCY = "000.00.21.H13"
PROCEDURE = "2.001628"
HOSTILE = st.sampled_from(
    [
        "",
        " ",
        "=1+1",
        '=HYPERLINK("http://x")',
        "@SUM(A1)",
        "-1",
        "-0",
        "1e309",
        "NaN",
        "\x00",
        "a\x00b",
        "\x1b[31m",
        "\u202e",
        "\ufeff",
        "Nguyễn Văn Ân",
        "Thủ tục",
        "2026-02-30",
        "2026-13-01",
        "0000-01-01",
        "0001-01-01",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
        "9999-12-31",
        "2026-11-27T10:00:00",
        "31/12/2026",
        "3",
        "4",
        "online",
        "in_person",
        "approved",
        "x" * 70,
        "ý" * 200_000,
    ]
)
CELL = st.one_of(HOSTILE, st.text(max_size=40))
GOOD_TIMES = st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2026, 11, 1), timezones=st.just(UTC)).map(
    lambda moment: moment.replace(microsecond=0)
)


@pytest.fixture
def known(db: Any) -> None:
    AgencyFactory(code=AGENCY, name="Sở Văn hóa, Thể thao và Du lịch")
    ProcedureFactory(code=PROCEDURE)


class _Rollback(Exception):
    pass


def _file(text: str | bytes) -> Path:
    handle = tempfile.NamedTemporaryFile(suffix=".csv", delete=False)  # noqa: SIM115 - removed by the caller
    handle.write(text.encode("utf-8") if isinstance(text, str) else text)
    handle.close()
    return Path(handle.name)


def _csv(header: list[str], rows: list[list[str]], delimiter: str = ",", bom: bool = False) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if bom else "") + out.getvalue()


def _import_or_refuse(path: Path) -> int | ImportFailed:
    """Import in a savepoint that is rolled back; what the import answered (only ImportFailed may be raised)."""
    before = HistoricalDossier.objects.count()
    outcome: int | ImportFailed
    try:
        with transaction.atomic():
            try:
                outcome = import_dossiers(path)
            except ImportFailed as exc:
                outcome = exc
                assert HistoricalDossier.objects.count() == before, "a refused file wrote rows"
            raise _Rollback
    except _Rollback:
        pass
    finally:
        path.unlink()
    if isinstance(outcome, ImportFailed):
        assert outcome.errors
        for error in outcome.errors:
            assert isinstance(error.row, int) and error.row >= 0
            assert error.column in (*COLUMNS, "-"), error
            assert str(error).startswith(f"row {error.row}, column {error.column}: ")
    return outcome


VALID = {
    "code": "",
    "procedure_code": PROCEDURE,
    "agency_code": AGENCY,
    "channel": "online",
    "online_level": "full",
    "received_at": "2026-01-05T08:30:00+07:00",
    "due_at": "2026-01-19",
    "resolved_at": "2026-01-12T15:00:00+07:00",
    "returned_at": "",
    "outcome": "approved",
}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    corrupted=st.lists(st.dictionaries(st.sampled_from(COLUMNS), CELL, max_size=2), min_size=1, max_size=4),
    dropped=st.sets(st.sampled_from(COLUMNS), max_size=2),
    delimiter=st.sampled_from([",", ",", ",", ";", "\t"]),
    bom=st.booleans(),
)
def test_any_cells_are_imported_or_refused_by_row_and_column(
    known: None, corrupted: list[dict[str, str]], dropped: set[str], delimiter: str, bom: bool
) -> None:
    """Valid rows with up to two hostile cells each: the rest of the row is good, so the hostile
    value is what the import must judge (and a file with no hostile cell left is written)."""
    header = [column for column in COLUMNS if column not in dropped]
    rows = [{**VALID, "code": f"HS-{index}", **cells} for index, cells in enumerate(corrupted)]
    text = _csv(header, [[row[column] for column in header] for row in rows], delimiter, bom)
    outcome = _import_or_refuse(_file(text))
    if dropped or delimiter != ",":
        assert isinstance(outcome, ImportFailed)
        assert any(error.row == 1 for error in outcome.errors)  # the header is named
    elif not any(corrupted):
        assert outcome == len(rows)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_any_bytes_are_imported_or_refused(known: None, data: bytes) -> None:
    header = ",".join(COLUMNS).encode() + b"\n"
    _import_or_refuse(_file(header + data))


GOOD_ROW = st.fixed_dictionaries(
    {
        "channel": st.sampled_from(["in_person", "online", "postal"]),
        "level": st.sampled_from(["partial", "full", "3", "4"]),
        "received_at": GOOD_TIMES,
        "due_days": st.integers(min_value=0, max_value=60),
        "resolved_days": st.none() | st.integers(min_value=0, max_value=90),
        "outcome": st.sampled_from(["", "approved", "denied", "withdrawn"]),
        "as_date": st.booleans(),
    }
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(GOOD_ROW, min_size=1, max_size=5), codes=st.data())
def test_a_valid_file_reads_back_as_written(known: None, rows: list[dict[str, Any]], codes: st.DataObject) -> None:
    names = codes.draw(
        st.lists(
            st.text(
                st.characters(
                    min_codepoint=33,
                    max_codepoint=0x1EF9,
                    blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp"),
                    blacklist_characters=',;"',
                ),
                min_size=1,
                max_size=64,
            ),
            min_size=len(rows),
            max_size=len(rows),
            unique=True,
        ).filter(lambda found: all(name == name.strip() for name in found))
    )
    lines = []
    for name, row in zip(names, rows, strict=True):
        received = row["received_at"]
        received_text = received.date().isoformat() if row["as_date"] else received.isoformat()
        resolved = None if row["resolved_days"] is None else received + timedelta(days=row["resolved_days"])
        lines.append(
            [
                name,
                PROCEDURE,
                AGENCY,
                row["channel"],
                row["level"] if row["channel"] == "online" else "",
                received_text,
                (received + timedelta(days=row["due_days"])).isoformat(),
                resolved.isoformat() if resolved else "",
                "",
                row["outcome"],
            ]
        )
    path = _file(_csv(list(COLUMNS), lines))
    try:
        with transaction.atomic():
            assert import_dossiers(path) == len(rows)
            stored = {d.code: d for d in HistoricalDossier.objects.filter(code__in=names).select_related("agency")}
            for line in lines:
                record = stored[line[0]]
                assert (record.procedure_code, record.agency.code, record.channel) == (line[1], line[2], line[3])
                level = {"3": "partial", "4": "full"}.get(line[4], line[4])
                assert record.online_level == level
                assert record.legacy_level == (int(line[4]) if line[4] in ("3", "4") else None)
                # A date alone is 00:00 in Vietnam (CONTRACT.md §4).
                received = line[5] if "T" in line[5] else f"{line[5]}T00:00:00+07:00"
                assert record.received_at == datetime.fromisoformat(received)
                assert record.due_at == datetime.fromisoformat(line[6])
                assert record.resolved_at == (datetime.fromisoformat(line[7]) if line[7] else None)
                assert record.outcome == line[9]
            raise _Rollback
    except _Rollback:
        pass
    finally:
        path.unlink()


def test_a_file_that_is_not_utf8_is_refused_by_the_import_itself(known: None) -> None:
    """Regression: bytes that are not UTF-8 escaped as UnicodeDecodeError instead of ImportFailed."""
    header = ",".join(COLUMNS).encode()
    outcome = _import_or_refuse(_file(header + b"\nD1,2.001628,000.00.21.H13,in_person,,2026-01-05,,,,\x80\n"))
    assert isinstance(outcome, ImportFailed) and outcome.errors[0].column == "-"


def test_a_cell_longer_than_the_csv_limit_is_refused_at_its_row(known: None) -> None:
    """Regression: a cell over the csv module's 128 KiB escaped as csv.Error instead of ImportFailed."""
    row = ["D1", PROCEDURE, AGENCY, "in_person", "", "2026-01-05", "", "", "", "y" * 200_000]
    outcome = _import_or_refuse(_file(_csv(list(COLUMNS), [row])))
    assert isinstance(outcome, ImportFailed)
    assert [(error.row, error.column) for error in outcome.errors] == [(2, "-")]


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"code": "a\x00b"}, "code"),
        ({"applicant": "", "outcome": "approved\x00"}, "outcome"),
        ({"received_at": "0001-01-01T00:00:00+14:00", "resolved_at": "", "due_at": ""}, "received_at"),
        ({"received_at": "0001-01-01", "resolved_at": "", "due_at": ""}, "received_at"),
        ({"due_at": "9999-12-31T23:59:59-14:00"}, "due_at"),
    ],
)
def test_nul_characters_and_years_out_of_range_are_refused_at_their_cell(
    known: None, cells: dict[str, str], column: str
) -> None:
    """Regression: a NUL in a cell failed on PostgreSQL (DataError), and year 1 or 9999 with an
    offset failed on SQLite (OverflowError when stored in UTC), instead of ImportFailed."""
    row = {**VALID, "code": "P1", **cells}
    outcome = _import_or_refuse(_file(_csv(list(COLUMNS), [[row[c] for c in COLUMNS]])))
    assert isinstance(outcome, ImportFailed)
    assert [(error.row, error.column) for error in outcome.errors] == [(2, column)]
