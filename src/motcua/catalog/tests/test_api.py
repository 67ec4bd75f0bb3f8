"""The catalog API of CONTRACT.md §3."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from motcua.catalog.tests.factories import FeeFactory, ProcedureVersionFactory, RequiredDocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return APIClient()


def test_list_is_paginated_with_agency_and_field_objects(client):
    for _ in range(3):
        ProcedureVersionFactory()
    response = client.get("/api/v1/procedures/", {"page_size": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"] and body["previous"] is None
    first = body["results"][0]
    assert set(first["agency"]) >= {"code", "name"} and set(first["field"]) >= {"code", "name"}
    assert first["processing_time"] == {"amount": 5.0, "unit": "working_days"}


def test_page_size_is_capped_at_500(client):
    ProcedureVersionFactory()
    assert client.get("/api/v1/procedures/", {"page_size": 10000}).status_code == 200


def test_search_ignores_diacritics(client):
    ProcedureVersionFactory(name="Thủ tục công nhận điểm du lịch")
    ProcedureVersionFactory(name="Thủ tục đăng ký lễ hội")
    codes = [r["name"] for r in client.get("/api/v1/procedures/", {"q": "DU LICH"}).json()["results"]]
    assert codes == ["Thủ tục công nhận điểm du lịch"]


def test_detail_has_documents_fees_time_and_level(client):
    version = ProcedureVersionFactory(procedure__code="2.001628", name="Lữ hành nội địa", full_online=True)
    FeeFactory(version=version, name="Phí thẩm định", amount=1000000)
    RequiredDocumentFactory(version=version, name="Đơn đề nghị")
    response = client.get("/api/v1/procedures/2.001628/")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "2.001628" and body["service_level"] == "full"
    assert body["fees"] == [{"name": "Phí thẩm định", "amount": 1000000}]
    assert body["documents"][0]["name"] == "Đơn đề nghị"
    assert body["processing_time"] == {"amount": 5.0, "unit": "working_days"}


def test_unknown_procedure_is_a_404_in_the_error_envelope(client):
    response = client.get("/api/v1/procedures/9.999999/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "procedure-not-found"


@pytest.mark.parametrize(
    ("params", "field"),
    [({"level": "level-9"}, "level"), ({"q": "x" * 201}, "q"), ({"page": "abc"}, None), ({"field": "a b"}, "field")],
)
def test_bad_parameters_get_a_4xx_error_that_names_the_field(client, params, field):
    response = client.get("/api/v1/procedures/", params)
    assert 400 <= response.status_code < 500
    error = response.json()["error"]
    assert error["code"] and error["message"]
    if field:
        assert field in error["fields"]


def test_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/procedures/", "/api/v1/procedures/{code}/", "/api/v1/calendar/due/", "/api/v1/auth/token/"} <= set(
        paths
    )
    assert client.get("/api/docs/").status_code == 200


def test_list_queries_do_not_grow_with_the_page(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(n: int) -> int:
        ProcedureVersionFactory.create_batch(n)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/procedures/", {"q": "thu tuc", "page_size": 100}).status_code == 200
        return len(ctx.captured_queries)

    few = queries_for(3)
    many = queries_for(40)
    assert few == many <= 3
