"""The same numbers in the page, the API, the command (JSON, CSV, XLSX) and the PDF; who sees what;
bad parameters give a translated 400, never a 500."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from motcua.reports.exports import FORM_COLUMNS
from motcua.reports.period import Scope, flat_numbers, period_report
from motcua.reports.tests.conftest import EXPECTED_MARCH, MARCH

pytestmark = pytest.mark.django_db

QUERY = {"from": "2026-03-01", "to": "2026-03-31", "agency": "000.00.21.H13"}
# Columns 3–19 of the form, from the expected numbers (20–21 are the rates).
FORM_VALUES = [13, 4, 7, 2, 7, 4, 1, 2, 5, 3, 2, 11, 5, 2, 2, 2, 1]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_api_gives_the_contract_numbers(ledger):
    response = client_for(ledger.viewer).get("/api/v1/reports/summary/", QUERY)
    assert response.status_code == 200
    body = response.json()
    assert {key: body["total"][key] for key in EXPECTED_MARCH} == EXPECTED_MARCH
    assert body["breaches"] == []
    assert body == json.loads(json.dumps(period_report(Scope(ledger.agency), *MARCH)))


def test_api_grouped_by_division(ledger):
    response = client_for(ledger.leader).get("/api/v1/reports/summary/", {**QUERY, "group_by": "division"})
    assert response.status_code == 200
    assert [row["group"]["code"] for row in response.json()["rows"]] == ["QLDL", "QLVH", ""]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-13-01", "to": "2026-03-31"}, "from"),
        ({"from": "2026-03-01"}, "to"),
        ({"from": "2026-03-31", "to": "2026-03-01"}, "to"),
        ({**QUERY, "group_by": "week"}, "group_by"),
        ({**QUERY, "agency": "nope"}, "agency"),
        ({**QUERY, "division": "nope"}, "division"),
        ({"period": "2026-Q9"}, "period"),
    ],
)
def test_api_bad_parameters_are_a_translated_400(ledger, params, field):
    response = client_for(ledger.viewer).get("/api/v1/reports/summary/", params, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    error = response.json()["error"]
    assert field in error["fields"]
    assert error["message"] and "Some values" not in error["message"] and "period" not in error["message"]


def test_api_a_viewer_of_another_agency_sees_nothing(ledger):
    response = client_for(ledger.foreign_viewer).get("/api/v1/reports/summary/", QUERY)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert client_for(ledger.specialist).get("/api/v1/reports/summary/", QUERY).status_code == 403
    assert Client().get("/api/v1/reports/summary/", QUERY).status_code in (401, 403)


def test_page_shows_the_form_and_each_number_links_to_its_dossiers(ledger):
    client = client_for(ledger.leader)
    response = client.get(reverse("reports:period"), QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    total_row = html[html.index('id="report-total"') :]
    numbers = re.findall(r'<td class="nowrap">(?:<a href="[^"]*">)?([^<]*)', total_row)
    assert [int(n) for n in numbers[:17]] == FORM_VALUES
    assert numbers[17:19] == ["36,36", "71,43"]
    link = re.search(r'href="(/mot-cua/bao-cao/ho-so/\?[^"]*column=pending.overdue[^"]*)"', total_row)
    assert link is not None
    listing = client.get(link.group(1).replace("&amp;", "&"))
    assert listing.status_code == 200
    assert "CO2" in listing.content.decode() and "N10" in listing.content.decode()
    assert "N4<" not in listing.content.decode()  # the code as a cell ends (a CSRF token may hold "N4")


def test_page_rows_link_to_their_own_dossiers(ledger):
    client = client_for(ledger.leader)
    html = client.get(reverse("reports:period"), {**QUERY, "group_by": "division"}).content.decode()
    links = re.findall(r'href="(/mot-cua/bao-cao/ho-so/\?[^"]*division=none[^"]*column=received.total[^"]*)"', html)
    listing = client.get(links[0].replace("&amp;", "&")).content.decode()
    assert "CO2" in listing and "N8" in listing and "N1<" not in listing


def test_page_exports(ledger):
    client = client_for(ledger.desk)
    pdf = client.get(reverse("reports:period"), {**QUERY, "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("reports:period"), {**QUERY, "format": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"].startswith("attachment")


def test_page_bad_parameters_and_other_agencies(ledger):
    client = client_for(ledger.viewer)
    response = client.get(reverse("reports:period"), {"from": "2026-03-31", "to": "2026-03-01"})
    assert response.status_code == 400
    assert "Ngày kết thúc kỳ báo cáo trước ngày bắt đầu." in response.content.decode()
    foreign = client_for(ledger.foreign_viewer)
    assert foreign.get(reverse("reports:period"), QUERY).status_code == 403
    drill = {**QUERY, "column": "received.total"}
    assert foreign.get(reverse("reports:dossiers"), drill).status_code == 403
    assert client_for(ledger.specialist).get(reverse("reports:period")).status_code == 403
    assert client.get(reverse("reports:dossiers"), {**QUERY, "column": "nope"}).status_code == 400


def test_command_json_csv_and_xlsx_agree_with_the_page(ledger, tmp_path, capsys):
    call_command("report", "--from", "2026-03-01", "--to", "2026-03-31", "--agency", "000.00.21.H13")
    body = json.loads(capsys.readouterr().out)
    assert {key: body["total"][key] for key in EXPECTED_MARCH} == EXPECTED_MARCH

    csv_path = tmp_path / "r.csv"
    call_command(
        "report",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--agency",
        "000.00.21.H13",
        "--format",
        "csv",
        "--output",
        str(csv_path),
    )
    rows = list(csv.reader(io.StringIO(csv_path.read_bytes().decode("utf-8-sig"))))
    assert rows[-1][1] == "Tổng cộng"
    assert [int(n) for n in rows[-1][2:19]] == FORM_VALUES

    xlsx_path = tmp_path / "r.xlsx"
    call_command(
        "report",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--agency",
        "000.00.21.H13",
        "--format",
        "xlsx",
        "--output",
        str(xlsx_path),
    )
    sheet = load_workbook(xlsx_path).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    total = next(row for row in values if row[1] == "Tổng cộng")
    assert total[2:19] == FORM_VALUES
    assert total[19:21] == [36.36, 71.43]
    assert any(row[0] == "Biểu số 06/VPCP/KSTT" for row in values)
    assert "A8:A10" in {str(r) for r in sheet.merged_cells.ranges}  # STT spans the three heading rows
    assert len(FORM_COLUMNS) == 19


def test_command_grouped_by_month_and_bad_input(ledger, capsys):
    call_command("report", "--from", "2026-02-01", "--to", "2026-03-31", "--group-by", "month")
    body = json.loads(capsys.readouterr().out)
    assert [row["group"]["name"] for row in body["rows"]] == ["02/2026", "03/2026"]
    assert body["total"]["received"]["new"] == 15  # every agency: the other agency's X1 too
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("report", "--from", "2026-02-30", "--to", "2026-03-31")
    with pytest.raises(CommandError, match="index766"):
        call_command("report", "--from", "2026-02-01", "--to", "2026-03-31", "--kind", "index766")


def test_page_numbers_equal_the_service_for_every_column(ledger):
    report = period_report(Scope(ledger.agency), *MARCH)
    flat = flat_numbers(report["total"])
    html = client_for(ledger.viewer).get(reverse("reports:period"), QUERY).content.decode()
    for column, value in flat.items():
        pattern = rf'column={re.escape(column)}(?:&amp;[^"]*)?">{value}</a>'
        assert re.search(pattern, html), column


def test_a_city_viewer_lists_every_dossier_a_number_counts_without_the_applicants(ledger):
    """The city's report viewer reads the numbers of the agencies under the city: the list behind a number is
    whole (its codes), but the applicants and the dossier pages stay with those who may open them."""
    from motcua.accounts.constants import Role
    from motcua.accounts.tests.factories import RoleAssignmentFactory, UserFactory

    city = ledger.agency.__class__.objects.create(code="H13", name="UBND thành phố", kind="provincial_committee")
    for agency in (ledger.agency, ledger.other_agency):
        agency.parent = city
        agency.save()
    viewer = UserFactory(username="city_viewer", kind="official")
    RoleAssignmentFactory(user=viewer, role=Role.REPORT_VIEWER, agency=city)
    query = {**QUERY, "agency": "H13", "subordinates": "1", "column": "received.new"}
    page = client_for(viewer).get(reverse("reports:dossiers"), query).content.decode()
    assert "12 hồ sơ" in page  # 11 of the department and X1 of the other agency, received in March
    assert ">N10<" in page and ">X1<" in page and "Người nộp N" not in page
    assert "/mot-cua/ho-so/N10/" not in page
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    client_for(viewer).get(reverse("reports:dossiers"), {**query, "format": "csv"}).streaming_content
                ).decode("utf-8-sig")
            )
        )
    )
    assert len(rows) == 13 and {row[1] for row in rows[1:]} == {""}
    # The department's leader, in the same list of their own agency, reads the applicants and opens the pages.
    own = client_for(ledger.leader).get(reverse("reports:dossiers"), {**QUERY, "column": "received.new"})
    assert "Người nộp N10" in own.content.decode() and "/mot-cua/ho-so/N10/" in own.content.decode()
