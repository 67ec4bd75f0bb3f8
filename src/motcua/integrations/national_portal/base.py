"""The national portal (Cổng Dịch vụ công quốc gia, DVCQG) sync port: push one dossier's state, once
per idempotency key.

The record carries what the portal's dossier sync takes (DOMAIN.md §2.3, §3.4, §4, §7: the fields
Decision 766 computes its indices from; Decision 31/2021 Art. 30(3) lists the dossier data to share):
the dossier code, TrangThaiHoSo (1–10), KenhThucHien (1 in person, 2 online, 3 postal), the times of
submission, receipt, appointment, end of processing and return, the result file's link, the online
payment flag (DuocThanhToanTrucTuyen) and the applicant's rating. The exact wire names of the
portal's API are an adapter's concern (`http.py`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class DossierRecord:
    code: str  # MaHoSo
    agency_code: str  # the competent agency's identifier code (MaCoQuan)
    procedure_code: str  # MaTTHC (the national code of the procedure)
    status: int  # TrangThaiHoSo 1–10
    channel: int  # KenhThucHien 1/2/3
    submitted_at: str | None = None  # ISO 8601 with offset (NgayNopHoSo)
    received_at: str | None = None  # NgayTiepNhan
    due_at: str | None = None  # NgayHenTra (the extended date after an apology, if any)
    processed_at: str | None = None  # NgayKetThucXuLy
    returned_at: str | None = None  # NgayTraKetQua
    ended_at: str | None = None  # withdrawn, stopped or refused
    result_url: str = ""  # DuongDanTepTinKetQua
    paid_online: int | None = None  # DuocThanhToanTrucTuyen: 1 on DVCQG, 2 another gateway, None not paid online
    fee_paid: int = 0  # VND paid
    rating: str = ""  # the applicant's overall satisfaction, if rated

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PortalAck:
    portal: str
    receipt_id: str  # the portal's id of what it took


class NationalPortalError(Exception):
    """The portal did not take the record. `temporary`: worth retrying later with the same key."""

    def __init__(self, message: str, *, temporary: bool) -> None:
        super().__init__(message)
        self.temporary = temporary


class NationalPortal(Protocol):
    name: str

    @classmethod
    def from_settings(cls) -> NationalPortal: ...

    def push(self, record: DossierRecord, *, idempotency_key: str) -> PortalAck: ...
