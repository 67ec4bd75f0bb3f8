"""News and announcements: what is published is shown, as plain text; nothing else is reachable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from motcua.accounts.tests.factories import UserFactory
from motcua.news.selectors import announcements_latest
from motcua.news.tests.factories import AnnouncementFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_only_published_announcements_are_listed_pinned_first(client):
    old_pinned = AnnouncementFactory(
        title="Quy chế Bộ phận Một cửa", pinned=True, publish_from=timezone.now() - timedelta(days=30)
    )
    newest = AnnouncementFactory(title="Tin mới nhất")
    AnnouncementFactory(title="Chưa đến ngày đăng", scheduled=True)
    AnnouncementFactory(title="Đã hết hạn đăng", expired=True)
    response = client.get("/tin-tuc/")
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [old_pinned, newest]
    html = response.content.decode()
    assert "Chưa đến ngày đăng" not in html and "Đã hết hạn đăng" not in html


def test_the_home_page_shows_the_latest_three(client):
    items = [AnnouncementFactory(publish_from=timezone.now() - timedelta(hours=h)) for h in (5, 4, 3, 2)]
    html = client.get("/").content.decode()
    for item in items[1:]:
        assert item.title in html and item.get_absolute_url() in html
    assert items[0].title not in html
    assert announcements_latest(limit=3) == items[:0:-1]


def test_the_home_page_without_announcements_has_no_news_section(client):
    assert 'id="news-title"' not in client.get("/").content.decode()


def test_an_announcement_has_one_address_with_its_title(client):
    item = AnnouncementFactory(title="Từ 01/12/2026 nộp hồ sơ lữ hành trực tuyến toàn trình")
    assert item.get_absolute_url() == f"/tin-tuc/{item.pk}-tu-01122026-nop-ho-so-lu-hanh-truc-tuyen-toan-trinh/"
    assert client.get(item.get_absolute_url()).status_code == 200
    for other in (f"/tin-tuc/{item.pk}/", f"/tin-tuc/{item.pk}-ten-cu/"):
        response = client.get(other)
        assert (response.status_code, response["Location"]) == (301, item.get_absolute_url())


@pytest.mark.parametrize("trait", ["scheduled", "expired"])
def test_an_unpublished_announcement_is_not_found(client, trait):
    item = AnnouncementFactory(**{trait: True}, attachment=SimpleUploadedFile("a.pdf", PDF))
    assert client.get(item.get_absolute_url()).status_code == 404
    assert client.get(f"/tin-tuc/{item.pk}/").status_code == 404
    assert client.get(f"/tin-tuc/{item.pk}/tai-lieu.pdf").status_code == 404


def test_the_text_is_plain_paragraphs_never_html(client):
    item = AnnouncementFactory(
        title="<b>Tiêu đề</b>",
        summary="<img src=x onerror=alert(1)>",
        body="Đoạn một <script>alert(1)</script>\n\nĐoạn hai\ndòng mới",
    )
    html = client.get(item.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html and "<b>Tiêu đề</b>" not in html
    assert "<p>Đoạn một &lt;script&gt;alert(1)&lt;/script&gt;</p>" in html
    assert "<p>Đoạn hai<br>dòng mới</p>" in html
    assert 'lang="vi"' in html


def test_the_attached_pdf_is_served_while_published(client):
    item = AnnouncementFactory(attachment=SimpleUploadedFile("quy-che.pdf", PDF))
    assert f"/tin-tuc/{item.pk}/tai-lieu.pdf" in client.get(item.get_absolute_url()).content.decode()
    response = client.get(f"/tin-tuc/{item.pk}/tai-lieu.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    no_file = AnnouncementFactory()
    assert client.get(f"/tin-tuc/{no_file.pk}/tai-lieu.pdf").status_code == 404


def test_an_attachment_must_be_a_pdf_and_publication_must_end_after_it_starts():
    item = AnnouncementFactory.build(attachment=SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf"))
    with pytest.raises(ValidationError) as error:
        item.full_clean(exclude=["agency"])
    assert "attachment" in error.value.message_dict
    item = AnnouncementFactory.build(attachment=SimpleUploadedFile("quy-che.exe", PDF))
    with pytest.raises(ValidationError):
        item.full_clean(exclude=["agency"])
    now = timezone.now()
    item = AnnouncementFactory.build(publish_from=now, publish_until=now - timedelta(hours=1))
    with pytest.raises(ValidationError) as error:
        item.full_clean(exclude=["agency"])
    assert "publish_until" in error.value.message_dict


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_admin_filters_searches_and_previews(admin_client):
    live = AnnouncementFactory(title="Đang đăng")
    later = AnnouncementFactory(title="Sẽ đăng", scheduled=True)
    AnnouncementFactory(title="Đã hết hạn", expired=True)
    listing = admin_client.get("/admin/news/announcement/", {"publication": "published"})
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [live]
    assert list(
        admin_client.get("/admin/news/announcement/", {"publication": "scheduled"}).context["cl"].result_list
    ) == [later]
    assert admin_client.get("/admin/news/announcement/", {"q": "hết hạn"}).context["cl"].result_count == 1
    preview = admin_client.get(f"/admin/news/announcement/{later.pk}/preview/")
    assert preview.status_code == 200 and "Sẽ đăng" in preview.content.decode()
    assert admin_client.get(f"/admin/news/announcement/{later.pk}/change/").status_code == 200
    assert admin_client.get("/admin/news/announcement/add/").status_code == 200
    assert admin_client.get("/admin/news/dailyvisits/").status_code == 200


def test_the_preview_is_for_the_administration_only(client):
    later = AnnouncementFactory(scheduled=True)
    response = client.get(f"/admin/news/announcement/{later.pk}/preview/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
