"""The national portal's dossier sync over HTTP(S): POST a JSON record with a bearer token.

POST `MOTCUA_NATIONAL_PORTAL_URL` with `Authorization: Bearer MOTCUA_NATIONAL_PORTAL_TOKEN`, an
`Idempotency-Key` header (our key: the same dossier state always has the same key, and a retry
carries it again) and the record in the portal's field names; a 2xx answer with `{"id"}` means
taken. 5xx, 429 and network errors are temporary; other 4xx are permanent (the record is wrong).
"""

from __future__ import annotations

import http.client
import json
import ssl
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from motcua.integrations.national_portal.base import DossierRecord, NationalPortal, NationalPortalError, PortalAck

# Our field → the portal's (DOMAIN.md §2.3, §3.4, §4, §7).
WIRE_NAMES = {
    "code": "MaHoSo",
    "agency_code": "MaCoQuan",
    "procedure_code": "MaTTHC",
    "status": "TrangThaiHoSo",
    "channel": "KenhThucHien",
    "submitted_at": "NgayNopHoSo",
    "received_at": "NgayTiepNhan",
    "due_at": "NgayHenTra",
    "processed_at": "NgayKetThucXuLy",
    "returned_at": "NgayTraKetQua",
    "ended_at": "NgayKetThuc",
    "result_url": "DuongDanTepTinKetQua",
    "paid_online": "DuocThanhToanTrucTuyen",
    "fee_paid": "PhiLePhi",
    "rating": "DanhGiaHaiLong",
}


def wire(record: DossierRecord) -> dict[str, Any]:
    return {WIRE_NAMES[name]: value for name, value in record.as_dict().items()}


class HttpNationalPortal:
    name = "http"

    def __init__(self, *, url: str, token: str, timeout: float = 15.0) -> None:
        self.url, self.token, self.timeout = url, token, timeout

    @classmethod
    def from_settings(cls) -> NationalPortal:
        return cls(
            url=settings.MOTCUA_NATIONAL_PORTAL_URL,
            token=settings.MOTCUA_NATIONAL_PORTAL_TOKEN,
            timeout=settings.MOTCUA_NATIONAL_PORTAL_TIMEOUT,
        )

    def push(self, record: DossierRecord, *, idempotency_key: str) -> PortalAck:
        if not self.url.startswith(("https://", "http://")):
            raise NationalPortalError("MOTCUA_NATIONAL_PORTAL_URL must be an http(s) address", temporary=False)
        parts = urlsplit(self.url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(
                parts.hostname or "", parts.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        else:
            connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=self.timeout)
        body = json.dumps(wire(record), ensure_ascii=False).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Authorization": f"Bearer {self.token}",
            "Idempotency-Key": idempotency_key,
        }
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise NationalPortalError(f"national portal unreachable: {exc}", temporary=True) from exc
        finally:
            connection.close()
        if not 200 <= response.status < 300:
            temporary = response.status >= 500 or response.status == 429
            raise NationalPortalError(f"national portal answered {response.status}", temporary=temporary)
        try:
            answer = json.loads(data or b"{}")
        except json.JSONDecodeError as exc:
            raise NationalPortalError("national portal answered something that is not JSON", temporary=True) from exc
        return PortalAck(portal=self.name, receipt_id=str(answer.get("id", idempotency_key)))
