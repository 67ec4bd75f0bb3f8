"""The guidance desk on a phone-sized screen: a volunteer applies online in the name of a person
without an account (who agrees with a code sent to their phone) and asks for the result by post;
that person later sets a password by text message, signs in and finds the dossier; a business's
legal representative adds a representative. Every page passes axe-core and fits the screen."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import look, sign_in, vi
from tests.e2e.test_portal_browser import JPEG, TRAVEL_CODE

pytestmark = pytest.mark.browser
PASSWORD = "sen-hong-mua-thu-2026"


def last_code() -> str:
    from motcua.integrations.sms.fake import FakeSmsGateway

    found = re.search(r"\b(\d{6})\b", FakeSmsGateway.sent[-1].text)
    assert found, FakeSmsGateway.sent[-1].text
    return found.group(1)


def test_a_volunteer_applies_for_a_person_who_later_follows_it(
    mobile_page: Any, live_server: Any, axe: Any, screenshot_dir: Path, tmp_path: Path
) -> None:
    from motcua.dossiers.models import Dossier
    from motcua.integrations.sms.fake import FakeSmsGateway

    FakeSmsGateway.reset()
    page = mobile_page
    sign_in(page, live_server.url, "volunteer1", "motcua-demo", lands="")
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Guidance desk: help someone apply online"))
    look(page, axe, "portal-guidance")
    procedure = page.get_by_label(vi("Procedure"))
    procedure.select_option(value=TRAVEL_CODE)
    page.get_by_label(vi("The applicant's mobile number")).fill("0977 246 813")
    page.get_by_label(vi("Full name (only if they have no account yet)")).fill("Lê Thị Mai")
    page.get_by_role("button", name=vi("Send the code")).click()
    expect(page.get_by_label(vi("Code from the text message"))).to_be_visible()
    look(page, axe, "portal-guidance-code")
    page.get_by_label(vi("Code from the text message")).fill(last_code())
    page.get_by_role("button", name=vi("Start the application")).click()

    # The portal's own form, in the person's name, with a note that a guide fills it in.
    expect(page.get_by_role("note")).to_contain_text("Lê Thị Mai")
    page.wait_for_load_state("load")
    applicant = page.get_by_role("group", name=vi("Applicant"))
    applicant.get_by_label(vi("Province or city")).select_option(label="Thành phố Cần Thơ")
    commune = applicant.get_by_label(vi("Commune or ward"))
    expect(commune.locator("option", has_text="Phường Ninh Kiều")).to_have_count(1)
    commune.select_option(label="Phường Ninh Kiều")
    applicant.get_by_label(vi("House number and street")).fill("12 Hòa Bình")
    form = page.get_by_role("group", name="Tờ khai")
    form.get_by_label("Họ và tên người đề nghị").fill("Lê Thị Mai")
    form.get_by_label("Số điện thoại").fill("0977246813")
    form.get_by_label("Nội dung đề nghị").fill("Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa.")
    slots = page.locator(".document-slot input[type=file]")
    for index in range(slots.count() - 1):
        photo = tmp_path / f"giay-to-{index}.jpg"
        photo.write_bytes(JPEG + bytes([index]))
        slots.nth(index).set_input_files(str(photo))
    # The result by post, to her address; the recipient is filled in from the applicant.
    delivery = page.get_by_role("group", name=vi("Receiving the result"))
    expect(delivery.get_by_label(vi("House number and street"))).to_be_hidden()
    delivery.get_by_label(vi("By post, to an address I give")).check()
    expect(delivery.get_by_label(vi("Recipient"), exact=True)).to_have_value("Lê Thị Mai")
    delivery.get_by_label(vi("House number and street")).fill("12 Hòa Bình")
    delivery.get_by_label(vi("Province or city")).select_option(label="Thành phố Cần Thơ")
    postal_commune = delivery.get_by_label(vi("Commune or ward"))
    expect(postal_commune.locator("option", has_text="Phường Ninh Kiều")).to_have_count(1)
    postal_commune.select_option(label="Phường Ninh Kiều")
    look(page, axe, "portal-guidance-application")
    page.get_by_role("button", name=vi("Save and review")).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(vi("Review and submit"))
    look(page, axe, "portal-guidance-review")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name=vi("Submit the application")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("The application was submitted"))
    look(page, axe, "portal-guidance-submitted")
    dossier = Dossier.objects.get()
    assert (dossier.channel, dossier.result_delivery, dossier.assisted_by.username) == ("online", "post", "volunteer1")
    page.locator("form[action='/dang-xuat/'] button").click()

    # Mai has an account without a password: she sets one with a code by text message.
    page.goto(live_server.url + "/dang-nhap/")
    page.get_by_role("link", name=vi("Forgot your password?")).click()
    page.get_by_role("link", name=vi("No e-mail address? Reset by text message to your phone")).click()
    page.get_by_label(vi("Mobile number")).fill("0977 246 813")
    page.get_by_role("button", name=vi("Send me a code")).click()
    look(page, axe, "portal-reset-sms")
    page.get_by_label(vi("Six-digit code")).fill(last_code())
    page.get_by_label(vi("New password"), exact=True).fill(PASSWORD)
    page.get_by_label(vi("New password again")).fill(PASSWORD)
    page.get_by_role("button", name=vi("Set the new password")).click()
    sign_in(page, live_server.url, "0977246813", PASSWORD, lands="")
    page.get_by_role("link", name=dossier.code).click()
    expect(page.get_by_role("heading", name=vi("Receiving the result"))).to_be_visible()
    page.get_by_text(vi("Change how you receive the result")).click()
    look(page, axe, "portal-dossier-delivery")


def test_a_business_adds_a_representative(page: Any, live_server: Any, axe: Any, screenshot_dir: Path) -> None:
    from motcua.accounts.models import OrganisationMember
    from motcua.accounts.services import SignUp, account_signup

    account_signup(
        SignUp(
            full_name="Trần Thị Lan",
            password=PASSWORD,
            phone="0907111222",
            organisation_name="Công ty TNHH Du lịch Mê Kông",
            tax_code="1801234567",
        )
    )
    clerk = account_signup(SignUp(full_name="Võ Minh Tâm", password=PASSWORD, phone="0977246813"))
    sign_in(page, live_server.url, "0907111222", PASSWORD, lands="")
    page.get_by_role("link", name=vi("Organisations I represent")).click()
    page.get_by_label(vi("Add a representative: the phone or e-mail of their MotCua account")).fill("0977246813")
    page.get_by_role("button", name=vi("Add"), exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Võ Minh Tâm")
    look(page, axe, "portal-organisation")
    assert OrganisationMember.objects.filter(user=clerk).exists()
