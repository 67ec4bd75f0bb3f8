"""Feedback and petitions (PAKN): sending, the agency's handling on working days, the sender's follow-up,
the public answers and the figures of Decision 766 group 5 and TT 01/2018 index 8."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.core.cache import cache
from django.forms.models import model_to_dict

from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.flow import intake
from motcua.feedback.constants import PaknAction, PaknStage
from motcua.feedback.models import Pakn, PaknEvent, PaknReaction
from motcua.feedback.selectors import PaknFigures, pakn_figures, pakn_rows
from motcua.feedback.services import (
    PaknForbidden,
    PaknInput,
    PaknRefused,
    mask_personal_data,
    pakn_due,
    pakn_react,
    pakn_submit,
    pakn_transition,
)
from motcua.feedback.states import RULES
from motcua.workdays.domain import VIETNAM

A = PaknAction


def at(day: date | tuple[int, int, int], hour: int = 10, minute: int = 0) -> time_machine.travel:
    y, m, d = day if isinstance(day, tuple) else (day.year, day.month, day.day)
    return time_machine.travel(datetime(y, m, d, hour, minute, tzinfo=VIETNAM), tick=False)


def local(y: int, m: int, d: int, hour: int = 17, minute: int = 0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=VIETNAM)


def send(office, *, user=None, consent=True, **extra) -> Pakn:
    data = {
        "category": "regulations",
        "title": "Thủ tục quá rườm rà",
        "content": "Tôi phải nộp bản sao chứng thực dù đã có bản điện tử. Liên hệ 0907 111 222.",
        "contact_name": "Phạm Thu Trang",
        "contact_phone": "0907111222",
        "contact_email": "trang@example.vn",
        "consent_to_publish": consent,
        **extra,
    }
    return pakn_submit(agency=office.agency, data=PaknInput(**data), submitter=user)


def step(pakn: Pakn, action: str, actor, text: str = "Nội dung.", **kwargs) -> Pakn:
    sender = RULES[action].actor == "sender"
    return pakn_transition(
        pakn_id=pakn.pk, action=action, actor=None if sender else actor, as_sender=sender, text=text, **kwargs
    )


def answered(office, pakn: Pakn) -> Pakn:
    step(pakn, A.DRAFT, office.desk, "Đã bỏ yêu cầu bản sao chứng thực.")
    return step(pakn, A.APPROVE, office.leader)


# --- Deadlines on working days ------------------------------------------------------------------------


def test_deadlines_count_working_days_across_the_weekend_and_a_holiday(office):
    """Thu 19/11/2026; Sat–Sun 21–22/11 and Tue 24/11 (Vietnamese Culture Day) are not counted."""
    with at((2026, 11, 19)):
        pakn = send(office)
    assert pakn.code == "PAKN-261119-0001"
    assert pakn_due(pakn, A.REFUSE) == local(2026, 11, 23)  # Fri 20, Mon 23
    assert pakn_due(pakn, A.REQUEST_INFO) == local(2026, 11, 27)  # 20, 23, 25, 26, 27
    assert pakn_due(pakn, A.APPROVE) == local(2026, 12, 11)
    with at((2026, 11, 25)):
        step(pakn, A.REQUEST_INFO, office.desk, "Xin cho biết tên thủ tục.")
    with at((2026, 11, 30)):  # the sender answers on Monday: handling counts again from there
        pakn = step(pakn, A.ANSWER_INFO, None, "Thủ tục cấp giấy phép lữ hành.")
    assert pakn_due(pakn, A.APPROVE) == local(2026, 12, 21)
    with at((2026, 12, 18)):
        step(pakn, A.DRAFT, office.desk, "Trả lời.")
    with at((2026, 12, 22)):  # one working day too late
        pakn = step(pakn, A.APPROVE, office.leader)
    assert pakn_due(pakn, A.PUBLISH) == local(2026, 12, 24)
    with at((2026, 12, 24), 16):
        step(pakn, A.PUBLISH, office.desk)
    timed = {e.action: (e.due_at, e.on_time, e.actor) for e in pakn.events.all() if e.due_at}
    assert timed == {
        A.REQUEST_INFO: (local(2026, 11, 27), True, office.desk),
        A.APPROVE: (local(2026, 12, 21), False, office.leader),
        A.PUBLISH: (local(2026, 12, 24), True, office.desk),
    }


def test_the_list_shows_what_is_owed_and_flags_it_overdue(office):
    with at((2026, 11, 19)):
        pakn = send(office)
    with at((2026, 12, 11), 16, 59):
        assert pakn_rows([pakn])[0].overdue is False
    with at((2026, 12, 14)):
        row = pakn_rows([pakn])[0]
    assert (row.due_step, row.due_at, row.overdue) == (A.APPROVE, local(2026, 12, 11), True)


# --- The state machine ----------------------------------------------------------------------------------


def pakn_at_stage(office, stage: str) -> Pakn:
    pakn = send(office)
    if stage == PaknStage.INFO_REQUESTED:
        step(pakn, A.REQUEST_INFO, office.desk)
    elif stage == PaknStage.REFUSED:
        step(pakn, A.REFUSE, office.desk)
    elif stage == PaknStage.DRAFTED:
        step(pakn, A.DRAFT, office.desk)
    elif stage in (PaknStage.ANSWERED, PaknStage.PUBLISHED):
        answered(office, pakn)
        if stage == PaknStage.PUBLISHED:
            step(pakn, A.PUBLISH, office.desk)
    pakn.refresh_from_db()
    assert pakn.stage == stage
    return pakn


@pytest.mark.parametrize("stage", PaknStage.values)
def test_each_illegal_action_is_refused_and_nothing_changes(office, stage):
    pakn = pakn_at_stage(office, stage)
    before, events = model_to_dict(pakn), PaknEvent.objects.count()
    for action, rule in RULES.items():
        if stage in rule.sources:
            continue
        actor = office.leader
        with pytest.raises(PaknRefused):
            step(pakn, action, actor)
        pakn.refresh_from_db()
        assert model_to_dict(pakn) == before and PaknEvent.objects.count() == events, action


def test_a_stale_page_missing_text_or_no_consent_are_refused(office):
    pakn = send(office, consent=False)
    with pytest.raises(PaknRefused, match="acted on it meanwhile"):
        step(pakn, A.DRAFT, office.desk, expected_stage=PaknStage.DRAFTED)
    with pytest.raises(PaknRefused):
        step(pakn, A.REFUSE, office.desk, text="  ")
    answered(office, pakn)
    with pytest.raises(PaknRefused) as refused:
        step(pakn, A.PUBLISH, office.desk)
    assert refused.value.code == "pakn-no-consent"
    assert Pakn.objects.get().stage == PaknStage.ANSWERED


def test_only_the_agencys_leader_and_desk_act_and_only_the_leader_approves(office):
    pakn = send(office)
    for outsider in (office.foreign_desk, office.specialist, office.citizen):
        with pytest.raises(PaknForbidden):
            step(pakn, A.DRAFT, outsider)
    step(pakn, A.DRAFT, office.desk)
    with pytest.raises(PaknForbidden, match="leader"):
        step(pakn, A.APPROVE, office.desk)
    with pytest.raises(PaknForbidden):  # the sender's steps need the sender
        pakn_transition(pakn_id=pakn.pk, action=A.RAISE_AGAIN, actor=office.leader, text="x")
    assert Pakn.objects.get().stage == PaknStage.DRAFTED


def test_raising_it_again_reopens_it_and_restarts_the_clock(office):
    with at((2026, 11, 19)):
        pakn = answered(office, send(office))
    with at((2026, 12, 1)):
        pakn = step(pakn, A.RAISE_AGAIN, None, "Vẫn chưa được giải quyết.")
    assert (pakn.stage, pakn.raised_again, pakn.answer, pakn.answered_at) == (PaknStage.RECEIVED, 1, "", None)
    assert pakn.clock_started_at == local(2026, 12, 1, 10)


# --- Codes, dossiers, contacts ----------------------------------------------------------------------


def test_codes_are_numbered_per_agency_and_day_and_dossiers_linked_only_for_their_applicant(office):
    code = intake(office)["code"]
    dossier = Dossier.objects.get(code=code)
    dossier.owner = office.citizen
    dossier.save()
    with at((2026, 11, 26)):
        mine = send(office, user=office.citizen, dossier_code=code.lower())
        theirs = send(office, user=office.stranger, dossier_code=code)
        from motcua.accounts.models import Agency

        other = pakn_submit(
            agency=Agency.objects.get(code="000.00.22.H13"),
            data=PaknInput(
                category="conduct", title="T", content="Nội dung đủ dài.", contact_name="A", contact_phone="0907111222"
            ),
        )
    assert (mine.code, theirs.code, other.code) == ("PAKN-261126-0001", "PAKN-261126-0002", "PAKN-261126-0001")
    assert (mine.dossier, mine.dossier_code) == (dossier, code)
    assert (theirs.dossier, theirs.dossier_code) == (None, code)


def test_a_sender_without_an_account_gives_a_name_and_a_phone_or_email(office):
    from motcua.core.errors import DomainError

    with pytest.raises(DomainError) as bad:
        pakn_submit(
            agency=office.agency,
            data=PaknInput(category="x", title="", content="ngắn", dossier_code="KHONG-CO"),
        )
    assert set(bad.value.fields) == {"category", "title", "content", "contact_name", "contact_phone", "dossier_code"}
    assert not Pakn.objects.exists()


# --- Reactions ------------------------------------------------------------------------------------------


def test_one_reaction_per_person_which_may_change(office):
    pakn = send(office, user=office.citizen)
    with pytest.raises(PaknRefused):  # nothing to react to yet
        pakn_react(pakn_id=pakn.pk, value="like", user=office.citizen)
    answered(office, pakn)
    pakn_react(pakn_id=pakn.pk, value="like", user=office.citizen)
    pakn_react(pakn_id=pakn.pk, value="dislike", user=office.citizen)
    with pytest.raises(PaknRefused):  # not published: only the sender reacts
        pakn_react(pakn_id=pakn.pk, value="like", user=office.stranger)
    step(pakn, A.PUBLISH, office.desk)
    pakn_react(pakn_id=pakn.pk, value="like", user=office.stranger)
    pakn_react(pakn_id=pakn.pk, value="like", visitor="b1")
    pakn_react(pakn_id=pakn.pk, value="like", visitor="b1")
    with pytest.raises(PaknRefused):
        pakn_react(pakn_id=pakn.pk, value="love", visitor="b1")
    assert sorted(PaknReaction.objects.values_list("value", "by_sender")) == [
        ("dislike", True),
        ("like", False),
        ("like", False),
    ]


# --- Figures ----------------------------------------------------------------------------------------------


def test_figures_5_2_5_3_and_index_8_on_a_hand_checked_set(office):
    """Five PAKN received on 19/11/2026 (answer due 11/12), judged on 31/12/2026:

    A answered and published on time, liked → on time, satisfied
    B answered late (approved 14/12)    → late
    C answered on time, 2 dislikes 1 like → on time, unsatisfied
    D answered on time, raised again 28/12, within its new limit → on time, raised again
    E (conduct) never answered          → overdue
    5.2 = 3/5 = 0.6 (3.6 points); 5.3 = (5 − C − D − {B, E}) / 5 = 1/5 = 0.2 (1.2 points); index 8 = 0.
    """
    with at((2026, 11, 19)):
        a, b, c, d = (send(office) for _ in range(4))
        e = send(office, category="conduct")
        for p in (a, c, d):
            answered(office, p)
            step(p, A.PUBLISH, office.desk)
        step(b, A.DRAFT, office.desk)
    with at((2026, 12, 14)):
        step(b, A.APPROVE, office.leader)
        step(b, A.PUBLISH, office.desk)
    with at((2026, 12, 28)):
        step(d, A.RAISE_AGAIN, None, "Chưa thỏa đáng.")
    pakn_react(pakn_id=a.pk, value="like", as_sender=True, visitor="s")
    for visitor, value in (("v1", "dislike"), ("v2", "dislike"), ("v3", "like")):
        pakn_react(pakn_id=c.pk, value=value, as_sender=True, visitor=visitor)
    with at((2026, 12, 31)):
        figures = pakn_figures(agency=office.agency, start=date(2026, 11, 1), end=date(2026, 11, 30))
    codes = lambda items: sorted(p.code for p in items)  # noqa: E731
    assert [(value, len(items)) for value, _, items in figures.by_category] == [("regulations", 4), ("conduct", 1)]
    assert codes(figures.on_time) == codes([a, c, d]) and codes(figures.late) == codes([b, e])
    assert (figures.on_time_rate, figures.on_time_points) == (0.6, 3.6)
    assert codes(figures.unsatisfied) == [c.code] and codes(figures.raised_again) == [d.code]
    assert codes(figures.satisfied) == [a.code]
    assert (figures.satisfaction_rate, figures.satisfaction_points, figures.index8) == (0.2, 1.2, 0)


def test_index_8_thresholds():
    def figures(on_time: int, late: int, prolonged: int = 0) -> PaknFigures:
        items = [object()] * (on_time + late)
        f = PaknFigures(agency=None, start=date(2026, 1, 1), end=date(2026, 12, 31), as_of=local(2026, 12, 31))  # type: ignore[arg-type]
        f.all, f.on_time, f.prolonged = items, items[:on_time], items[:prolonged]  # type: ignore[assignment]
        return f

    assert figures(0, 0).index8 == 2 and figures(0, 0).on_time_rate is None
    assert figures(10, 0).index8 == 2
    assert figures(9, 1).index8 == 1
    assert figures(8, 2).index8 == 0
    assert figures(10, 0, prolonged=1).index8 == 0


def test_personal_data_is_masked_in_published_text():
    assert mask_personal_data("Gọi 0907 111 222 hoặc a.b@x.vn, CCCD 092085001234; lệ phí 1.500.000 đồng.") == (
        "Gọi *** hoặc ***, CCCD ***; lệ phí 1.500.000 đồng."
    )
    assert mask_personal_data("Bà Phạm Thu Trang (chị Trang) hỏi về Trangđài", ("Phạm Thu Trang",)) == (
        "Bà *** (chị ***) hỏi về Trangđài"
    )


# --- Through the pages --------------------------------------------------------------------------------------


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    cache.clear()
    return client


FORM = {
    "agency": "000.00.21.H13",
    "category": "regulations",
    "title": "Phí quá cao",
    "content": "Lệ phí thẩm định cao hơn tỉnh bạn. Số tôi 0907111222, CCCD 092085001234.",
    "contact_name": "Phạm Thu Trang",
    "contact_phone": "0907 111 222",
    "contact_email": "trang@example.vn",
    "consent_to_publish": "on",
}


def test_a_visitor_sends_follows_and_the_public_page_shows_no_personal_data(en, client, office, django_user_model):
    bad = client.post(
        "/phan-anh/", {**FORM, "contact_phone": "", "contact_email": "", "agency": "nope", "title": "x" * 999}
    )
    assert bad.status_code == 200 and "Choose the agency" in bad.content.decode() and not Pakn.objects.exists()
    sent = client.post("/phan-anh/", {**FORM, "dossier_code": "KHONG-CO"})
    assert "No dossier has this code" in sent.content.decode()
    response = client.post("/phan-anh/", FORM, follow=True)
    pakn = Pakn.objects.get()
    page = response.content.decode()
    assert pakn.code in page and pakn.secret in page and pakn.contact_phone == "+84907111222"
    # Another browser follows it with the code and the secret.
    other = client.__class__()
    other.cookies["django_language"] = "en"
    assert other.get(f"/phan-anh/theo-doi/{pakn.pk}/").status_code == 404
    wrong = other.post("/phan-anh/theo-doi/", {"code": pakn.code, "secret": "WRONG"})
    assert "No feedback matches" in wrong.content.decode()
    assert other.post("/phan-anh/theo-doi/", {"code": pakn.code, "secret": pakn.secret.lower()}).status_code == 302
    assert "Being handled" in other.get(f"/phan-anh/theo-doi/{pakn.pk}/").content.decode()
    # The desk asks for information; the sender gives it from the follow page.
    desk = client.__class__()
    desk.force_login(office.desk)
    desk.cookies["django_language"] = "en"
    desk.post(
        f"/mot-cua/phan-anh/{pakn.pk}/thao-tac/", {"action": "request_info", "stage": "received", "text": "Lệ phí nào?"}
    )
    assert "Lệ phí nào?" in other.get(f"/phan-anh/theo-doi/{pakn.pk}/").content.decode()
    other.post(f"/phan-anh/theo-doi/{pakn.pk}/bo-sung/", {"stage": "info_requested", "text": "Lệ phí thẩm định."})
    desk.post(
        f"/mot-cua/phan-anh/{pakn.pk}/thao-tac/", {"action": "draft", "stage": "received", "text": "Đã giảm 50%."}
    )
    stale = desk.post(
        f"/mot-cua/phan-anh/{pakn.pk}/thao-tac/", {"action": "draft", "stage": "received", "text": "X"}, follow=True
    )
    assert "acted on it meanwhile" in stale.content.decode()
    assert "Đã giảm 50%" not in other.get(f"/phan-anh/theo-doi/{pakn.pk}/").content.decode()  # a draft is internal
    leader = client.__class__()
    leader.force_login(office.leader)
    leader.post(f"/mot-cua/phan-anh/{pakn.pk}/thao-tac/", {"action": "approve", "stage": "drafted"})
    desk.post(
        f"/mot-cua/phan-anh/{pakn.pk}/thao-tac/",
        {
            "action": "publish",
            "stage": "answered",
            "public_title": "Phí quá cao (Trang)",
            "public_question": FORM["content"],
        },
    )
    public = other.get("/phan-anh/cong-khai/", {"q": "phi tham dinh"}).content.decode()
    assert "Đã giảm 50%" in public
    for personal in ("Trang", "0907111222", "092085001234", "trang@example.vn", "+84907111222"):
        assert personal not in public, personal
    assert "No published answer" in other.get("/phan-anh/cong-khai/", {"q": "khong co gi"}).content.decode()
    # Visitors like it, once per browser (a signed cookie); the sender dislikes and raises it again.
    third = client.__class__()
    for _ in range(2):
        third.post(f"/phan-anh/cong-khai/{pakn.pk}/bay-to/", {"value": "like"})
    other.post(f"/phan-anh/theo-doi/{pakn.pk}/bay-to/", {"value": "dislike"})
    assert sorted(PaknReaction.objects.values_list("value", "by_sender")) == [("dislike", True), ("like", False)]
    other.post(f"/phan-anh/theo-doi/{pakn.pk}/phan-anh-lai/", {"stage": "published", "text": "Vẫn cao."})
    pakn.refresh_from_db()
    assert (pakn.stage, pakn.raised_again) == (PaknStage.RECEIVED, 1)
    assert "Đã giảm 50%" not in other.get("/phan-anh/cong-khai/").content.decode()


def test_submissions_are_rate_limited_per_address(en, client, office, monkeypatch):
    from motcua.portal import feedback_views

    monkeypatch.setattr(feedback_views, "SUBMITS_PER_WINDOW", 2)
    assert client.post("/phan-anh/", FORM).status_code == 302
    assert client.post("/phan-anh/", FORM).status_code == 302
    blocked = client.post("/phan-anh/", FORM)
    assert blocked.status_code == 429 and "Too many messages" in blocked.content.decode()
    assert Pakn.objects.count() == 2


def test_bad_requests_never_fail(en, client, office):
    assert client.get("/phan-anh/da-gui/").status_code == 302
    assert client.post("/phan-anh/", {"agency": "\x00", "category": ["a", "b"], "title": "\x00"}).status_code == 200
    assert client.post("/phan-anh/theo-doi/", {"code": "x" * 500, "secret": ""}).status_code == 200
    assert client.get("/phan-anh/theo-doi/999999/").status_code == 404
    assert client.post("/phan-anh/theo-doi/999999/bay-to/").status_code == 404
    assert client.get("/phan-anh/cong-khai/", {"page": "abc", "q": "\x00" * 300}).status_code == 200
    client.post("/phan-anh/cong-khai/999999/bay-to/", {"value": "like"})
    pakn = send(office)
    client.post("/phan-anh/theo-doi/", {"code": pakn.code, "secret": pakn.secret})
    assert client.post(f"/phan-anh/theo-doi/{pakn.pk}/xoa/").status_code == 404
    assert (
        client.post(f"/phan-anh/theo-doi/{pakn.pk}/bay-to/", {"value": "like"}).status_code == 302
    )  # refused: a message


def test_officials_pages_are_limited_to_their_agency(en, client, office):
    with at((2026, 11, 19)):
        pakn = send(office)
    client.force_login(office.foreign_desk)
    assert client.get(f"/mot-cua/phan-anh/{pakn.pk}/").status_code == 404
    assert client.post(f"/mot-cua/phan-anh/{pakn.pk}/thao-tac/", {"action": "refuse", "text": "x"}).status_code == 404
    assert pakn.code not in client.get("/mot-cua/phan-anh/").content.decode()
    client.force_login(office.specialist)
    assert client.get("/mot-cua/phan-anh/").status_code == 403
    with at((2026, 12, 14)):
        client.force_login(office.leader)
        listing = client.get("/mot-cua/phan-anh/").content.decode()
        figures = client.get("/mot-cua/phan-anh/chi-so/", {"from": "2026-11-01", "to": "bad"}).content.decode()
    assert pakn.code in listing and 'class="row-flagged"' in listing and "Overdue" in listing
    assert pakn.code in figures and "5.2" in figures
    page = client.get(f"/mot-cua/phan-anh/{pakn.pk}/")
    assert page.status_code == 200 and page.context["actions"] == ["refuse", "request_info", "draft"]


def test_the_figures_panel_for_the_leaders_ratings_page(rf, office):
    from django.template import Context, Template
    from django.utils import translation

    send(office, category="conduct")
    request = rf.get("/mot-cua/danh-gia/")
    panel = Template("{% load pakn %}{% pakn_figures_panel %}")
    with translation.override("en"):
        request.user = office.leader
        html = panel.render(Context({"request": request}))
        request.user = office.specialist
        nothing = panel.render(Context({"request": request}))
    assert "Feedback and petitions this year" in html and "/mot-cua/phan-anh/chi-so/" in html
    assert nothing.strip() == ""
