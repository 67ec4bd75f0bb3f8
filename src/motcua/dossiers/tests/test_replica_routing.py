"""A read replica for reports (DATABASE_REPLICA_URL): report reads go to it, transitions and all writes to default.

In tests the `replica` alias is a mirror of `default` (motcua.conf.test): the same database through a
connection of its own, so the queries each connection runs show where the router sent them.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.accounts.models import Agency
from motcua.core.db import ReplicaRouter, reading_for_reports, reporting_db
from motcua.dossiers.tests.flow import act, intake
from motcua.reports.period import Scope, period_report

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def with_replica(settings):
    settings.MOTCUA_REPORTS_DATABASE = "replica"


def _today_period():
    today = timezone.localdate()
    return today - timedelta(days=1), today


def test_a_report_reads_from_the_replica_and_a_transition_writes_to_default(office, with_replica):
    code = intake(office)["code"]  # received at the desk: written to default
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        report = period_report(Scope(office.agency), *_today_period())
    assert report["total"]["received"]["new"] == 1  # the mirror sees what default committed
    assert replica.captured_queries and not primary.captured_queries

    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = act(office.desk, code, "transfer", unit="QLDL")
    assert response.status_code == 200, response.json()
    assert not replica.captured_queries
    assert any(q["sql"].lstrip().upper().startswith("UPDATE") for q in primary.captured_queries)


def test_an_object_read_for_a_report_is_saved_to_default(office, with_replica):
    with reading_for_reports():
        agency = Agency.objects.get(pk=office.agency.pk)
    assert agency._state.db == "replica"
    agency.name = "Sở Văn hóa, Thể thao và Du lịch"
    with CaptureQueriesContext(connections["replica"]) as replica:
        agency.save()
    assert not replica.captured_queries
    assert Agency.objects.using("default").get(pk=agency.pk).name == agency.name


def test_inside_a_transaction_a_report_reads_its_own_writes_from_default(office, with_replica):
    with transaction.atomic(), reading_for_reports():
        assert reporting_db() == "default"
    with reading_for_reports():
        assert reporting_db() == "replica"
    assert reporting_db() == "default"  # outside a report


def test_without_a_replica_the_router_leaves_everything_to_default(office, settings):
    settings.MOTCUA_REPORTS_DATABASE = "default"
    router = ReplicaRouter()
    with reading_for_reports():
        assert reporting_db() == "default"
        assert router.db_for_read(Agency) is None and router.db_for_write(Agency) is None
    with CaptureQueriesContext(connections["replica"]) as replica:
        period_report(Scope(office.agency), *_today_period())
    assert not replica.captured_queries
    assert router.allow_migrate("replica", "dossiers") is False
