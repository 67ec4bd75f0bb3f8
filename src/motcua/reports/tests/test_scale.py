"""What issue 6's scale work changed, on hand-built cases: the report by month (one UNION ALL of one
count per month) gives each month's own report; the dossiers behind a number stream as CSV; the
history import writes in batches and still all or nothing."""

from __future__ import annotations

import csv
import io
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from motcua.reports import dossier_export, importing
from motcua.reports.models import HistoricalDossier
from motcua.reports.period import Scope, period_report
from motcua.reports.tests.conftest import MARCH, at, make_dossier
from motcua.reports.tests.test_period import MARCH_DOSSIERS

pytestmark = pytest.mark.django_db

QUERY = {"from": "2026-03-01", "to": "2026-03-31", "agency": "000.00.21.H13"}
MONTHS = [
    (date(2026, 1, 1), date(2026, 1, 31)),
    (date(2026, 2, 1), date(2026, 2, 28)),
    (date(2026, 3, 1), date(2026, 3, 31)),
    (date(2026, 4, 1), date(2026, 4, 30)),
]


def without_group(row: dict) -> dict:
    return {key: value for key, value in row.items() if key not in ("group", "period")}


@pytest.mark.parametrize("judge_by_extended_date", [False, True])
def test_each_month_of_a_grouping_is_that_months_own_report(ledger, judge_by_extended_date):
    scope = Scope(ledger.agency)
    grouped = period_report(scope, MONTHS[0][0], MONTHS[-1][1], "month", judge_by_extended_date=judge_by_extended_date)
    for row, (start, end) in zip(grouped["rows"], MONTHS, strict=True):
        alone = period_report(scope, start, end, judge_by_extended_date=judge_by_extended_date)
        assert without_group(row) == alone["total"]
    whole = period_report(scope, MONTHS[0][0], MONTHS[-1][1], judge_by_extended_date=judge_by_extended_date)
    assert grouped["total"] == whole["total"]
    assert grouped["breaches"] == []
    # By hand (conftest.LEDGER): March as in EXPECTED_MARCH; February's dossiers (OLD, CO1, CO2) all new.
    assert grouped["rows"][1]["received"]["new"] == 3
    assert grouped["rows"][2]["received"]["carried_over"] == 2


def test_a_month_with_no_dossier_is_all_zeros(ledger):
    report = period_report(Scope(ledger.agency), date(2025, 11, 1), date(2025, 12, 31), "month")
    assert [row["received"]["total"] for row in report["rows"]] == [0, 0]
    assert report["total"]["received"]["total"] == 0


def read_csv(response) -> list[list[str]]:
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


@pytest.mark.parametrize("column", ["received.total", "pending.overdue", "received.in_person+received.postal"])
def test_the_dossiers_of_a_number_stream_as_csv(ledger, column, monkeypatch):
    monkeypatch.setattr(dossier_export, "FLUSH_BYTES", 10)  # a piece per row: the pieces add up
    client = Client()
    client.force_login(ledger.leader)
    response = client.get(reverse("reports:dossiers"), {**QUERY, "column": column, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == dossier_export.HEADINGS
    expected = set().union(*(MARCH_DOSSIERS[part] for part in column.split("+")))
    assert {row[0] for row in rows[1:]} == expected
    assert len(rows) == len(expected) + 1


def test_the_csv_shows_local_times_and_codes(ledger):
    client = Client()
    client.force_login(ledger.leader)
    response = client.get(reverse("reports:dossiers"), {**QUERY, "column": "resolved.on_time", "format": "csv"})
    [row] = read_csv(response)[1:]
    by_heading = dict(zip(dossier_export.HEADINGS, row, strict=True))
    assert by_heading["Mã hồ sơ"] == "N1"
    assert by_heading["Ngày nhận"] == "02/03/2026 09:00"  # conftest.at: 09:00 in Asia/Ho_Chi_Minh
    assert by_heading["Ngày giải quyết"] == "09/03/2026 10:00"
    assert by_heading["Kênh nộp"] == "in_person"


def test_the_csv_keeps_to_what_the_user_may_see(ledger):
    client = Client()
    client.force_login(ledger.foreign_viewer)
    response = client.get(reverse("reports:dossiers"), {**QUERY, "column": "received.total", "format": "csv"})
    assert response.status_code == 403


HEADER = "code,procedure_code,agency_code,channel,online_level,received_at,due_at,resolved_at,returned_at,outcome\n"


def history(tmp_path: Path, agency_code: str, count: int) -> Path:
    path = tmp_path / "history.csv"
    lines = [f"H{i},2.001628,{agency_code},online,{3 + i % 2},2019-03-0{1 + i % 9},,,,approved" for i in range(count)]
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_import_writes_in_batches_with_progress(office, tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "BATCH", 2)
    seen = []
    written = importing.import_dossiers(
        history(tmp_path, office.agency.code, 5), progress=lambda done, total: seen.append((done, total))
    )
    assert written == 5
    assert seen == [(2, 5), (4, 5), (5, 5)]
    assert sorted(HistoricalDossier.objects.values_list("code", flat=True)) == ["H0", "H1", "H2", "H3", "H4"]
    h1 = HistoricalDossier.objects.get(code="H1")
    assert (h1.online_level, h1.legacy_level, h1.source) == ("full", 4, "history.csv")


def test_a_failure_while_writing_writes_nothing(office, tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "BATCH", 2)
    real_write, calls = importing._write, []

    def write_then_fail(batch):
        calls.append(len(batch))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        real_write(batch)

    monkeypatch.setattr(importing, "_write", write_then_fail)
    with pytest.raises(RuntimeError):
        importing.import_dossiers(history(tmp_path, office.agency.code, 5))
    assert not HistoricalDossier.objects.exists()


def test_a_bad_row_after_many_good_ones_writes_nothing(office, tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "BATCH", 2)
    path = history(tmp_path, office.agency.code, 6)
    path.write_text(path.read_text() + f"H9,2.001628,{office.agency.code},fax,,2019-03-01,,,,\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_dossiers", str(path), stderr=err)
    assert "row 8, column channel" in err.getvalue()
    assert not HistoricalDossier.objects.exists()


def test_a_live_code_is_refused_among_many(office, tmp_path):
    make_dossier("H3", office, received=at(3, 2))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_dossiers", str(history(tmp_path, office.agency.code, 5)), stderr=err)
    assert "row 5, column code" in err.getvalue()
    assert not HistoricalDossier.objects.exists()


assert (MONTHS[2][0], MONTHS[2][1]) == MARCH
