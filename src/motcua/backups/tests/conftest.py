"""Backups' fixtures: stored files in a folder of the test's own, and an empty database to restore into."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
import pytest
from django.db import connection

FOLDER_STORAGE = "django.core.files.storage.FileSystemStorage"


@pytest.fixture
def files_at(settings, tmp_path):
    """`files_at("name")` points the media and the documents storages at empty folders under tmp_path/name."""

    def point(name: str) -> Path:
        root = tmp_path / name
        settings.MEDIA_ROOT = root / "media"
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {"BACKEND": FOLDER_STORAGE, "OPTIONS": {"location": str(root / "media")}},
            "documents": {"BACKEND": FOLDER_STORAGE, "OPTIONS": {"location": str(root / "private"), "base_url": None}},
        }
        return root

    return point


@pytest.fixture
def target_url(tmp_path) -> Iterator[str]:
    """The URL of an empty database of the suite's kind (a new SQLite file, or a new PostgreSQL database)."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    config = connection.settings_dict
    base = dj_database_url.parse(os.environ["DATABASE_URL"])["NAME"] or "motcua"
    name = f"{base}_restore{os.environ.get('PYTEST_XDIST_WORKER', '')}"
    params: dict[str, Any] = {
        "host": config["HOST"] or "127.0.0.1",
        "port": config["PORT"] or 5432,
        "user": config["USER"],
        "password": config["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{config['PASSWORD']}" if config["PASSWORD"] else ""
    yield f"postgres://{config['USER']}{password}@{params['host']}:{params['port']}/{name}"
    with psycopg.connect(**params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
