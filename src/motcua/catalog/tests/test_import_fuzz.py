"""Hostile catalog files for `import_catalog` (CONTRACT.md §2), generated with Hypothesis.

Whatever the cells hold, the import writes every procedure or raises CatalogImportError naming
rows and columns, and then writes nothing. A valid generated file reads back as it was written.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.accounts.tests.factories import AgencyFactory
from motcua.catalog.importing import MOTCUA_COLUMNS, CatalogImportError, records_from_file
from motcua.catalog.models import Fee, Field, Procedure, ProcedureVersion, ProcessStep, RequiredDocument
from motcua.catalog.services import catalog_import

pytestmark = pytest.mark.django_db

AGENCY = "000.00.21.H13"
MODELS = (Procedure, ProcedureVersion, Field, Fee, RequiredDocument, ProcessStep)
HOSTILE = st.sampled_from(
    [
        "",
        " ",
        "=1+1",
        "-1",
        "1e30",
        "99999999999999999999999",
        "NaN",
        "\x00",
        "a\x00b",
        "\x1b[0m",
        "\u202e",
        "Lĩnh vực Văn hóa",
        "2026-02-30",
        "31/12/2026",
        "0001-01-01",
        "[]",
        "{}",
        '[{"name": "Đơn", "quantity": -1}]',
        '[{"name": "Phí", "amount": "1e30"}]',
        '[{"name": "\\u0000"}]',
        '[{"name": "Bước", "actor": "desk", "duration": -3}]',
        "in_person;online",
        "full",
        "x" * 300,
        "ý" * 2_000,
    ]
)
CELL = st.one_of(HOSTILE, st.text(max_size=30))
VALID = {
    "code": "1.000001",
    "name": "Cấp giấy phép thử nghiệm",
    "field": "Văn hóa",
    "agency_code": AGENCY,
    "service_level": "partial",
    "channels": "in_person;online",
    "processing_time": "5",
    "fees": "Phí thẩm định=100000",
    "documents": "Đơn đề nghị|Bản sao giấy tờ",
    "valid_from": "2026-01-01",
}


@pytest.fixture
def agency(db: Any) -> None:
    AgencyFactory(code=AGENCY, name="Sở Văn hóa, Thể thao và Du lịch")


class _Rollback(Exception):
    pass


def _counts() -> list[int]:
    return [model.objects.count() for model in MODELS]


def _write(suffix: str, text: str) -> Path:
    handle = tempfile.NamedTemporaryFile(suffix=suffix, delete=False)  # noqa: SIM115 - removed by the caller
    handle.write(text.encode("utf-8"))
    handle.close()
    return Path(handle.name)


def _import(path: Path, check: Any = None) -> Any:
    """Read and import in a savepoint that is rolled back; only CatalogImportError may be raised."""
    before = _counts()
    outcome: Any
    try:
        with transaction.atomic():
            try:
                _layout, records = records_from_file(path)
                outcome = catalog_import(records)
                if check:
                    check(records)
            except CatalogImportError as exc:
                outcome = exc
            raise _Rollback
    except _Rollback:
        pass
    finally:
        path.unlink()
    assert _counts() == before
    if isinstance(outcome, CatalogImportError):
        assert outcome.errors
        for error in outcome.errors:
            assert isinstance(error.row, int) and error.row >= 0 and isinstance(error.column, str), error
    return outcome


def _csv(rows: list[dict[str, str]], columns: list[str], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    corrupted=st.lists(st.dictionaries(st.sampled_from(MOTCUA_COLUMNS), CELL, max_size=2), min_size=1, max_size=3),
    as_json=st.booleans(),
    delimiter=st.sampled_from([",", ",", ";"]),
)
def test_any_cells_are_imported_or_refused_by_row_and_column(
    agency: None, corrupted: list[dict[str, str]], as_json: bool, delimiter: str
) -> None:
    rows = [{**VALID, "code": f"1.{index + 1:06d}", **cells} for index, cells in enumerate(corrupted)]
    columns = sorted({column for row in rows for column in row})
    if as_json:
        _import(_write(".json", json.dumps(rows, ensure_ascii=False)))
    else:
        outcome = _import(_write(".csv", _csv(rows, columns, delimiter)))
        if delimiter != ",":
            assert isinstance(outcome, CatalogImportError)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".json", ".xlsx"]))
def test_any_bytes_are_imported_or_refused(agency: None, data: bytes, suffix: str) -> None:
    handle = tempfile.NamedTemporaryFile(suffix=suffix, delete=False)  # noqa: SIM115 - removed by _import
    handle.write((",".join(VALID).encode() + b"\n" if suffix == ".csv" else b"") + data)
    handle.close()
    _import(Path(handle.name))


TEXT = st.text(
    st.characters(min_codepoint=32, max_codepoint=0x1EF9, blacklist_categories=("Cc", "Cs")), min_size=1, max_size=80
).filter(lambda text: text.strip() == text and text.strip() != "")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    procedures=st.lists(
        st.fixed_dictionaries(
            {
                "name": TEXT,
                "field": TEXT,
                "service_level": st.sampled_from(["information", "partial", "full"]),
                "processing_time": st.decimals(min_value=0, max_value=365, places=1),
                "fee": st.integers(min_value=0, max_value=10_000_000),
            }
        ),
        min_size=1,
        max_size=3,
    )
)
def test_a_valid_file_reads_back_as_written(agency: None, procedures: list[dict[str, Any]]) -> None:
    rows = [
        {
            "code": f"1.{index + 1:06d}",
            "name": procedure["name"],
            "field": procedure["field"],
            "agency_code": AGENCY,
            "service_level": procedure["service_level"],
            "processing_time": str(procedure["processing_time"]),
            "fees": json.dumps([{"name": "Phí", "amount": procedure["fee"]}]),
        }
        for index, procedure in enumerate(procedures)
    ]

    def check(records: Any) -> None:
        for row in rows:
            version = ProcedureVersion.objects.select_related("field", "agency").get(procedure__code=row["code"])
            assert version.name == row["name"]
            assert version.field.name == row["field"]
            assert version.agency.code == AGENCY
            assert version.service_level == row["service_level"]
            assert version.processing_time == Decimal(row["processing_time"])
            assert [(fee.name, fee.amount) for fee in version.fees.all()] == [
                ("Phí", Decimal(json.loads(row["fees"])[0]["amount"]))
            ]

    outcome = _import(_write(".json", json.dumps(rows, ensure_ascii=False)), check)
    assert not isinstance(outcome, CatalogImportError), outcome


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"name": "a\x00b"}, "name"),
        ({"documents": '[{"name": "\u0000"}]'}, "documents"),
        ({"field": "x" * 600}, "field"),
        ({"fees": "x" * 600 + "=5"}, "fees"),
        ({"fees": "Phí=1e30"}, "fees"),
        ({"name": "ý" * 200_000}, "-"),
    ],
)
def test_what_the_database_would_refuse_is_reported_at_its_cell(
    agency: None, cells: dict[str, str], column: str
) -> None:
    """Regression: a NUL character, a field name or a fee name too long, a fee too large failed in the
    database (DataError on PostgreSQL), and a cell over 128 KiB as csv.Error, instead of CatalogImportError."""
    row = {**VALID, **cells}
    outcome = _import(_write(".csv", _csv([row], list(row))))
    assert isinstance(outcome, CatalogImportError)
    assert [error.column for error in outcome.errors] == [column]
