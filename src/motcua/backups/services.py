"""Backup and restore: one archive file with the database, every stored file and a manifest.

The archive is a plain tar (documents are PDFs and photos, already compressed):

- `manifest.json`: format version, when, MotCua's version, the database vendor, the applied migrations,
  the rows of every table, and every member's size and SHA-256;
- `database/motcua.sqlite3` (a consistent copy made with SQLite's online backup API) or
  `database/motcua.pgdump` (`pg_dump --format=custom` of one REPEATABLE READ snapshot, the same
  snapshot the row counts come from);
- `files/<storage>/<name>`: every file of every storage the models use (`media`: the default storage;
  `private`: the dossier documents), read through the storage API, so a bucket works as a folder does.

Restoring verifies the whole archive first and changes nothing when it is damaged, made by a newer
MotCua, or aimed at a database that already holds data (unless forced); then writes the files, then the
database in one transaction, then checks both against the manifest.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import tomllib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any, cast

import dj_database_url
from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.utils import load_backend
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "motcua-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = {"sqlite": "database/motcua.sqlite3", "postgresql": "database/motcua.pgdump"}
FILES_PREFIX = "files"
# The alias under which a database given by URL (--database-url) is reached for the command's duration.
TARGET_ALIAS = "motcua_backup_target"
# Rows that `migrate` writes into a new database by itself: such a database counts as empty.
FILLED_BY_MIGRATE = frozenset(
    {
        "django_migrations",
        "django_content_type",
        "auth_permission",
        "django_session",
        "notifications_notificationtemplate",  # the default message templates (a data migration)
    }
)
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""

    code = "backup-failed"


@dataclass(frozen=True)
class StoredFile:
    storage: str
    path: str
    size: int
    sha256: str

    @property
    def member(self) -> str:
        return f"{FILES_PREFIX}/{self.storage}/{self.path}"


@dataclass(frozen=True)
class Manifest:
    created_at: str
    motcua_version: str
    vendor: str
    database_member: str
    database_size: int
    database_sha256: str
    migrations: list[tuple[str, str]]
    tables: dict[str, int]
    files: list[StoredFile]
    missing_files: list[tuple[str, str]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": self.created_at,
            "motcua_version": self.motcua_version,
            "database": {
                "vendor": self.vendor,
                "member": self.database_member,
                "size": self.database_size,
                "sha256": self.database_sha256,
            },
            "migrations": [list(item) for item in self.migrations],
            "tables": self.tables,
            "files": [
                {"storage": item.storage, "path": item.path, "size": item.size, "sha256": item.sha256}
                for item in self.files
            ],
            "missing_files": [{"storage": storage, "path": path} for storage, path in self.missing_files],
        }


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    manifest: Manifest


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    files_written: int
    files_unchanged: int
    migrated: list[str]


# --- where things are -------------------------------------------------------------------------------


def motcua_version() -> str:
    try:
        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _storage_identity(storage: Storage) -> tuple[str, ...]:
    if isinstance(storage, FileSystemStorage):
        return ("folder", os.path.abspath(storage.location))
    bucket = getattr(storage, "bucket_name", None)
    if bucket is not None:
        return ("bucket", str(getattr(storage, "endpoint_url", "")), str(bucket), str(getattr(storage, "location", "")))
    return ("object", str(id(storage)))


def archived_storages() -> dict[str, Storage]:
    """Every storage a file field of a model uses, by the name its files have in the archive."""
    found: dict[str, Storage] = {"media": storages["default"]}
    if "documents" in settings.STORAGES:
        found["private"] = storages["documents"]
    seen = {_storage_identity(storage): name for name, storage in found.items()}
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if not isinstance(model_field, models.FileField):
                continue
            identity = _storage_identity(model_field.storage)
            if identity in seen:
                continue
            name = "private" if "private" not in found and model._meta.app_label == "dossiers" else None
            name = name or f"{model._meta.label_lower}.{model_field.name}"
            found[name] = model_field.storage
            seen[identity] = name
    return found


def _file_fields() -> Iterator[tuple[str, str, Storage]]:
    """(table, column, storage) of every concrete file field."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                yield model._meta.db_table, str(model_field.column), model_field.storage


def _walk(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        folders, names = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(names):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from _walk(storage, f"{folder}/{sub}" if folder else sub)


def _is_inside(path: Path, folders: Iterable[Path]) -> bool:
    return any(path == folder or folder in path.parents for folder in folders)


@contextmanager
def database_alias(url: str | None) -> Iterator[str]:
    """The alias of the database to work on: `default`, or one given by URL for the duration."""
    if not url:
        yield DEFAULT_DB_ALIAS
        return
    try:
        config = dict(dj_database_url.parse(url))
    except ValueError as exc:
        raise BackupError(_("The database URL is not valid: %(error)s") % {"error": exc}) from exc
    if config.get("ENGINE") not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
        raise BackupError(_("Only SQLite and PostgreSQL databases can be backed up or restored."))
    config = connections.configure_settings({DEFAULT_DB_ALIAS: config})[DEFAULT_DB_ALIAS]
    # A connection of this thread only, outside settings.DATABASES: `connections[TARGET_ALIAS]`, `using()`
    # and `migrate --database` reach it for the command's duration.
    connections[TARGET_ALIAS] = load_backend(config["ENGINE"]).DatabaseWrapper(config, TARGET_ALIAS)
    try:
        yield TARGET_ALIAS
    finally:
        connections[TARGET_ALIAS].close()
        del connections[TARGET_ALIAS]


def _connection(alias: str) -> BaseDatabaseWrapper:
    connection = connections[alias]
    if connection.vendor not in DATABASE_MEMBER:
        raise BackupError(_("Only SQLite and PostgreSQL databases can be backed up or restored."))
    return connection


def find_pg_tool(name: str, search: Iterable[Path] | None = None) -> str:
    """The PostgreSQL client program `name` (pg_dump, pg_restore): on PATH, or in the usual install folders."""
    found = shutil.which(name)
    if found:
        return found
    if search is None:
        search = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True) + sorted(
            Path("/usr").glob("pgsql-*/bin"), reverse=True
        )
    for folder in search:
        candidate = folder / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise BackupError(
        _(
            "%(program)s was not found. Install the PostgreSQL client programs of the server's version "
            "(Debian: apt-get install postgresql-client-15) or put them on PATH."
        )
        % {"program": name}
    )


def _pg_environment(connection: BaseDatabaseWrapper) -> dict[str, str]:
    config = connection.settings_dict
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if config.get(key):
            env[variable] = str(config[key])
    options = config.get("OPTIONS") or {}
    for variable, key in (("PGSSLMODE", "sslmode"), ("PGSSLROOTCERT", "sslrootcert"), ("PGSSLCERT", "sslcert")):
        if options.get(key):
            env[variable] = str(options[key])
    return env


def _run_pg_tool(program: str, arguments: list[str], connection: BaseDatabaseWrapper) -> None:
    completed = subprocess.run(  # noqa: S603  (a program found above, arguments of our own)
        [program, *arguments], env=_pg_environment(connection), capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        message = (completed.stderr or completed.stdout).strip()[-1000:]
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": Path(program).name, "error": message or completed.returncode}
        )


# --- reading a database ---------------------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _facts(cursor: Any, tables: list[str]) -> tuple[dict[str, int], list[tuple[str, str]], dict[str, set[str]]]:
    """Rows per table, applied migrations, and the stored names each storage's files are referenced by."""
    counts: dict[str, int] = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608  (a table name of the database)
        counts[table] = int(cursor.fetchone()[0])
    migrations: list[tuple[str, str]] = []
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [(str(app), str(name)) for app, name in cursor.fetchall()]
    referenced: dict[str, set[str]] = {}
    names = {_storage_identity(storage): name for name, storage in archived_storages().items()}
    for table, column, storage in _file_fields():
        if table not in counts:
            continue
        cursor.execute(
            f"SELECT {_quote(column)} FROM {_quote(table)} WHERE {_quote(column)} <> ''"  # noqa: S608
        )
        key = names[_storage_identity(storage)]
        referenced.setdefault(key, set()).update(str(value) for (value,) in cursor.fetchall() if value)
    return counts, migrations, referenced


def _live_tables(connection: BaseDatabaseWrapper) -> list[str]:
    with connection.cursor() as cursor:
        return sorted(info.name for info in connection.introspection.get_table_list(cursor) if info.type in {"t", "p"})


def database_rows(alias: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Rows per table of a database as it is now."""
    connection = _connection(alias)
    tables = _live_tables(connection)
    with connection.cursor() as cursor:
        return _facts(cursor, tables)[0]


@dataclass
class _Dump:
    file: Path
    tables: dict[str, int]
    migrations: list[tuple[str, str]]
    referenced: dict[str, set[str]]


def _dump_sqlite(connection: BaseDatabaseWrapper, folder: Path) -> _Dump:
    copy_path = folder / "motcua.sqlite3"
    connection.ensure_connection()
    source = cast(sqlite3.Connection, connection.connection)
    copy = sqlite3.connect(copy_path)
    try:
        # One step: the source is read under one read transaction, so the copy is one consistent state
        # while other connections go on writing (WAL lets them).
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        query = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        tables = [str(name) for (name,) in copy.execute(query)]
        tables_facts = _facts(copy.cursor(), tables)
    finally:
        copy.close()
    return _Dump(copy_path, *tables_facts)


def _dump_postgresql(connection: BaseDatabaseWrapper, folder: Path) -> _Dump:
    pg_dump = find_pg_tool("pg_dump")
    dump_path = folder / "motcua.pgdump"
    connection.ensure_connection()
    tables = _live_tables(connection)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        # pg_dump reads the very snapshot the counts are taken from: the manifest describes the dump.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = str(cursor.fetchone()[0])
        facts = _facts(cursor, tables)
        _run_pg_tool(
            pg_dump,
            [
                "--format=custom",
                f"--snapshot={snapshot}",
                "--no-password",
                f"--file={dump_path}",
                f"--dbname={connection.settings_dict['NAME']}",
            ],
            connection,
        )
    return _Dump(dump_path, *facts)


# --- writing the archive --------------------------------------------------------------------------


class _Hashing(io.RawIOBase):
    """Reads through, hashing and counting what passes."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.digest = hashlib.sha256()
        self.count = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.digest.update(data)
        self.count += len(data)
        return data


def _add(tar: tarfile.TarFile, member: str, source: IO[bytes], size: int, mtime: float) -> str:
    info = tarfile.TarInfo(member)
    info.size = size
    info.mtime = int(mtime)
    info.mode = 0o600
    reader = _Hashing(source)
    tar.addfile(info, cast(IO[bytes], reader))
    if reader.count != size or source.read(1):
        raise BackupError(_("%(name)s changed while it was being backed up; run the backup again.") % {"name": member})
    return reader.digest.hexdigest()


def default_archive_path(now: datetime) -> Path:
    return Path(settings.DATA_DIR) / "backups" / f"motcua-backup-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}.tar"


def backup_create(*, output: Path | str | None = None, database_url: str | None = None) -> BackupResult:
    """Write one archive of the database and every stored file; a half-written archive never bears the name."""
    now = timezone.now()
    path = default_archive_path(now) if output is None else Path(output)
    if path.is_dir() or str(output).endswith(("/", os.sep)):
        path = path / default_archive_path(now).name
    path = path.resolve()
    if path.exists():
        raise BackupError(_("%(path)s already exists; choose another name.") % {"path": path})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(_("Cannot write to %(path)s: %(error)s") % {"path": path.parent, "error": exc}) from exc
    file_storages = archived_storages()
    # Never archive the archives, nor the SQLite database as a loose file, should a storage hold them.
    partial = path.with_name(f".{path.name}.partial")
    excluded = [partial, Path(settings.DATA_DIR).resolve() / "backups"]
    with database_alias(database_url) as alias, tempfile.TemporaryDirectory(dir=path.parent, prefix=".motcua-") as work:
        connection = _connection(alias)
        excluded.append(Path(work).resolve())
        if connection.vendor == "sqlite":
            database_file = Path(str(connection.settings_dict["NAME"])).resolve()
            excluded += [database_file.with_name(database_file.name + suffix) for suffix in ("", "-wal", "-shm")]
            dump = _dump_sqlite(connection, Path(work))
        else:
            dump = _dump_postgresql(connection, Path(work))
        try:
            with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
                with dump.file.open("rb") as handle:
                    db_size = dump.file.stat().st_size
                    db_sha = _add(tar, DATABASE_MEMBER[connection.vendor], handle, db_size, now.timestamp())
                files: list[StoredFile] = []
                for key, storage in file_storages.items():
                    for name in _walk(storage):
                        if isinstance(storage, FileSystemStorage) and _is_inside(
                            Path(storage.path(name)).resolve(), excluded
                        ):
                            continue
                        size = storage.size(name)
                        with storage.open(name, "rb") as handle:
                            sha = _add(tar, f"{FILES_PREFIX}/{key}/{name}", handle, size, now.timestamp())
                        files.append(StoredFile(key, name, size, sha))
                archived = {(item.storage, item.path) for item in files}
                referenced = {(key, name) for key, names in dump.referenced.items() for name in names}
                missing = sorted(referenced - archived)
                manifest = Manifest(
                    created_at=now.astimezone(UTC).isoformat(),
                    motcua_version=motcua_version(),
                    vendor=connection.vendor,
                    database_member=DATABASE_MEMBER[connection.vendor],
                    database_size=db_size,
                    database_sha256=db_sha,
                    migrations=dump.migrations,
                    tables=dump.tables,
                    files=files,
                    missing_files=missing,
                )
                data = json.dumps(manifest.as_json(), indent=1, ensure_ascii=False).encode()
                _add(tar, MANIFEST, io.BytesIO(data), len(data), now.timestamp())
            with partial.open("rb") as written:
                os.fsync(written.fileno())
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupResult(path=path, size=path.stat().st_size, manifest=manifest)


# --- reading and checking an archive --------------------------------------------------------------


def _damaged(path: Path, reason: str) -> BackupError:
    return BackupError(
        _("%(path)s is not a usable MotCua backup: %(reason)s. Nothing was changed.") % {"path": path, "reason": reason}
    )


def _safe_name(name: Any) -> str:
    if not isinstance(name, str) or not name or "\\" in name or "\x00" in name:
        raise ValueError(name)
    pure = PurePosixPath(name)
    if pure.is_absolute() or any(part in {"", ".", ".."} for part in name.split("/")):
        raise ValueError(name)
    return name


def _parse_manifest(data: dict[str, Any]) -> Manifest:
    if data.get("format") != FORMAT:
        raise ValueError("format")
    database = data["database"]
    return Manifest(
        created_at=str(data["created_at"]),
        motcua_version=str(data.get("motcua_version", "")),
        vendor=str(database["vendor"]),
        database_member=_safe_name(database["member"]),
        database_size=int(database["size"]),
        database_sha256=str(database["sha256"]),
        migrations=[(str(app), str(name)) for app, name in data["migrations"]],
        tables={str(table): int(rows) for table, rows in data["tables"].items()},
        files=[
            StoredFile(_safe_name(item["storage"]), _safe_name(item["path"]), int(item["size"]), str(item["sha256"]))
            for item in data["files"]
        ],
        missing_files=[(str(item["storage"]), str(item["path"])) for item in data.get("missing_files", [])],
    )


def _digest(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := handle.read(_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _member_digest(tar: tarfile.TarFile, member: tarfile.TarInfo, copy_to: IO[bytes] | None = None) -> str:
    source = tar.extractfile(member)
    if source is None:
        raise tarfile.ReadError(member.name)
    digest = hashlib.sha256()
    while chunk := source.read(_CHUNK):
        digest.update(chunk)
        if copy_to is not None:
            copy_to.write(chunk)
    return digest.hexdigest()


def archive_verify(path: Path) -> Manifest:
    """The archive's manifest, once every member is present with the size and SHA-256 it lists."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("%(path)s: no such file.") % {"path": path})
    try:
        with tarfile.open(path, "r:") as tar:
            members = {member.name: member for member in tar.getmembers()}
            if MANIFEST not in members:
                raise _damaged(path, _("it has no manifest (the file may be cut short)"))
            manifest_file = tar.extractfile(members[MANIFEST])
            if manifest_file is None:
                raise _damaged(path, _("it has no manifest (the file may be cut short)"))
            try:
                raw = json.loads(manifest_file.read().decode())
                if raw.get("format_version", 0) > FORMAT_VERSION:
                    raise _damaged(path, _("it was written by a newer MotCua; upgrade the code first"))
                manifest = _parse_manifest(raw)
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise _damaged(path, _("its manifest cannot be read")) from exc
            expected = [(manifest.database_member, manifest.database_size, manifest.database_sha256)]
            expected += [(item.member, item.size, item.sha256) for item in manifest.files]
            for name, size, sha in expected:
                member = members.get(name)
                if member is None or not member.isfile():
                    raise _damaged(path, _("%(name)s is missing") % {"name": name})
                if member.size != size or _member_digest(tar, member) != sha:
                    raise _damaged(path, _("%(name)s does not match its checksum") % {"name": name})
    except (tarfile.TarError, EOFError, OSError, UnicodeDecodeError) as exc:
        raise _damaged(path, _("it cannot be read (%(error)s)") % {"error": exc}) from exc
    return manifest


def _migration_check(manifest: Manifest, alias: str) -> None:
    loader = MigrationLoader(connections[alias], ignore_no_migrations=True, load=False)
    loader.load_disk()
    unknown = sorted(set(manifest.migrations) - set(loader.disk_migrations))
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupError(
            _(
                "The archive was made by a newer MotCua: its database has migrations this code does not have "
                "(%(names)s). Upgrade the code to that version or later first, then restore. Nothing was changed."
            )
            % {"names": names}
        )


def database_holds_data(alias: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Tables with rows beyond those `migrate` writes into a new database (empty: the database is empty)."""
    return {table: rows for table, rows in database_rows(alias).items() if rows and table not in FILLED_BY_MIGRATE}


# --- restoring ------------------------------------------------------------------------------------


def _restore_files(
    tar: tarfile.TarFile, manifest: Manifest, targets: dict[str, Storage], force: bool
) -> tuple[int, int]:
    """Write the archive's files into the storages; files already there with the same content stay."""
    to_write: list[StoredFile] = []
    clashes: list[str] = []
    for item in manifest.files:
        storage = targets[item.storage]
        if storage.exists(item.path):
            with storage.open(item.path, "rb") as handle:
                same = _digest(handle) == item.sha256
            if same:
                continue
            clashes.append(item.member)
        to_write.append(item)
    if clashes and not force:
        raise BackupError(
            _(
                "%(count)s files of the archive already exist with other content (%(first)s …). "
                "Restoring replaces them: add --force if you mean it. Nothing was changed."
            )
            % {"count": len(clashes), "first": clashes[0]}
        )
    for item in to_write:
        storage = targets[item.storage]
        if storage.exists(item.path):
            storage.delete(item.path)
        source = tar.extractfile(item.member)
        if source is None:
            raise BackupError(_("%(name)s is missing") % {"name": item.member})
        saved = storage.save(item.path, File(source, name=item.path))
        if saved != item.path:
            storage.delete(saved)
            raise BackupError(_("%(name)s could not be written under its own name.") % {"name": item.member})
    return len(to_write), len(manifest.files) - len(to_write)


def _extract_database(tar: tarfile.TarFile, manifest: Manifest, folder: Path) -> Path:
    target = folder / PurePosixPath(manifest.database_member).name
    with target.open("wb") as handle:
        digest = _member_digest(tar, tar.getmember(manifest.database_member), copy_to=handle)
    if digest != manifest.database_sha256:
        raise BackupError(_("%(name)s does not match its checksum") % {"name": manifest.database_member})
    return target


def _restore_sqlite(dump: Path, connection: BaseDatabaseWrapper) -> None:
    source = sqlite3.connect(dump)
    try:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(_("The archived database fails SQLite's integrity check. Nothing was changed."))
        connection.close()
        connection.ensure_connection()
        # Page by page into the live database, under its write lock, in one step: other connections see
        # the old database or the restored one, never a mixture; no file is swapped under them.
        source.backup(cast(sqlite3.Connection, connection.connection))
    finally:
        source.close()
    connection.close()


def _restore_postgresql(dump: Path, connection: BaseDatabaseWrapper) -> None:
    pg_restore = find_pg_tool("pg_restore")
    connection.close()
    _run_pg_tool(
        pg_restore,
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",  # all of it or nothing
            "--exit-on-error",
            "--no-password",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        connection,
    )


def _pending_migrations(alias: str) -> bool:
    executor = MigrationExecutor(connections[alias])
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def backup_restore(
    *, archive: Path, database_url: str | None = None, force: bool = False, migrate: bool = True
) -> RestoreResult:
    """Restore an archive into the database and the storages, then check both against its manifest."""
    manifest = archive_verify(archive)
    targets = archived_storages()
    unknown_storages = sorted({item.storage for item in manifest.files} - set(targets))
    if unknown_storages:
        raise BackupError(
            _("The archive holds files of storages this installation does not have: %(names)s. Nothing was changed.")
            % {"names": ", ".join(unknown_storages)}
        )
    with database_alias(database_url) as alias:
        connection = _connection(alias)
        if connection.vendor != manifest.vendor:
            raise BackupError(
                _(
                    "The archive holds a %(archive)s database and this database is %(target)s: restore it into a "
                    "database of the same kind. Nothing was changed."
                )
                % {"archive": manifest.vendor, "target": connection.vendor}
            )
        _migration_check(manifest, alias)
        held = database_holds_data(alias)
        if held and not force:
            tables = ", ".join(f"{table} ({rows})" for table, rows in sorted(held.items())[:5])
            raise BackupError(
                _(
                    "The database already holds data (%(tables)s …). Restoring replaces all of it: "
                    "add --force if you mean it. Nothing was changed."
                )
                % {"tables": tables}
            )
        staging = Path(settings.DATA_DIR)
        with tarfile.open(archive, "r:") as tar, tempfile.TemporaryDirectory(dir=staging, prefix=".motcua-") as work:
            dump = _extract_database(tar, manifest, Path(work))
            # Files first: should the database step fail, the database still holds what it held, and
            # every file it names is still there.
            written, unchanged = _restore_files(tar, manifest, targets, force)
            if manifest.vendor == "sqlite":
                _restore_sqlite(dump, connection)
            else:
                _restore_postgresql(dump, connection)
        problems = restore_differences(manifest, alias=alias, targets=targets)
        if problems:
            raise BackupError(
                _("The restored data does not match the archive: %(problems)s") % {"problems": "; ".join(problems[:10])}
            )
        migrated: list[str] = []
        if migrate and _pending_migrations(alias):
            before = set(MigrationLoader(connections[alias]).applied_migrations)
            call_command("migrate", database=alias, interactive=False, verbosity=0)
            after = set(MigrationLoader(connections[alias]).applied_migrations)
            migrated = sorted(f"{app}.{name}" for app, name in after - before)
    return RestoreResult(manifest=manifest, files_written=written, files_unchanged=unchanged, migrated=migrated)


def restore_differences(manifest: Manifest, *, alias: str, targets: dict[str, Storage]) -> list[str]:
    """What differs between the manifest and the database and storages now (empty: nothing)."""
    problems: list[str] = []
    rows = database_rows(alias)
    for table, expected in sorted(manifest.tables.items()):
        if rows.get(table) != expected:
            problems.append(
                _("table %(table)s has %(rows)s rows, the archive %(expected)s")
                % {"table": table, "rows": rows.get(table, 0), "expected": expected}
            )
    for item in manifest.files:
        storage = targets[item.storage]
        try:
            with storage.open(item.path, "rb") as handle:
                ok = _digest(handle) == item.sha256
        except OSError:
            ok = False
        if not ok:
            problems.append(_("file %(name)s differs from the archive") % {"name": item.member})
    return problems
