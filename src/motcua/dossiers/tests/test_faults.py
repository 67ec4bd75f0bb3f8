"""The database connection lost in the middle of a transition: nothing of it is kept, no message is queued,
the API and the pages answer 503 "try again", and the same transition on a new connection succeeds once.

On PostgreSQL (DATABASE_URL) the transition's own backend is really terminated from a second connection
(`pg_terminate_backend`) at a point inside its transaction; on SQLite, whose connection cannot be cut from
outside, the same points raise the OperationalError a lost connection gives.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import pytest
from django.db import DatabaseError, connection
from django.test import Client

from motcua.core.errors import database_unavailable
from motcua.dossiers import services
from motcua.dossiers.constants import Action, Status
from motcua.dossiers.models import Dossier, DossierPause, DossierStep, DossierTransition
from motcua.dossiers.services import ApplicantData, dossier_create, dossier_transition
from motcua.dossiers.tests.flow import api
from motcua.notifications.models import OutboxMessage
from motcua.notifications.tests.conftest import seed_default_templates

pytestmark = pytest.mark.django_db(transaction=True)  # a real transaction to lose, not a savepoint

APPLICANT = ApplicantData(kind="person", name="Lê Văn Tâm", id_number="092085001234", phone="0931015119")

# Where the connection is lost: after the steps are written (status not yet), and after the outbox rows
# are written (everything but the commit).
POINTS = {"after-steps": "advance", "before-commit": "dossier_notify"}


@pytest.fixture
def received(office) -> str:
    seed_default_templates()  # a transactional test elsewhere may have flushed the data migrations' rows
    dossier = dossier_create(actor=office.desk, procedure_code="2.001628", applicant=APPLICANT, channel="in_person")
    assert dossier.status == Status.RECEIVED
    return dossier.code


def state(code: str) -> dict[str, Any]:
    """Everything a transition may write, as rows."""
    dossier = Dossier.objects.filter(code=code)
    of_dossier = {"dossier__code": code}
    return {
        "dossier": list(dossier.values()),
        "transitions": list(DossierTransition.objects.filter(**of_dossier).order_by("pk").values()),
        "steps": list(DossierStep.objects.filter(**of_dossier).order_by("pk").values()),
        "pauses": list(DossierPause.objects.filter(**of_dossier).order_by("pk").values()),
        "outbox": list(OutboxMessage.objects.order_by("pk").values()),
    }


def cut_connection() -> None:
    """Lose the default connection now, in the middle of whatever it is doing."""
    if connection.vendor != "postgresql":
        from django.db import OperationalError

        raise OperationalError("disk I/O error")  # what SQLite says when its file goes away
    import psycopg

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    s = connection.settings_dict
    with psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"],
        password=s["PASSWORD"] or None,
        dbname=s["NAME"],
        autocommit=True,
    ) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)
        deadline = time.monotonic() + 10
        while other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
            assert time.monotonic() < deadline, "the backend did not end"
            time.sleep(0.01)


def cut_after(name: str) -> Callable[..., Any]:
    """`services.<name>` that does its work, then loses the connection (the transaction is still open)."""
    real = getattr(services, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        assert connection.in_atomic_block
        result = real(*args, **kwargs)
        cut_connection()
        return result

    return wrapped


@pytest.fixture
def nudges() -> Iterator[mock.Mock]:
    """The after-commit nudge of the outbox's workers (Celery mode): runs only for a committed message."""
    with mock.patch("motcua.notifications.services.nudge_after_commit") as nudge:
        yield nudge


def transfer(office, code: str) -> Dossier:
    return dossier_transition(code=code, action=Action.TRANSFER, actor=office.desk, unit_code="QLDL")


def assert_done_once(office, code: str, before: dict[str, Any], nudges: mock.Mock) -> None:
    """The same transition again, on a new connection: it succeeds, once, with one message."""
    assert transfer(office, code).status == Status.IN_PROCESSING
    after = state(code)
    assert [t["action"] for t in after["transitions"]] == [t["action"] for t in before["transitions"]] + ["transfer"]
    new_messages = after["outbox"][len(before["outbox"]) :]
    assert after["outbox"][: len(before["outbox"])] == before["outbox"]
    assert [(m["event"], m["dossier_code"], m["channel"]) for m in new_messages] == [("status_changed", code, "sms")]
    assert nudges.call_count == 1
    assert len(after["steps"]) > len(before["steps"])


@pytest.mark.parametrize("point", POINTS)
def test_a_transition_that_loses_its_connection_leaves_nothing_half_written(office, received, nudges, point):
    before = state(received)
    with mock.patch.object(services, POINTS[point], cut_after(POINTS[point])), pytest.raises(DatabaseError) as lost:
        transfer(office, received)
    assert database_unavailable(lost.value), repr(lost.value)
    # Status, log, steps, due dates (on the dossier's row), pauses and outbox: exactly as before.
    assert state(received) == before
    assert nudges.call_count == 0, "nothing is queued for a transaction that did not commit"
    assert_done_once(office, received, before, nudges)


def test_the_api_answers_503_try_again_and_keeps_nothing(office, received, nudges):
    before = state(received)
    with mock.patch.object(services, "dossier_notify", cut_after("dossier_notify")):
        response = api(office.desk).post(
            f"/api/v1/dossiers/{received}/actions/transfer/", {"unit": "QLDL"}, format="json", HTTP_ACCEPT_LANGUAGE="vi"
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "error": {
            "code": "service-unavailable",
            "message": "Hệ thống tạm thời gián đoạn. Vui lòng thử lại sau giây lát.",
            "fields": {},
        }
    }
    assert state(received) == before and nudges.call_count == 0
    again = api(office.desk).post(f"/api/v1/dossiers/{received}/actions/transfer/", {"unit": "QLDL"}, format="json")
    assert again.status_code == 200, again.json()
    assert again.json()["status"] == Status.IN_PROCESSING
    assert len(state(received)["outbox"]) == len(before["outbox"]) + 1


def test_the_desk_page_answers_503_try_again_and_keeps_nothing(office, received, nudges):
    before = state(received)
    browser = Client(raise_request_exception=False)  # as in production: the error page, not the exception
    browser.force_login(office.desk)
    with mock.patch.object(services, "advance", cut_after("advance")):
        response = browser.post(f"/mot-cua/ho-so/{received}/thao-tac/transfer/", {"unit": "QLDL"})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "Tạm thời gián đoạn" in page and "Vui lòng thử lại sau giây lát" in page
    assert state(received) == before and nudges.call_count == 0
