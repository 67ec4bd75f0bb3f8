"""The online rate per year (counted, imported, entered as totals), `import_dossiers`, and the
catalog coverage, on small hand-computed cases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from motcua.catalog.tests.factories import ProcedureVersionFactory
from motcua.reports.coverage import catalog_coverage
from motcua.reports.models import HistoricalDossier, HistoricalTotals
from motcua.reports.tests.conftest import at, make_dossier
from motcua.reports.yearly import online_rate_by_year

pytestmark = pytest.mark.django_db

HEADER = "code,procedure_code,agency_code,channel,online_level,received_at,due_at,resolved_at,returned_at,outcome\n"


def csv_file(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "history.csv"
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_a_good_file_is_imported_and_counted_by_year(office, tmp_path):
    code = office.agency.code
    path = csv_file(
        tmp_path,
        [
            f"H1,2.001628,{code},in_person,,2019-03-04,2019-03-11,2019-03-08,,approved",
            f"H2,2.001628,{code},online,3,2019-05-02T09:30:00+07:00,,,,",
            f"H3,2.001628,{code},online,4,2019-12-31T23:00:00+07:00,,,,withdrawn",
            f"H4,2.001628,{code},postal,,2020-01-02,,,,denied",
        ],
    )
    out = StringIO()
    call_command("import_dossiers", str(path), stdout=out)
    assert "4" in out.getvalue()
    h2 = HistoricalDossier.objects.get(code="H2")
    assert (h2.online_level, h2.legacy_level) == ("partial", 3)
    table = online_rate_by_year(office.agency, first=2019, last=2020)
    y2019, y2020 = (row.as_dict() for row in table["rows"])
    assert y2019 == {
        "year": 2019, "received": 3, "online_partial": 1, "online_full": 1, "online": 2,
        "online_rate": 0.6667, "sources": ["imported"], "warnings": [],
    }  # fmt: skip
    assert (y2020["received"], y2020["online"], y2020["online_rate"]) == (1, 0, 0.0)


def test_a_bad_row_is_reported_by_row_and_column_and_nothing_is_written(office, tmp_path):
    code = office.agency.code
    path = csv_file(
        tmp_path,
        [
            f"H1,2.001628,{code},in_person,,2019-03-04,,,,",
            f"H2,9.999999,{code},online,,2019-13-01,,,,maybe",
            f"H1,2.001628,{code},fax,,2019-03-04,,,,",
        ],
    )
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_dossiers", str(path), stderr=err)
    messages = err.getvalue()
    for expected in (
        "row 3, column procedure_code",
        "row 3, column online_level",
        "row 3, column received_at",
        "row 3, column outcome",
        "row 4, column code",
        "row 4, column channel",
    ):
        assert expected in messages
    assert not HistoricalDossier.objects.exists()


def test_a_missing_column_and_an_existing_code_are_refused(office, tmp_path):
    bad_header = tmp_path / "bad.csv"
    bad_header.write_text("code,channel\nH1,online\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_dossiers", str(bad_header), stderr=StringIO())
    make_dossier("LIVE-1", office, received=at(3, 2))
    path = csv_file(tmp_path, [f"LIVE-1,2.001628,{office.agency.code},in_person,,2019-03-04,,,,"])
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_dossiers", str(path), stderr=err)
    assert "row 2, column code" in err.getvalue()


def test_totals_entered_by_hand_replace_the_count_and_are_checked(office):
    # The agency's own table for 2019: 1 000 received, 400 + 150 online, "stated 55 %" (right) …
    HistoricalTotals.objects.create(
        agency=office.agency, year=2019, received=1000, online_partial=400, online_full=150,
        stated_rate=Decimal("55.00"), source="Báo cáo 2019",
    )  # fmt: skip
    # … and for 2018: 800 received, 200 + 40 online, "stated 32 %" while 240 / 800 = 30 %.
    HistoricalTotals.objects.create(
        agency=office.agency, year=2018, received=800, online_partial=200, online_full=40,
        stated_rate=Decimal("32.00"), source="Báo cáo 2018",
    )  # fmt: skip
    # A live dossier in 2026 is counted; the totals' years are not added to anything.
    make_dossier("N1", office, channel="online", level="full", received=at(3, 2))
    table = online_rate_by_year(office.agency, first=2018, last=2026)
    rows = {row.year: row for row in table["rows"]}
    assert (rows[2019].received, rows[2019].online, rows[2019].rate) == (1000, 550, 0.55)
    assert rows[2019].sources == {"totals"} and rows[2019].warnings == []
    assert rows[2018].rate == 0.3
    assert len(rows[2018].warnings) == 1 and "32.00%" in rows[2018].warnings[0] and "30.00%" in rows[2018].warnings[0]
    assert (rows[2026].received, rows[2026].online_full, rows[2026].sources) == (1, 1, {"system"})
    assert table["total"]["received"] == 1801 and table["total"]["online"] == 791


def test_the_whole_city_adds_the_agencies_under_it(office):
    office.other_agency.parent = office.agency
    office.other_agency.save()
    HistoricalTotals.objects.create(agency=office.agency, year=2019, received=100, online_partial=10, source="a")
    HistoricalTotals.objects.create(agency=office.other_agency, year=2019, received=300, online_full=30, source="b")
    row = online_rate_by_year(office.agency, subordinates=True, first=2019, last=2019)["rows"][0]
    assert (row.received, row.online_partial, row.online_full, row.rate) == (400, 10, 30, 0.1)
    alone = online_rate_by_year(office.agency, first=2019, last=2019)["rows"][0]
    assert alone.received == 100


def test_the_online_rate_page_shows_the_chart_the_table_and_the_disagreement(office, client):
    HistoricalTotals.objects.create(
        agency=office.agency, year=2018, received=800, online_partial=200, online_full=40,
        stated_rate=Decimal("32.00"), source="Báo cáo 2018",
    )  # fmt: skip
    make_dossier("N1", office, channel="online", level="full", received=at(3, 2))
    client.force_login(office.leader)
    page = client.get("/mot-cua/bao-cao/ty-le-truc-tuyen/", {"from_year": "2018", "to_year": "2026"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<script" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "column=received.online_full" in html  # 2026 is counted: its numbers open their dossiers
    assert len(page.context["table"]["warnings"]) == 1
    bad = client.get("/mot-cua/bao-cao/ty-le-truc-tuyen/", {"from_year": "20x"})
    assert bad.status_code == 400


def test_catalog_coverage_per_year_and_per_agency(office):
    # office.version: partial since 01/07/2025. Add a full one since 2026 and an old one that ended in 2025.
    ProcedureVersionFactory(agency=office.agency, valid_from=date(2026, 1, 1), full_online=True)
    ProcedureVersionFactory(
        agency=office.agency, valid_from=date(2024, 1, 1), valid_to=date(2025, 6, 30), information_only=True
    )
    coverage = catalog_coverage(office.agency, first=2024, last=2026, on=date(2026, 3, 1))
    years = {y["year"]: y for y in coverage["years"]}
    assert (years[2024]["published"], years[2024]["online"], years[2024]["online_share"]) == (1, 0, 0.0)
    assert (years[2025]["published"], years[2025]["partial"], years[2025]["full"]) == (1, 1, 0)
    assert coverage["total"]["published"] == 2
    assert (coverage["total"]["partial_share"], coverage["total"]["full_share"]) == (0.5, 0.5)
    assert [a["agency"]["code"] for a in coverage["agencies"]] == [office.agency.code]


def test_the_coverage_page_is_for_report_readers_only(office, client):
    client.force_login(office.leader)
    assert client.get("/mot-cua/bao-cao/danh-muc/").status_code == 200
    client.force_login(office.citizen)
    assert client.get("/mot-cua/bao-cao/danh-muc/").status_code == 403
    client.force_login(office.foreign_viewer)
    assert client.get("/mot-cua/bao-cao/danh-muc/", {"agency": office.agency.code}).status_code == 403
