"""Feedback and petitions (PAKN) on a phone, in Vietnamese: a visitor sends one without an account, the desk
drafts the answer, the leader approves and publishes it, the public page shows it without personal data and a
visitor likes it; the sender follows it with the code and the secret. Every page passes axe-core and fits."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from motcua.demo.seed import DEPARTMENT_CODE
from tests.e2e.helpers import look, sign_in, vi

pytestmark = pytest.mark.browser

NAME = "Phạm Thu Trang"
PHONE = "0907 111 222"
TITLE = "Đề nghị bỏ yêu cầu bản sao chứng thực"
CONTENT = "Khi xin giấy phép lữ hành, tôi phải nộp bản sao chứng thực dù đã có bản điện tử trong kho dữ liệu."
ANSWER = "Sở đã bỏ yêu cầu bản sao chứng thực từ ngày 01/12/2026; bản điện tử trong kho dữ liệu được chấp nhận."


def sign_out(page: Any) -> None:
    page.get_by_role("banner").locator("form[action$='/dang-xuat/']").get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/$"))


def open_pakn(page: Any, live_server: Any, code: str) -> None:
    page.goto(live_server.url + "/mot-cua/phan-anh/")
    page.get_by_role("link", name=code).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)


def test_a_pakn_from_a_phone_to_its_published_answer(mobile_page: Any, live_server: Any, axe: Any) -> None:
    from motcua.feedback.models import Pakn

    page = mobile_page
    # A visitor finds the form from the footer and sends it without an account.
    page.goto(live_server.url + "/")
    page.get_by_role("contentinfo").get_by_role("link", name=vi("Feedback and petitions")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Send feedback or a petition"))
    page.get_by_role("button", name=vi("Send")).click()  # empty: every problem said at once, in Vietnamese
    expect(page.get_by_role("alert").first).to_have_text(vi("Please correct the marked fields."))
    expect(page.get_by_text(vi("Give your name so that the agency can answer you."))).to_be_visible()
    look(page, axe, "feedback-submit-errors")
    page.get_by_label(vi("Agency it is sent to")).select_option(DEPARTMENT_CODE)
    page.get_by_label(vi("Regulations and administrative procedures")).check()
    page.get_by_label(vi("Title"), exact=True).fill(TITLE)
    page.get_by_label(vi("Content"), exact=True).fill(CONTENT)
    page.get_by_label(vi("Your name")).fill(NAME)
    page.get_by_label(vi("Phone"), exact=True).fill(PHONE)
    page.get_by_label(
        vi("The answer may be published on the portal, without my name or contact details, to help others.")
    ).check()
    page.get_by_role("button", name=vi("Send")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Feedback sent"))
    pakn = Pakn.objects.get()
    assert re.fullmatch(r"PAKN-\d{6}-0001", pakn.code)
    expect(page.get_by_role("status")).to_contain_text(pakn.secret)
    look(page, axe, "feedback-sent")
    page.context.clear_cookies()

    # The desk drafts the answer.
    sign_in(page, live_server.url, "desk1")
    page.goto(live_server.url + "/mot-cua/phan-anh/")
    expect(page.get_by_role("link", name=pakn.code)).to_be_visible()
    look(page, axe, "feedback-desk-list")
    open_pakn(page, live_server, pakn.code)
    page.get_by_label(vi("Answer"), exact=True).fill(ANSWER)
    page.get_by_role("button", name=vi("Save the answer for approval")).click()
    expect(page.get_by_role("status").first).to_contain_text(
        vi("The answer is saved and awaits the leader's approval.")
    )
    look(page, axe, "feedback-desk-drafted")
    sign_out(page)

    # The leader approves and publishes it, and sees it in the figures.
    sign_in(page, live_server.url, "leader1")
    open_pakn(page, live_server, pakn.code)
    page.get_by_role("button", name=vi("Approve the answer")).click()
    expect(page.get_by_role("status").first).to_contain_text(vi("The answer is approved: the sender sees it now."))
    expect(page.get_by_label(vi("Question as published"))).to_have_value(CONTENT)
    page.get_by_role("button", name=vi("Publish the answer")).click()
    expect(page.get_by_role("status").first).to_contain_text(vi("The answer is published on the portal."))
    expect(page.get_by_role("heading", name=vi("History"))).to_be_visible()
    expect(page.get_by_role("contentinfo")).to_be_visible()
    look(page, axe, "feedback-leader-published")
    page.goto(live_server.url + "/mot-cua/phan-anh/chi-so/")
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("PAKN figures"))
    expect(page.locator(".figures")).to_contain_text("100,00 %")
    look(page, axe, "feedback-figures")
    sign_out(page)

    # The public page: the answer, no personal data; a visitor likes it once.
    page.goto(live_server.url + "/phan-anh/cong-khai/?q=ban+sao+chung+thuc")
    article = page.locator(f"#pakn-{pakn.pk}")
    expect(article).to_contain_text(ANSWER)
    main = page.get_by_role("main").inner_text()
    assert NAME not in main and "0907" not in main and "111 222" not in main
    look(page, axe, "feedback-public")
    like = article.get_by_role("button", name=re.compile("^" + re.escape(vi("Like")) + r" \("))
    like.click()
    expect(article.get_by_role("button", name=re.compile("^" + re.escape(vi("Like")) + r" \("))).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(article.get_by_role("button", name=f"{vi('Like')} (1)")).to_be_visible()
    look(page, axe, "feedback-public-liked")

    # The sender follows it with the code and the secret, on another visit.
    page.context.clear_cookies()
    page.goto(live_server.url + "/phan-anh/theo-doi/")
    page.get_by_label(vi("Reference code")).fill(pakn.code)
    page.get_by_label(vi("Secret")).fill(pakn.secret)
    page.get_by_role("button", name=vi("Look up")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("main")).to_contain_text(ANSWER)
    look(page, axe, "feedback-follow")
