"""The dossiers behind a report number as CSV, streamed row by row.

A city's year is more than a million dossiers: the rows are read in chunks (`iterator`, a
server-side cursor on PostgreSQL) and written out as they come, so that the memory of the process
stays flat whatever the size of the list (bench/README.md §5). The headings are Vietnamese
whatever the interface language, like the report's own exports (exports.py); channel, level,
status and outcome are written as their codes (CONTRACT.md §4's values), for other programs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from motcua.dossiers.models import Dossier

CHUNK_ROWS = 2000  # rows fetched from the database at a time
FLUSH_BYTES = 64 * 1024  # bytes of CSV handed to the server at a time

HEADINGS = [
    "Mã hồ sơ",
    "Người nộp",
    "Thủ tục",
    "Cơ quan giải quyết",
    "Kênh nộp",
    "Mức độ trực tuyến",
    "Trạng thái",
    "Kết quả",
    "Ngày nhận",
    "Hạn giải quyết",
    "Hạn mới (xin lỗi)",
    "Ngày giải quyết",
    "Ngày trả kết quả",
    "Ngày kết thúc khác",
]
FIELDS = (
    "code",
    "applicant_name",
    "procedure_version__name",
    "competent_agency__code",
    "channel",
    "online_level",
    "status",
    "outcome",
    "received_at",
    "due_at",
    "extended_due_at",
    "processed_at",
    "returned_at",
    "ended_at",
)
assert len(HEADINGS) == len(FIELDS)


def dossier_csv(dossiers: QuerySet[Dossier]) -> Iterator[bytes]:
    """The CSV (UTF-8 with a BOM, for Excel) of `dossiers` in their order, in pieces of ~64 KB."""
    zone = timezone.get_default_timezone()

    def moment(value: datetime | None) -> str:
        return value.astimezone(zone).strftime("%d/%m/%Y %H:%M") if value else ""

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(HEADINGS)
    readable = "readable" in dossiers.query.annotations  # a report list: names only of what the user may open
    fields = (*FIELDS, "readable") if readable else FIELDS
    for row in dossiers.values_list(*fields).iterator(chunk_size=CHUNK_ROWS):
        name = row[1] if not readable or row[-1] else ""
        writer.writerow([row[0], name, *row[2:8], *(moment(value) for value in row[8:14])])
        if buffer.tell() >= FLUSH_BYTES:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()
