"""The STORAGES entries for MOTCUA_STORAGE=s3://bucket[/prefix] (django-storages' S3 backend).

Read by the settings module: it imports nothing that needs settings (nor boto3, until a storage is used).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

DOCUMENTS = "documents"


def s3_storages(url: str, env: dict[str, str]) -> dict[str, dict[str, Any]]:
    """STORAGES entries for `s3://bucket[/prefix]`: documents under prefix/private, media under prefix/media."""
    parts = urlsplit(url)
    bucket = parts.netloc
    prefix = parts.path.strip("/")
    if parts.scheme != "s3" or not bucket:
        raise ImproperlyConfigured("MOTCUA_STORAGE must be a folder path or s3://bucket[/prefix].")
    endpoint = env.get("MOTCUA_S3_ENDPOINT_URL", "").strip() or None
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "access_key": env.get("MOTCUA_S3_ACCESS_KEY", "") or None,
        "secret_key": env.get("MOTCUA_S3_SECRET_KEY", "") or None,
        "region_name": env.get("MOTCUA_S3_REGION", "") or None,
        # MinIO, Ceph and most S3-compatible servers want path-style addressing (endpoint/bucket/key).
        "addressing_style": env.get("MOTCUA_S3_ADDRESSING_STYLE", "") or ("path" if endpoint else None),
        "signature_version": "s3v4",
        "default_acl": "private",
        "querystring_auth": True,  # a URL, where one is given at all, is signed and expires
        "querystring_expire": 3600,
        "file_overwrite": False,  # like a folder: a name in use gets a new one
        "max_memory_size": 2 * 1024 * 1024,  # a download larger than this spools to a temporary file
        "object_parameters": {"ServerSideEncryption": "AES256"}
        if env.get("MOTCUA_S3_ENCRYPTION", "").strip().lower() in {"1", "true", "yes", "on"}
        else {},
    }
    verify = env.get("MOTCUA_S3_VERIFY", "").strip()
    if verify.lower() in {"0", "false", "no", "off"}:
        options["verify"] = False
    elif verify and verify.lower() not in {"1", "true", "yes", "on"}:
        options["verify"] = verify  # a CA bundle for the agency's own certificate authority
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**options, "location": "/".join(p for p in (prefix, "media") if p)},
        },
        DOCUMENTS: {
            "BACKEND": "motcua.core.s3.DocumentS3Storage",
            "OPTIONS": {**options, "location": "/".join(p for p in (prefix, "private") if p)},
        },
    }
