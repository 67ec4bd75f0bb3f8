"""Printed outreach: each format on its page size, one page, with the name, the call to action, the
hotline, and a QR code that a phone reads as the procedure's online application address."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client

from motcua.accounts.constants import Role
from motcua.accounts.models import Agency, User
from motcua.accounts.tests.factories import AgencyFactory, RoleAssignmentFactory, UserFactory
from motcua.catalog.tests.factories import FieldFactory, ProcedureVersionFactory

needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
PUBLIC = "https://dichvucong.example.gov.vn"
LONG_NAME = (
    "Thủ tục cấp giấy chứng nhận đủ điều kiện kinh doanh dịch vụ lữ hành quốc tế đối với doanh nghiệp "
    "có vốn đầu tư nước ngoài hoạt động trên địa bàn thành phố"
)
# Page sizes in points (1 mm = 72 / 25.4 pt).
SIZES = {
    "leaflet-a5": (419.5, 595.3),
    "leaflet-a4": (595.3, 841.9),
    "poster-a3": (841.9, 1190.6),
    "banner": (1700.8, 850.4),  # 600 × 300 mm: the 6 m × 3 m panel at 1:10
}


@dataclass
class Office:
    agency: Agency
    desk: User
    leader: User
    specialist: User


@pytest.fixture
def office(db, settings):
    settings.MOTCUA_PUBLIC_URL = PUBLIC + "/"
    city = AgencyFactory(code="000.00.00.H13", name="Ủy ban nhân dân thành phố Cần Thơ")
    agency = AgencyFactory(
        code="000.00.21.H13",
        name="Sở Văn hóa, Thể thao và Du lịch",
        parent=city,
        phone="+842923820000",
        address="Số 1 Đại lộ Hòa Bình, phường Ninh Kiều, thành phố Cần Thơ",
    )
    tourism = FieldFactory(code="du-lich", name="Du lịch")
    ProcedureVersionFactory(procedure__code="2.001628", agency=agency, field=tourism, name=LONG_NAME)
    ProcedureVersionFactory(procedure__code="2.001622", agency=agency, field=tourism, name="Cấp thẻ hướng dẫn viên")
    ProcedureVersionFactory(procedure__code="2.001600", agency=agency, field=tourism, information_only=True)
    ProcedureVersionFactory(procedure__code="1.000001")  # another agency's
    desk = RoleAssignmentFactory(agency=agency, role=Role.DESK_OFFICER).user
    leader = RoleAssignmentFactory(agency=agency, role=Role.AGENCY_LEADER).user
    specialist = RoleAssignmentFactory(agency=agency, role=Role.SPECIALIST).user
    return Office(agency, desk, leader, specialist)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf_info(path: Path) -> str:
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


def pdf_text(path: Path) -> str:
    raw = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(raw.split())


def decode_qr(path: Path, dpi: int) -> list[str]:
    import zxingcpp
    from PIL import Image

    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-singlefile", str(path), str(path.with_suffix(""))], check=True
    )
    with Image.open(path.with_suffix(".png")) as image:
        return [result.text for result in zxingcpp.read_barcodes(image.convert("L"))]


@needs_poppler
@pytest.mark.parametrize("format_key", list(SIZES))
def test_each_format_is_one_page_of_its_size_and_its_qr_opens_the_online_application(office, tmp_path, format_key):
    response = signed_in(office.desk).get("/mot-cua/truyen-thong/in/", {"procedure": "2.001628", "format": format_key})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / f"{format_key}.pdf"
    pdf.write_bytes(response.content)
    info = pdf_info(pdf)
    width, height = SIZES[format_key]
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size and abs(float(size[1]) - width) < 1 and abs(float(size[2]) - height) < 1, info
    assert re.search(r"Pages:\s+1\n", info), info  # the long name still fits on one page
    text = pdf_text(pdf)
    for expected in ("NỘP HỒ SƠ TRỰC TUYẾN", "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "0292 3820 000", "Quét mã"):
        assert expected in text, (expected, text)
    assert "lữ hành quốc tế" in text
    # A phone held at reading distance: about 100 dpi for the printed sheets, 30 dpi for the 1:10 banner.
    assert decode_qr(pdf, 30 if format_key == "banner" else 100) == [f"{PUBLIC}/thu-tuc/2.001628/nop-truc-tuyen/"]


@needs_poppler
def test_a_field_leaflet_lists_its_online_procedures_and_opens_them_in_the_catalog(office, tmp_path):
    response = signed_in(office.leader).get("/mot-cua/truyen-thong/in/", {"field": "du-lich", "format": "leaflet-a5"})
    assert response.status_code == 200
    pdf = tmp_path / "field.pdf"
    pdf.write_bytes(response.content)
    text = pdf_text(pdf)
    assert "Lĩnh vực Du lịch" in text and "Cấp thẻ hướng dẫn viên" in text
    assert "2.001600" not in text  # information only: not applied for online
    assert decode_qr(pdf, 100) == [f"{PUBLIC}/thu-tuc/?field=du-lich&agency=000.00.21.H13"]


def test_the_page_offers_the_agencys_online_procedures_and_fields(office):
    page = signed_in(office.desk).get("/mot-cua/truyen-thong/")
    assert page.status_code == 200
    assert [code for code, _label in page.context["procedures"]] == ["2.001622", "2.001628"]
    assert page.context["fields"] == [("du-lich", "Du lịch")]


@pytest.mark.parametrize(
    "params",
    [
        {"procedure": "1.000001", "format": "leaflet-a5"},  # another agency's procedure
        {"procedure": "2.001600", "format": "leaflet-a5"},  # not applied for online
        {"procedure": "<script>", "format": "leaflet-a5"},
        {"field": "khong-co", "format": "poster-a3"},
        {"procedure": "2.001628", "format": "billboard"},
        {"format": "leaflet-a5"},
    ],
)
def test_bad_choices_get_a_clear_error_on_the_page(office, params):
    response = signed_in(office.desk).get("/mot-cua/truyen-thong/in/", params)
    assert response.status_code in (400, 404)
    assert response["Content-Type"].startswith("text/html")
    assert response.context["error"].message


def test_only_desk_officers_and_leaders_make_outreach_material(office, client):
    assert signed_in(office.specialist).get("/mot-cua/truyen-thong/").status_code == 403
    assert signed_in(UserFactory()).get("/mot-cua/truyen-thong/in/", {"procedure": "2.001628"}).status_code == 403
    anonymous = client.get("/mot-cua/truyen-thong/")
    assert anonymous.status_code == 302 and "/dang-nhap/" in anonymous["Location"]
