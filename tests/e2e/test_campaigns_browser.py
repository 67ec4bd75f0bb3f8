"""Outreach campaigns in a real browser: the demo agency's leader builds an SMS campaign for people who
applied in person and agreed to hear from the agency, sees the count and the sample message, starts it;
the job queues the messages and the outbox delivers them; a recipient opens their link on a phone and
reaches the online application; the applicant's notification page on a phone."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.helpers import look, sign_in, vi

pytestmark = pytest.mark.browser

CITIZEN_PHONE = "+84931015119"  # the demo's citizen1
NEIGHBOUR_PHONE = "+84912000111"


def _paper_dossiers_with_consent() -> str:
    """Two people who applied in person last week and ticked the consent box; returns the procedure's code."""
    from motcua.accounts.models import Agency, User
    from motcua.demo.seed import DEPARTMENT_CODE
    from motcua.dossiers.models import Dossier
    from motcua.outreach.constants import ConsentSource
    from motcua.outreach.models import OutreachConsent
    from motcua.outreach.selectors import online_versions

    agency = Agency.objects.get(code=DEPARTMENT_CODE)
    version = online_versions([agency.pk]).order_by("procedure__code").first()
    assert version is not None
    week_ago = timezone.now() - timedelta(days=7)
    for number, phone in enumerate([CITIZEN_PHONE, NEIGHBOUR_PHONE], start=1):
        Dossier.objects.create(
            code=f"{DEPARTMENT_CODE}-E2E-{number:04d}",
            procedure_version=version,
            competent_agency=agency,
            receiving_agency=agency,
            channel="in_person",
            status="in_processing",
            applicant_kind="person",
            applicant_name=f"Người nộp {number}",
            applicant_phone=phone,
            submitted_at=week_ago,
            received_at=week_ago,
        )
        OutreachConsent.objects.create(agency=agency, phone=phone, source=ConsentSource.DESK, given_at=week_ago)
    User.objects.filter(username="citizen1").update(phone_verified_at=timezone.now())
    return version.procedure.code


def test_a_leader_builds_counts_and_starts_a_campaign_and_a_recipient_follows_the_link(
    page: Any, mobile_page: Any, live_server: Any, axe: Any, screenshot_dir: Path
) -> None:
    code = _paper_dossiers_with_consent()
    today = timezone.localdate()

    sign_in(page, live_server.url, "leader1")
    page.get_by_role("navigation", name=vi("Desk")).get_by_role("link", name=vi("Outreach")).click()
    page.get_by_role("link", name=vi("SMS and e-mail campaigns")).click()
    look(page, axe, "campaigns-list-desktop")
    page.get_by_role("link", name=vi("New campaign")).click()
    page.get_by_label(vi("Campaign name")).fill("Mời nộp hồ sơ trực tuyến")
    page.get_by_label(vi("People who applied for this procedure")).select_option(code)
    page.get_by_label(vi("Applied in person from")).fill((today - timedelta(days=30)).isoformat())
    page.get_by_label(vi("Applied in person until")).fill(today.isoformat())
    page.get_by_label(vi("Message text")).fill("{agency}: lần sau, hãy nộp hồ sơ {procedure} trực tuyến tại {link}")
    # No quiet hours for this test: it must send whatever the time of day it runs at.
    page.get_by_label(vi("Quiet hours, from (local time)")).fill("00:00")
    page.get_by_label(vi("Quiet hours, until (local time)")).fill("00:00")
    look(page, axe, "campaign-form-desktop")
    page.get_by_role("button", name=vi("Save and count the recipients")).click()

    expect(page.get_by_role("heading", name=vi("Count before sending"))).to_be_visible()
    count = page.get_by_role("region", name=vi("Count before sending"))
    expect(count.locator(".figure").first).to_contain_text("2")
    expect(page.locator(".sample-message")).to_contain_text("/l/")
    expect(page.locator(".sample-message")).to_contain_text("Tu choi nhan tin")
    look(page, axe, "campaign-count-desktop")
    page.get_by_role("button", name=re.compile(re.escape(vi("Start the campaign (%(n)s to send)") % {"n": 2}))).click()
    expect(page.get_by_role("heading", name=vi("Progress and effect"))).to_be_visible()

    from motcua.notifications.models import OutboxMessage
    from motcua.notifications.services.delivery import outbox_deliver_due
    from motcua.outreach.services.campaigns import campaigns_send_due

    assert campaigns_send_due() == 2
    assert campaigns_send_due() == 0  # the job again: nobody twice
    # The slice is spread over its minute (30 a minute: one every 2 s); the worker sends each when due.
    outbox_deliver_due(now=timezone.now() + timedelta(minutes=1), time_budget=5)
    page.reload()
    figures = page.get_by_role("region", name=vi("Progress and effect")).locator(".figure")
    expect(figures.nth(2)).to_contain_text("2")  # sent
    expect(figures.nth(3)).to_contain_text("2")  # delivered
    look(page, axe, "campaign-progress-desktop")

    message = OutboxMessage.objects.get(recipient=CITIZEN_PHONE)
    link_path = re.search(r"(/l/[A-Za-z0-9]+)\b", message.body)
    assert link_path is not None and CITIZEN_PHONE not in message.body
    mobile_page.goto(live_server.url + link_path.group(1))
    # Not signed in: the sign-in page first, then straight on to the application.
    expect(mobile_page).to_have_url(re.compile(r"/dang-nhap/\?next="))
    mobile_page.get_by_label(vi("Phone, e-mail or username")).fill("citizen1")
    from motcua.demo.seed import DEMO_PASSWORD

    mobile_page.get_by_label(vi("Password"), exact=True).fill(DEMO_PASSWORD)
    mobile_page.get_by_role("main").get_by_role("button", name=vi("Sign in"), exact=True).click()
    expect(mobile_page).to_have_url(re.compile(re.escape(f"/thu-tuc/{code}/nop-truc-tuyen/") + "$"))
    expect(mobile_page.get_by_role("heading", level=1)).to_contain_text(vi("Apply online"))
    look(mobile_page, axe, "campaign-link-apply-phone")

    page.reload()
    expect(figures.nth(4)).to_contain_text("1")  # opened the link
    page.set_viewport_size({"width": 390, "height": 844})
    look(page, axe, "campaign-progress-phone")


def test_the_applicants_notification_page_on_a_phone(
    mobile_page: Any, live_server: Any, axe: Any, screenshot_dir: Path
) -> None:
    from motcua.accounts.models import User

    User.objects.filter(username="citizen1").update(phone_verified_at=timezone.now())
    sign_in(mobile_page, live_server.url, "citizen1", lands="")
    mobile_page.goto(live_server.url + "/ca-nhan/ho-so/")
    mobile_page.get_by_role("link", name=vi("Notifications and information")).click()
    expect(mobile_page.get_by_role("heading", level=1)).to_have_text(vi("Notifications and information"))
    expect(mobile_page.get_by_role("note")).to_be_visible()
    look(mobile_page, axe, "notification-settings-phone")

    mobile_page.get_by_label(re.compile(re.escape(vi("By SMS to my phone")))).uncheck()
    mobile_page.get_by_label(
        vi("Send me information about services I can use online (at most a few messages a year)")
    ).check()
    mobile_page.get_by_role("button", name=vi("Save my choices")).click()

    expect(mobile_page.get_by_text(vi("Your choices are saved."))).to_be_visible()
    expect(mobile_page.get_by_label(re.compile(re.escape(vi("By SMS to my phone"))))).not_to_be_checked()
    look(mobile_page, axe, "notification-settings-saved-phone")

    from motcua.notifications.models import NotificationPreference
    from motcua.outreach.models import OutreachConsent

    assert NotificationPreference.objects.get(user__username="citizen1").by_sms is False
    assert OutreachConsent.objects.get(phone=CITIZEN_PHONE, withdrawn_at__isnull=True).agency is None
