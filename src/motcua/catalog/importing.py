"""Reading catalog files into validated procedure records.

Three layouts are recognised from the header row:

- **MotCua** (`code,name,field,agency_code,…`): our own format, the one `export_catalog` writes
  (CSV, XLSX or JSON). Nested parts (documents, fees, steps) are JSON in a CSV/XLSX cell, or
  simple lists: documents separated by `|`, fees as `name=amount|name=amount`.
- **National list** (`id,ma_tthc,ten_tthc,cap_thuc_hien,…`): the National Public Service Portal's
  procedure index. It has no time, fees or documents; those stay unknown.
- **National details** (`ma_tthc,ten_tthc,linh_vuc,…,thoi_han_giai_quyet,phi_le_phi,…`): the
  portal's detail records, summarised one row per procedure.

Every problem is reported with its row number (the header is row 1; in JSON, the item number)
and its column, and nothing is written unless the whole file is valid.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from motcua.catalog.constants import (
    ACCEPTED_FILE_TYPES,
    LEGACY_LEVEL_TO_SERVICE_LEVEL,
    ApplicantType,
    Channel,
    DocumentCopy,
    ImplementationLevel,
    ResultForm,
    ServiceLevel,
    StepActor,
)
from motcua.core.importing import ImportFailed, RowError
from motcua.workdays.constants import PeriodUnit

MOTCUA_COLUMNS = [
    "code",
    "name",
    "field",
    "field_code",
    "agency_code",
    "implementation_level",
    "service_level",
    "legacy_level",
    "channels",
    "applicant_types",
    "processing_time",
    "processing_unit",
    "processing_note",
    "fees",
    "fee_note",
    "documents",
    "result_name",
    "result_forms",
    "legal_basis",
    "conditions",
    "steps_description",
    "steps",
    "form_schema",
    "valid_from",
    "publication_decision",
    "source_url",
    "demo_fields",
]
REQUIRED_MOTCUA_COLUMNS = {"code", "name", "field", "agency_code", "service_level"}
NATIONAL_LIST_COLUMNS = {"ma_tthc", "ten_tthc", "cap_thuc_hien", "linh_vuc"}
NATIONAL_DETAIL_COLUMNS = {"ma_tthc", "ten_tthc", "thoi_han_giai_quyet", "phi_le_phi", "thanh_phan_ho_so"}
CODE_RE = re.compile(r"^\d{1,2}\.\d{6}$")
MAX_ROWS = 20000


class CatalogImportError(ImportFailed):
    code = "catalog-import-invalid"


@dataclass
class DocumentRecord:
    name: str
    copy_kind: str = DocumentCopy.ORIGINAL
    quantity: int = 1
    mandatory: bool = True
    template_name: str = ""
    accepted_file_types: list[str] = field(default_factory=lambda: ["pdf", "jpg", "png"])
    note: str = ""


@dataclass
class FeeRecord:
    name: str
    amount: Decimal


@dataclass
class StepRecord:
    name: str
    actor: str
    duration: Decimal
    unit: str = PeriodUnit.WORKING_DAYS


@dataclass
class ProcedureRecord:
    """One procedure as read from a file; `None` means the file does not say (keep what is known)."""

    row: int
    code: str
    name: str
    field_name: str
    agency_code: str
    field_code: str = ""
    implementation_level: str = ImplementationLevel.PROVINCE
    service_level: str | None = None
    legacy_level: int | None = None
    channels: list[str] | None = None
    applicant_types: list[str] | None = None
    processing_time: Decimal | None = None
    processing_unit: str | None = None
    processing_note: str | None = None
    fees: list[FeeRecord] | None = None
    fee_note: str | None = None
    documents: list[DocumentRecord] | None = None
    result_name: str | None = None
    result_forms: list[str] | None = None
    legal_basis: str | None = None
    conditions: str | None = None
    steps_description: str | None = None
    steps: list[StepRecord] | None = None
    form_schema: dict[str, Any] | None = None
    valid_from: date | None = None
    publication_decision: str | None = None
    source_url: str | None = None
    demo_fields: list[str] | None = None


# --- reading files -----------------------------------------------------------------------------


def read_table(path: Path) -> tuple[list[dict[str, Any]], int]:
    """Rows of a CSV, XLSX or JSON file as dicts (keys stripped and lower-cased), and the number
    by which a person finds the first row: 2 under a header row, 1 for the first JSON item."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as handle:
                rows = [dict(r) for r in csv.DictReader(handle)]
        elif suffix == ".xlsx":
            rows = _read_xlsx(path)
        elif suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8-sig"))
            if isinstance(data, dict) and isinstance(data.get("procedures"), list):
                data = data["procedures"]
            if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
                raise CatalogImportError(
                    [RowError(0, "-", _('A JSON catalog is a list of objects, or {"procedures": [...]}.'))]
                )
            rows = data
        else:
            raise CatalogImportError([RowError(0, "-", _("Use a .csv, .xlsx or .json file."))])
    except UnicodeDecodeError as exc:
        raise CatalogImportError([RowError(0, "-", _("The file is not UTF-8 text."))]) from exc
    except json.JSONDecodeError as exc:
        raise CatalogImportError(
            [RowError(exc.lineno, "-", _("The JSON is not valid: %(error)s.") % {"error": exc.msg})]
        ) from exc
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, csv.Error) as exc:  # a damaged or fake file
        raise CatalogImportError([RowError(0, "-", _("The file cannot be read: %(error)s.") % {"error": exc})]) from exc
    if len(rows) > MAX_ROWS:
        raise CatalogImportError([RowError(0, "-", _("At most %(n)s procedures per file.") % {"n": MAX_ROWS})])
    first_row = 1 if suffix == ".json" else 2
    return [{str(k).strip().lower(): v for k, v in row.items() if k is not None} for row in rows], first_row


def _read_xlsx(path: Path) -> list[dict[str, Any]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    sheet = workbook.active
    if sheet is None:
        return []
    lines = sheet.iter_rows(values_only=True)
    header = next(lines, None)
    if header is None:
        return []
    names = [str(h).strip() if h is not None else "" for h in header]
    rows = []
    for values in lines:
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        rows.append({names[i]: ("" if v is None else v) for i, v in enumerate(values) if i < len(names) and names[i]})
    workbook.close()
    return rows


def detect_layout(rows: list[dict[str, Any]]) -> str:
    if not rows:
        raise CatalogImportError([RowError(1, "-", _("The file has no procedures."))])
    columns = set(rows[0])
    if columns >= REQUIRED_MOTCUA_COLUMNS:
        return "motcua"
    if columns >= NATIONAL_DETAIL_COLUMNS:
        return "national_details"
    if columns >= NATIONAL_LIST_COLUMNS:
        return "national_list"
    missing = ", ".join(sorted(REQUIRED_MOTCUA_COLUMNS - columns))
    raise CatalogImportError(
        [
            RowError(
                1,
                "-",
                _(
                    "Unknown layout. A MotCua catalog needs the columns %(missing)s; "
                    "a national list needs ma_tthc, ten_tthc, cap_thuc_hien, linh_vuc."
                )
                % {"missing": missing},
            )
        ]
    )


# --- cell parsers: each returns a value or raises ValueError with a translated message ------


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _choice_list(value: Any, allowed: list[str], what: str) -> list[str]:
    if isinstance(value, list):
        items = [str(v).strip() for v in value]
    else:
        items = [v.strip() for v in re.split(r"[;,|]", _text(value)) if v.strip()]
    unknown = [v for v in items if v not in allowed]
    if unknown:
        raise ValueError(
            _("unknown %(what)s %(values)s; use %(allowed)s")
            % {"what": what, "values": ", ".join(unknown), "allowed": ", ".join(allowed)}
        )
    return items


def _decimal(value: Any) -> Decimal:
    text = _text(value).replace(" ", "")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(_("%(value)s is not a number") % {"value": text}) from exc
    if not number.is_finite() or number < 0:
        raise ValueError(_("enter a number of zero or more"))
    return number


def _date(value: Any) -> date:
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern in (r"^(\d{4})-(\d{2})-(\d{2})", r"^(\d{2})/(\d{2})/(\d{4})$"):
        match = re.match(pattern, text)
        if match:
            parts = [int(p) for p in match.groups()]
            year, month, day = parts if pattern.startswith("^(\\d{4})") else (parts[2], parts[1], parts[0])
            try:
                return date(year, month, day)
            except ValueError:
                break
    raise ValueError(_("%(value)s is not a date; write 2026-07-01 or 01/07/2026") % {"value": text})


def _json_cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return value
    try:
        return json.loads(_text(value))
    except json.JSONDecodeError as exc:
        raise ValueError(_("not valid JSON: %(error)s") % {"error": exc.msg}) from exc


def _documents(value: Any) -> list[DocumentRecord]:
    text = value if isinstance(value, list) else _text(value)
    if isinstance(text, str) and not text.startswith("["):
        return [DocumentRecord(name=name.strip()) for name in text.split("|") if name.strip()]
    items = _json_cell(value)
    if not isinstance(items, list):
        raise ValueError(_("documents must be a list"))
    documents = []
    for item in items:
        if not isinstance(item, dict) or not _text(item.get("name")):
            raise ValueError(_("each document needs a name"))
        copy_kind = _text(item.get("copy_kind")) or DocumentCopy.ORIGINAL
        if copy_kind not in DocumentCopy.values:
            raise ValueError(_("unknown copy kind %(value)s") % {"value": copy_kind})
        types = item.get("accepted_file_types") or ["pdf", "jpg", "png"]
        if not isinstance(types, list) or any(t not in ACCEPTED_FILE_TYPES for t in types):
            raise ValueError(_("accepted file types are %(types)s") % {"types": ", ".join(ACCEPTED_FILE_TYPES)})
        quantity = item.get("quantity", 1)
        if not isinstance(quantity, int) or not 1 <= quantity <= 99:
            raise ValueError(_("a document's quantity is a whole number from 1 to 99"))
        documents.append(
            DocumentRecord(
                name=_text(item["name"]),
                copy_kind=copy_kind,
                quantity=quantity,
                mandatory=bool(item.get("mandatory", True)),
                template_name=_text(item.get("template_name")),
                accepted_file_types=list(types),
                note=_text(item.get("note")),
            )
        )
    return documents


def _fees(value: Any) -> list[FeeRecord]:
    text = value if isinstance(value, list) else _text(value)
    if isinstance(text, str) and not text.startswith("["):
        if text in {"", "0"}:
            return []
        fees = []
        for part in text.split("|"):
            name, sep, amount = part.rpartition("=")
            if not sep:
                name, amount = _("Fee"), part
            fees.append(FeeRecord(name=name.strip() or _("Fee"), amount=_decimal(amount)))
        return fees
    items = _json_cell(value)
    if not isinstance(items, list):
        raise ValueError(_("fees must be a list"))
    fees = []
    for item in items:
        if not isinstance(item, dict) or not _text(item.get("name")) or "amount" not in item:
            raise ValueError(_("each fee needs a name and an amount"))
        fees.append(FeeRecord(name=_text(item["name"]), amount=_decimal(item["amount"])))
    return fees


def _steps(value: Any) -> list[StepRecord]:
    items = _json_cell(value)
    if not isinstance(items, list):
        raise ValueError(_("steps must be a list"))
    steps = []
    for item in items:
        if not isinstance(item, dict) or not _text(item.get("name")):
            raise ValueError(_("each step needs a name"))
        actor = _text(item.get("actor"))
        if actor not in StepActor.values:
            raise ValueError(_("a step's actor is one of %(values)s") % {"values": ", ".join(StepActor.values)})
        unit = _text(item.get("unit")) or PeriodUnit.WORKING_DAYS
        if unit not in PeriodUnit.values:
            raise ValueError(_("unknown unit %(value)s") % {"value": unit})
        steps.append(
            StepRecord(name=_text(item["name"]), actor=actor, duration=_decimal(item.get("duration", 0)), unit=unit)
        )
    return steps


# --- layouts -----------------------------------------------------------------------------------


def _motcua_record(number: int, row: dict[str, Any], errors: list[RowError]) -> ProcedureRecord | None:
    def cell(column: str) -> str:
        return _text(row.get(column))

    def parse(column: str, parser: Any) -> Any:
        raw = row.get(column)
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            return None
        try:
            return parser(raw)
        except ValueError as exc:
            errors.append(RowError(number, column, str(exc)))
            return None

    before = len(errors)
    for column in ("code", "name", "field", "agency_code", "service_level"):
        if not cell(column):
            errors.append(RowError(number, column, _("required")))
    code = cell("code")
    if code and not CODE_RE.match(code):
        errors.append(RowError(number, "code", _("a procedure code looks like 1.001234")))
    service_level = cell("service_level")
    if service_level and service_level not in ServiceLevel.values:
        errors.append(
            RowError(number, "service_level", _("use %(values)s") % {"values": ", ".join(ServiceLevel.values)})
        )
    level = cell("implementation_level") or ImplementationLevel.PROVINCE
    if level not in ImplementationLevel.values:
        errors.append(
            RowError(
                number, "implementation_level", _("use %(values)s") % {"values": ", ".join(ImplementationLevel.values)}
            )
        )
    legacy = parse("legacy_level", lambda v: int(_decimal(v)))
    if legacy is not None and legacy not in LEGACY_LEVEL_TO_SERVICE_LEVEL:
        errors.append(RowError(number, "legacy_level", _("a legacy level is 1, 2, 3 or 4")))
    unit = cell("processing_unit") or None
    if unit and unit not in PeriodUnit.values:
        errors.append(
            RowError(number, "processing_unit", _("use %(values)s") % {"values": ", ".join(PeriodUnit.values)})
        )
    schema = parse("form_schema", _json_cell)
    if schema is not None and not isinstance(schema, dict):
        errors.append(RowError(number, "form_schema", _("the form definition is a JSON object")))
    record = ProcedureRecord(
        row=number,
        code=code,
        name=cell("name"),
        field_name=cell("field"),
        field_code=cell("field_code"),
        agency_code=cell("agency_code"),
        implementation_level=level,
        service_level=service_level or None,
        legacy_level=legacy,
        channels=parse("channels", lambda v: _choice_list(v, Channel.values, _("channel"))),
        applicant_types=parse("applicant_types", lambda v: _choice_list(v, ApplicantType.values, _("applicant type"))),
        processing_time=parse("processing_time", _decimal),
        processing_unit=unit,
        processing_note=cell("processing_note") or None,
        fees=parse("fees", _fees) if "fees" in row else None,
        fee_note=cell("fee_note") or None,
        documents=parse("documents", _documents),
        result_name=cell("result_name") or None,
        result_forms=parse("result_forms", lambda v: _choice_list(v, ResultForm.values, _("result form"))),
        legal_basis=cell("legal_basis") or None,
        conditions=cell("conditions") or None,
        steps_description=cell("steps_description") or None,
        steps=parse("steps", _steps),
        form_schema=schema if isinstance(schema, dict) else None,
        valid_from=parse("valid_from", _date),
        publication_decision=cell("publication_decision") or None,
        source_url=cell("source_url") or None,
        demo_fields=parse(
            "demo_fields",
            lambda v: v if isinstance(v, list) else [x.strip() for x in re.split(r"[;,]", _text(v)) if x.strip()],
        ),
    )
    if record.processing_time is not None and record.processing_unit is None:
        record.processing_unit = PeriodUnit.WORKING_DAYS
    return record if len(errors) == before else None


FIELD_CODE_RE = re.compile(r"\s*\(([A-Z0-9-]+)\)\s*$")


def split_field(text: str) -> tuple[str, str]:
    """'Du lịch (G16-VH21)' → ('Du lịch', 'G16-VH21')."""
    match = FIELD_CODE_RE.search(text)
    if match:
        return text[: match.start()].strip(), match.group(1)
    return text.strip(), ""


def _national_list_record(
    number: int, row: dict[str, Any], errors: list[RowError], agency_codes: Mapping[str, str]
) -> ProcedureRecord | None:
    code = _text(row.get("ma_tthc"))
    name = _text(row.get("ten_tthc"))
    level_text = _text(row.get("cap_thuc_hien")).lower()
    before = len(errors)
    if not CODE_RE.match(code):
        errors.append(RowError(number, "ma_tthc", _("a procedure code looks like 1.001234")))
    if not name:
        errors.append(RowError(number, "ten_tthc", _("required")))
    if "xã" in level_text:
        level = ImplementationLevel.COMMUNE
    elif "tỉnh" in level_text:
        level = ImplementationLevel.PROVINCE
    else:
        errors.append(RowError(number, "cap_thuc_hien", _("expected Cấp tỉnh or Cấp xã")))
        return None
    agency = agency_codes.get(level, "")
    if not agency:
        option = "--commune-agency" if level == ImplementationLevel.COMMUNE else "--agency"
        errors.append(
            RowError(
                number,
                "cap_thuc_hien",
                _("no agency was given for procedures of this level: name it with %(option)s") % {"option": option},
            )
        )
    field_name, field_code = split_field(_text(row.get("linh_vuc")))
    if not field_name:
        errors.append(RowError(number, "linh_vuc", _("required")))
    if len(errors) > before:
        return None
    return ProcedureRecord(
        row=number,
        code=code,
        name=name,
        field_name=field_name,
        field_code=field_code,
        agency_code=agency,
        implementation_level=level,
        source_url=_text(row.get("url")) or None,
    )


CHANNEL_WORDS = {"trực tiếp": Channel.IN_PERSON, "trực tuyến": Channel.ONLINE, "bưu chính": Channel.POSTAL}
APPLICANT_WORDS = {
    "công dân việt nam": ApplicantType.CITIZEN,
    "người nước ngoài": ApplicantType.FOREIGNER,
    "doanh nghiệp": ApplicantType.BUSINESS,
    "hợp tác xã": ApplicantType.COOPERATIVE,
    "tổ chức": ApplicantType.ORGANISATION,
}
AMOUNT_RE = re.compile(r"(\d{1,3}(?:\.\d{3})+|\d+)\s*(?:đ|đồng|vnđ)", re.IGNORECASE)


def parse_processing_time(text: str) -> tuple[Decimal, str] | None:
    """'05 ngày làm việc …' → (5, working_days); '30 ngày …' → (30, calendar_days); '8 giờ làm việc' → hours."""
    match = re.search(r"(\d+(?:[.,]\d+)?)\s*(ngày làm việc|giờ làm việc|giờ|ngày)", text.lower())
    if not match:
        return None
    amount = Decimal(match.group(1).replace(",", "."))
    unit = {
        "ngày làm việc": PeriodUnit.WORKING_DAYS,
        "giờ làm việc": PeriodUnit.WORKING_HOURS,
        "giờ": PeriodUnit.WORKING_HOURS,
        "ngày": PeriodUnit.CALENDAR_DAYS,
    }[match.group(2)]
    return amount, unit


def parse_fee_text(text: str) -> list[FeeRecord]:
    """Fee lines from the portal's free text: each 'label amountđ' becomes one line of the table."""
    fees = []
    for part in re.split(r";", text):
        amounts = list(AMOUNT_RE.finditer(part))
        if not amounts:
            continue
        # Several amounts in one part ('<50 phút 1.000.000đ') share the words before each amount.
        cursor = 0
        prefix = part.split(":")[0].strip() if ":" in part else ""
        for match in amounts:
            label = part[cursor : match.start()].strip(" :;,-")
            if ":" in label:
                label = label.split(":", 1)[1].strip()
            label = (prefix + ": " + label if prefix and label and prefix not in label else label or prefix).strip()
            fees.append(FeeRecord(name=label or _("Fee"), amount=Decimal(match.group(1).replace(".", ""))))
            cursor = match.end()
    return [f for f in fees if f.amount > 0]


def parse_document_text(text: str) -> list[DocumentRecord]:
    """'(1) Đơn … - 1 bản chính; (2) Bản sao …' → one record per numbered item."""
    parts = [p.strip(" ;") for p in re.split(r"\(\d+\)", text) if p.strip(" ;")]
    documents = []
    for part in parts:
        copy_kind = DocumentCopy.ORIGINAL
        lowered = part.lower()
        if "bản sao có chứng thực" in lowered:
            copy_kind = DocumentCopy.CERTIFIED_COPY
        elif lowered.startswith("bản sao"):
            copy_kind = DocumentCopy.COPY
        name = re.sub(r"\s+-\s+\d+\s+bản (chính|sao)\s*$", "", part).strip()
        # "(cấp lần đầu)", "(khi …)" name the case a document is required in; only "nếu có" makes it optional.
        mandatory = "nếu có" not in lowered
        documents.append(DocumentRecord(name=name, copy_kind=copy_kind, mandatory=mandatory))
    return documents


def _national_detail_record(
    number: int, row: dict[str, Any], errors: list[RowError], agency_codes: Mapping[str, str]
) -> ProcedureRecord | None:
    base = _national_list_record(
        number, {**row, "cap_thuc_hien": row.get("cap", row.get("cap_thuc_hien"))}, errors, agency_codes
    )
    if base is None:
        return None
    time_text = _text(row.get("thoi_han_giai_quyet"))
    parsed = parse_processing_time(time_text)
    if parsed is None:
        errors.append(
            RowError(number, "thoi_han_giai_quyet", _("no processing time such as '05 ngày làm việc' was found"))
        )
        return None
    channels = [c for word, c in CHANNEL_WORDS.items() if word in _text(row.get("hinh_thuc_nop")).lower()]
    full = _text(row.get("toan_trinh_isfullprocess")).lower() == "true"
    fee_text = _text(row.get("phi_le_phi"))
    base.processing_time, base.processing_unit = parsed
    # The portal's summaries carry the names of its API fields in brackets: not for citizens.
    base.processing_note = re.sub(r"\s*\((executionMethods|cases)\)", "", time_text)
    base.channels = sorted(channels, key=Channel.values.index)
    base.service_level = (
        ServiceLevel.FULL if full else ServiceLevel.PARTIAL if Channel.ONLINE in channels else ServiceLevel.INFORMATION
    )
    base.fees = parse_fee_text(fee_text)
    base.fee_note = fee_text
    base.documents = parse_document_text(_text(row.get("thanh_phan_ho_so")))
    base.result_name = _text(row.get("ket_qua")) or None
    base.legal_basis = _text(row.get("can_cu_phap_ly")) or None
    conditions = _text(row.get("yeu_cau_dieu_kien"))
    base.conditions = "" if conditions.lower() in {"", "không quy định", "không"} else conditions
    base.applicant_types = [t for word, t in APPLICANT_WORDS.items() if word in _text(row.get("doi_tuong")).lower()]
    base.publication_decision = _text(row.get("quyet_dinh_cong_bo")) or None
    base.demo_fields = []
    return base


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def parse_catalog(
    rows: list[dict[str, Any]], *, first_row: int = 2, agency_codes: Mapping[str, str] | None = None
) -> tuple[str, list[ProcedureRecord]]:
    """Validate every row; raise CatalogImportError listing every problem, or return the records."""
    layout = detect_layout(rows)
    agency_codes = agency_codes or {}
    errors: list[RowError] = []
    records: list[ProcedureRecord] = []
    for index, row in enumerate(rows):
        number = index + first_row
        with_nul = [column for column, value in row.items() if _has_nul(value)]
        if with_nul:  # PostgreSQL stores no NUL character: the row is reported for those cells alone
            errors += [RowError(number, column, _("the value contains a NUL character")) for column in with_nul]
            continue
        if layout == "motcua":
            record = _motcua_record(number, row, errors)
        elif layout == "national_list":
            record = _national_list_record(number, row, errors, agency_codes)
        else:
            record = _national_detail_record(number, row, errors, agency_codes)
        if record is not None:
            records.append(record)
    seen: dict[str, int] = {}
    for record in records:
        if record.code in seen:
            errors.append(
                RowError(
                    record.row,
                    "code",
                    _("code %(code)s already appears in row %(row)s") % {"code": record.code, "row": seen[record.code]},
                )
            )
        seen[record.code] = record.row
    if errors:
        raise CatalogImportError(sorted(errors, key=lambda e: (e.row, e.column)))
    return layout, records


def records_from_file(
    path: Path, *, agency_codes: Mapping[str, str] | None = None
) -> tuple[str, list[ProcedureRecord]]:
    rows, first_row = read_table(path)
    return parse_catalog(rows, first_row=first_row, agency_codes=agency_codes)


LIST_COLUMNS = {"channels", "applicant_types", "result_forms", "demo_fields"}


def flat_cell(column: str, value: Any) -> Any:
    """A value of a MotCua record as one CSV/XLSX cell: simple lists joined by ';', nested parts as JSON."""
    if value is None:
        return ""
    if column in LIST_COLUMNS:
        return ";".join(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False) if value or column != "form_schema" else ""
    return value


def export_csv(records: list[dict[str, Any]]) -> str:
    """CSV text (UTF-8 with BOM so that Excel shows Vietnamese) of MotCua-layout rows."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=MOTCUA_COLUMNS)
    writer.writeheader()
    for record in records:
        writer.writerow({k: flat_cell(k, record.get(k)) for k in MOTCUA_COLUMNS})
    return buffer.getvalue()
