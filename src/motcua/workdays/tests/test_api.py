"""GET /api/v1/calendar/due/ (CONTRACT.md §3)."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from motcua.accounts.tests.factories import AgencyFactory
from motcua.workdays.constants import DayKind
from motcua.workdays.models import CalendarDay, WorkCalendar

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return APIClient()


def test_due_date_with_its_explanation(client):
    response = client.get("/api/v1/calendar/due/", {"start": "2026-11-19T10:20:00+07:00", "working_days": 5})
    assert response.status_code == 200
    body = response.json()
    assert body["due_at"] == "2026-11-27T17:00:00+07:00"
    assert [d["date"] for d in body["explanation"]["skipped_days"]] == ["2026-11-21", "2026-11-22", "2026-11-24"]
    assert "Ngày Văn hóa Việt Nam" in body["explanation"]["text"]


def test_a_plus_sign_turned_into_a_space_is_understood(client):
    response = client.get("/api/v1/calendar/due/?start=2026-11-19T10:20:00+07:00&working_days=5")
    assert response.json()["due_at"] == "2026-11-27T17:00:00+07:00"


def test_utc_start_is_answered_in_vietnam_time(client):
    response = client.get("/api/v1/calendar/due/", {"start": "2026-11-26T08:30:00Z", "working_days": 1})
    assert response.json()["due_at"] == "2026-11-30T17:00:00+07:00"  # 15:30 local: after the cut-off


def test_the_agency_calendar_is_used(client):
    calendar = WorkCalendar.objects.create(code="local", name="Local")
    CalendarDay.objects.create(
        calendar=calendar, date=date(2026, 11, 27), kind=DayKind.EXTRA_DAY_OFF, name="Local day off"
    )
    agency = AgencyFactory(calendar=calendar)
    response = client.get(
        "/api/v1/calendar/due/", {"start": "2026-11-26T09:00:00+07:00", "working_days": 1, "agency": agency.code}
    )
    assert response.json()["due_at"] == "2026-11-30T17:00:00+07:00"
    assert response.json()["agency"]["code"] == agency.code


def test_working_hours(client):
    response = client.get("/api/v1/calendar/due/", {"start": "2026-11-27T10:00:00+07:00", "working_hours": 4})
    assert response.json()["due_at"] == "2026-11-27T15:30:00+07:00"


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"working_days": 5}, 400, "start"),
        ({"start": "yesterday", "working_days": 5}, 400, "start"),
        ({"start": "2026-11-19T10:20:00+07:00"}, 400, "working_days"),
        ({"start": "2026-11-19T10:20:00+07:00", "working_days": -1}, 400, "working_days"),
        ({"start": "2026-11-19T10:20:00+07:00", "working_days": "five"}, 400, "working_days"),
        ({"start": "2026-11-19T10:20:00+07:00", "working_days": 1, "working_hours": 2}, 400, "working_days"),
        ({"start": "2026-13-45T10:20:00+07:00", "working_days": 1}, 400, "start"),
    ],
)
def test_bad_parameters_say_what_to_fix(client, params, status, field):
    response = client.get("/api/v1/calendar/due/", params)
    assert response.status_code == status
    assert field in response.json()["error"]["fields"]


def test_unknown_agency_and_out_of_range_dates(client):
    response = client.get(
        "/api/v1/calendar/due/", {"start": "2026-11-19T10:20:00+07:00", "working_days": 1, "agency": "999.99.99.X99"}
    )
    assert response.status_code == 404 and response.json()["error"]["code"] == "agency-not-found"
    response = client.get("/api/v1/calendar/due/", {"start": "1990-01-02T10:20:00+07:00", "working_days": 1})
    assert response.status_code == 400 and response.json()["error"]["code"] == "calendar-out-of-range"
