"""Stored files that no row references are removed (after a grace period); referenced files never are,
and an upload refused or rolled back leaves no file behind."""

from __future__ import annotations

import os
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from motcua.catalog.tests.factories import RequiredDocumentFactory
from motcua.dossiers.models import DossierDocument, DossierDraft, StoredDocument
from motcua.dossiers.services import dossier_document_add, dossier_supplement_provide
from motcua.dossiers.services.drafts import draft_submit, draft_upload, store_upload
from motcua.dossiers.services.orphans import orphan_files_remove
from motcua.dossiers.tests.flow import PDF, api
from motcua.dossiers.uploads import storage_name

APPLICANT = {"kind": "person", "name": "Nguyễn Văn An"}
DAY = timedelta(hours=24)


@pytest.fixture
def documents(tmp_path, monkeypatch, settings) -> FileSystemStorage:
    """The dossier documents' storage, and MEDIA_ROOT, in this test's own folders."""
    storage = FileSystemStorage(location=tmp_path / "documents")
    for model in (DossierDocument, StoredDocument):
        monkeypatch.setattr(model._meta.get_field("file"), "storage", storage)
    settings.MEDIA_ROOT = tmp_path / "media"
    return storage


def files_in(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def age(root: Path, name: str, hours: float) -> None:
    moment = (timezone.now() - timedelta(hours=hours)).timestamp()
    os.utime(root / name, (moment, moment))


def dossier_of(office) -> str:
    response = api(office.citizen).post(
        "/api/v1/dossiers/", {"procedure": "2.001628", "channel": "online", "applicant": APPLICANT}, format="json"
    )
    assert response.status_code == 201, response.json()
    return str(response.json()["code"])


def pdf(marker: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{marker}.pdf", PDF + marker.encode())


def test_only_old_unreferenced_files_of_ours_are_removed(office, documents):
    root = Path(documents.location)
    code = dossier_of(office)
    kept = dossier_document_add(code=code, actor=office.citizen, file=pdf("kept")).file.name
    orphan, young = storage_name("pdf"), storage_name("png")
    documents.save(orphan, SimpleUploadedFile("x", PDF))
    documents.save(young, SimpleUploadedFile("x", PDF))
    documents.save("README.txt", SimpleUploadedFile("x", b"put here by an operator"))
    for name in (kept, orphan, "README.txt"):
        age(root, name, 30)
    age(root, young, 2)

    listed = orphan_files_remove(dry_run=True)
    assert [o.name for o in listed] == [orphan] and listed[0].size == len(PDF)
    assert files_in(root) == {kept, orphan, young, "README.txt"}, "a dry run removes nothing"

    removed = orphan_files_remove()
    assert [o.name for o in removed] == [orphan]
    # The referenced file, the one younger than the grace period (an upload in flight), and a file whose
    # name is not one of ours all stay.
    assert files_in(root) == {kept, young, "README.txt"}
    assert orphan_files_remove(grace=timedelta(0)) and files_in(root) == {kept, "README.txt"}
    assert orphan_files_remove(grace=timedelta(0)) == []


def test_a_file_shared_by_a_dossier_stays_when_the_store_forgets_it(office, documents):
    """A submitted draft's documents name the stored files; deleting the store's row keeps the file
    until no dossier names it either."""
    root = Path(documents.location)
    required = RequiredDocumentFactory(version=office.version, name="Đơn")
    draft = DossierDraft.objects.create(
        owner=office.citizen,
        procedure_version=office.version,
        applicant={"kind": "person", "name": "Nguyễn Văn An", "id_number": "092085001234", "phone": "0931015119"},
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )
    given = draft_upload(draft=draft, file=pdf("shared"), required_document_id=required.pk)
    alone = store_upload(owner=office.citizen, file=pdf("alone"), title="Ảnh")
    dossier = draft_submit(draft=draft, declaration=True)
    shared = given.stored.file.name
    assert dossier.documents.get().file.name == shared
    StoredDocument.objects.filter(owner=office.citizen).delete()  # the applicant empties their store
    for name in files_in(root):
        age(root, name, 48)

    removed = orphan_files_remove()
    assert [o.name for o in removed] == [alone.file.name]
    assert files_in(root) == {shared}


def test_catalog_templates_left_behind_are_removed_and_nothing_else_of_media(office, documents, settings):
    media = Path(settings.MEDIA_ROOT)
    required = RequiredDocumentFactory(version=office.version, template=SimpleUploadedFile("mau.pdf", PDF))
    leftover = "catalog/templates/mau-cu.pdf"
    (media / leftover).write_bytes(PDF)
    (media / "exports").mkdir()
    (media / "exports" / "bao-cao.xlsx").write_bytes(b"not ours")
    for name in files_in(media):
        age(media, name, 48)

    out = StringIO()
    call_command("cleanup_orphan_files", stdout=out)
    assert files_in(media) == {required.template.name, "exports/bao-cao.xlsx"}
    assert f"removed {media}/{leftover} ({len(PDF)} bytes" in out.getvalue()
    assert "Removed 1 unreferenced files" in out.getvalue()


def test_the_command_dry_run_prints_and_keeps(office, documents):
    root = Path(documents.location)
    name = storage_name("jpg")
    documents.save(name, SimpleUploadedFile("x", b"\xff\xd8\xff" + b"\0" * 10))
    out = StringIO()
    call_command("cleanup_orphan_files", "--dry-run", "--grace-hours", "0", stdout=out)
    assert f"would remove {root}/{name} (13 bytes" in out.getvalue()
    assert "Would remove 1 unreferenced files (13 bytes)." in out.getvalue()
    assert files_in(root) == {name}


def test_an_upload_refused_after_its_file_was_written_leaves_no_file(office, documents, settings):
    """The draft is full: the file was checked and stored, then the draft refused it (rolled back)."""
    root = Path(documents.location)
    settings.MOTCUA_UPLOAD_MAX_FILES_PER_DOSSIER = 1
    draft = DossierDraft.objects.create(
        owner=office.citizen, procedure_version=office.version, created_at=timezone.now(), updated_at=timezone.now()
    )
    first = draft_upload(draft=draft, file=pdf("first"))
    with pytest.raises(ValidationError):
        draft_upload(draft=draft, file=pdf("second"))
    assert StoredDocument.objects.count() == 1
    assert files_in(root) == {first.stored.file.name}


def test_a_supplement_refused_midway_leaves_no_file(office, documents):
    """The first file was attached, the second refused: the answer is all or nothing, files included."""
    root = Path(documents.location)
    code = dossier_of(office)
    with pytest.raises(ValidationError, match=r"bad\.pdf"):
        # The dossier is not waiting for a supplement either; the bad file is refused first.
        dossier_supplement_provide(
            code=code,
            actor=office.citizen,
            files=[pdf("good"), SimpleUploadedFile("bad.pdf", b"MZ not a pdf")],
        )
    assert not DossierDocument.objects.exists()
    assert files_in(root) == set()


def test_a_transaction_rolled_back_later_leaves_a_file_that_the_job_removes(office, documents):
    """Beyond what a service can see (its caller's transaction rolls back): the cleanup is the safety net."""
    root = Path(documents.location)
    code = dossier_of(office)
    with transaction.atomic():
        written = dossier_document_add(code=code, actor=office.citizen, file=pdf("late")).file.name
        transaction.set_rollback(True)
    assert not DossierDocument.objects.exists() and files_in(root) == {written}
    assert orphan_files_remove(grace=DAY) == []  # still in its grace period
    assert [o.name for o in orphan_files_remove(grace=timedelta(0))] == [written]
    assert files_in(root) == set()
