"""Form 01, the receipt: Vietnamese text with its fonts embedded, the appointment, the lookup QR code."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime

import pytest
import time_machine
from rest_framework.test import APIClient

from motcua.dossiers.tests.conftest import office  # noqa: F401  (fixture)
from motcua.workdays.domain import VIETNAM

APPLICANT = {"kind": "person", "name": "Nguyễn Văn Ấn", "phone": "0931015119", "address": "Phường Ninh Kiều, Cần Thơ"}
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def received(office):  # noqa: F811
    with time_machine.travel(datetime(2026, 11, 19, 10, 20, tzinfo=VIETNAM), tick=False):
        body = api(office.desk).post(
            "/api/v1/dossiers/",
            {"procedure": "2.001628", "channel": "in_person", "applicant": APPLICANT},
            format="json",
        )
    return body.json()


@needs_poppler
def test_receipt_pdf_has_the_form_01_content(office, received, tmp_path):  # noqa: F811
    response = api(office.desk).get(f"/api/v1/dossiers/{received['code']}/forms/receipt.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(response.content)
    raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(raw.split())
    for expected in (
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        received["code"],
        "Nguyễn Văn Ấn",
        "Số điện thoại: 0931 015 119",
        "10 giờ 20 phút, ngày 19 tháng 11 năm 2026",  # received
        "17 giờ 00 phút, ngày 27 tháng 11 năm 2026",  # due: 5 working days, 24/11 a holiday
        "Liên 1: Lưu",
        "Quyển số: 2026 Số thứ tự: 1",  # the same number as in the register (form 07)
        "Liên 2: Giao người nộp hồ sơ",
        received["lookup_secret"],
    ):
        assert expected in text, expected
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Liberation" in fonts or "DejaVu" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:] if line.strip()), fonts  # embedded
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+2\n", pages) and re.search(r"419\.5\d* x 595\.2\d* pts", pages)  # two copies, A5


def test_receipt_only_for_those_who_may_see_the_dossier(office, received):  # noqa: F811
    assert api(office.stranger).get(f"/api/v1/dossiers/{received['code']}/forms/receipt.pdf").status_code == 404


def test_public_lookup_page_shows_the_status_without_personal_data(client, office, received):  # noqa: F811
    page = client.get("/tra-cuu/", {"code": received["code"], "secret": received["lookup_secret"]})
    assert page.status_code == 200
    html = page.content.decode()
    assert received["code"] in html and "Nguyễn" not in html and "0931015119" not in html
    assert page.context["dossier"].code == received["code"]
    wrong = client.get("/tra-cuu/", {"code": received["code"], "secret": "AAAAAAAA"})
    assert wrong.context["dossier"] is None and wrong.context["error"]


def test_public_lookup_page_is_rate_limited(client, office, received):  # noqa: F811
    from django.core.cache import cache

    cache.clear()
    # The clock held inside one minute: the limit counts per clock minute (a slow run once crossed one).
    with time_machine.travel(datetime(2026, 11, 19, 10, 0, 5, tzinfo=VIETNAM), tick=False):
        statuses = [client.get("/tra-cuu/", {"code": "x", "secret": "y"}).status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429
    cache.clear()


def pdf_text(content: bytes, tmp_path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    raw = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(raw.split())


@needs_poppler
def test_supplement_request_and_apology_forms(client, office, received, tmp_path):  # noqa: F811
    code = received["code"]
    desk, leader = api(office.desk), api(office.leader)
    with time_machine.travel(datetime(2026, 11, 19, 14, 0, tzinfo=VIETNAM), tick=False):
        desk.post(
            f"/api/v1/dossiers/{code}/actions/request_supplement/",
            {"note": "Thiếu bản sao hợp đồng lao động của người phụ trách kinh doanh."},
            format="json",
        )
    with time_machine.travel(datetime(2026, 11, 20, 9, 0, tzinfo=VIETNAM), tick=False):
        desk.post(f"/api/v1/dossiers/{code}/actions/provide_supplement/", {}, format="json")
        desk.post(f"/api/v1/dossiers/{code}/actions/transfer/", {"unit": "QLDL"}, format="json")
    with time_machine.travel(datetime(2026, 11, 25, 9, 0, tzinfo=VIETNAM), tick=False):
        response = leader.post(
            f"/api/v1/dossiers/{code}/actions/extend/",
            {"note": "Cần kiểm tra thực tế cơ sở.", "new_due_at": "2026-12-04T17:00:00+07:00"},
            format="json",
        )
        assert response.status_code == 200, response.json()
    client.force_login(office.desk)
    form02 = client.get(f"/mot-cua/ho-so/{code}/bieu-mau/supplement-request.pdf")
    text = pdf_text(form02.content, tmp_path, "02.pdf")
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Thiếu bản sao hợp đồng lao động" in text and "NGƯỜI HƯỚNG DẪN" in text
    form04 = client.get(f"/mot-cua/ho-so/{code}/bieu-mau/apology.pdf")
    text = pdf_text(form04.content, tmp_path, "04.pdf")
    assert "VĂN BẢN XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text and "Cần kiểm tra thực tế cơ sở." in text
    # Restarted from the supplement on Fri 20/11: 23, 25, 26, 27, 30/11 (24/11 is a holiday).
    assert "17 giờ 00 phút, ngày 30 tháng 11 năm 2026" in text
    assert "17 giờ 00 phút, ngày 04 tháng 12 năm 2026" in text  # the new date
    assert client.get(f"/mot-cua/ho-so/{code}/bieu-mau/refusal.pdf").status_code == 404  # never refused
    assert client.get(f"/mot-cua/ho-so/{code}/bieu-mau/nonsense.pdf").status_code == 404
    page = client.get(f"/mot-cua/ho-so/{code}/")
    assert [form for form, _label in page.context["notices"]] == ["supplement-request", "apology"]


@needs_poppler
def test_refusal_form(client, office, tmp_path):  # noqa: F811
    citizen = api(office.citizen)
    payload = {"procedure": "2.001628", "channel": "online", "applicant": APPLICANT}
    code = citizen.post("/api/v1/dossiers/", payload, format="json").json()["code"]
    api(office.desk).post(
        f"/api/v1/dossiers/{code}/actions/refuse_reception/",
        {"note": "Thủ tục không thuộc thẩm quyền của Sở."},
        format="json",
    )
    client.force_login(office.desk)
    text = pdf_text(client.get(f"/mot-cua/ho-so/{code}/bieu-mau/refusal.pdf").content, tmp_path, "03.pdf")
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text and "không thuộc thẩm quyền" in text
