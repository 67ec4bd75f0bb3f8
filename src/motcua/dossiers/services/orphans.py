"""Stored files that no row references: found and removed once they are older than a grace period.

A file is written before its row, inside the row's transaction. When that transaction never commits (the
web process is killed in the middle of a request, the database connection drops, a later step of the same
transaction fails), or when a row is deleted (a document taken out of an applicant's store; Django never
deletes a file with its row), the file stays behind, referenced by nothing: personal data kept for nobody.
The services remove what they wrote when they fail (`uploads.new_files_removed_on_error`); this daily job
is the safety net for everything else.

It reads only through the storage API (`listdir`, `get_modified_time`, `size`, `delete`), so it works the
same on a local folder and on an S3 bucket. What it looks at, per FileField of every model:

- a field without `upload_to` (the dossier documents and the personal store): the whole storage, but only
  names of the form `storage_name()` gives (`ab/<32 hex>.pdf`), so nothing else put there is ever touched;
- a field with `upload_to` (catalog templates, news attachments): that folder (the part before any `%`).

A file is removed only when no row of any FileField on the same storage names it, it is older than
`MOTCUA_ORPHAN_FILE_GRACE_HOURS` (an upload in flight has written its file and not yet committed its row),
and a second look, just before removing it, still finds no row (a row may have been written meanwhile).
Memory: the names of the referenced files are held in a set, about 100 bytes a file.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.db import DEFAULT_DB_ALIAS
from django.db.models import FileField
from django.utils import timezone

from motcua.dossiers.uploads import STORAGE_NAME_PATTERN

logger = logging.getLogger(__name__)

_BATCH = 500


@dataclass(frozen=True)
class OrphanFile:
    storage: str  # where: a folder, or the object store's bucket and prefix
    name: str
    size: int | None
    modified_at: datetime


@dataclass
class _Place:
    """One storage: the fields whose files it holds, and the folders of it to look through."""

    storage: Storage
    fields: list[FileField]
    areas: set[tuple[str, re.Pattern[str] | None]]


def _storage_key(storage: Storage) -> tuple[str, ...]:
    """The same storage reached through different objects (each FileField may hold its own) has one key."""
    if isinstance(storage, FileSystemStorage):
        return ("file", os.path.realpath(storage.location))
    cls = storage.__class__  # through a LazyObject too
    return (
        f"{cls.__module__}.{cls.__qualname__}",
        str(getattr(storage, "endpoint_url", "") or ""),
        str(getattr(storage, "bucket_name", "") or ""),
        str(getattr(storage, "location", "") or ""),
    )


def _describe(storage: Storage) -> str:
    if isinstance(storage, FileSystemStorage):
        return str(storage.location)
    bucket = getattr(storage, "bucket_name", "") or ""
    location = getattr(storage, "location", "") or ""
    return f"{storage.__class__.__name__}:{bucket}/{location}".rstrip("/")


def _area(field: FileField) -> tuple[str, re.Pattern[str] | None] | None:
    """The folder of the storage that holds `field`'s files, and the names to consider there (None: all)."""
    upload_to: Any = field.upload_to
    if callable(upload_to):
        try:
            example = str(upload_to(None, "x"))
        except Exception:  # noqa: BLE001 - a callable that needs its instance: its folder is unknown, not looked at
            return None
        folder = example.split("/", 1)[0]
        return (f"{folder}/", None) if "/" in example and folder else None
    if not upload_to:
        return ("", STORAGE_NAME_PATTERN)
    static = str(upload_to).split("%", 1)[0]
    folder = static.rsplit("/", 1)[0] if "/" in static else ""
    return (f"{folder}/", None) if folder else None


def _file_fields() -> Iterator[FileField]:
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed or model._meta.swapped:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, FileField):
                yield field


def _places() -> list[_Place]:
    places: dict[tuple[str, ...], _Place] = {}
    for field in _file_fields():
        place = places.setdefault(_storage_key(field.storage), _Place(storage=field.storage, fields=[], areas=set()))
        place.fields.append(field)
        area = _area(field)
        if area is not None:
            place.areas.add(area)
    return list(places.values())


def _referenced(fields: Iterable[FileField], names: Iterable[str] | None = None) -> set[str]:
    """The names that rows of `fields` reference (all of them, or those among `names`)."""
    found: set[str] = set()
    for field in fields:
        rows = (
            field.model._base_manager.using(DEFAULT_DB_ALIAS)
            .exclude(**{field.attname: ""})
            .exclude(**{f"{field.attname}__isnull": True})
        )
        if names is None:
            found.update(rows.values_list(field.attname, flat=True).iterator(chunk_size=5000))
        else:
            found.update(rows.filter(**{f"{field.attname}__in": list(names)}).values_list(field.attname, flat=True))
    return found


def _walk(storage: Storage, folder: str) -> Iterator[str]:
    try:
        directories, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{folder}{name}"
    for directory in directories:
        yield from _walk(storage, f"{folder}{directory}/")


def _unreferenced(place: _Place) -> list[str]:
    referenced = _referenced(place.fields)
    names: set[str] = set()
    for folder, pattern in place.areas:
        names.update(
            name
            for name in _walk(place.storage, folder)
            if name not in referenced and (pattern is None or pattern.fullmatch(name))
        )
    return sorted(names)


def _batches(names: list[str]) -> Iterator[list[str]]:
    iterator = iter(names)
    while batch := list(islice(iterator, _BATCH)):
        yield batch


def orphan_files_remove(
    *, grace: timedelta | None = None, dry_run: bool = False, now: datetime | None = None
) -> list[OrphanFile]:
    """Delete the stored files that no row references and that are older than `grace` (by default
    MOTCUA_ORPHAN_FILE_GRACE_HOURS); with `dry_run`, only list them. Returns what was (or would be) removed."""
    now = now or timezone.now()
    if grace is None:
        grace = timedelta(hours=settings.MOTCUA_ORPHAN_FILE_GRACE_HOURS)
    removed: list[OrphanFile] = []
    for place in _places():
        storage = place.storage
        old: list[OrphanFile] = []
        for name in _unreferenced(place):
            try:
                modified = storage.get_modified_time(name)
            except FileNotFoundError:  # removed meanwhile
                continue
            if timezone.is_naive(modified):
                modified = timezone.make_aware(modified)
            if modified > now - grace:
                continue
            try:
                size: int | None = storage.size(name)
            except OSError:
                size = None
            old.append(OrphanFile(storage=_describe(storage), name=name, size=size, modified_at=modified))
        for batch in _batches([orphan.name for orphan in old]):
            # A second look: a row written since the first one (a draft submitted, a file reused) keeps its file.
            gone = set(batch) - _referenced(place.fields, batch)
            for orphan in (o for o in old if o.name in gone):
                if not dry_run:
                    storage.delete(orphan.name)
                removed.append(orphan)
    if removed and not dry_run:
        logger.info("removed %d unreferenced files (%d bytes)", len(removed), sum(o.size or 0 for o in removed))
    return removed
