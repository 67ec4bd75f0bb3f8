"""Where uploaded files live: a local folder (`make run`) or an S3-compatible object store (MOTCUA_STORAGE=s3://…).

Dossier documents use the `documents` storage (settings.STORAGES), reached through `document_storage`
so that every module uses one storage object, and a test that overrides STORAGES reaches the new one.
Code reads and writes files only through the storage API (`open`, `save`, `delete`, `size`,
`listdir`), never a local path: on S3 there is none.
"""

from __future__ import annotations

from typing import Any

from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

DOCUMENTS = "documents"


class _DocumentStorage(LazyObject):
    def _setup(self) -> None:
        self._wrapped = storages[DOCUMENTS]


document_storage: Storage = _DocumentStorage()  # type: ignore[assignment]


@receiver(setting_changed)
def _reset_document_storage(*, setting: str, **kwargs: Any) -> None:
    if setting == "STORAGES":
        document_storage._wrapped = empty  # type: ignore[attr-defined]
