"""import_catalog: every layout, all-or-nothing, every bad row reported by row and column."""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from motcua.accounts.tests.factories import AgencyFactory
from motcua.catalog.constants import ServiceLevel
from motcua.catalog.importing import CatalogImportError, parse_fee_text, parse_processing_time, records_from_file
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.catalog.services import catalog_export, catalog_import
from motcua.demo.seed import NATIONAL_DETAILS, NATIONAL_LIST
from motcua.workdays.constants import PeriodUnit

pytestmark = pytest.mark.django_db

HEADER = "code,name,field,agency_code,service_level,processing_time,channels,fees,documents,valid_from\n"


@pytest.fixture
def agency():
    return AgencyFactory(code="000.00.21.H13", name="Sở Văn hóa, Thể thao và Du lịch")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_motcua_csv_creates_procedures_with_documents_and_fees(tmp_path, agency):
    path = write(
        tmp_path,
        "catalog.csv",
        HEADER + "1.001029,Thủ tục cấp giấy phép karaoke,Văn hóa,000.00.21.H13,full,10,in_person;online,"
        '"Phí thẩm định=4000000",Đơn đề nghị|Bản sao giấy chứng nhận,2025-07-01\n',
    )
    call_command("import_catalog", str(path))
    version = ProcedureVersion.objects.get(procedure__code="1.001029")
    assert version.service_level == ServiceLevel.FULL
    assert version.processing_time == Decimal("10")
    assert [f.amount for f in version.fees.all()] == [Decimal("4000000")]
    assert [d.name for d in version.documents.all()] == ["Đơn đề nghị", "Bản sao giấy chứng nhận"]
    assert version.field.name == "Văn hóa"
    assert version.search_text.startswith(" thu tuc cap giay phep karaoke ")


def test_every_bad_row_is_reported_and_nothing_is_written(tmp_path, agency):
    path = write(
        tmp_path,
        "bad.csv",
        HEADER
        + "1.001029,Good one,Văn hóa,000.00.21.H13,full,10,online,,,\n"
        + "1.00102,Bad code,Văn hóa,000.00.21.H13,full,10,online,,,\n"
        + "1.001030,,Văn hóa,000.00.21.H13,sometimes,abc,teleport,,,31/02/2026\n",
    )
    with pytest.raises(CommandError) as excinfo:
        call_command("import_catalog", str(path))
    message = str(excinfo.value)
    assert "row 3, column code" in message
    assert "row 4, column name: required" in message
    assert "row 4, column service_level" in message
    assert "row 4, column processing_time" in message
    assert "row 4, column channels" in message
    assert "row 4, column valid_from" in message
    assert Procedure.objects.count() == 0


def test_an_unknown_agency_is_reported_and_nothing_is_written(tmp_path, agency):
    path = write(
        tmp_path,
        "agency.csv",
        HEADER
        + "1.001029,One,Văn hóa,000.00.21.H13,partial,5,online,,,\n"
        + "1.001030,Two,Văn hóa,999.99.99.X99,partial,5,online,,,\n",
    )
    with pytest.raises(CatalogImportError) as excinfo:
        catalog_import(records_from_file(path)[1])
    assert [(e.row, e.column) for e in excinfo.value.errors] == [(3, "agency_code")]
    assert Procedure.objects.count() == 0


def test_a_model_rule_breach_rolls_back_the_whole_file(tmp_path, agency):
    # An online service level without the online channel breaks a model rule after parsing.
    path = write(
        tmp_path,
        "rule.csv",
        HEADER
        + "1.001029,One,Văn hóa,000.00.21.H13,partial,5,online,,,\n"
        + "1.001030,Two,Văn hóa,000.00.21.H13,full,5,in_person,,,\n",
    )
    with pytest.raises(CatalogImportError) as excinfo:
        catalog_import(records_from_file(path)[1])
    assert [(e.row, e.column) for e in excinfo.value.errors] == [(3, "service_level")]
    assert Procedure.objects.count() == 0


def test_duplicate_codes_in_one_file_are_reported(tmp_path, agency):
    path = write(
        tmp_path,
        "dup.csv",
        HEADER
        + "1.001029,One,Văn hóa,000.00.21.H13,partial,5,online,,,\n"
        + "1.001029,Again,Văn hóa,000.00.21.H13,partial,5,online,,,\n",
    )
    with pytest.raises(CatalogImportError, match="already appears in row 2"):
        records_from_file(path)


def test_a_later_valid_from_creates_a_new_version_and_keeps_the_old(tmp_path, agency):
    first = write(
        tmp_path, "v1.csv", HEADER + "1.001029,Old name,Văn hóa,000.00.21.H13,partial,5,online,,Đơn,2025-07-01\n"
    )
    second = write(tmp_path, "v2.csv", HEADER + "1.001029,New name,Văn hóa,000.00.21.H13,full,3,online,,,2026-07-01\n")
    call_command("import_catalog", str(first))
    call_command("import_catalog", str(second))
    old, new = ProcedureVersion.objects.filter(procedure__code="1.001029").order_by("valid_from")
    assert (old.name, old.valid_to) == ("Old name", date(2026, 6, 30))
    assert (new.name, new.valid_to, new.processing_time) == ("New name", None, Decimal("3"))
    # The new version starts from the old one's documents when the file does not list them.
    assert [d.name for d in new.documents.all()] == ["Đơn"]
    assert ProcedureVersion.objects.in_force(date(2026, 1, 1)).get().name == "Old name"
    assert ProcedureVersion.objects.in_force(date(2026, 8, 1)).get().name == "New name"


def test_the_same_file_twice_changes_nothing(tmp_path, agency):
    path = write(
        tmp_path, "same.csv", HEADER + "1.001029,Name,Văn hóa,000.00.21.H13,partial,5,online,,Đơn,2025-07-01\n"
    )
    call_command("import_catalog", str(path))
    call_command("import_catalog", str(path))
    assert ProcedureVersion.objects.count() == 1
    assert ProcedureVersion.objects.get().documents.count() == 1


def test_xlsx_and_json_are_read_like_csv(tmp_path, agency):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["code", "name", "field", "agency_code", "service_level", "processing_time"])
    sheet.append(["1.001029", "Karaoke", "Văn hóa", "000.00.21.H13", "information", 10])
    sheet.append(["1.001030", "Vũ trường", "Văn hóa", "000.00.21.H13", "bad-level", 10])
    xlsx = tmp_path / "catalog.xlsx"
    workbook.save(xlsx)
    with pytest.raises(CatalogImportError) as excinfo:
        records_from_file(xlsx)
    assert [(e.row, e.column) for e in excinfo.value.errors] == [(3, "service_level")]

    data = [
        {"code": "1.001029", "name": "Karaoke", "field": "Văn hóa", "agency_code": "000.00.21.H13",
         "service_level": "partial", "channels": ["online"], "processing_time": 10,
         "documents": [{"name": "Đơn", "copy_kind": "original", "mandatory": True}],
         "fees": [{"name": "Phí", "amount": 500000}]},
        {"code": "1.001030", "name": "", "field": "Văn hóa", "agency_code": "000.00.21.H13", "service_level": "full"},
    ]  # fmt: skip
    path = write(tmp_path, "catalog.json", json.dumps(data, ensure_ascii=False))
    with pytest.raises(CatalogImportError) as excinfo:
        records_from_file(path)
    assert [(e.row, e.column) for e in excinfo.value.errors] == [(2, "name")]  # JSON rows are item numbers


def test_unreadable_files_get_a_clear_message(tmp_path, agency):
    latin = tmp_path / "x.csv"
    latin.write_bytes(unicodedata.normalize("NFD", "code,name\n1.001029,Thủ tục\n").encode("cp1258"))
    with pytest.raises(CatalogImportError, match="not UTF-8"):
        records_from_file(latin)
    with pytest.raises(CatalogImportError, match="JSON is not valid"):
        records_from_file(write(tmp_path, "x.json", "[{"))
    with pytest.raises(CatalogImportError, match=r"\.csv, \.xlsx or \.json"):
        records_from_file(write(tmp_path, "x.txt", "hello"))
    with pytest.raises(CatalogImportError, match="Unknown layout"):
        records_from_file(write(tmp_path, "y.csv", "a,b\n1,2\n"))
    bad_xlsx = tmp_path / "bad.xlsx"
    bad_xlsx.write_bytes(b"not a zip")
    with pytest.raises(CatalogImportError, match="cannot be read"):
        records_from_file(bad_xlsx)


def test_national_list_and_details_import(agency):
    commune = AgencyFactory(code="000.21.01.H13")
    codes = {"province": agency.code, "commune": commune.code}
    _layout, records = records_from_file(NATIONAL_LIST, agency_codes=codes)
    assert _layout == "national_list" and len(records) == 156
    catalog_import(records)
    assert ProcedureVersion.objects.filter(agency=commune).count() == 10
    unknown = ProcedureVersion.objects.get(procedure__code="1.001029")
    assert unknown.processing_time is None  # the list does not say; nothing is invented
    layout, details = records_from_file(NATIONAL_DETAILS, agency_codes=codes)
    assert layout == "national_details"
    catalog_import(details)
    travel = ProcedureVersion.objects.get(procedure__code="2.001628")
    assert (travel.processing_time, travel.processing_unit) == (Decimal("5"), PeriodUnit.WORKING_DAYS)
    assert travel.service_level == ServiceLevel.FULL
    assert [f.amount for f in travel.fees.all()] == [Decimal("1000000")]
    assert travel.documents.count() == 6
    assert travel.field.national_code == "G16-VH21"
    hotel = ProcedureVersion.objects.get(procedure__code="1.004594")
    assert (hotel.processing_time, hotel.processing_unit) == (Decimal("30"), PeriodUnit.CALENDAR_DAYS)
    assert hotel.service_level == ServiceLevel.PARTIAL


def test_national_list_without_agency_mapping_is_refused(agency):
    with pytest.raises(CatalogImportError, match="no agency was given"):
        records_from_file(NATIONAL_LIST, agency_codes={"province": agency.code})


def test_portal_text_parsers():
    assert parse_processing_time("05 ngày làm việc kể từ ngày nhận đủ hồ sơ") == (Decimal("5"), "working_days")
    assert parse_processing_time("30 ngày kể từ ngày nhận hồ sơ hợp lệ") == (Decimal("30"), "calendar_days")
    assert parse_processing_time("04 giờ làm việc") == (Decimal("4"), "working_hours")
    assert parse_processing_time("Không quy định") is None
    fees = parse_fee_text("Phí thẩm định chương trình: <50 phút 1.000.000đ; 50-<100 phút 1.400.000đ")
    assert [(f.name, f.amount) for f in fees] == [
        ("Phí thẩm định chương trình: <50 phút", Decimal("1000000")),
        ("50-<100 phút", Decimal("1400000")),
    ]
    assert parse_fee_text("0 đồng") == []


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_export_then_import_gives_the_same_catalog(tmp_path, agency, fmt):
    path = write(
        tmp_path,
        "catalog.csv",
        HEADER
        + '1.001029,Karaoke,Văn hóa,000.00.21.H13,full,10,in_person;online,"Phí=4000000",Đơn|Bản sao,2025-07-01\n'
        + "1.001030,Vũ trường,Văn hóa,000.00.21.H13,information,7.5,in_person,,,2025-07-01\n",
    )
    call_command("import_catalog", str(path))
    before = catalog_export()
    out = tmp_path / f"export.{fmt}"
    call_command("export_catalog", "--format", fmt, "--output", str(out))
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()
    call_command("import_catalog", str(out))
    assert catalog_export() == before


def test_an_invalid_online_form_definition_is_reported(tmp_path, agency):
    path = write(
        tmp_path,
        "form.json",
        json.dumps(
            [
                {
                    "code": "1.001029",
                    "name": "Karaoke",
                    "field": "Văn hóa",
                    "agency_code": "000.00.21.H13",
                    "service_level": "partial",
                    "channels": ["online"],
                    "form_schema": {"type": "object", "properties": {"name": {"type": "text"}}},
                }
            ]
        ),
    )
    with pytest.raises(CatalogImportError) as excinfo:
        catalog_import(records_from_file(path)[1])
    assert [(e.row, e.column) for e in excinfo.value.errors] == [(1, "form_schema")]
    assert Procedure.objects.count() == 0
