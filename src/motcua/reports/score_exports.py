"""The Decision 766 index and the TT 01/2018 scores as XLSX workbooks, laid out like the period
report's (exports.py): the agency header, the title, the period, merged group headings, a box around
the table. The numbers are the index's and the scores' own (rates as fractions shown as percentages),
so the workbook, the page and the API cannot disagree. Headings are Vietnamese, like the official forms.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

INDEX_TITLE = "BỘ CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP (QUYẾT ĐỊNH 766/QĐ-TTg)"
INDEX_COLUMNS = ("Mã", "Chỉ số", "Tử số", "Mẫu số", "Tỷ lệ", "Ngưỡng", "Điểm", "Tối đa", "Ghi chú")
TT01_TITLE = "KẾT QUẢ ĐÁNH GIÁ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH (THÔNG TƯ 01/2018/TT-VPCP)"
BOLD = Font(bold=True)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
PERCENT = "0.00%"


def _date(text: str) -> str:
    return "/".join(reversed(text.split("-")))


def _merged(sheet: Worksheet, row: int, first: int, last: int, value: Any, *, font: Font | None = None) -> None:
    sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    cell = sheet.cell(row=row, column=first, value=value)
    cell.alignment = CENTRE
    if font:
        cell.font = font


def _header(sheet: Worksheet, last: int, agency: str, title: str, period: dict[str, str], narrowing: str) -> int:
    """The agency and the national motto, the title and the period; the next free row."""
    half = max(2, last // 2)
    _merged(sheet, 1, 1, half, agency.upper(), font=BOLD)
    _merged(sheet, 1, half + 1, last, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=BOLD)
    _merged(sheet, 2, 1, half, narrowing)
    _merged(sheet, 2, half + 1, last, "Độc lập - Tự do - Hạnh phúc", font=BOLD)
    _merged(sheet, 4, 1, last, title, font=Font(bold=True, size=13))
    _merged(sheet, 5, 1, last, f"Kỳ đánh giá: từ ngày {_date(period['from'])} đến ngày {_date(period['to'])}")
    return 7


def _row(
    sheet: Worksheet, row: int, values: list[Any], *, bold: bool = False, formats: dict[int, str] | None = None
) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=value)
        cell.border = BOX
        cell.alignment = WRAP
        if bold:
            cell.font = BOLD
        if formats and column in formats:
            cell.number_format = formats[column]


def _widths(sheet: Worksheet, widths: list[int]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _agency_line(index: dict[str, Any]) -> str:
    return index["agency"]["name"] + (" và các cơ quan trực thuộc" if index.get("subordinates") else "")


# --- Decision 766 -----------------------------------------------------------------------------------


def _indicator_values(i: dict[str, Any]) -> list[Any]:
    note = " ".join(filter(None, [i.get("reason"), i.get("level_reason")]))
    if i["code"] == "2.2" and i.get("value") is not None:
        note = f"{i['value']} ngày"
    return [
        i["code"],
        i["name"],
        i["numerator"],
        i["denominator"],
        i["rate"],
        i["threshold"],
        i["points"],
        i["max"],
        note,
    ]


def index_xlsx(index: dict[str, Any], divisions: list[dict[str, Any]] | None = None) -> bytes:
    """Sheet "Chi so 766": every group (a merged heading) and indicator with numerator, denominator,
    rate, threshold, points and maximum, then the total; the forecast below it, apart and labelled;
    with `divisions`, sheet "Theo phong": each division's total and points."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Chi so 766"
    last = len(INDEX_COLUMNS)
    division = index.get("division")
    narrowing = f"Phòng, đơn vị: {division['name']}" if division else ""
    row = _header(sheet, last, _agency_line(index), INDEX_TITLE, index["period"], narrowing)
    _row(sheet, row, list(INDEX_COLUMNS), bold=True)
    formats = {5: PERCENT, 6: PERCENT}
    for number, group in enumerate(index["groups"], start=1):
        row += 1
        heading = f"{number}. {group['name']} ({group['code']}): {group['points']} / {group['max']} điểm"
        _merged(sheet, row, 1, last, heading, font=BOLD)
        for column in range(1, last + 1):
            sheet.cell(row=row, column=column).border = BOX
        for i in group["indicators"]:
            row += 1
            _row(sheet, row, _indicator_values(i), formats=formats)
    row += 1
    total = index["total"]
    _row(sheet, row, ["", "Tổng điểm", "", "", "", "", total["points"], total["max"], ""], bold=True)
    forecast = index.get("forecast")
    if forecast:
        row += 2
        _merged(sheet, row, 1, last, "DỰ BÁO CUỐI KỲ (không phải số liệu thực tế)", font=BOLD)
        row += 1
        sheet.cell(row=row, column=1, value=forecast["method"]).alignment = WRAP
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        sheet.row_dimensions[row].height = 45
        row += 1
        _row(sheet, row, ["Mã", "Chỉ số", "Tử số (dự báo)", "Mẫu số", "Tỷ lệ (dự báo)", "", "Điểm (dự báo)",
                          "Tối đa", "Ghi chú"], bold=True)  # fmt: skip
        for f in forecast["indicators"]:
            row += 1
            _row(sheet, row, [f["code"], f["name"], f["numerator"], f["denominator"], f["rate"], None, f["points"],
                              f["max"], f["reason"] or ""], formats=formats)  # fmt: skip
        row += 1
        _row(sheet, row, ["", "Tổng điểm (dự báo)", "", "", "", "", forecast["total"]["points"],
                          forecast["total"]["max"], ""], bold=True)  # fmt: skip
    _widths(sheet, [7, 52, 10, 10, 10, 10, 9, 8, 40])
    sheet.freeze_panes = "C8"
    if divisions:
        _division_sheet(workbook.create_sheet("Theo phong"), index, divisions)
    return _save(workbook)


def _division_sheet(sheet: Worksheet, index: dict[str, Any], divisions: list[dict[str, Any]]) -> None:
    codes = [code for code in divisions[0]["indicators"] if divisions[0]["indicators"][code]["max"]]
    last = 2 + len(codes)
    row = _header(sheet, last, _agency_line(index), INDEX_TITLE + " THEO PHÒNG", index["period"], "")
    _row(sheet, row, ["Phòng, đơn vị", "Tổng điểm", *codes], bold=True)
    for line in divisions:
        row += 1
        points = [line["indicators"][code]["points"] for code in codes]
        _row(sheet, row, [line["division"]["name"], line["total"]["points"], *points])
    _widths(sheet, [36, 10, *([8] * len(codes))])


# --- TT 01/2018 -------------------------------------------------------------------------------------


def tt01_xlsx(scores: dict[str, Any]) -> bytes:
    """Sheet "Don vi" (units, max 18), "Cong chuc" (officials, max 10) and "Chi so" (what each index is from)."""
    workbook = Workbook()
    units = workbook.active
    assert units is not None
    units.title = "Don vi"
    codes = [i["code"] for i in scores["indices"]]
    last = 3 + len(codes) + 3
    row = _header(units, last, _agency_line(scores), TT01_TITLE, scores["period"], "Đánh giá cơ quan, đơn vị")
    _merged(units, row, 4, 3 + len(codes), "Chỉ số (điểm, Điều 13)", font=BOLD)
    row += 1
    _row(units, row, ["STT", "Cơ quan, đơn vị", "Số hồ sơ", *codes, "Tổng điểm", "Tối đa tính được", "Xếp loại"],
         bold=True)  # fmt: skip
    for number, line in enumerate(scores["units"], start=1):
        row += 1
        values = [line["indices"][code]["value"] for code in codes]
        _row(units, row, [number, line["unit"]["name"], line["dossiers"], *values, line["total"],
                          line["computed_max"], line["classification_label"]])  # fmt: skip
    _widths(units, [6, 36, 9, *([7] * len(codes)), 10, 10, 18])

    officials = workbook.create_sheet("Cong chuc")
    official_codes = ["1", "2", "3", "4", "7"]
    last = 3 + len(official_codes) + 3
    row = _header(officials, last, _agency_line(scores), TT01_TITLE, scores["period"], "Đánh giá cán bộ, công chức")
    _merged(officials, row, 4, 3 + len(official_codes), "Chỉ số (điểm, Điều 13)", font=BOLD)
    row += 1
    _row(officials, row, ["STT", "Cán bộ, công chức", "Số hồ sơ", *official_codes, "Tổng điểm", "Tối đa tính được",
                          "Xếp loại"], bold=True)  # fmt: skip
    for number, line in enumerate(scores["officials"], start=1):
        row += 1
        values = [line["indices"][code]["value"] for code in official_codes]
        _row(officials, row, [number, line["official"]["name"], line["dossiers"], *values, line["total"],
                              line["computed_max"], line["classification_label"]])  # fmt: skip
    _widths(officials, [6, 30, 9, *([7] * len(official_codes)), 10, 10, 24])

    sources = workbook.create_sheet("Chi so")
    _row(sources, 1, ["Chỉ số", "Tên", "Tính từ"], bold=True)
    for row, index in enumerate(scores["indices"], start=2):
        _row(sources, row, [index["code"], index["name"], index["source"]])
    _widths(sources, [8, 40, 80])
    return _save(workbook)
