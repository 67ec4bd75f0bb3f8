"""The period report laid out like Biểu 06/VPCP/KSTT: as lines for the page, CSV, XLSX and PDF.

Columns 1–13 are the official form's (DOMAIN.md §9); 14–21 follow it: the new receipts by
channel and online level, the withdrawn dossiers (outside 7 and 11), and the two rates. The form is Vietnamese
whatever the interface language, like the other official forms (documents/register.py).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from motcua.documents.forms import html_to_pdf
from motcua.reports.period import flat_numbers

FORM_CODE = "Biểu số 06/VPCP/KSTT"
FORM_TITLE = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC"

# (column number, heading, the report's column it shows: a key of COLUMNS, a sum, or a rate)
FORM_COLUMNS: list[tuple[int, str, str]] = [
    (3, "Tổng số", "received.total"),
    (4, "Trực tuyến", "received.online"),
    (5, "Trực tiếp, dịch vụ bưu chính", "received.in_person+received.postal"),
    (6, "Từ kỳ trước", "received.carried_over"),
    (7, "Tổng số", "resolved.total"),
    (8, "Trước hạn", "resolved.early"),
    (9, "Đúng hạn", "resolved.on_time"),
    (10, "Quá hạn", "resolved.late"),
    (11, "Tổng số", "pending.total"),
    (12, "Trong hạn", "pending.within_deadline"),
    (13, "Quá hạn", "pending.overdue"),
    (14, "Tổng số", "received.new"),
    (15, "Trực tiếp", "received.in_person"),
    (16, "Dịch vụ bưu chính", "received.postal"),
    (17, "Trực tuyến một phần", "received.online_partial"),
    (18, "Trực tuyến toàn trình", "received.online_full"),
    (19, "Rút hồ sơ", "withdrawn"),
    (20, "Tỷ lệ trực tuyến (%)", "online_rate"),
    (21, "Tỷ lệ đúng hạn (%)", "on_time_rate"),
]
# The header's groups: (heading, first column, last column).
FORM_GROUPS = [
    ("Số hồ sơ nhận giải quyết", 3, 6),
    ("Số hồ sơ đã giải quyết", 7, 10),
    ("Số hồ sơ đang giải quyết", 11, 13),
    ("Trong đó nhận mới trong kỳ", 14, 18),
    ("Rút hồ sơ", 19, 19),
    ("Tỷ lệ", 20, 21),
]
GROUP_WORDS = {"year": "Năm", "month": "Tháng"}


@dataclass(frozen=True)
class Cell:
    value: int | float | None
    column: str  # the report's column behind it (for the drill-down), "" for a rate or a sum

    @property
    def text(self) -> str:
        if isinstance(self.value, float):
            return f"{self.value * 100:.2f}".replace(".", ",")
        return "" if self.value is None else str(self.value)


@dataclass(frozen=True)
class Line:
    number: str
    label: str
    group: dict[str, Any] | None  # the row's group (None: the total line)
    period: dict[str, str] | None
    cells: list[Cell]


def _cells(numbers: dict[str, Any]) -> list[Cell]:
    flat = flat_numbers(numbers)
    cells = []
    for _number, _heading, key in FORM_COLUMNS:
        if key in ("online_rate", "on_time_rate"):
            cells.append(Cell(numbers[key], ""))
        elif "+" in key:
            cells.append(Cell(sum(flat[part] for part in key.split("+")), key))
        else:
            cells.append(Cell(flat[key], key))
    return cells


def form_lines(report: dict[str, Any]) -> list[Line]:
    """One line per row of the report, then the total line ("Tổng cộng")."""
    lines = []
    for number, row in enumerate(report["rows"], start=1):
        group = row["group"]
        label = group["name"]
        if group["kind"] in GROUP_WORDS:
            label = f"{GROUP_WORDS[group['kind']]} {label}"
        elif group.get("code") and group["kind"] == "procedure":
            label = f"{group['code']} {label}"
        lines.append(Line(str(number), label, group, row.get("period"), _cells(row)))
    lines.append(Line("", "Tổng cộng", None, None, _cells(report["total"])))
    return lines


def header_lines(report: dict[str, Any]) -> dict[str, str]:
    scope = report["scope"]
    agency = (scope.get("agency") or {}).get("name", "")
    narrowing = [scope[k]["name"] for k in ("division", "field", "procedure") if scope.get(k)]
    period = report["period"]
    start = "/".join(reversed(period["from"].split("-")))
    end = "/".join(reversed(period["to"].split("-")))
    return {
        "agency": agency + (" và các cơ quan trực thuộc" if scope.get("subordinates") else ""),
        "narrowing": " · ".join(narrowing),
        "period": f"Kỳ báo cáo: từ ngày {start} đến ngày {end}",
        "unit": "Đơn vị tính: Số hồ sơ TTHC",
    }


def _heading_row() -> list[str]:
    return ["STT", "Lĩnh vực, công việc giải quyết theo cấp"] + [heading for _n, heading, _k in FORM_COLUMNS]


def report_json(report: dict[str, Any]) -> bytes:
    return json.dumps(report, ensure_ascii=False, indent=2).encode()


def report_csv(report: dict[str, Any]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    groups = {first: heading for heading, first, _last in FORM_GROUPS}
    writer.writerow(["", ""] + [f"{groups[n]}: {h}" if n in groups else h for n, h, _k in FORM_COLUMNS])
    writer.writerow(_heading_row())
    for line in form_lines(report):
        writer.writerow([line.number, line.label] + [cell.text for cell in line.cells])
    return ("\ufeff" + buffer.getvalue()).encode()  # a BOM, so that Excel reads Vietnamese as UTF-8


def report_xlsx(report: dict[str, Any]) -> bytes:
    """One sheet laid out like the printed form: the agency header, the title, merged headings."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Bieu 06"
    last = 2 + len(FORM_COLUMNS)
    head = header_lines(report)
    bold, centre = Font(bold=True), Alignment(horizontal="center", vertical="center", wrap_text=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)

    def merged(row: int, first: int, end: int, value: str, *, font: Font | None = None, rows: int = 1) -> None:
        sheet.merge_cells(start_row=row, start_column=first, end_row=row + rows - 1, end_column=end)
        cell = sheet.cell(row=row, column=first, value=value)
        cell.alignment = centre
        if font:
            cell.font = font

    merged(1, 1, 6, head["agency"].upper(), font=bold)
    merged(1, 9, last, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=bold)
    merged(2, 1, 6, head["narrowing"])
    merged(2, 9, last, "Độc lập - Tự do - Hạnh phúc", font=bold)
    merged(3, 1, last, FORM_CODE, font=Font(italic=True))
    merged(4, 1, last, FORM_TITLE, font=Font(bold=True, size=13))
    merged(5, 1, last, head["period"])
    merged(6, 1, last, head["unit"], font=Font(italic=True))
    top = 8
    merged(top, 1, 1, "STT", font=bold, rows=3)
    merged(top, 2, 2, "Lĩnh vực, công việc giải quyết theo cấp", font=bold, rows=3)
    for heading, first, end in FORM_GROUPS:
        merged(top, first, end, heading, font=bold)
    for number, heading, _key in FORM_COLUMNS:
        # "Tổng số" spans the two lower heading rows; the parts sit under "Trong đó".
        merged(top + 1, number, number, heading, font=bold, rows=2)
    for column in range(1, last + 1):
        sheet.cell(row=top + 3, column=column, value=f"({column})").alignment = centre
        for row in range(top, top + 4):
            sheet.cell(row=row, column=column).border = box
    row_number = top + 4
    for line in form_lines(report):
        values: list[Any] = [line.number, line.label]
        for cell, (_n, _h, key) in zip(line.cells, FORM_COLUMNS, strict=True):
            values.append(
                cell.value
                if key not in ("online_rate", "on_time_rate") or cell.value is None
                else round(cell.value * 100, 2)
            )
        for column, value in enumerate(values, start=1):
            target = sheet.cell(row=row_number, column=column, value=value)
            target.border = box
            if line.group is None:
                target.font = bold
        row_number += 1
    if report["breaches"]:
        sheet.cell(row=row_number + 1, column=2, value="Số liệu không khớp:").font = bold
        for offset, breach in enumerate(report["breaches"], start=2):
            sheet.cell(
                row=row_number + offset,
                column=2,
                value=f"{breach['row']}: {breach['identity']} ({breach['left']} ≠ {breach['right']})",
            )
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 42
    for column in range(3, last + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 11
    sheet.freeze_panes = f"C{top + 4}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_pdf(report: dict[str, Any]) -> bytes:
    today = timezone.localdate()
    context = {
        "report": report,
        "head": header_lines(report),
        "form_code": FORM_CODE,
        "form_title": FORM_TITLE,
        "groups": [(heading, end - first + 1) for heading, first, end in FORM_GROUPS],
        "columns": FORM_COLUMNS,
        "lines": form_lines(report),
        "place_date": f"ngày {today:%d} tháng {today:%m} năm {today:%Y}",
    }
    return html_to_pdf(render_to_string("reports/period_pdf.html", context))


EXPORTS = {"json": report_json, "csv": report_csv, "xlsx": report_xlsx, "pdf": report_pdf}
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
