"""The public catalog pages as a citizen meets them."""

from __future__ import annotations

import pytest

from motcua.catalog.tests.factories import FeeFactory, ProcedureVersionFactory, RequiredDocumentFactory
from motcua.core.templatetags.formats import dong, percent
from motcua.portal.templatetags.portal import highlight

pytestmark = pytest.mark.django_db


@pytest.fixture
def travel():
    version = ProcedureVersionFactory(
        procedure__code="2.001628",
        name="Thủ tục cấp Giấy phép kinh doanh dịch vụ lữ hành nội địa",
        full_online=True,
        source_url="https://dichvucong.gov.vn/thu-tuc-hanh-chinh/x",
        legal_basis="168/2017/NĐ-CP",
    )
    FeeFactory(version=version, amount=1000000)
    RequiredDocumentFactory(version=version, name="Đơn đề nghị cấp Giấy phép")
    return version


def test_home_shows_catalog_figures_and_browse_links(client, travel):
    ProcedureVersionFactory(information_only=True)
    response = client.get("/")
    assert response.status_code == 200
    figures = response.context["figures"]
    assert (figures.published, figures.full) == (2, 1)
    html = response.content.decode()
    assert f"?field={travel.field.code}" in html and f"?agency={travel.agency.code}" in html


def test_search_results_highlight_the_words_found(client, travel):
    response = client.get("/thu-tuc/", {"q": "lu hanh noi dia"})
    html = response.content.decode()
    assert "<mark>lữ</mark> <mark>hành</mark> <mark>nội</mark> <mark>địa</mark>" in html
    assert response.context["page"].paginator.count == 1


def test_search_page_with_nonsense_parameters_does_not_fail(client, travel):
    response = client.get("/thu-tuc/", {"level": "<script>", "page": "999", "field": "x" * 500, "q": "\x00"})
    assert response.status_code == 200


def test_procedure_page_tells_a_citizen_what_to_do(client, travel):
    response = client.get("/thu-tuc/2.001628/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("lữ hành nội địa", "1.000.000 đ", "Đơn đề nghị cấp Giấy phép", "168/2017/NĐ-CP"):
        assert text in html
    assert 'href="https://dichvucong.gov.vn/thu-tuc-hanh-chinh/x"' in html  # apply online
    assert response.context["procedure"].code == "2.001628"


def test_procedure_page_explains_the_due_date(client, travel, settings):
    import time_machine

    with time_machine.travel("2026-11-19 10:20 +0700", tick=False):
        html = client.get("/thu-tuc/2.001628/").content.decode()
    assert "27/11/2026" in html  # five working days, Culture Day 24/11 not counted


def test_demo_values_are_announced(client):
    ProcedureVersionFactory(procedure__code="1.001029", demo_fields=["processing_time"])
    client.cookies["django_language"] = "en"
    page = client.get("/thu-tuc/1.001029/").content.decode()
    assert "Demo catalog" in page and "processing time" in page
    ProcedureVersionFactory(procedure__code="1.001030")
    assert "Demo catalog" not in client.get("/thu-tuc/1.001030/").content.decode()


def test_unknown_procedure_is_a_404_page(client):
    assert client.get("/thu-tuc/9.999999/").status_code == 404


def test_pages_are_in_vietnamese_by_default_and_english_on_request(client, travel):
    # An English browser alone does not switch the portal; the language form does.
    assert 'lang="vi"' in client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get("/").content.decode()


def test_highlight_marks_matches_and_keeps_diacritics():
    html = highlight("Thủ tục công nhận điểm du lịch", ["du", "lich"])
    assert html == "Thủ tục công nhận điểm <mark>du</mark> <mark>lịch</mark>"
    assert highlight("<script>đ</script>", ["d"]) == "&lt;script&gt;<mark>đ</mark>&lt;/script&gt;"
    # Only where a word starts, as the search matches: "ich" is inside "lịch", not a word of its own.
    assert highlight("Thủ tục du lịch", ["ich", "uc"]) == "Thủ tục du lịch"


def test_amounts_and_rates_are_written_the_vietnamese_way():
    from django.utils import translation

    assert dong(1500000) == "1.500.000 đ"
    assert dong(0) == "0 đ"
    with translation.override("vi"):
        assert percent(0.5063) == "50,63 %"
    with translation.override("en"):
        assert percent(0.5063) == "50.63 %"


def test_api_errors_follow_the_clients_language(client):
    vi = client.get("/api/v1/procedures/9.999999/", HTTP_ACCEPT_LANGUAGE="vi").json()["error"]["message"]
    en = client.get("/api/v1/procedures/9.999999/", HTTP_ACCEPT_LANGUAGE="en").json()["error"]["message"]
    assert en.startswith("No procedure") and vi != en


def test_calendar_page_lists_the_days_off_and_computes_a_due_date(client):
    response = client.get("/lich-lam-viec/", {"year": 2026, "start": "2026-11-19T10:20", "working_days": 5})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ngày Văn hóa Việt Nam" in html and "17/02/2026" in html  # Culture Day, Tết
    assert "22/08/2026" in html  # the make-up Saturday
    assert response.context["explanation"].due_at.strftime("%d/%m/%Y %H:%M") == "27/11/2026 17:00"


def test_calendar_page_with_bad_input_explains_what_to_fix(client):
    response = client.get("/lich-lam-viec/", {"start": "tomorrow", "working_days": "-3", "year": "abc", "agency": "x"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"start", "working_days", "agency"}
    assert response.context["explanation"] is None
    outside = client.get("/lich-lam-viec/", {"start": "1999-01-04T09:00", "working_days": "3"})
    assert outside.status_code == 200 and outside.context["error"]
