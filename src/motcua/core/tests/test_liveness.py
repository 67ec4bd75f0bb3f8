"""GET /healthz/live: the liveness probe answers without asking the database."""

from __future__ import annotations

import pytest
from django.db import connection


def test_liveness_answers_ok_without_the_database(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]
    # The readiness check, by contrast, reports the database gone.
    assert client.get("/healthz").status_code == 503


@pytest.mark.django_db
def test_liveness_takes_only_get(client):
    assert client.post("/healthz/live").status_code == 405
