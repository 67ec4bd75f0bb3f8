"""Strict checks of uploaded documents: type by content, size, count, safe names (issue: Access and audit)."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _
from unidecode import unidecode

logger = logging.getLogger(__name__)

# The first bytes of each accepted type; the name's extension must agree with them.
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
EXTENSIONS = {"pdf": "pdf", "jpg": "jpg", "jpeg": "jpg", "png": "png"}
CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


@dataclass(frozen=True)
class CheckedFile:
    kind: str  # pdf | jpg | png
    safe_name: str
    size: int
    sha256: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


def safe_file_name(name: str) -> str:
    """A name that is safe to show and to put in a header: ASCII, no path, at most 100 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    ascii_name = unidecode(unicodedata.normalize("NFC", base))
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name).strip("._") or "tai-lieu"
    stem, dot, ext = cleaned.rpartition(".")
    return (stem[:90].rstrip("_-") + dot + ext[:8]) if dot and stem.strip("_-") else cleaned[:100]


def check_upload(file: IO[bytes], *, name: str, size: int, accepted: list[str]) -> CheckedFile:
    """Refuse what is too large, empty, of a type not accepted, or whose content is not what its name says."""
    limit = settings.MOTCUA_UPLOAD_MAX_BYTES
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s MB; files may be at most %(limit)s MB.")
            % {"size": round(size / 1_048_576, 1), "limit": round(limit / 1_048_576, 1)},
            code="too-large",
        )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    extension = EXTENSIONS.get(name.rsplit(".", 1)[-1].lower()) if "." in name else None
    allowed = sorted({EXTENSIONS[t] for t in (accepted or ["pdf", "jpg", "png"]) if t in EXTENSIONS})
    if extension not in allowed:
        raise ValidationError(
            _("Send a %(types)s file.") % {"types": ", ".join(t.upper() for t in allowed)}, code="type-not-accepted"
        )
    head = file.read(16)
    file.seek(0)
    if not head.startswith(SIGNATURES[extension]):
        raise ValidationError(
            _("The file's content is not a %(type)s document, whatever its name says.") % {"type": extension.upper()},
            code="content-mismatch",
        )
    digest = hashlib.sha256()
    for chunk in iter(lambda: file.read(1 << 20), b""):
        digest.update(chunk)
    file.seek(0)
    return CheckedFile(kind=extension, safe_name=safe_file_name(name), size=size, sha256=digest.hexdigest())


def storage_name(kind: str) -> str:
    """Where a document is kept: a random name, never the applicant's."""
    return f"{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{kind}"


# The name `storage_name` gives: what the orphaned-file cleanup may remove from the documents' storage.
STORAGE_NAME_PATTERN = re.compile(r"[0-9a-f]{2}/[0-9a-f]{32}\.(?:pdf|jpg|png)")

# The files written inside the innermost `new_files_removed_on_error` block of this thread or task.
_new_files: ContextVar[list[FieldFile] | None] = ContextVar("motcua_new_files", default=None)


@contextmanager
def new_files_removed_on_error() -> Iterator[None]:
    """Files written with `save_new_file` inside the block are deleted again if the block raises.

    Put it outside `transaction.atomic` (as the outer decorator): when the block raises, its rows were
    rolled back, so its files would be referenced by nothing. A file kept by an inner block goes to
    the outer one, which deletes it too if it fails. A transaction that rolls back later, or a process
    killed before it commits, still leaves files behind: the daily cleanup (services/orphans.py) takes them.
    """
    outer = _new_files.get()
    mine: list[FieldFile] = []
    token = _new_files.set(mine)
    try:
        yield
    except BaseException:
        for file in mine:
            try:
                file.storage.delete(str(file.name))
            except Exception:  # the cleanup job will find it
                logger.warning("could not remove %s after a failed upload", file.name, exc_info=True)
        raise
    finally:
        _new_files.reset(token)
    if outer is not None:
        outer.extend(mine)


def save_new_file(file: FieldFile, name: str, content: Any) -> None:
    """Write `content` as `file` (not saving its row), removed again if the enclosing block fails."""
    file.save(name, content, save=False)
    written = _new_files.get()
    if written is not None:
        written.append(file)
