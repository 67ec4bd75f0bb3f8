"""Fees paid online through the gateway (against its simulator), the fake provider, or in cash at the desk."""

from __future__ import annotations

import shutil
import subprocess
import urllib.request
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from motcua.catalog.tests.factories import FeeFactory
from motcua.dossiers.models import Dossier, DossierTransition
from motcua.dossiers.tests.flow import act, api
from motcua.payments.models import Payment
from motcua.payments.services import payments_reconcile
from motcua.payments.tests.gateway_simulator import MERCHANT, SECRET, GatewaySimulator


@pytest.fixture
def gateway(settings):
    with GatewaySimulator() as simulator:
        settings.MOTCUA_PAYMENT_PROVIDERS = ["gateway", "fake"]
        settings.MOTCUA_PAYMENT_GATEWAY_URL = f"{simulator.url}/pay"
        settings.MOTCUA_PAYMENT_QUERY_URL = f"{simulator.url}/merchant_webapi/api/transaction"
        settings.MOTCUA_PAYMENT_MERCHANT = MERCHANT
        settings.MOTCUA_PAYMENT_SECRET = SECRET
        yield simulator


@pytest.fixture
def awaiting_payment(office):
    """A citizen's online dossier whose fees (1,500,000 đ) the specialist asked for."""
    FeeFactory(version=office.version, name="Phí thẩm định", amount=Decimal("1000000"))
    FeeFactory(version=office.version, name="Lệ phí cấp giấy phép", amount=Decimal("500000"))
    code = (
        api(office.citizen)
        .post(
            "/api/v1/dossiers/",
            {"procedure": "2.001628", "channel": "online", "applicant": {"kind": "person", "name": "Lê Văn Hai"}},
            format="json",
        )
        .json()["code"]
    )
    for user, action, data in [
        (office.desk, "receive", {}),
        (office.desk, "transfer", {"unit": "QLDL"}),
        (office.head, "assign", {"assignee": "specialist"}),
        (office.specialist, "request_payment", {"note": "Nộp phí thẩm định và lệ phí."}),
    ]:
        assert act(user, code, action, **data).status_code == 200
    assert Dossier.objects.get(code=code).status == "payment_requested"
    return code


def start(client, office, code, provider="gateway"):
    client.force_login(office.citizen)
    client.cookies["django_language"] = "en"
    response = client.post(f"/ca-nhan/ho-so/{code}/thanh-toan/", {"provider": provider})
    assert response.status_code == 302
    if provider == "gateway":  # the browser goes to the gateway's page, which checks our signature
        with urllib.request.urlopen(response["Location"]) as page:  # noqa: S310 (the simulator, on loopback)
            assert page.status == 200
    return response["Location"]


def test_paid_through_the_gateway_the_dossier_goes_on_once(client, office, gateway, awaiting_payment):
    code = awaiting_payment
    checkout = start(client, office, code)
    dossier_page = client.get(f"/ca-nhan/ho-so/{code}/")
    assert "Fees to pay" in dossier_page.content.decode() and "1.500.000 đ" in dossier_page.content.decode()
    # The page's forms may lead to the gateway (and nowhere else but the site).
    assert f"form-action 'self' {gateway.url};" in dossier_page["Content-Security-Policy"]
    payment = Payment.objects.get()
    # The gateway accepted our signed order (it checks the signature itself) for 1,500,000 đ × 100.
    assert checkout.startswith(f"{gateway.url}/pay?") and not gateway.refused
    assert gateway.orders[payment.reference]["vnp_Amount"] == "150000000"
    assert (payment.status, payment.amount, payment.provider) == ("pending", Decimal("1500000"), "gateway")
    return_url, ipn = gateway.pay(payment.reference, "paid")
    answer = client.get("/thanh-toan/gateway/thong-bao/", ipn)
    assert answer.status_code == 200 and answer.json() == {"RspCode": "00", "Message": "Confirm Success"}
    payment.refresh_from_db()
    assert payment.status == "paid" and payment.transaction_id.startswith("14226")
    dossier = Dossier.objects.get(code=code)
    assert dossier.status == "in_processing" and dossier.paused_from == ""
    confirmed = DossierTransition.objects.get(dossier=dossier, action="confirm_payment")
    assert confirmed.actor is None and confirmed.actor_role == "payment_provider"
    # The gateway repeats its notification; the browser comes back too: nothing happens twice.
    assert client.get("/thanh-toan/gateway/thong-bao/", ipn).json()["RspCode"] == "02"
    back = client.get(return_url, follow=True)
    assert "Payment received" in back.content.decode()
    assert DossierTransition.objects.filter(dossier=dossier, action="confirm_payment").count() == 1


def test_forged_or_wrong_notices_change_nothing(client, office, gateway, awaiting_payment, caplog):
    start(client, office, awaiting_payment)
    payment = Payment.objects.get()
    _, ipn = gateway.pay(payment.reference, "paid")
    tampered = {**ipn, "vnp_Amount": "100"}
    assert client.get("/thanh-toan/gateway/thong-bao/", tampered).json()["RspCode"] == "97"
    _, cheaper = gateway.pay(payment.reference, "paid", amount=1000)  # signed, but not what we asked
    assert client.get("/thanh-toan/gateway/thong-bao/", cheaper).json()["RspCode"] == "04"
    unknown = {**ipn, "vnp_TxnRef": "MCNOSUCHORDER00"}
    assert client.get("/thanh-toan/gateway/thong-bao/", unknown).json()["RspCode"] == "97"  # the hash covers it
    assert client.post("/thanh-toan/nobody/thong-bao/", {}).status_code == 404
    payment.refresh_from_db()
    assert payment.status == "pending"
    assert Dossier.objects.get(code=awaiting_payment).status == "payment_requested"
    logged = [r.getMessage() for r in caplog.records if r.name == "motcua.payments.services"]
    assert any("bad signature" in m for m in logged) and any("we asked 1500000" in m for m in logged)


def test_a_declined_payment_can_be_tried_again(client, office, gateway, awaiting_payment):
    start(client, office, awaiting_payment)
    first = Payment.objects.get()
    _, ipn = gateway.pay(first.reference, "declined")
    assert client.get("/thanh-toan/gateway/thong-bao/", ipn).json()["RspCode"] == "00"
    first.refresh_from_db()
    assert first.status == "failed"
    assert Dossier.objects.get(code=awaiting_payment).status == "payment_requested"
    start(client, office, awaiting_payment)
    assert Payment.objects.filter(status="pending").count() == 1


def test_reconciliation_settles_what_the_notification_never_told(client, office, gateway, awaiting_payment):
    start(client, office, awaiting_payment)
    payment = Payment.objects.get()
    gateway.pay(payment.reference, "paid")  # the IPN is lost on the way
    assert payments_reconcile() == 0  # too early: the person may still be on the gateway's page
    assert payments_reconcile(now=timezone.now() + timedelta(minutes=10)) == 1
    payment.refresh_from_db()
    assert payment.status == "paid"
    assert Dossier.objects.get(code=awaiting_payment).status == "in_processing"
    assert payments_reconcile(now=timezone.now() + timedelta(minutes=20)) == 0


def test_an_order_never_paid_is_abandoned_after_a_day(client, office, gateway, awaiting_payment):
    start(client, office, awaiting_payment)
    assert payments_reconcile(now=timezone.now() + timedelta(hours=1)) == 0  # the gateway knows no result yet
    assert Payment.objects.get().status == "pending"
    assert payments_reconcile(now=timezone.now() + timedelta(hours=25)) == 1
    assert Payment.objects.get().status == "failed"


def test_the_fake_provider_pays_on_its_own_page(client, office, settings, awaiting_payment):
    settings.MOTCUA_PAYMENT_PROVIDERS = ["fake"]
    checkout = start(client, office, awaiting_payment, provider="fake")
    page = client.get(checkout)
    assert "1.500.000 đ" in page.content.decode()
    paid = client.post(checkout, {"outcome": "paid"})
    done = client.get(paid["Location"], follow=True)
    assert "Payment received" in done.content.decode()
    assert Dossier.objects.get(code=awaiting_payment).status == "in_processing"
    forged = client.get("/thanh-toan/fake/ket-qua/", {"reference": "x", "amount": "1", "outcome": "paid"}, follow=True)
    assert "could not be checked" in forged.content.decode()


def test_only_the_applicant_pays_and_only_when_asked(client, office, gateway, awaiting_payment):
    client.force_login(office.stranger)
    assert client.post(f"/ca-nhan/ho-so/{awaiting_payment}/thanh-toan/", {"provider": "gateway"}).status_code == 404
    client.force_login(office.citizen)
    client.cookies["django_language"] = "en"
    refused = client.post(f"/ca-nhan/ho-so/{awaiting_payment}/thanh-toan/", {"provider": "bitcoin"}, follow=True)
    assert "Choose one of the payment methods offered." in refused.content.decode()
    assert not Payment.objects.exists()


def test_the_desk_records_a_cash_payment(client, office, awaiting_payment):
    client.force_login(office.desk)
    client.cookies["django_language"] = "en"
    page = client.get(f"/mot-cua/ho-so/{awaiting_payment}/").content.decode()
    assert "Record a cash payment" in page and 'value="1500000"' in page
    assert (
        "Enter the amount"
        in client.post(f"/mot-cua/ho-so/{awaiting_payment}/thu-phi/", {"amount": "abc"}, follow=True).content.decode()
    )
    client.post(f"/mot-cua/ho-so/{awaiting_payment}/thu-phi/", {"amount": "1.500.000"})
    payment = Payment.objects.get()
    assert (payment.method, payment.status, payment.amount, payment.recorded_by) == (
        "cash",
        "paid",
        Decimal("1500000"),
        office.desk,
    )
    assert Dossier.objects.get(code=awaiting_payment).status == "in_processing"
    # Recorded from an English screen, the note the applicant reads is in Vietnamese, like every record.
    note = DossierTransition.objects.get(dossier__code=awaiting_payment, action="confirm_payment").note
    assert note == f"Đã nộp phí, lệ phí: 1.500.000 đ ({payment.reference})."
    client.force_login(office.specialist)
    again = client.post(f"/mot-cua/ho-so/{awaiting_payment}/thu-phi/", {"amount": "10"}, follow=True)
    assert "No payment is asked" in again.content.decode() or "Only the desk" in again.content.decode()
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (105, "Một trăm lẻ năm đồng"),
        (1_000_005, "Một triệu không trăm lẻ năm đồng"),
        (1_500_000, "Một triệu năm trăm nghìn đồng"),
        (1_234_567, "Một triệu hai trăm ba mươi tư nghìn năm trăm sáu mươi bảy đồng"),
        (3_000_000_000, "Ba tỷ đồng"),
    ],
)
def test_amounts_in_vietnamese_words(amount, words):
    from motcua.documents.amounts import in_words

    assert in_words(amount) == words


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_receipt_of_a_payment_for_the_applicant_and_the_desk(client, office, awaiting_payment, tmp_path):
    client.force_login(office.desk)
    client.post(f"/mot-cua/ho-so/{awaiting_payment}/thu-phi/", {"amount": "1500000"})
    payment = Payment.objects.get()
    desk_copy = client.get(f"/mot-cua/ho-so/{awaiting_payment}/bien-nhan/{payment.reference}.pdf")
    assert desk_copy["Content-Type"] == "application/pdf"
    path = tmp_path / "bien-nhan.pdf"
    path.write_bytes(desk_copy.content)
    text = " ".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    for expected in [
        "BIÊN NHẬN THU PHÍ, LỆ PHÍ",
        payment.reference,
        "1.500.000 đ",
        "Một triệu năm trăm nghìn đồng",
        "Tiền mặt tại Bộ phận Một cửa",
        "Lê Văn Hai",
        awaiting_payment,
    ]:
        assert expected in text, expected
    client.force_login(office.citizen)
    assert client.get(f"/ca-nhan/ho-so/{awaiting_payment}/bien-nhan/{payment.reference}.pdf").status_code == 200
    client.force_login(office.stranger)
    assert client.get(f"/ca-nhan/ho-so/{awaiting_payment}/bien-nhan/{payment.reference}.pdf").status_code == 404
