"""The dashboard page: who may open it, for what, and every number leads to exactly its dossiers."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
import time_machine
from django.test import Client

from motcua.dashboards.tests.conftest import NOW

pytestmark = pytest.mark.django_db

URL = "/mot-cua/bao-cao/dieu-hanh/"
LIST = "/mot-cua/bao-cao/dieu-hanh/ho-so/"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def links_of(context) -> list[tuple[int, str]]:
    """(number shown, link) of every number of the page."""
    links = [(count, url) for _name, count, url, _label in context["total_cells"]]
    for key in ("divisions", "holders"):
        links += [(count, url) for _row, cells in context[key] for _name, count, url, _label in cells]
    links += [(row.count, url) for row, url in context["done_rows"] + context["open_rows"]]
    for month, urls in context["trend"]:
        links += [
            (month.received_new, urls["received.new"]),
            (month.received_online, urls["received.online"]),
            (month.resolved, urls["resolved"]),
            (month.resolved_in_time, urls["in_time"]),
            (month.resolved_late, urls["late"]),
        ]
    for line, cells, urls in context.get("agency_lines", []):
        links += [(count, url) for _name, count, url, _label in cells]
        links += [
            (line.month["received.new"], urls["received.new"]),
            (line.month["resolved.total"], urls["resolved.total"]),
        ]
    return links


def test_every_number_of_the_leaders_dashboard_opens_its_dossiers(desk_floor):
    leader = signed_in(desk_floor.office.leader)
    page = leader.get(URL)
    assert page.status_code == 200
    assert page.context["work"].total["overdue"] == 2
    links = links_of(page.context)
    assert len(links) > 60
    for count, url in links:
        listed = leader.get(url)
        assert listed.status_code == 200, url
        assert listed.context["page"].paginator.count == count, url


def test_the_overdue_list_names_the_dossiers(desk_floor):
    page = signed_in(desk_floor.office.leader).get(LIST, {"list": "now", "figure": "overdue"})
    # Most overdue first: A was due 17/03 17:00, E 18/03 08:00; applicants' names are not shown.
    assert [d.code for d in page.context["page"]] == ["A", "E"]
    assert "Người nộp" not in page.content.decode()


def test_a_division_head_sees_his_division_only(desk_floor):
    head = signed_in(desk_floor.head)
    page = head.get(URL)
    assert page.status_code == 200
    assert page.context["scope"].division == desk_floor.office.d1
    assert page.context["work"].total == {"open": 3, "overdue": 1, "due_soon": 1, "within": 0, "waiting": 1}
    assert "agency_lines" not in page.context
    for count, url in links_of(page.context):
        assert head.get(url).context["page"].paginator.count == count, url
    # Another division, directly or through a list: refused.
    assert head.get(URL, {"division": "QLVH"}).status_code == 403
    assert head.get(LIST, {"list": "now", "figure": "overdue", "division": "QLVH"}).status_code == 403
    # Naming the whole agency still gives his division's dossiers only.
    code = desk_floor.office.agency.code
    listed = head.get(LIST, {"list": "now", "figure": "open", "agency": code})
    assert {d.code for d in listed.context["page"]} == {"A", "B", "D"}


@pytest.mark.parametrize("who", ["specialist", "desk", "citizen"])
def test_officials_without_a_leading_role_are_refused(desk_floor, who):
    client = signed_in(getattr(desk_floor.office, who))
    assert client.get(URL).status_code == 403
    assert client.get(LIST, {"list": "now", "figure": "overdue"}).status_code == 403


def test_anonymous_is_sent_to_sign_in(desk_floor):
    for url in (URL, f"{LIST}?list=now&figure=overdue"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_another_agencys_leader_is_refused(desk_floor):
    foreign = signed_in(desk_floor.foreign_leader)
    code = desk_floor.office.agency.code
    assert foreign.get(URL).context["scope"].agency == desk_floor.office.other_agency
    assert foreign.get(URL, {"agency": code}).status_code == 403
    assert foreign.get(LIST, {"list": "now", "figure": "overdue", "agency": code}).status_code == 403
    query = urlencode(
        {"list": "report", "column": "received.new", "agency": code, "from": "2026-03-01", "to": "2026-03-31"}
    )
    assert foreign.get(f"{LIST}?{query}").status_code == 403


def test_a_city_report_viewer_sees_every_agency_of_the_city(desk_floor):
    viewer = signed_in(desk_floor.city_viewer)
    page = viewer.get(URL)
    lines = page.context["agency_lines"]
    assert [line.agency.code for line, _cells, _links in lines] == [
        "000.00.00.H13",
        "000.00.21.H13",
        "000.00.22.H13",
    ]
    # Open now: 6 in the department (A–F) and X in the other agency.
    assert page.context["agency_table"].total.now == {"open": 7, "overdue": 3, "due_soon": 1, "within": 2, "waiting": 1}
    for count, url in links_of(page.context):
        assert viewer.get(url).context["page"].paginator.count == count, url
    department = viewer.get(URL, {"agency": desk_floor.office.agency.code})
    assert department.context["work"].total["open"] == 6


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-13-01"},
        {"from": "2026-03-20", "to": "2026-03-01"},
        {"agency": "999.99.99.H99"},
        {"division": "NOPE"},
    ],
)
def test_bad_parameters_are_explained_not_a_500(desk_floor, params):
    page = signed_in(desk_floor.office.leader).get(URL, params)
    assert page.status_code == 400
    assert page.context["error"].fields


@pytest.mark.parametrize(
    "params",
    [
        {"list": "bogus"},
        {"list": "now", "figure": "nonsense"},
        {"list": "now", "figure": "open", "holder": "abc"},
        {"list": "report", "column": "received.everything"},
        {"list": "steps", "kind": "done", "actor": "janitor"},
    ],
)
def test_bad_list_parameters_are_explained_not_a_500(desk_floor, params):
    page = signed_in(desk_floor.office.leader).get(LIST, params)
    assert page.status_code == 400
    assert "error" in page.context


def test_the_menu_shows_the_dashboard_to_leaders_and_division_heads(desk_floor):
    for user, shown in (
        (desk_floor.office.leader, True),
        (desk_floor.head, True),
        (desk_floor.office.viewer, True),
        (desk_floor.office.specialist, False),
        (desk_floor.office.desk, False),
    ):
        links = [link["url"] for link in signed_in(user).get("/mot-cua/").context["links"]]
        assert (URL in links) is shown, user.username
