"""Steps shared by the dossier tests: act through the API as a user, carry a dossier along its process."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from motcua.workdays.domain import VIETNAM

APPLICANT = {"kind": "person", "name": "Nguyễn Văn An", "id_number": "092085001234", "phone": "0931015119"}
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def act(user, code: str, action: str, **data: Any):
    return api(user).post(f"/api/v1/dossiers/{code}/actions/{action}/", data, format="json")


def at(year: int, month: int, day: int, hour: int, minute: int) -> time_machine.travel:
    return time_machine.travel(datetime(year, month, day, hour, minute, tzinfo=VIETNAM), tick=False)


def intake(office, **extra: Any) -> dict[str, Any]:
    payload = {"procedure": "2.001628", "channel": "in_person", "applicant": APPLICANT, **extra}
    response = api(office.desk).post("/api/v1/dossiers/", payload, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def attach_result(user, code: str):
    return api(user).post(
        f"/api/v1/dossiers/{code}/documents/",
        {"file": SimpleUploadedFile("quyet-dinh.pdf", PDF), "kind": "result"},
        format="multipart",
    )


def carry_to_leader(office, code: str) -> None:
    """The head assigns the specialist, who hands to the head, who hands to the leader with the result."""
    for user, action, data in [
        (office.head, "assign", {"assignee": "specialist"}),
        (office.specialist, "forward", {}),
        (office.head, "forward", {}),
    ]:
        response = act(user, code, action, **data)
        assert response.status_code == 200, response.json()
    assert attach_result(office.leader, code).status_code == 201
