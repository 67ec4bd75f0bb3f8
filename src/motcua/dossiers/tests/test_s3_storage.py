"""Dossier documents on an S3-compatible object store (MOTCUA_STORAGE=s3://bucket/prefix).

The backend under test is the real one, django-storages' S3Storage, configured exactly as production
configures it (motcua.conf.s3). The object store it talks to is moto's S3-compatible test server,
started on a free loopback port for this module: plain HTTP, the S3 API, nothing mocked in-process.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
from django.core.files.base import ContentFile
from moto.server import ThreadedMotoServer

from motcua.conf.s3 import s3_storages
from motcua.core.storage import document_storage
from motcua.dossiers.models import DossierDocument
from motcua.dossiers.services.orphans import orphan_files_remove
from motcua.dossiers.tests.flow import api, intake
from motcua.dossiers.uploads import storage_name

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BUCKET = "motcua-documents"
KEYS = {"MOTCUA_S3_ACCESS_KEY": "test-access-key", "MOTCUA_S3_SECRET_KEY": "test-secret-key"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def s3_test_server() -> Iterator[str]:
    """moto's S3-compatible server on 127.0.0.1, with an empty bucket; yields its endpoint URL."""
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _client(endpoint).create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        server.stop()


def _client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=KEYS["MOTCUA_S3_ACCESS_KEY"],
        aws_secret_access_key=KEYS["MOTCUA_S3_SECRET_KEY"],
        region_name="us-east-1",
    )


@pytest.fixture
def on_s3(settings, s3_test_server) -> Any:
    """The settings production derives from MOTCUA_STORAGE=s3://motcua-documents/so-vhttdl and MOTCUA_S3_*."""
    env = {**KEYS, "MOTCUA_S3_ENDPOINT_URL": s3_test_server, "MOTCUA_S3_REGION": "us-east-1"}
    settings.STORAGES = {**settings.STORAGES, **s3_storages(f"s3://{BUCKET}/so-vhttdl", env)}
    client = _client(s3_test_server)
    yield client
    listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for item in listed:
        client.delete_object(Bucket=BUCKET, Key=item["Key"])


def _keys(client: Any) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_an_uploaded_document_is_kept_privately_in_the_bucket_and_served_only_through_the_app(office, on_s3):
    code = intake(office)["code"]
    response = api(office.desk).post(
        f"/api/v1/dossiers/{code}/documents/", {"file": ContentFile(PDF, name="don.pdf")}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    document = DossierDocument.objects.get()
    key = f"so-vhttdl/private/{document.file.name}"
    assert _keys(on_s3) == {key}
    grants = on_s3.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert all("AllUsers" not in str(grant["Grantee"]) for grant in grants)  # private: no public read
    with pytest.raises(NotImplementedError):
        document.file.url  # noqa: B018 -- a document has no direct link

    download = api(office.desk).get(response.json()["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Cache-Control"] == "private, no-store"
    assert api(office.stranger).get(response.json()["url"]).status_code in {403, 404}
    assert document_storage.size(document.file.name) == len(PDF)


def test_the_cleanup_job_lists_and_removes_only_unreferenced_objects(office, on_s3):
    code = intake(office)["code"]
    kept = api(office.desk).post(
        f"/api/v1/dossiers/{code}/documents/", {"file": ContentFile(PDF, name="don.pdf")}, format="multipart"
    )
    assert kept.status_code == 201
    orphan = document_storage.save(storage_name("pdf"), ContentFile(PDF))  # a file whose row never came
    referenced = DossierDocument.objects.get().file.name

    listed = orphan_files_remove(grace=timedelta(0), dry_run=True)
    assert [item.name for item in listed] == [orphan]
    assert _keys(on_s3) == {f"so-vhttdl/private/{orphan}", f"so-vhttdl/private/{referenced}"}

    orphan_files_remove(grace=timedelta(0))
    assert _keys(on_s3) == {f"so-vhttdl/private/{referenced}"}
    document_storage.delete(referenced)
    assert _keys(on_s3) == set()


def test_a_bad_storage_address_is_refused_with_a_clear_error():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="s3://bucket"):
        s3_storages("s3:///no-bucket", {})
