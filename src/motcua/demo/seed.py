"""The demo province: Cần Thơ city, its Department of Culture, Sports and Tourism and one ward.

The catalog is the real one (the national portal's records in `data/`); details the portal does
not give in those files are filled with realistic values, and every filled field is listed in
the version's `demo_fields` so that pages and the API say so. Agency identifier codes, phone numbers
and e-mail addresses are demo values too (the Sở's real mã định danh is not confirmed, DOMAIN.md §12).
"""

from __future__ import annotations

import functools
import hashlib
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from html import escape as html_escape
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from weasyprint import HTML

from motcua.accounts.constants import AgencyKind, Role, UnitKind, UserKind
from motcua.accounts.models import Agency, ReceivingPoint, RoleAssignment, Unit, User
from motcua.catalog.constants import ApplicantType, Channel, ImplementationLevel, ResultForm, ServiceLevel
from motcua.catalog.importing import records_from_file
from motcua.catalog.models import Fee, ProcedureVersion, ProcessStep, RequiredDocument
from motcua.catalog.services import catalog_import
from motcua.dossiers.constants import Action, DocumentKind
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ApplicantData, dossier_create, dossier_document_add, dossier_transition
from motcua.dossiers.workflow import standard_steps
from motcua.news.models import Announcement
from motcua.workdays.constants import PeriodUnit
from motcua.workdays.domain import WorkCalendarSnapshot
from motcua.workdays.selectors import agency_calendar
from motcua.workdays.services import calendar_seed_year, default_calendar

DATA_DIR = Path(__file__).resolve().parent / "data"
NATIONAL_LIST = DATA_DIR / "vhttdl_procedures_dvcqg_gialai_2026-10.csv"
NATIONAL_DETAILS = DATA_DIR / "vhttdl_procedure_details_sample.csv"
DEMO_PASSWORD = "motcua-demo"  # noqa: S105 - published demo password (CONTRACT.md §2)
CATALOG_VALID_FROM = date(2025, 7, 1)  # Decree 118/2025 took effect

PROVINCE_CODE = "000.00.00.H13"
CENTRE_CODE = "000.00.01.H13"
DEPARTMENT_CODE = "000.00.21.H13"
WARD_CODE = "000.21.01.H13"

DEPARTMENT_UNITS = [
    ("BGD", "Ban Giám đốc Sở", UnitKind.LEADERSHIP),
    ("VP", "Văn phòng Sở", UnitKind.OFFICE),
    ("MC", "Bộ phận Một cửa của Sở (tại Trung tâm Phục vụ hành chính công)", UnitKind.ONE_STOP_DESK),
    ("QLVH", "Phòng Quản lý Văn hóa và Gia đình", UnitKind.DIVISION),
    ("QLDS", "Phòng Quản lý Di sản văn hóa", UnitKind.DIVISION),
    ("QLTDTT", "Phòng Quản lý Thể dục, Thể thao", UnitKind.DIVISION),
    ("QLDL", "Phòng Quản lý Du lịch", UnitKind.DIVISION),
    ("BCXB", "Phòng Báo chí, Xuất bản và Phát thanh, Truyền hình", UnitKind.DIVISION),
]
WARD_UNITS = [
    ("LD", "Lãnh đạo Ủy ban nhân dân phường", UnitKind.LEADERSHIP),
    ("MC", "Bộ phận Một cửa phường Ninh Kiều", UnitKind.ONE_STOP_DESK),
    ("VHXH", "Phòng Văn hóa - Xã hội", UnitKind.DIVISION),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    kind: str
    role: str
    agency: str = ""
    unit: str = ""
    phone: str = ""
    id_number: str = ""


DEMO_USERS = [
    DemoUser(
        "citizen1", "Nguyễn Văn An", UserKind.CITIZEN, Role.CITIZEN, phone="+84931015119", id_number="092085001234"
    ),
    DemoUser(
        "citizen2", "Trần Thị Bích", UserKind.CITIZEN, Role.CITIZEN, phone="+84912345678", id_number="094190005678"
    ),
    DemoUser("desk1", "Lê Minh Châu", UserKind.OFFICIAL, Role.DESK_OFFICER, DEPARTMENT_CODE, "MC"),
    DemoUser("volunteer1", "Phạm Gia Huy", UserKind.OFFICIAL, Role.VOLUNTEER_GUIDE, DEPARTMENT_CODE, "MC"),
    DemoUser("specialist1", "Võ Thanh Dung", UserKind.OFFICIAL, Role.SPECIALIST, DEPARTMENT_CODE, "QLDL"),
    DemoUser("head1", "Đặng Quốc Em", UserKind.OFFICIAL, Role.DIVISION_HEAD, DEPARTMENT_CODE, "QLDL"),
    DemoUser("leader1", "Huỳnh Thị Giang", UserKind.OFFICIAL, Role.AGENCY_LEADER, DEPARTMENT_CODE),
    DemoUser("viewer1", "Bùi Văn Hải", UserKind.OFFICIAL, Role.REPORT_VIEWER, DEPARTMENT_CODE),
    DemoUser("desk2", "Ngô Thị Kim", UserKind.OFFICIAL, Role.DESK_OFFICER, WARD_CODE, "MC"),
    DemoUser("admin", "Quản trị hệ thống", UserKind.OFFICIAL, Role.ADMINISTRATOR, DEPARTMENT_CODE),
]


def _agency(
    code: str,
    name: str,
    short: str,
    kind: str,
    parent: Agency | None,
    address: str,
    *,
    phone: str = "",
    email: str = "",
) -> Agency:
    agency, _ = Agency.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "short_name": short,
            "kind": kind,
            "parent": parent,
            "address": address,
            "phone": phone,
            "email": email,
            "is_active": True,
        },
    )
    return agency


def seed_organisation() -> dict[str, Agency]:
    calendar = default_calendar()
    this_year = timezone.localdate().year
    for year in range(this_year - 1, this_year + 2):
        calendar_seed_year(calendar=calendar, year=year)
    province = _agency(
        PROVINCE_CODE,
        "Ủy ban nhân dân thành phố Cần Thơ",
        "UBND TP Cần Thơ",
        AgencyKind.PROVINCIAL_PEOPLES_COMMITTEE,
        None,
        "Số 2 Hòa Bình, phường Ninh Kiều, thành phố Cần Thơ",
        phone="0292 3820 820",
        email="motcua@demo.motcua.vn",
    )
    centre = _agency(
        CENTRE_CODE,
        "Trung tâm Phục vụ hành chính công thành phố Cần Thơ",
        "Trung tâm PVHCC",
        AgencyKind.SERVICE_CENTRE,
        province,
        "Số 2 Hòa Bình, phường Ninh Kiều, thành phố Cần Thơ",
    )
    department = _agency(
        DEPARTMENT_CODE,
        "Sở Văn hóa, Thể thao và Du lịch thành phố Cần Thơ",
        "Sở VHTTDL",
        AgencyKind.DEPARTMENT,
        province,
        "Số 32 Hòa Bình, phường Ninh Kiều, thành phố Cần Thơ",
        phone="0292 3821 821",
        email="sovhttdl@demo.motcua.vn",
    )
    ward = _agency(
        WARD_CODE,
        "Ủy ban nhân dân phường Ninh Kiều",
        "UBND phường Ninh Kiều",
        AgencyKind.COMMUNE,
        province,
        "Phường Ninh Kiều, thành phố Cần Thơ",
    )
    for agency, units in ((department, DEPARTMENT_UNITS), (ward, WARD_UNITS)):
        for code, name, kind in units:
            Unit.objects.update_or_create(agency=agency, code=code, defaults={"name": name, "kind": kind})
    ReceivingPoint.objects.update_or_create(
        agency=centre,
        name="Trung tâm Phục vụ hành chính công thành phố Cần Thơ",
        defaults={"address": centre.address, "opening_hours": "Thứ Hai – Thứ Sáu, 7:30–11:30 và 13:00–17:00"},
    )
    ReceivingPoint.objects.update_or_create(
        agency=ward,
        name="Bộ phận Một cửa phường Ninh Kiều",
        defaults={"address": ward.address, "opening_hours": "Thứ Hai – Thứ Sáu, 7:30–11:30 và 13:00–17:00"},
    )
    return {"province": province, "centre": centre, "department": department, "ward": ward}


def seed_users() -> None:
    for spec in DEMO_USERS:
        user, _ = User.objects.update_or_create(
            username=spec.username,
            defaults={
                "full_name": spec.full_name,
                "kind": spec.kind,
                "phone": spec.phone,
                "id_number": spec.id_number,
                "email": f"{spec.username}@demo.motcua.vn",
                "is_staff": spec.role == Role.ADMINISTRATOR,
                "is_superuser": spec.role == Role.ADMINISTRATOR,
                "is_active": True,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        agency = Agency.objects.get(code=spec.agency) if spec.agency else None
        unit = Unit.objects.get(agency=agency, code=spec.unit) if spec.unit else None
        RoleAssignment.objects.get_or_create(user=user, role=spec.role, agency=agency, unit=unit)


def seed_catalog() -> None:
    agency_codes = {ImplementationLevel.PROVINCE.value: DEPARTMENT_CODE, ImplementationLevel.COMMUNE.value: WARD_CODE}
    for path in (NATIONAL_LIST, NATIONAL_DETAILS):
        _layout, records = records_from_file(path, agency_codes=agency_codes)
        for record in records:
            record.valid_from = None
        catalog_import(records, today=CATALOG_VALID_FROM)
    fill_demo_details()


# --- news and announcements of the portal ------------------------------------------------------


@dataclass(frozen=True)
class DemoAnnouncement:
    title: str
    agency: str
    days_ago: int
    summary: str
    body: str
    pinned: bool = False
    attachment: str = ""


DEMO_ANNOUNCEMENTS = [
    DemoAnnouncement(
        title="UBND thành phố ban hành Quy chế tổ chức và hoạt động của Bộ phận Một cửa",
        agency=PROVINCE_CODE,
        days_ago=12,
        pinned=True,
        summary=(
            "Quy chế quy định việc tiếp nhận hồ sơ, trả kết quả, phối hợp giữa các cơ quan và trách nhiệm "
            "của công chức tại Trung tâm Phục vụ hành chính công và Bộ phận Một cửa cấp xã."
        ),
        body=(
            "Ủy ban nhân dân thành phố Cần Thơ ban hành Quy chế tổ chức và hoạt động của Trung tâm Phục vụ "
            "hành chính công thành phố và Bộ phận Một cửa cấp xã, thực hiện Nghị định số 118/2025/NĐ-CP của "
            "Chính phủ về thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông.\n\n"
            "Quy chế quy định rõ quy trình tiếp nhận, số hóa hồ sơ, chuyển xử lý và trả kết quả; việc công khai "
            "tiến độ giải quyết trên Cổng Dịch vụ công; việc xin lỗi tổ chức, cá nhân khi hồ sơ bị trễ hẹn; và "
            "trách nhiệm của người đứng đầu các cơ quan có thủ tục hành chính.\n\n"
            "Tổ chức, cá nhân có thể tra cứu tình trạng hồ sơ bằng mã hồ sơ và mã tra cứu in trên Giấy tiếp nhận "
            "hồ sơ và hẹn trả kết quả, hoặc gọi đường dây nóng của Trung tâm trong giờ hành chính."
        ),
        attachment="quy-che-bo-phan-mot-cua.pdf",
    ),
    DemoAnnouncement(
        title="Từ 01/12/2026, nộp hồ sơ cấp Giấy phép kinh doanh dịch vụ lữ hành nội địa trực tuyến toàn trình",
        agency=DEPARTMENT_CODE,
        days_ago=5,
        pinned=False,
        summary=(
            "Doanh nghiệp nộp hồ sơ, nộp phí và nhận giấy phép điện tử có chữ ký số mà không cần đến Trung tâm "
            "Phục vụ hành chính công."
        ),
        body=(
            "Sở Văn hóa, Thể thao và Du lịch thông báo: từ ngày 01/12/2026, thủ tục cấp Giấy phép kinh doanh "
            "dịch vụ lữ hành nội địa (mã 2.001628) được thực hiện trực tuyến toàn trình.\n\n"
            "Doanh nghiệp đăng nhập, điền tờ khai, tải lên các thành phần hồ sơ (bản chụp hoặc bản điện tử), "
            "nộp phí thẩm định trực tuyến và nhận kết quả là bản điện tử có chữ ký số của Sở. Thời hạn giải "
            "quyết không thay đổi.\n\n"
            "Hồ sơ nộp trực tiếp hoặc qua dịch vụ bưu chính công ích vẫn được tiếp nhận như trước."
        ),
    ),
    DemoAnnouncement(
        title="Công khai đường dây nóng tiếp nhận phản ánh, kiến nghị về thủ tục hành chính",
        agency=DEPARTMENT_CODE,
        days_ago=2,
        pinned=False,
        summary=(
            "Tổ chức, cá nhân phản ánh việc giải quyết thủ tục hành chính chậm, sai hoặc gây phiền hà qua "
            "đường dây nóng, thư điện tử hoặc trực tiếp tại Bộ phận Một cửa."
        ),
        body=(
            "Sở Văn hóa, Thể thao và Du lịch tiếp nhận phản ánh, kiến nghị về quy định hành chính và việc giải "
            "quyết thủ tục hành chính qua đường dây nóng 0292 3821 821 (giờ hành chính) và thư điện tử "
            "sovhttdl@demo.motcua.vn.\n\n"
            "Phản ánh cần ghi rõ họ tên, địa chỉ, số điện thoại liên hệ và mã hồ sơ (nếu có). Sở trả lời trong "
            "thời hạn quy định và không tiếp nhận phản ánh nặc danh có nội dung vu khống, xúc phạm."
        ),
    ),
]


@functools.cache
def demo_attachment_pdf(title: str) -> bytes:
    """A one-page stand-in for an announcement's attached decision."""
    html = (
        "<html lang='vi'><body style='font-family: Liberation Serif; margin: 3cm'>"
        f"<h1>{html_escape(title)}</h1><p>Bản mẫu của dữ liệu trình diễn (demo).</p></body></html>"
    )
    return bytes(HTML(string=html).write_pdf())


def seed_announcements() -> None:
    """The portal's demo news, made once (their dates are kept when the seed runs again)."""
    for spec in DEMO_ANNOUNCEMENTS:
        if Announcement.objects.filter(title=spec.title).exists():
            continue
        morning = timezone.now().replace(hour=1, minute=30, second=0, microsecond=0)  # 08:30 in Việt Nam
        announcement = Announcement(
            title=spec.title,
            summary=spec.summary,
            body=spec.body,
            agency=Agency.objects.get(code=spec.agency),
            publish_from=morning - timedelta(days=spec.days_ago),
            pinned=spec.pinned,
        )
        if spec.attachment:
            announcement.attachment = SimpleUploadedFile(
                spec.attachment, demo_attachment_pdf(spec.title), "application/pdf"
            )
        announcement.full_clean()
        announcement.save()


# --- demo values for what the national list does not give ------------------------------------


def _pick(code: str, salt: str, modulo: int) -> int:
    digest = hashlib.sha256(f"{code}:{salt}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % modulo


DEMO_DAYS = [3, 5, 5, 7, 10, 10, 12, 15, 20]
DEMO_FEES = [0, 0, 0, 0, 100_000, 200_000, 500_000, 1_000_000, 2_000_000]
DEMO_DOCUMENTS = [
    ("Đơn đề nghị (theo mẫu ban hành kèm theo thủ tục)", "original", True),
    ("Bản sao giấy tờ pháp lý của tổ chức, cá nhân đề nghị", "copy", True),
    ("Tài liệu chứng minh đáp ứng điều kiện theo quy định", "original", True),
    ("Giấy ủy quyền (trường hợp nộp thay)", "original", False),
]
DEMO_FORM_SCHEMA = {
    "type": "object",
    "title": "Tờ khai",
    "required": ["applicant_name", "phone", "request"],
    "properties": {
        "applicant_name": {"type": "string", "title": "Họ và tên người đề nghị", "maxLength": 255},
        "phone": {"type": "string", "title": "Số điện thoại", "maxLength": 20},
        "address": {"type": "string", "title": "Địa chỉ liên hệ", "maxLength": 500},
        "request": {"type": "string", "title": "Nội dung đề nghị", "maxLength": 4000},
    },
}


@transaction.atomic
def fill_demo_details() -> int:
    """Give every procedure without published details realistic demo values, marked as such."""
    filled = 0
    versions = ProcedureVersion.objects.select_related("procedure").prefetch_related("steps")
    for version in versions:
        code = version.procedure.code
        demo = set(version.demo_fields)
        if version.processing_time is None:
            demo |= {
                "processing_time",
                "fees",
                "documents",
                "service_level",
                "channels",
                "applicant_types",
                "result_forms",
            }
            version.processing_time = Decimal(DEMO_DAYS[_pick(code, "days", len(DEMO_DAYS))])
            version.processing_unit = PeriodUnit.WORKING_DAYS
            roll = _pick(code, "level", 100)
            version.service_level = (
                ServiceLevel.FULL if roll < 23 else ServiceLevel.PARTIAL if roll < 78 else ServiceLevel.INFORMATION
            )
            version.channels = [Channel.IN_PERSON, Channel.POSTAL] + (
                [Channel.ONLINE] if version.service_level != ServiceLevel.INFORMATION else []
            )
            version.applicant_types = [ApplicantType.CITIZEN, ApplicantType.ORGANISATION]
            version.result_forms = [ResultForm.PAPER] + (
                [ResultForm.ELECTRONIC] if version.service_level == ServiceLevel.FULL else []
            )
            fee = DEMO_FEES[_pick(code, "fee", len(DEMO_FEES))]
            if fee:
                Fee.objects.create(version=version, order=1, name="Phí thẩm định hồ sơ", amount=fee)
            count = 2 + _pick(code, "docs", 3)
            RequiredDocument.objects.bulk_create(
                RequiredDocument(
                    version=version,
                    order=i,
                    name=name,
                    copy_kind=kind,
                    mandatory=mandatory,
                    accepted_file_types=["pdf", "jpg", "png"],
                )
                for i, (name, kind, mandatory) in enumerate(DEMO_DOCUMENTS[:count], start=1)
            )
        if not version.steps.all():
            demo.add("steps")
            assert version.processing_time is not None
            ProcessStep.objects.bulk_create(
                ProcessStep(version=version, order=i, name=step.name, actor=step.actor, duration=step.duration)
                for i, step in enumerate(standard_steps(version.processing_time, version.processing_unit), 1)
            )
        if version.service_level != ServiceLevel.INFORMATION and not version.form_schema:
            demo.add("form_schema")
            version.form_schema = DEMO_FORM_SCHEMA
        if demo != set(version.demo_fields):
            version.demo_fields = sorted(demo)
            version.save()
            filled += 1
    return filled


def seed_demo() -> None:
    with transaction.atomic():
        seed_organisation()
        seed_users()
        seed_catalog()
        seed_announcements()


# --- demo dossiers ------------------------------------------------------------------------------

DEMO_APPLICANTS = [
    ("Lê Hoàng Nam", "092088001111", "0907111222"),
    ("Phạm Thị Thu", "094195002222", "0918333444"),
    ("Công ty TNHH Du lịch Mê Kông", "", "02923838999"),
    ("Võ Minh Tuấn", "092090003333", "0939555666"),
    ("Hộ kinh doanh Karaoke Sông Hậu", "", "02923771234"),
]


def office_time(calendar: WorkCalendarSnapshot, moment: datetime, rng: random.Random) -> datetime:
    """`moment`, or the next working morning when it falls outside office hours."""
    local = moment.astimezone(calendar.tz)
    if calendar.is_working_day(local.date()) and 8 <= local.hour < 17:
        return moment
    day = (
        local.date()
        if local.hour < 8 and calendar.is_working_day(local.date())
        else calendar.next_working_day(local.date())
    )
    return datetime.combine(day, time(8, rng.choice([0, 15, 30, 45])), tzinfo=calendar.tz)


@functools.cache
def demo_result_pdf() -> bytes:
    """A one-page stand-in for a signed result, attached to the demo dossiers the leader approves."""
    html = (
        "<html lang='vi'><body style='font-family: Liberation Serif; margin: 3cm'>"
        "<h1>KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH</h1><p>Bản mẫu của dữ liệu trình diễn (demo).</p></body></html>"
    )
    return bytes(HTML(string=html).write_pdf())


def seed_dossiers(count: int, *, from_year: int | None = None) -> int:
    """`count` demo dossiers of the Sở, received over the past weeks and carried to various steps.

    Idempotent: dossiers already made by the seed count towards `count`. Returns how many were made.
    """
    existing = Dossier.objects.filter(form_data__demo=True).count()
    if existing >= count:
        return 0
    rng = random.Random(20261126 + existing)
    department = Agency.objects.get(code=DEPARTMENT_CODE)
    calendar = agency_calendar(department)
    desk, leader = User.objects.get(username="desk1"), User.objects.get(username="leader1")
    head, specialist = User.objects.get(username="head1"), User.objects.get(username="specialist1")
    citizens = [User.objects.get(username="citizen1"), User.objects.get(username="citizen2")]
    versions = list(
        ProcedureVersion.objects.filter(agency=department, processing_time__isnull=False)
        .exclude(service_level=ServiceLevel.INFORMATION)
        .select_related("procedure")
    )
    today = timezone.localdate()
    first_day = date(from_year, 1, 1) if from_year else today - timedelta(days=45)
    span = max((today - first_day).days, 1)
    made = 0
    for index in range(existing, count):
        version = rng.choice(versions)
        day = first_day + timedelta(days=rng.randrange(span))
        if not calendar.is_working_day(day):
            day = calendar.next_working_day(day)
        if day > today:
            day = today
        moment = datetime.combine(day, time(rng.randint(7, 16), rng.choice([0, 15, 30, 45])), tzinfo=calendar.tz)
        moment = min(moment, timezone.now() - timedelta(minutes=5))
        name, id_number, phone = DEMO_APPLICANTS[index % len(DEMO_APPLICANTS)]
        is_org = not id_number
        applicant = ApplicantData(
            kind="organisation" if is_org else "person",
            name=name,
            id_number=id_number,
            tax_code=f"18{index:08d}" if is_org else "",
            phone=phone,
            address="Phường Ninh Kiều, thành phố Cần Thơ",
        )
        online = rng.random() < 0.6
        actor = citizens[index % 2] if online else desk
        dossier = dossier_create(
            actor=actor,
            procedure_code=version.procedure.code,
            applicant=applicant,
            channel="online" if online else "in_person",
            form_data={"demo": True, "applicant_name": name, "phone": phone, "request": "Đề nghị giải quyết thủ tục."},
            now=moment,
        )
        steps = [Action.RECEIVE] if online else []
        steps += [Action.TRANSFER, Action.ASSIGN, Action.FORWARD, Action.FORWARD, Action.APPROVE, Action.RETURN_RESULT]
        stop_after = rng.randint(0, len(steps))
        clock = moment
        for number, action in enumerate(steps[:stop_after]):
            clock = office_time(calendar, clock + timedelta(hours=rng.randint(1, 30)), rng)
            clock = min(clock, timezone.now() - timedelta(minutes=1))
            who = {
                Action.ASSIGN: head,
                Action.FORWARD: specialist if steps[number - 1] == Action.ASSIGN else head,
                Action.APPROVE: leader,
            }.get(action, desk)
            if action == Action.APPROVE:
                result = SimpleUploadedFile(f"ket-qua-{dossier.code}.pdf", demo_result_pdf(), "application/pdf")
                dossier_document_add(code=dossier.code, actor=leader, file=result, kind=DocumentKind.RESULT)
            dossier_transition(
                code=dossier.code,
                action=action,
                actor=who,
                unit_code="QLDL",
                assignee_username="specialist1",
                now=clock,
            )
        made += 1
    return made
