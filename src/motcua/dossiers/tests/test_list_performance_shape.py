"""The lists at scale: what they show does not depend on how they are counted or fetched.

The work lists and the dossier list count their dossiers one way of seeing them at a time and
fetch a page by its ids first (dossiers/selectors.py, bench/README.md §3). These tests hold that to
the plain meaning: the same dossiers, the same count, the same order as the visibility rule says.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from motcua.accounts.constants import Role, UserKind
from motcua.accounts.tests.factories import AgencyFactory, RoleAssignmentFactory, UserFactory
from motcua.catalog.constants import StepActor
from motcua.catalog.models import ProcessStep
from motcua.dossiers.models import Dossier, DossierConsultation, DossierStep
from motcua.dossiers.permissions import dossier_scope
from motcua.dossiers.selectors import QUEUES, WORK_STATUSES, dossier_list, dossier_queue
from motcua.dossiers.services.consultations import consultation_request
from motcua.dossiers.tests.flow import act, api, at, attach_result, intake
from motcua.workdays.domain import VIETNAM


def _stage_is_the_current_steps_actor(code: str) -> str:
    dossier = Dossier.objects.select_related("current_step").get(code=code)
    assert dossier.stage == (dossier.current_step.actor if dossier.current_step else "")
    return dossier.stage


def test_the_stage_is_the_current_steps_actor_all_along(office):
    with at(2026, 11, 19, 10, 20):
        code = intake(office)["code"]
    seen = [_stage_is_the_current_steps_actor(code)]
    with at(2026, 11, 19, 14, 0):
        for user, action, data in [
            (office.desk, "transfer", {"unit": "QLDL"}),
            (office.head, "assign", {"assignee": "specialist"}),
            (office.specialist, "propose_supplement", {"note": "Thiếu giấy tờ."}),
            (office.desk, "request_supplement", {"note": "Thiếu giấy tờ."}),
            (office.desk, "provide_supplement", {}),
            (office.specialist, "forward", {}),
            (office.head, "forward", {}),
        ]:
            assert act(user, code, action, **data).status_code == 200, action
            seen.append(_stage_is_the_current_steps_actor(code))
        assert attach_result(office.leader, code).status_code == 201
        for user, action in [(office.leader, "approve"), (office.desk, "return_result")]:
            assert act(user, code, action).status_code == 200, action
            seen.append(_stage_is_the_current_steps_actor(code))
    assert seen == [
        "one_stop_desk",  # received
        "division",  # transferred
        "division",  # assigned: the same step
        "one_stop_desk",  # the desk issues the supplement request the division proposed
        "",  # waiting for the applicant
        "division",  # back to the division
        "division_head",
        "leader",
        "one_stop_desk",  # approved: the desk returns the result
        "",  # returned
    ]


@pytest.fixture
def crowd(office):
    """Dossiers at every stage, one seen through a consultation, one received for another agency,
    one owned by an official, and the officials who see them each their own way."""
    other = AgencyFactory(code="000.00.30.H13", name="Sở Xây dựng")
    centre_desk = UserFactory(username="centre_desk", kind=UserKind.OFFICIAL)
    RoleAssignmentFactory(user=centre_desk, role=Role.DESK_OFFICER, agency=other)
    # Two roles that reach the same dossiers two ways (the agency, and the consultation).
    double = UserFactory(username="double", kind=UserKind.OFFICIAL)
    RoleAssignmentFactory(user=double, role=Role.SPECIALIST, agency=office.agency, unit=office.other_division)
    RoleAssignmentFactory(user=double, role=Role.DESK_OFFICER, agency=office.agency)
    with at(2026, 11, 19, 9, 0):
        codes = [intake(office)["code"] for _ in range(7)]
        for code in codes[1:]:
            assert act(office.desk, code, "transfer", unit="QLDL").status_code == 200
        for code in codes[2:]:
            assert act(office.head, code, "assign", assignee="specialist").status_code == 200
        for code in codes[3:]:
            assert act(office.specialist, code, "forward").status_code == 200
        for code in codes[4:]:
            assert act(office.head, code, "forward").status_code == 200
        consultation_request(
            code=codes[2], actor=office.specialist, unit_id=office.other_division.pk, question="Ý kiến?", working_days=2
        )
        # Received at the other agency's desk for this department (a service centre, say).
        Dossier.objects.filter(code=codes[6]).update(receiving_agency=other)
        # An official who also applied for himself.
        Dossier.objects.filter(code=codes[5]).update(owner=office.leader)
    with at(2026, 11, 19, 9, 30):
        online = api(office.citizen).post(
            "/api/v1/dossiers/",
            {"procedure": "2.001628", "channel": "online", "applicant": {"kind": "person", "name": "Lê Văn Cường"}},
            format="json",
        )
        assert online.status_code == 201, online.json()
    return [
        office.desk,
        office.specialist,
        office.other_specialist,
        office.head,
        office.leader,
        office.citizen,
        office.stranger,
        office.foreign_desk,
        centre_desk,
        double,
    ]


def test_counts_and_pages_are_those_of_the_plain_rule(office, crowd):
    with at(2026, 11, 30, 9, 0):
        for user in crowd:
            lists = [dossier_queue(user=user, queue=queue) for queue in QUEUES] + [dossier_list(user=user)]
            for listing in lists:
                everything = list(listing.values_list("pk", flat=True))  # an ordinary queryset
                assert listing.count() == len(everything), (user.username, str(listing.query))
                paged = [d.pk for start in range(0, len(everything) + 2, 2) for d in listing[start : start + 2]]
                assert paged == everything, user.username
                assert [d.pk for d in listing] == everything


def test_mine_counts_a_dossier_once_whichever_ways_it_waits(office):
    """ "Mine" is counted one way of waiting at a time (at a step, held by another agency, asked an
    opinion): a dossier that waits for a user two ways is counted once, and what another agency
    holds is counted for its officials."""
    for order, (name, actor, days) in enumerate(
        [
            ("Tiếp nhận", StepActor.ONE_STOP_DESK, "0.5"),
            ("Thẩm định", StepActor.DIVISION, "1"),
            ("Lấy ý kiến của Sở Xây dựng", StepActor.OTHER_AGENCY, "2"),
            ("Phê duyệt", StepActor.LEADER, "1"),
            ("Trả kết quả", StepActor.ONE_STOP_DESK, "0.5"),
        ],
        1,
    ):
        ProcessStep.objects.create(version=office.version, order=order, name=name, actor=actor, duration=Decimal(days))
    partner = AgencyFactory(code="000.00.30.H13", name="Sở Xây dựng")
    partner_desk = UserFactory(username="partner_desk", kind=UserKind.OFFICIAL)
    RoleAssignmentFactory(user=partner_desk, role=Role.DESK_OFFICER, agency=partner)
    # The agency's leader, who also heads the division whose opinion is asked.
    both = UserFactory(username="both", kind=UserKind.OFFICIAL)
    RoleAssignmentFactory(user=both, role=Role.AGENCY_LEADER, agency=office.agency)
    RoleAssignmentFactory(user=both, role=Role.DIVISION_HEAD, agency=office.agency, unit=office.other_division)
    with at(2026, 11, 19, 9, 0):
        held, decided, waiting = (intake(office)["code"] for _ in range(3))
        for code in (held, decided, waiting):
            assert act(office.desk, code, "transfer", unit="QLDL").status_code == 200
            assert act(office.head, code, "assign", assignee="specialist").status_code == 200
            consultation_request(
                code=code, actor=office.specialist, unit_id=office.other_division.pk, question="?", working_days=2
            )
        for code in (held, decided):
            assert act(office.specialist, code, "forward", agency=partner.code, note="Cho ý kiến.").status_code == 200
        assert act(partner_desk, decided, "forward").status_code == 200  # back, to the leader

    def mine(user) -> set[str]:
        counted = dossier_queue(user=user, queue="mine").count()
        upto = dossier_queue(user=user, queue="mine").count_upto(1)
        codes = [d.code for d in dossier_queue(user=user, queue="mine")]
        assert (counted, upto) == (len(codes), min(len(codes), 2)), user.username
        return set(codes)

    assert mine(partner_desk) == {held}
    assert mine(both) == {held, decided, waiting}  # `decided` at the leader's step and asked of the division
    assert mine(office.other_specialist) == {held, decided, waiting}
    assert mine(office.specialist) == {waiting}
    assert mine(office.leader) == {decided}
    assert mine(office.head) == mine(office.desk) == set()


def test_who_sees_what_through_each_way(office, crowd):
    by_name = {user.username: user for user in crowd}
    seen = {name: set(dossier_list(user=user).values_list("code", flat=True)) for name, user in by_name.items()}
    codes = sorted(Dossier.objects.values_list("code", flat=True))
    received_elsewhere = Dossier.objects.exclude(receiving_agency=office.agency).get().code
    consulted = Dossier.objects.get(consultations__isnull=False).code
    assert seen["desk"] == set(codes)
    assert seen["centre_desk"] == {received_elsewhere}
    assert seen["specialist2"] == {consulted}
    assert seen["leader"] == seen["double"] == set(codes)
    assert seen["citizen"] == set(Dossier.objects.filter(channel="online").values_list("code", flat=True))
    assert seen["stranger"] == seen["desk_other"] == set()


def test_ways_that_cannot_match_are_left_out(office):
    assert dossier_scope(office.desk).extras == ()  # nothing was ever handed to the agency
    assert dossier_scope(office.specialist).extras == ()  # the division was never consulted
    assert not dossier_scope(office.leader).owns
    code = intake(office)["code"]
    act(office.desk, code, "transfer", unit="QLDL")
    act(office.head, code, "assign", assignee="specialist")
    consultation_request(
        code=code, actor=office.specialist, unit_id=office.other_division.pk, question="Ý kiến?", working_days=2
    )
    assert len(dossier_scope(office.other_specialist).extras) == 1
    assert dossier_scope(office.specialist).extras == ()  # asking is not being asked


def test_the_work_lists_stay_within_the_work_statuses_the_indexes_cover():
    conditions = {index.name: index.condition for index in Dossier._meta.indexes}
    for name in ("dossier_work_status", "dossier_work_due"):
        _lookup, statuses = conditions[name].children[0]
        assert tuple(statuses) == WORK_STATUSES


def test_received_dates_are_days_of_the_local_calendar(office):
    with at(2026, 11, 19, 23, 30):  # 16:30 UTC: still the 19th in Việt Nam
        code = intake(office)["code"]
    received = Dossier.objects.get(code=code).received_at
    assert received.astimezone(VIETNAM).date() == date(2026, 11, 19)

    def listed(**days) -> list[str]:
        return list(dossier_list(user=office.desk, **days).values_list("code", flat=True))

    assert listed(received_from=date(2026, 11, 19), received_to=date(2026, 11, 19)) == [code]
    assert listed(received_to=date(2026, 11, 18)) == []
    assert listed(received_from=date(2026, 11, 20)) == []


def test_the_api_list_reads_no_more_queries_for_more_dossiers(office):
    client = api(office.desk)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/dossiers/", {"page_size": 500}).status_code == 200
        return len(ctx.captured_queries)

    intake(office)
    few = queries()
    for _ in range(5):
        intake(office)
    assert queries() == few


def test_a_short_last_page_is_still_right(office):
    with at(2026, 11, 19, 9, 0):
        codes = [intake(office)["code"] for _ in range(3)]
    listing = dossier_queue(user=office.desk, queue="all", now=datetime(2026, 11, 19, 10, 0, tzinfo=VIETNAM))
    assert listing.count() == 3
    order = [d.code for d in listing]
    assert sorted(order) == sorted(codes)
    assert [d.code for d in listing[2:3]] == order[2:3]  # a page of one row
    assert [d.code for d in listing[1:]] == order[1:]
    assert listing.first().code == order[0]


def test_a_long_work_list_says_more_than_and_still_pages(client, office, monkeypatch):
    import motcua.dossiers.selectors

    monkeypatch.setattr(motcua.dossiers.selectors, "QUEUE_COUNT_LIMIT", 0)  # a page's worth: 25
    with at(2026, 11, 19, 9, 0):
        codes = {intake(office)["code"] for _ in range(27)}
    client.force_login(office.desk)
    client.cookies["django_language"] = "en"
    first = client.get("/mot-cua/", {"queue": "all"})
    text = first.content.decode()
    assert "More than 25 dossiers" in text and "Page 1" in text and "Page 1 of" not in text
    assert first.context["page"].has_next()
    second = client.get("/mot-cua/", {"queue": "all", "page": 2})  # counted as far as this page: exact
    assert "27 dossiers" in second.content.decode() and "Page 2 of 2" in second.content.decode()
    shown = [d.code for d in first.context["page"]] + [d.code for d in second.context["page"]]
    assert sorted(shown) == sorted(codes)


def test_count_upto_stops_past_the_limit(office):
    with at(2026, 11, 19, 9, 0):
        for _ in range(3):
            act(office.desk, intake(office)["code"], "transfer", unit="QLDL")
    for user in (office.desk, office.specialist):  # several parts; one part
        listing = dossier_queue(user=user, queue="all")
        assert [listing.count_upto(limit) for limit in (1, 2, 3, 10)] == [2, 3, 3, 3]


def test_the_api_list_rows_are_what_the_list_serializer_documents(office):
    """The list is built from rows (LIST_COLUMNS) for speed; it must say what the schema says."""
    from motcua.dossiers.api.serializers import DossierListSerializer

    with at(2026, 11, 19, 9, 0):
        online = (
            api(office.citizen)
            .post(
                "/api/v1/dossiers/",
                {"procedure": "2.001628", "channel": "online", "applicant": {"kind": "person", "name": "Lê Văn Hai"}},
                format="json",
            )
            .json()["code"]
        )  # submitted: no receipt, no due date yet
        received = intake(office)["code"]
        extended = intake(office)["code"]
        act(office.desk, extended, "transfer", unit="QLDL")
    with at(2026, 11, 26, 9, 0):  # the working day before the due date
        response = act(office.leader, extended, "extend", note="Cần xác minh.", new_due_at="2026-12-10T16:00:00+07:00")
        assert response.status_code == 200
    listed = {row["code"]: row for row in api(office.leader).get("/api/v1/dossiers/").json()["results"]}
    assert set(listed) == {online, received, extended}
    for dossier in Dossier.objects.filter(code__in=listed).select_related(
        "procedure_version__procedure", "competent_agency"
    ):
        assert listed[dossier.code] == DossierListSerializer(dossier).data
    assert listed[online]["received_at"] is None and listed[online]["due_at"] is None
    assert listed[extended]["due_at"] == "2026-12-10T16:00:00+07:00"


def test_a_page_merged_from_the_ways_a_division_sees_is_the_plain_rules_page(office, monkeypatch):
    """A division head sees the division's dossiers, those the division is consulted on and those
    another agency handed to theirs. A page is taken from the first dossiers of each of those parts,
    merged (bench/README.md §7): it must be the plain rule's page, the same dossiers in the same order,
    equal due dates and submission times included, on every page, and the count the same."""
    import motcua.dossiers.selectors

    partner = AgencyFactory(code="000.00.30.H13", name="Sở Xây dựng")
    head = UserFactory(username="head2", kind=UserKind.OFFICIAL)
    RoleAssignmentFactory(user=head, role=Role.DIVISION_HEAD, agency=office.agency, unit=office.other_division)
    with at(2026, 11, 19, 9, 0):
        codes = [intake(office)["code"] for _ in range(24)]
    dossiers = list(Dossier.objects.filter(code__in=codes).order_by("pk"))
    own, consulted, handed = dossiers[:9], dossiers[9:14], dossiers[14:18]
    own_and_consulted, consulted_and_handed, unseen = dossiers[18], dossiers[19], dossiers[20:]
    day = datetime(2026, 11, 26, 17, 0, tzinfo=VIETNAM)
    for i, dossier in enumerate(dossiers):  # a few due dates (and none), two submission times: ties
        Dossier.objects.filter(pk=dossier.pk).update(
            due_at=[None, day, day + timedelta(days=1), day + timedelta(days=1), day][i % 5],
            submitted_at=dossier.submitted_at - timedelta(hours=i % 2),
        )
    Dossier.objects.filter(pk__in=[d.pk for d in [*own, own_and_consulted]]).update(
        processing_unit=office.other_division
    )
    Dossier.objects.filter(pk__in=[d.pk for d in [*consulted, *unseen]]).update(processing_unit=office.division)
    Dossier.objects.filter(pk__in=[d.pk for d in [*handed, consulted_and_handed]]).update(
        competent_agency=partner, receiving_agency=partner, processing_unit=None
    )
    asked = datetime(2026, 11, 20, 9, 0, tzinfo=VIETNAM)
    for dossier in [*consulted, own_and_consulted, consulted_and_handed]:
        DossierConsultation.objects.create(
            dossier=dossier,
            unit=office.other_division,
            question="Ý kiến?",
            requested_by=office.specialist,
            requested_at=asked,
            due_at=asked + timedelta(days=2),
        )
    for dossier in [*handed, consulted_and_handed]:
        DossierStep.objects.create(
            dossier=dossier, plan_index=2, name="Liên thông", actor=StepActor.OTHER_AGENCY, agency=office.agency,
            started_at=asked,
        )  # fmt: skip
    scope = dossier_scope(head)
    # The division's own, then two parts reached through a consultation and a hand-over.
    assert [via is None for _, via in scope.ordered_parts()] == [True, False, False]
    plain = Dossier.objects.filter(scope.condition())
    seen = {d.pk for d in [*own, *consulted, *handed, own_and_consulted, consulted_and_handed]}
    in_due_order = list(
        plain.order_by(F("due_at").asc(nulls_last=True), "-submitted_at", "-id").values_list("pk", flat=True)
    )
    newest_first = list(plain.order_by("-submitted_at", "-id").values_list("pk", flat=True))
    assert set(in_due_order) == set(newest_first) == seen

    def pages(listing, size: int) -> list[int]:
        return [d.pk for start in range(0, len(seen) + size, size) for d in listing()[start : start + size]]

    with at(2026, 11, 27, 9, 0):  # some overdue, some due soon
        for floor in (25, 1):  # a page's worth of ids from each part; then only the page's
            monkeypatch.setattr(motcua.dossiers.selectors, "PAGE_FLOOR", floor)
            for size in (1, 2, 3, 25):
                assert pages(lambda: dossier_queue(user=head, queue="all"), size) == in_due_order, (floor, size)
                assert pages(lambda: dossier_list(user=head), size) == newest_first, (floor, size)
            for queue in QUEUES:
                everything = list(dossier_queue(user=head, queue=queue).values_list("pk", flat=True))
                assert pages(lambda queue=queue: dossier_queue(user=head, queue=queue), 2) == everything, queue
            counted = dossier_list(user=head)  # a short list whose count is known: every part sorted
            assert counted.count() == len(seen)
            assert [d.pk for start in range(0, 22, 3) for d in counted[start : start + 3]] == newest_first
            counted = dossier_queue(user=head, queue="all")
            assert counted.count_upto(10) == 11 and counted.count_upto(100) == len(seen)
            assert [d.pk for start in range(0, 22, 4) for d in counted[start : start + 4]] == in_due_order
        by_api = [
            row["code"]
            for page in range(1, 8)  # 20 dossiers, 3 a page
            for row in api(head).get("/api/v1/dossiers/", {"page_size": 3, "page": page}).json()["results"]
        ]
    assert by_api == [Dossier.objects.get(pk=pk).code for pk in newest_first]
