"""The S3 backend of dossier documents (MOTCUA_STORAGE=s3://…; settings from motcua.conf.s3)."""

from __future__ import annotations

from typing import Any

from storages.backends.s3 import S3Storage


class DocumentS3Storage(S3Storage):
    """Private documents on S3: no object gets a URL; the app streams them after its permission check."""

    def url(self, name: str, parameters: Any = None, expire: Any = None, http_method: Any = None) -> str:
        raise NotImplementedError("Dossier documents are served only through the permission-checked views.")
