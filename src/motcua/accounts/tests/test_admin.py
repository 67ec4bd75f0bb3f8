"""The admin works in Vietnamese for every model, and bad input is refused without a 500."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from motcua.accounts.tests.factories import UserFactory
from motcua.demo.seed import seed_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_every_admin_list_add_and_change_page_opens(admin_client):
    seed_demo()
    for model in admin.site._registry:
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert admin_client.get(changelist).status_code == 200, changelist
        add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        # Records kept by their own services (visits, ratings, feedback) are read-only: no add page.
        can_add = admin.site._registry[model].has_add_permission(admin_client.get(changelist).wsgi_request)
        assert admin_client.get(add).status_code == (200 if can_add else 403), add
        first = model.objects.first()
        if first is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            assert admin_client.get(change).status_code == 200, change


def test_admin_speaks_vietnamese_by_default(admin_client):
    response = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    assert 'lang="vi"' in response.content.decode()


def test_a_bad_agency_in_the_admin_is_refused_with_a_message(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_agency_add"),
        {
            "code": "not a code",
            "name": "Sở thử",
            "kind": "department",
            "units-TOTAL_FORMS": "0",
            "units-INITIAL_FORMS": "0",
            "receiving_points-TOTAL_FORMS": "0",
            "receiving_points-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["code"]
