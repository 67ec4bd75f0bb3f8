"""backup and restore: a round trip keeps every row, every file and the sequences; a bad archive changes nothing.

Runs on SQLite and, with DATABASE_URL, on PostgreSQL (pg_dump / pg_restore into a database of its own).
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import tarfile
import threading
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, connections
from rest_framework.test import APIClient

from motcua.accounts.models import User
from motcua.accounts.tests.factories import UserFactory
from motcua.backups.services import (
    BackupError,
    _walk,
    archive_verify,
    archived_storages,
    database_alias,
    database_rows,
    find_pg_tool,
)
from motcua.dossiers.models import Dossier, DossierDocument

# Transactional where pg_dump must see the test's rows; cheap rollback tests elsewhere.
pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n" + os.urandom(3000) + b"\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(2000)


def table_dump(cursor: Any, vendor: str, tables: list[str]) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order (and SQLite's sequences)."""
    dump: dict[str, list[tuple]] = {}
    for table in tables:
        cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608  (the database's own table names)
        dump[table] = sorted((tuple(row) for row in cursor.fetchall()), key=repr)
    if vendor == "sqlite":
        cursor.execute("SELECT name, seq FROM sqlite_sequence ORDER BY name")
        dump["sqlite_sequence"] = [tuple(row) for row in cursor.fetchall()]
    return dump


def database_dump(url: str | None = None) -> dict[str, list[tuple]]:
    """`table_dump` of the test database (no URL) or of the database at `url`."""
    with database_alias(url) as alias:
        target = connections[alias]
        with target.cursor() as cursor:
            tables = sorted(t.name for t in target.introspection.get_table_list(cursor) if t.type == "t")
            return table_dump(cursor, target.vendor, tables)


def stored_files() -> dict[tuple[str, str], bytes]:
    """Every file of every archived storage, by (storage, name)."""
    found: dict[tuple[str, str], bytes] = {}
    for key, storage in archived_storages().items():
        for name in _walk(storage):
            with storage.open(name, "rb") as handle:
                found[(key, name)] = handle.read()
    return found


def backup(path: Path, **options: Any) -> str:
    out = StringIO()
    call_command("backup", output=str(path), stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def restore(path: Path, url: str, **options: Any) -> str:
    out = StringIO()
    call_command("restore", str(path), database_url=url, stdout=out, **options)
    return out.getvalue()


def small_data() -> None:
    UserFactory(username="an", full_name="Nguyễn Văn An")
    UserFactory(username="binh", full_name="Trần Thị Bình")
    storages["documents"].save("ab/don-de-nghi.pdf", ContentFile(PDF))
    storages["default"].save("news/quy-che.pdf", ContentFile(PDF[::-1]))


@pytest.mark.django_db(transaction=True)
def test_a_round_trip_restores_every_row_every_file_and_the_sequences(files_at, target_url, tmp_path):
    files_at("live")
    call_command("seed_demo", dossiers=3, stdout=StringIO())
    citizen = User.objects.get(username="citizen1")
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(citizen)
    created = client.post(
        "/api/v1/dossiers/",
        {
            "procedure": "2.001628",
            "channel": "online",
            "applicant": {"kind": "person", "name": "Nguyễn Văn An"},
            "form_data": {"applicant_name": "Nguyễn Văn An", "phone": "0907111222", "request": "Đề nghị."},
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    for name, content in (("don.pdf", PDF), ("anh.png", PNG)):
        uploaded = client.post(
            f"/api/v1/dossiers/{created.json()['code']}/documents/",
            {"file": SimpleUploadedFile(name, content)},
            format="multipart",
        )
        assert uploaded.status_code == 201, uploaded.json()
    source_rows, source_files = database_dump(), stored_files()
    assert DossierDocument.objects.count() >= 2 and len(source_files) >= 3

    archive = tmp_path / "motcua.tar"
    printed = backup(archive)
    assert "motcua.tar" in printed and f"{len(source_files)} files" in printed
    manifest = archive_verify(archive)
    assert manifest.vendor == connection.vendor and manifest.tables["dossiers_dossier"] == Dossier.objects.count()
    assert ("dossiers", "0001_initial") in manifest.migrations

    files_at("restored")  # an empty documents folder, and an empty database at target_url
    assert stored_files() == {}
    printed = restore(archive, target_url)
    assert "match the archive" in printed

    assert database_dump(target_url) == source_rows
    assert stored_files() == source_files
    # The sequences came along: a new dossier gets a new id, not one of the restored dossiers'.
    with database_alias(target_url) as alias:
        highest = Dossier.objects.using(alias).order_by("-pk").first()
        assert highest is not None
        restored_ids = set(Dossier.objects.using(alias).values_list("pk", flat=True))
        highest.pk = None
        highest.code = "NEW-AFTER-RESTORE"
        highest.save(using=alias, force_insert=True)
        assert highest.pk not in restored_ids and highest.pk > max(restored_ids)

    # Now the database holds data: restoring again needs --force, and without it nothing changes.
    with pytest.raises(CommandError, match="already holds data"):
        restore(archive, target_url)
    with database_alias(target_url) as alias:
        assert Dossier.objects.using(alias).filter(code="NEW-AFTER-RESTORE").exists()
    restore(archive, target_url, force=True)
    assert database_dump(target_url) == source_rows


def rewrite(archive: Path, damaged: Path, change) -> None:
    """Copy `archive` to `damaged`, passing each member's (info, bytes) through `change` (None drops it)."""
    with tarfile.open(archive) as source, tarfile.open(damaged, "w", format=tarfile.PAX_FORMAT) as target:
        for member in source.getmembers():
            data = source.extractfile(member)
            assert data is not None
            changed = change(member, data.read())
            if changed is not None:
                member.size = len(changed)
                target.addfile(member, io.BytesIO(changed))


def one_byte_changed(archive: Path, damaged: Path) -> None:
    damaged.write_bytes(archive.read_bytes())
    with tarfile.open(damaged) as tar:
        offset = tar.getmember("files/private/ab/don-de-nghi.pdf").offset_data
    with damaged.open("r+b") as handle:
        handle.seek(offset + 100)
        byte = handle.read(1)
        handle.seek(offset + 100)
        handle.write(bytes([byte[0] ^ 0xFF]))


def from_the_future(member: tarfile.TarInfo, data: bytes) -> bytes:
    if member.name != "manifest.json":
        return data
    manifest = json.loads(data)
    manifest["migrations"].append(["dossiers", "9999_from_the_future"])
    return json.dumps(manifest).encode()


@pytest.mark.django_db(transaction=True)
def test_a_damaged_or_newer_archive_is_refused_and_changes_nothing(files_at, target_url, tmp_path):
    files_at("live")
    small_data()
    archive = tmp_path / "motcua.tar"
    backup(archive)
    damages = {
        "one document byte changed": (one_byte_changed, "files/private/ab/don-de-nghi.pdf does not match its checksum"),
        "cut short": (
            lambda a, d: d.write_bytes(a.read_bytes()[: a.stat().st_size // 2]),
            "not a usable MotCua backup",
        ),
        "manifest missing": (
            lambda a, d: rewrite(a, d, lambda m, data: None if m.name == "manifest.json" else data),
            "it has no manifest",
        ),
        "made by a newer version": (
            lambda a, d: rewrite(a, d, from_the_future),
            r"newer MotCua.*dossiers\.9999_from_the_future.*Upgrade the code",
        ),
    }
    files_at("restored")
    for number, (damage, (make, message)) in enumerate(damages.items()):
        damaged = tmp_path / f"damaged-{number}.tar"
        make(archive, damaged)
        with pytest.raises(CommandError, match=message):
            restore(damaged, target_url)
        if damage != "made by a newer version":
            with pytest.raises(CommandError, match="Nothing was changed"):
                call_command("restore", str(damaged), check=True)
        assert stored_files() == {}, damage
        with database_alias(target_url) as alias:
            assert database_rows(alias) == {}, damage


def test_a_sqlite_backup_taken_while_another_connection_writes_is_consistent(files_at, tmp_path):
    """Each write adds one row to `a` and one to `b` in one transaction: a consistent copy has as many of each."""
    files_at("live")
    database = tmp_path / "busy.sqlite3"
    setup = sqlite3.connect(database)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.executescript(
        "CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, note TEXT);"
        "CREATE TABLE b (id INTEGER PRIMARY KEY AUTOINCREMENT, note TEXT);"
    )
    with setup:
        setup.executemany("INSERT INTO a (note) VALUES (?)", [("x" * 200,)] * 5000)
        setup.executemany("INSERT INTO b (note) VALUES (?)", [("y" * 200,)] * 5000)
    setup.close()

    stop, writes = threading.Event(), []

    def writer() -> None:
        own = sqlite3.connect(database, timeout=10)
        while not stop.is_set():
            with own:
                own.execute("INSERT INTO a (note) VALUES ('w')")
                own.execute("INSERT INTO b (note) VALUES ('w')")
            writes.append(1)
        own.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(writes) < 20:
            stop.wait(0.01)
        archive = tmp_path / "busy.tar"
        backup(archive, database_url=f"sqlite:///{database}")
    finally:
        stop.set()
        thread.join()

    manifest = archive_verify(archive)
    assert manifest.tables["a"] == manifest.tables["b"] >= 5020
    copy = tmp_path / "copy.sqlite3"
    with tarfile.open(archive) as tar:
        copy.write_bytes(tar.extractfile("database/motcua.sqlite3").read())
    check = sqlite3.connect(copy)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert check.execute("SELECT COUNT(*) FROM a").fetchone() == check.execute("SELECT COUNT(*) FROM b").fetchone()
    check.close()
    restore(archive, f"sqlite:///{tmp_path / 'again.sqlite3'}", no_migrate=True)


def test_a_missing_postgresql_client_is_named_with_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match=r"pg_dump was not found.*postgresql-client"):
        find_pg_tool("pg_dump", search=[tmp_path])


def test_backup_refuses_to_overwrite_an_archive(files_at, tmp_path):
    files_at("live")
    archive = tmp_path / "motcua.tar"
    archive.write_bytes(b"an older archive")
    with pytest.raises(CommandError, match="already exists"):
        backup(archive)
    assert archive.read_bytes() == b"an older archive"
    assert not any(path.name.endswith(".partial") for path in tmp_path.iterdir())
