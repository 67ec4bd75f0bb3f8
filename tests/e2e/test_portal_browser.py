"""A citizen on a phone, who has never used the portal, applies online in Vietnamese: the search, the
procedure page, sign-up and the SMS code, the form, the documents (photos from the phone), the review
and the declaration, the dossier code; the desk asks for one more document and the citizen sends it
from the dossier's page; the fees are paid through the payment gateway (its simulator); the signed
e-result is downloaded; the service is rated. Every page passes axe-core and fits the phone's width."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import look, sign_in, vi

pytestmark = pytest.mark.browser

TRAVEL_CODE = "2.001628"
PASSWORD = "sen-hong-mua-thu-2026"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 2048


def test_a_first_time_citizen_applies_online_on_a_phone(
    mobile_page: Any, live_server: Any, axe: Any, screenshot_dir: Path, tmp_path: Path
) -> None:
    from motcua.accounts.models import User
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.services import dossier_transition
    from motcua.integrations.sms.fake import FakeSmsGateway

    FakeSmsGateway.reset()
    page = mobile_page
    # Finding the procedure: the search on the home page, typed without diacritics as on many phones.
    from motcua.catalog.models import ProcedureVersion

    travel = ProcedureVersion.objects.filter(procedure__code=TRAVEL_CODE).order_by("-valid_from").first()
    assert travel is not None
    page.goto(live_server.url + "/")
    page.get_by_role("search").get_by_role("searchbox").fill("du lich lu hanh noi dia")
    page.get_by_role("search").get_by_role("button").click()
    page.get_by_role("link", name=travel.name, exact=True).first.click()
    expect(page).to_have_url(re.compile(rf"/thu-tuc/{re.escape(TRAVEL_CODE)}/$"))
    page.get_by_role("link", name=vi("Apply online"), exact=True).click()

    # Not signed in: the sign-in page, which offers to create an account.
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Sign in"))
    page.get_by_role("link", name=vi("Create one in a minute")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Create an account"))
    look(page, axe, "portal-signup")
    page.get_by_label(vi("Full name"), exact=True).fill("Nguyễn Thị Hoa")
    page.get_by_label(vi("Mobile phone")).fill("0907 111 222")
    page.get_by_label(vi("Password (at least 10 characters)")).fill(PASSWORD)
    page.get_by_label(vi("Password again")).fill(PASSWORD)
    page.get_by_role("button", name=vi("Create the account")).click()

    # The code by SMS (the fake gateway of the test server), entered on the next page.
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Verify your phone number"))
    look(page, axe, "portal-verify")
    code = re.search(r"\b(\d{6})\b", FakeSmsGateway.sent[-1].text)
    assert code and FakeSmsGateway.sent[-1].to == "+84907111222"
    page.get_by_label(vi("Six-digit code")).fill(code.group(1))
    page.get_by_role("button", name=vi("Verify"), exact=True).click()

    # Back where they were going: what to have ready, then the application with their name and phone.
    expect(page.get_by_role("heading", name=vi("Have these ready"))).to_be_visible()
    look(page, axe, "portal-apply-start")
    page.get_by_role("button", name=vi("Start the application")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(vi("Apply online"))
    expect(page.get_by_label(vi("Full name, or the organisation's name"))).to_have_value("Nguyễn Thị Hoa")
    expect(page.get_by_label(vi("Mobile phone"))).to_have_value("+84907111222")
    page.wait_for_load_state("load")  # the commune list follows the province by script
    applicant = page.get_by_role("group", name=vi("Applicant"))
    applicant.get_by_label(vi("Province or city")).select_option(label="Thành phố Cần Thơ")
    commune = applicant.get_by_label(vi("Commune or ward"))
    expect(commune.locator("option", has_text="Phường Ninh Kiều")).to_have_count(1)
    commune.select_option(label="Phường Ninh Kiều")
    applicant.get_by_label(vi("House number and street")).fill("12 Hòa Bình")
    form = page.get_by_role("group", name="Tờ khai")  # the procedure's own questions (its JSON Schema)
    form.get_by_label("Họ và tên người đề nghị").fill("Nguyễn Thị Hoa")
    form.get_by_label("Số điện thoại").fill("0907111222")
    form.get_by_label("Nội dung đề nghị").fill("Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa.")
    # Every document the procedure requires, as a photo or a PDF.
    slots = page.locator(".document-slot input[type=file]")
    required_documents = slots.count() - 1  # the last one is "other documents"
    for index in range(required_documents):
        photo = tmp_path / f"giay-to-{index}.jpg"
        photo.write_bytes(JPEG + bytes([index]))
        slots.nth(index).set_input_files(str(photo))
    look(page, axe, "portal-application")
    page.get_by_role("button", name=vi("Save and review")).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(vi("Review and submit"))
    look(page, axe, "portal-review")
    declaration = vi(
        "I declare that the information above is true and that the documents are authentic; "
        "I am responsible before the law for them."
    )
    page.get_by_label(declaration).check()
    page.get_by_role("button", name=vi("Submit the application")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Your application was submitted"))
    look(page, axe, "portal-submitted")
    dossier = Dossier.objects.get(owner=User.objects.get(phone="+84907111222"))
    expect(page.get_by_role("status")).to_contain_text(dossier.code)
    expect(page.get_by_role("status")).to_contain_text(dossier.lookup_secret)
    assert (dossier.channel, dossier.status) == ("online", "submitted")
    assert dossier.documents.count() == required_documents

    # The desk finds a document missing and asks for it; the citizen sends it from the dossier's page.
    desk = User.objects.get(username="desk1")
    dossier_transition(
        code=dossier.code, action="request_supplement", actor=desk, note="Bổ sung bản sao hợp đồng lao động."
    )
    page.get_by_role("link", name=vi("Follow this dossier")).click()
    expect(page.get_by_role("heading", name=vi("The agency asks you for more documents"))).to_be_visible()
    look(page, axe, "portal-dossier-supplement")
    contract = tmp_path / "hop-dong.pdf"
    contract.write_bytes(PDF)
    page.get_by_label(vi("The documents asked for (PDF, JPEG or PNG)")).set_input_files(str(contract))
    page.get_by_role("button", name=vi("Send the documents")).click()
    expect(page.get_by_role("status").first).to_contain_text(
        vi("Your documents were sent. The agency has been told, and the processing time starts again.")
    )
    dossier.refresh_from_db()
    assert dossier.status == "submitted" and dossier.documents.filter(original_name="hop-dong.pdf").exists()
    look(page, axe, "portal-dossier")

    # Received and appraised, the fees are asked; the citizen pays online through the gateway (its
    # simulator on loopback: the signed order, the payment page, the IPN to this site, the return).
    from django.conf import settings

    from motcua.demo.seed import demo_result_pdf
    from motcua.dossiers.services import dossier_document_add
    from motcua.payments.tests.gateway_simulator import MERCHANT, SECRET, GatewaySimulator

    if not dossier.procedure_version.fees.exists():
        dossier.procedure_version.fees.create(name="Phí thẩm định", amount=1_000_000)
    due = sum(fee.amount for fee in dossier.procedure_version.fees.all())
    head, specialist, leader = (User.objects.get(username=name) for name in ("head1", "specialist1", "leader1"))
    for actor, action, extra in [
        (desk, "receive", {}),
        (desk, "transfer", {"unit_code": "QLDL"}),
        (head, "assign", {"assignee_username": "specialist1"}),
        (specialist, "request_payment", {"note": "Nộp phí thẩm định."}),
    ]:
        dossier_transition(code=dossier.code, action=action, actor=actor, **extra)
    with GatewaySimulator() as gateway:
        gateway.ipn_url = f"{live_server.url}/thanh-toan/gateway/thong-bao/"
        saved = {name: getattr(settings, name) for name in ("MOTCUA_PAYMENT_PROVIDERS", "MOTCUA_PAYMENT_GATEWAY_URL")}
        settings.MOTCUA_PAYMENT_PROVIDERS = ["gateway"]
        settings.MOTCUA_PAYMENT_GATEWAY_URL = f"{gateway.url}/pay"
        settings.MOTCUA_PAYMENT_MERCHANT, settings.MOTCUA_PAYMENT_SECRET = MERCHANT, SECRET
        try:
            page.reload()
            expect(page.get_by_role("heading", name=vi("Fees to pay"))).to_be_visible()
            look(page, axe, "portal-dossier-fees")
            page.get_by_role("button", name=vi("Pay online (card, bank app, QR)")).click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Cổng thanh toán (mô phỏng)")
            page.screenshot(path=screenshot_dir / "portal-gateway-mobile.png", full_page=True)
            page.get_by_role("link", name="Thanh toán", exact=True).click()
            expect(page.get_by_role("status").first).to_contain_text(
                vi("Payment received: the agency goes on with your dossier.")
            )
        finally:
            for name, value in saved.items():
                setattr(settings, name, value)
    assert gateway.ipn_answers == [{"RspCode": "00", "Message": "Confirm Success"}]
    dossier.refresh_from_db()
    assert dossier.status == "in_processing" and dossier.payments.get().amount == due

    # Processed: the specialist and the head hand on, the leader approves with the result, the desk
    # returns it; the citizen downloads the digitally signed e-result and rates the service.
    dossier_transition(code=dossier.code, action="forward", actor=specialist)
    dossier_transition(code=dossier.code, action="forward", actor=head)
    result = tmp_path / "giay-phep.pdf"
    result.write_bytes(demo_result_pdf())
    from django.core.files.uploadedfile import SimpleUploadedFile

    dossier_document_add(
        code=dossier.code, actor=leader, kind="result", file=SimpleUploadedFile("giay-phep.pdf", result.read_bytes())
    )
    dossier_transition(code=dossier.code, action="approve", actor=leader)
    dossier_transition(code=dossier.code, action="return_result", actor=desk)
    page.reload()
    signed = dossier.documents.get(kind="result", signed_by__gt="")
    link = page.get_by_role("region", name=vi("Your result")).get_by_role("link", name=signed.original_name)
    expect(link).to_be_visible()
    download = page.request.get(live_server.url + (link.get_attribute("href") or ""))
    assert download.ok and download.headers["content-type"] == "application/pdf"
    assert download.body().startswith(b"%PDF") and b"/ByteRange" in download.body()  # a signed PDF
    look(page, axe, "portal-dossier-result")
    page.get_by_label(vi("Very satisfied")).check()
    page.get_by_label(vi("None: everything online")).check()
    page.get_by_label(vi("Never: it was complete the first time")).check()
    page.get_by_label(vi("Helpful and courteous")).check()
    page.get_by_role(
        "group", name=vi("Was the published information on the procedure accurate and complete?")
    ).get_by_label(vi("Yes")).check()
    page.get_by_role("button", name=vi("Send my rating")).click()
    expect(page.get_by_role("status").first).to_contain_text(
        vi("Thank you for your rating: it is sent to the agency's leaders.")
    )
    assert dossier.rating.satisfaction == "very_satisfied"
    # The signed result waits in the citizen's document store, ready for a later application.
    page.goto(f"{live_server.url}/ca-nhan/kho-giay-to/")
    expect(page.get_by_role("main")).to_contain_text(signed.original_name)
    look(page, axe, "portal-store")
    page.get_by_role("link", name=vi("My dossiers")).first.click()
    expect(page.get_by_role("table")).to_contain_text(dossier.code)
    look(page, axe, "portal-my-dossiers")


def test_rating_at_the_desk_kiosk_on_a_tablet(page: Any, live_server: Any, axe: Any, screenshot_dir: Path) -> None:
    """An applicant who came in person rates the service on the desk's kiosk with the receipt's codes."""
    from motcua.demo.seed import seed_dossiers
    from motcua.dossiers.models import Dossier
    from motcua.feedback.models import ServiceRating

    seed_dossiers(12)
    dossier = Dossier.objects.filter(status="returned").order_by("id").first()
    assert dossier is not None, "the demo history has returned dossiers"
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{live_server.url}/danh-gia/")

    def look_wide(name: str) -> None:
        page.screenshot(path=screenshot_dir / f"portal-{name}-tablet.png", full_page=True)
        axe(page)

    look_wide("kiosk")
    page.get_by_label(vi("Dossier code")).fill(dossier.code)
    page.get_by_label(vi("Lookup secret")).fill(dossier.lookup_secret)
    page.get_by_role("button", name=vi("Continue")).click()
    page.get_by_role(
        "group", name=vi("Overall, how satisfied are you with how your dossier was handled?")
    ).get_by_label(vi("Dissatisfied"), exact=True).check()
    page.get_by_label(vi("Once"), exact=True).check()
    page.get_by_label(vi("Only the one-stop desk")).check()
    page.get_by_label(vi("Correct"), exact=True).check()
    page.get_by_role(
        "group", name=vi("Was the published information on the procedure accurate and complete?")
    ).get_by_label(vi("Yes")).check()
    page.get_by_role("textbox").fill("Phải chờ lâu ở quầy.")
    look_wide("kiosk-questions")
    page.get_by_role("button", name=vi("Send my rating")).click()
    expect(page.get_by_role("status").first).to_contain_text(
        vi("Thank you for your rating: it is sent to the agency's leaders.")
    )
    rating = ServiceRating.objects.get(dossier=dossier)
    assert (rating.channel, rating.flagged, rating.contacts_to_complete) == ("kiosk", True, "1")
    # The leader finds it first on the ratings page, and marks it seen.
    page.context.clear_cookies()
    sign_in(page, live_server.url, "leader1")  # waits for the work lists: going on at once aborted that page
    page.goto(f"{live_server.url}/mot-cua/danh-gia/")
    first_row = page.get_by_role("table").locator("tbody tr").first
    expect(first_row).to_contain_text(dossier.code)
    expect(first_row).to_contain_text("Phải chờ lâu ở quầy.")
    look_wide("desk-ratings")
    first_row.get_by_role("button", name=vi("Mark as seen")).click()
    rating.refresh_from_db()
    assert rating.reviewed_by is not None and rating.reviewed_by.username == "leader1"
    expect(page.get_by_role("table")).to_contain_text(str(rating.reviewed_by))
