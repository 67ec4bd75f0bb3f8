"""Each main public page stays under 100 KB of HTML, stylesheets and scripts (the portal is used on phones)."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

from motcua.demo.seed import seed_demo
from motcua.news.models import Announcement

pytestmark = pytest.mark.django_db

BUDGET = 100 * 1024
ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="/static/([^"?#]+)"')


def page_weight(client, path: str) -> tuple[int, dict[str, int]]:
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.content
    assets = {}
    for name in ASSET.findall(html.decode()):
        found = finders.find(name)
        assert found, f"{path}: /static/{name} is missing"
        with open(found, "rb") as f:
            assets[name] = len(f.read())
    return len(html) + sum(assets.values()), assets


def test_the_main_public_pages_weigh_under_100_kb(client):
    seed_demo()  # the real catalog: 156 procedures, the demo news
    procedure = "2.001628"
    announcement = Announcement.objects.first()
    assert announcement is not None
    pages = [
        "/",
        "/thu-tuc/",
        f"/thu-tuc/{procedure}/",
        "/tra-cuu/",
        "/lich-lam-viec/",
        "/dang-nhap/",
        "/dang-ky/",
        "/tin-tuc/",
        announcement.get_absolute_url(),
    ]
    weights = {path: page_weight(client, path) for path in pages}
    too_heavy = {path: (total, assets) for path, (total, assets) in weights.items() if total >= BUDGET}
    assert too_heavy == {}
    assert all(assets for _total, assets in weights.values())  # the stylesheet was found and counted
