"""The agency the portal speaks for: in the header (hotline), in full in the footer with the data's source."""

from __future__ import annotations

import pytest

from motcua.accounts.tests.factories import AgencyFactory
from motcua.news.selectors import portal_agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    city = AgencyFactory(
        code="000.00.00.H13",
        name="Ủy ban nhân dân thành phố Cần Thơ",
        short_name="UBND TP Cần Thơ",
        address="Số 2 Hòa Bình, phường Ninh Kiều, thành phố Cần Thơ",
        phone="0292 3820 820",
        email="motcua@demo.motcua.vn",
    )
    AgencyFactory(code="000.00.21.H13", name="Sở Văn hóa, Thể thao và Du lịch", parent=city)
    return city


def test_the_only_top_level_agency_is_in_the_header_and_the_footer(client, city):
    client.cookies["django_language"] = "en"
    html = client.get("/").content.decode()
    header, footer = html.split("</header>")[0], html.split("<footer")[1]
    assert 'href="tel:02923820820"' in header and "0292 3820 820" in header and "UBND TP Cần Thơ" in header
    for text in (city.name, city.address, 'href="tel:02923820820"', 'href="mailto:motcua@demo.motcua.vn"'):
        assert text in footer
    assert "National Database on Administrative Procedures" in footer and 'href="https://dichvucong.gov.vn/"' in footer
    assert 'href="/api/docs/"' in footer


def test_no_agency_is_shown_when_the_portal_cannot_tell_which(client, city):
    AgencyFactory(code="000.00.00.H14", name="Ủy ban nhân dân tỉnh khác")
    assert portal_agency() is None
    html = client.get("/").content.decode()
    assert "tel:" not in html and 'class="agency-bar"' not in html


def test_the_setting_names_the_agency(settings, city):
    settings.MOTCUA_PORTAL_AGENCY = "000.00.21.H13"
    agency = portal_agency()
    assert agency is not None and agency.name == "Sở Văn hóa, Thể thao và Du lịch" and agency.phone_href == ""
    settings.MOTCUA_PORTAL_AGENCY = "999.99.99.H99"
    from django.core.cache import cache

    cache.clear()
    assert portal_agency() is None


def test_the_agency_is_read_once_and_forgotten_when_it_changes(city, django_assert_num_queries):
    assert portal_agency().phone == "0292 3820 820"
    with django_assert_num_queries(0):
        portal_agency()
    city.phone = "+84 292 1022"
    city.save()
    found = portal_agency()
    assert found.phone == "+84 292 1022" and found.phone_href == "tel:+842921022"


def test_an_inactive_agency_is_not_the_portal(city):
    city.is_active = False
    city.save()
    assert portal_agency() is None
