from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.backups.services import BackupError, backup_create


class Command(BaseCommand):
    help = "Write one archive file with the database, every stored file and a manifest (docs/operators/backup.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=None, help="archive file or folder (default MOTCUA_DATA_DIR/backups/)")
        parser.add_argument("--database-url", default=None, help="back up this database instead of the configured one")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_create(output=options["output"], database_url=options["database_url"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        self.stdout.write(
            _("Backup written to %(path)s (%(size)s bytes): %(tables)s tables, %(rows)s rows, %(files)s files.")
            % {
                "path": result.path,
                "size": f"{result.size:,}",
                "tables": len(manifest.tables),
                "rows": f"{manifest.rows:,}",
                "files": len(manifest.files),
            }
        )
        if manifest.missing_files:
            self.stderr.write(
                ngettext(
                    "Warning: %(count)s file named by the database was not found in the storage (%(first)s).",
                    "Warning: %(count)s files named by the database were not found in the storage (%(first)s …).",
                    len(manifest.missing_files),
                )
                % {"count": len(manifest.missing_files), "first": "/".join(manifest.missing_files[0])}
            )
