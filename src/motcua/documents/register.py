"""Form 07 (TT 01/2018 form 06): the register of dossiers (sổ theo dõi hồ sơ), per receiving agency and year.

The same rows as an A4 PDF, a CSV file and an Excel workbook; numbered from 1 through the year in
order of reception (TT 01/2018 Art. 10).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import astuple, dataclass, fields
from datetime import datetime

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook

from motcua.accounts.models import Agency
from motcua.core.templatetags.formats import phone
from motcua.documents.forms import html_to_pdf
from motcua.dossiers.constants import Outcome
from motcua.dossiers.models import Dossier

HEADINGS = [
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Tên cá nhân, tổ chức",
    "Địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Ngày nhận hồ sơ",
    "Ngày hẹn trả kết quả",
    "Ngày chuyển hồ sơ",
    "Ngày nhận kết quả từ cơ quan giải quyết",
    "Ngày trả kết quả",
    "Ghi chú",
]
NOTES: dict[str, str] = {
    Outcome.DENIED: "Từ chối giải quyết",
    Outcome.WITHDRAWN: "Người nộp rút hồ sơ",
    Outcome.STOPPED: "Dừng giải quyết",
}


@dataclass(frozen=True)
class RegisterRow:
    number: int
    code: str
    procedure: str
    applicant: str
    contact: str
    competent: str
    received: str
    due: str
    transferred: str
    processed: str
    returned: str
    note: str


def _day(value: datetime | None) -> str:
    return f"{timezone.localtime(value):%d/%m/%Y}" if value else ""


def register_dossiers(agency: Agency, year: int) -> QuerySet[Dossier]:
    """The dossiers `agency`'s desk received in `year`, in order of reception."""
    return (
        Dossier.objects.filter(receiving_agency=agency, received_at__year=year)
        .select_related("procedure_version", "competent_agency")
        .order_by("received_at", "id")
    )


def register_rows(agency: Agency, year: int) -> Iterator[RegisterRow]:
    for number, dossier in enumerate(register_dossiers(agency, year).iterator(chunk_size=2000), start=1):
        note = NOTES.get(dossier.outcome, "")
        if dossier.extended_due_at:
            note = f"Hẹn lại {_day(dossier.extended_due_at)}. {note}".strip()
        yield RegisterRow(
            number=number,
            code=dossier.code,
            procedure=dossier.procedure_version.name,
            applicant=dossier.applicant_name,
            contact=", ".join(
                part for part in (dossier.applicant_full_address, phone(dossier.applicant_phone)) if part
            ),
            competent=dossier.competent_agency.name,
            received=_day(dossier.received_at),
            due=_day(dossier.due_at),
            transferred=_day(dossier.transferred_at),
            processed=_day(dossier.processed_at),
            returned=_day(dossier.returned_at),
            note=note,
        )


def register_pdf(agency: Agency, year: int) -> bytes:
    today = timezone.localdate()
    context = {
        "year": year,
        "receiving": agency,
        "parent": agency.parent,
        "rows": list(register_rows(agency, year)),
        "place_date": f"ngày {today:%d} tháng {today:%m} năm {today:%Y}",
    }
    return html_to_pdf(render_to_string("documents/register.html", context))


def register_csv(agency: Agency, year: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADINGS)
    writer.writerows(astuple(row) for row in register_rows(agency, year))
    return ("\ufeff" + buffer.getvalue()).encode()  # a BOM, so that Excel reads Vietnamese as UTF-8


def register_xlsx(agency: Agency, year: int) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(f"So theo doi {year}")
    sheet.append(HEADINGS)
    for row in register_rows(agency, year):
        sheet.append(list(astuple(row)))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


assert len(HEADINGS) == len(fields(RegisterRow))
