"""Forms 05 (stop notice), 06 (control slip) and 07 (register): from the dossier's data, in Vietnamese."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from motcua.documents.tests.test_receipt import needs_poppler, pdf_text
from motcua.dossiers.tests.conftest import office  # noqa: F401  (fixture)
from motcua.dossiers.tests.flow import act, at, attach_result, intake


def processed_with_steps(office):  # noqa: F811
    with at(2026, 11, 19, 8, 0):
        code = intake(office)["code"]
    with at(2026, 11, 19, 9, 0):
        act(office.desk, code, "transfer", unit="QLDL")
        act(office.head, code, "assign", assignee="specialist")
    with at(2026, 11, 23, 9, 0):  # the division had until 25/11: early
        act(office.specialist, code, "forward")
    with at(2026, 11, 25, 9, 0):  # the head had half a day: late
        act(office.head, code, "forward")
        attach_result(office.leader, code)
    with at(2026, 11, 25, 10, 0):  # the leader, within the half day: on time
        act(office.leader, code, "approve")
    with at(2026, 11, 27, 9, 0):
        act(office.desk, code, "return_result")
    return code


@needs_poppler
def test_the_control_slip_shows_each_hand_over_early_on_time_or_late(client, office, tmp_path):  # noqa: F811
    code = processed_with_steps(office)
    client.force_login(office.desk)
    response = client.get(f"/mot-cua/ho-so/{code}/phieu-kiem-soat.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path, "06.pdf")
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text and code in text
    # desk → division (on time), division → head (early), head → leader (late), leader → desk (on time)
    results = [word for word in text.split() if word in ("Trước", "Đúng", "Quá")]
    assert results[-4:] == ["Đúng", "Trước", "Quá", "Đúng"]
    assert "Trả kết quả cho người nộp hồ sơ: 09 giờ 00 phút, ngày 27 tháng 11 năm 2026" in text


@needs_poppler
def test_the_stop_notice_is_form_05_from_the_competent_agency(client, office, tmp_path):  # noqa: F811
    code = intake(office)["code"]
    act(office.leader, code, "stop", note="Người nộp đề nghị dừng để bổ sung quy hoạch.")
    client.force_login(office.desk)
    text = pdf_text(client.get(f"/mot-cua/ho-so/{code}/bieu-mau/stop.pdf").content, tmp_path, "05.pdf")
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text and "dừng để bổ sung quy hoạch" in text


def test_the_register_of_the_year_in_three_formats(client, office):  # noqa: F811
    code = processed_with_steps(office)
    with at(2026, 11, 20, 9, 0):
        second = intake(office)["code"]
    client.force_login(office.desk)
    page = client.get("/mot-cua/so-theo-doi/", {"year": 2026})
    assert [row.code for row in page.context["page"]] == [code, second]
    assert [row.number for row in page.context["page"]] == [1, 2]
    pdf = client.get("/mot-cua/so-theo-doi/", {"year": 2026, "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    rows = list(
        csv.reader(io.StringIO(client.get("/mot-cua/so-theo-doi/", {"format": "csv"}).content.decode("utf-8-sig")))
    )
    assert rows[0][:3] == ["STT", "Mã hồ sơ", "Tên thủ tục hành chính"]
    assert rows[1][1] == code and rows[1][6:11] == [
        "19/11/2026",
        "27/11/2026",
        "19/11/2026",
        "25/11/2026",
        "27/11/2026",
    ]
    workbook = load_workbook(io.BytesIO(client.get("/mot-cua/so-theo-doi/", {"format": "xlsx"}).content))
    assert [c.value for c in next(workbook.active.iter_rows(min_row=3, max_row=3))][1] == second
    assert client.get("/mot-cua/so-theo-doi/", {"year": 2025}).context["page"].paginator.count == 0


def test_the_register_is_for_the_desk_and_leaders_only(client, office):  # noqa: F811
    client.force_login(office.specialist)
    assert client.get("/mot-cua/so-theo-doi/").status_code == 403
    client.force_login(office.foreign_desk)
    assert client.get("/mot-cua/so-theo-doi/").context["page"].paginator.count == 0


@needs_poppler
def test_a_refusal_after_appraisal_is_form_03_through_the_desk(client, office, tmp_path):  # noqa: F811
    from motcua.dossiers.tests.flow import carry_to_leader

    code = intake(office)["code"]
    act(office.desk, code, "transfer", unit="QLDL")
    carry_to_leader(office, code)
    act(office.leader, code, "deny", note="Cơ sở không đáp ứng điều kiện về nhân sự.")
    client.force_login(office.desk)
    page = client.get(f"/mot-cua/ho-so/{code}/")
    assert "refusal" in [form for form, _label in page.context["notices"]]
    text = pdf_text(client.get(f"/mot-cua/ho-so/{code}/bieu-mau/refusal.pdf").content, tmp_path, "03.pdf")
    assert "PHIẾU TỪ CHỐI" in text and "không đáp ứng điều kiện về nhân sự" in text
