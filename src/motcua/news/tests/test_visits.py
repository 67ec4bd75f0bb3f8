"""The visit counter: a browser's first portal page of the day counts once; nothing personal is kept."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test import Client

from motcua.news.middleware import VISIT_COOKIE
from motcua.news.models import DailyVisits
from motcua.news.selectors import visit_figures
from motcua.news.services import visit_record
from motcua.news.tests.conftest import PHONE_BROWSER

pytestmark = pytest.mark.django_db


def browser() -> Client:
    return Client(headers={"user-agent": PHONE_BROWSER})


def visits_on(day: date) -> int:
    return DailyVisits.objects.filter(day=day).values_list("visits", flat=True).first() or 0


@time_machine.travel("2026-11-26 09:00 +0700", tick=False)
def test_two_browsers_make_two_visits_and_one_browser_one():
    first, second = browser(), browser()
    assert first.get("/").status_code == 200
    first.get("/thu-tuc/")
    first.get("/tin-tuc/")
    second.get("/lich-lam-viec/")
    assert visits_on(date(2026, 11, 26)) == 2
    assert first.cookies[VISIT_COOKIE].value == "2026-11-26"


def test_the_same_browser_counts_again_the_next_local_day():
    client = browser()
    with time_machine.travel("2026-11-26 23:50 +0700", tick=False):
        client.get("/")
    with time_machine.travel("2026-11-26 23:59 +0700", tick=False):
        client.get("/")
    with time_machine.travel("2026-11-27 00:05 +0700", tick=False):  # 17:05 UTC the day before
        client.get("/")
    assert (visits_on(date(2026, 11, 26)), visits_on(date(2026, 11, 27))) == (1, 1)


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/mot-cua/", {}),  # staff pages (a redirect to sign in, and not public anyway)
        ("/api/v1/procedures/", {}),
        ("/api/docs/", {}),
        ("/healthz", {}),
        ("/static/motcua/site.css", {}),
        ("/khong-co-trang-nay/", {}),  # 404
        ("/", {"user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}),
        ("/", {"user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/131.0 Safari/537.36"}),
        ("/", {"user-agent": "python-requests/2.32.3"}),
        ("/", {"user-agent": ""}),
        ("/", {"user-agent": PHONE_BROWSER, "hx-request": "true"}),
        ("/", {"user-agent": PHONE_BROWSER, "sec-purpose": "prefetch"}),
    ],
)
def test_what_is_not_a_visit_of_the_public_portal(path, headers):
    Client(headers=headers).get(path)
    assert not DailyVisits.objects.exists()


def test_a_form_sent_is_not_a_visit():
    browser().post("/tra-cuu/")
    assert not DailyVisits.objects.exists()


def test_nothing_personal_is_stored_or_identifies_the_browser():
    client = browser()
    response = client.get("/", REMOTE_ADDR="203.0.113.7")
    assert [f.name for f in DailyVisits._meta.get_fields()] == ["id", "day", "visits"]
    row = DailyVisits.objects.values().get()
    assert set(row) == {"id", "day", "visits"} and row["visits"] == 1
    cookie = response.cookies[VISIT_COOKIE]
    assert cookie.value == date.fromisoformat(cookie.value).isoformat()  # a date, no identifier
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and int(cookie["max-age"]) <= 24 * 3600
    assert "sessionid" not in response.cookies  # counting opens no session
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {DailyVisits._meta.db_table}")  # noqa: S608 - our own table name
        assert "203.0.113.7" not in repr(cursor.fetchall())


def test_a_race_on_the_first_visit_of_a_day_loses_no_count(monkeypatch):
    """Another request inserted the day's row between our UPDATE (0 rows) and our INSERT."""
    day = date(2026, 11, 26)
    from django.db.models import QuerySet

    real_update = QuerySet.update
    calls = {"n": 0}

    def update_after_a_rival(self, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            DailyVisits.objects.create(day=day, visits=1)  # the rival's insert
            return 0
        return real_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update_after_a_rival)
    visit_record(day=day)
    assert visits_on(day) == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_visits_are_all_counted():
    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database serialises threads through one shared cache")
    day, threads, errors = date(2026, 11, 26), 8, []
    start = threading.Barrier(threads)

    def visit() -> None:
        try:
            start.wait()
            visit_record(day=day)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=visit) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert visits_on(day) == threads


def test_figures_today_yesterday_this_week_from_monday_and_total(django_assert_num_queries):
    for day, count in [
        (date(2026, 11, 1), 100),  # Sunday of an earlier week
        (date(2026, 11, 22), 7),  # Sunday before this week
        (date(2026, 11, 23), 10),  # Monday
        (date(2026, 11, 25), 20),  # yesterday
        (date(2026, 11, 26), 3),  # today, Thursday
    ]:
        DailyVisits.objects.create(day=day, visits=count)
    with time_machine.travel("2026-11-26 00:30 +0700", tick=False):  # still 25/11 in UTC
        with django_assert_num_queries(1):
            figures = visit_figures()
        assert (figures.today, figures.yesterday, figures.this_week, figures.total) == (3, 20, 33, 140)
        with django_assert_num_queries(0):  # cached: the footer costs no query on most pages
            assert visit_figures() == figures


def test_figures_with_no_visits_are_zero():
    figures = visit_figures(today=date(2026, 11, 30))
    assert (figures.today, figures.yesterday, figures.this_week, figures.total) == (0, 0, 0, 0)


@time_machine.travel("2026-11-26 09:00 +0700", tick=False)
def test_the_footer_shows_the_figures(client):
    DailyVisits.objects.create(day=date(2026, 11, 25), visits=1234)
    client.cookies["django_language"] = "en"
    html = browser().get("/", headers={"cookie": "django_language=en"}).content.decode()
    assert "Visits: today 0 · yesterday 1,234 · this week 1,234 · total 1,234" in html
