from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.backups.services import BackupError, archive_verify, backup_restore


class Command(BaseCommand):
    help = "Restore a backup archive (database and files), after checking it (docs/operators/backup.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="the archive written by the backup command")
        parser.add_argument("--force", action="store_true", help="replace a database that already holds data")
        parser.add_argument("--check", action="store_true", help="only verify the archive; change nothing")
        parser.add_argument("--no-migrate", action="store_true", help="do not migrate an archive of an older version")
        parser.add_argument(
            "--database-url", default=None, help="restore into this database instead of the configured one"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["check"]:
                manifest = archive_verify(options["archive"])
                self.stdout.write(
                    _(
                        "The archive is sound: made %(created)s by MotCua %(version)s, %(vendor)s database, "
                        "%(tables)s tables, %(rows)s rows, %(files)s files."
                    )
                    % {
                        "created": manifest.created_at,
                        "version": manifest.motcua_version,
                        "vendor": manifest.vendor,
                        "tables": len(manifest.tables),
                        "rows": f"{manifest.rows:,}",
                        "files": len(manifest.files),
                    }
                )
                return
            result = backup_restore(
                archive=options["archive"],
                database_url=options["database_url"],
                force=options["force"],
                migrate=not options["no_migrate"],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        self.stdout.write(
            _(
                "Restored the backup of %(created)s: %(tables)s tables and %(rows)s rows match the archive; "
                "%(files)s files match (%(written)s written, %(unchanged)s already there)."
            )
            % {
                "created": manifest.created_at,
                "tables": len(manifest.tables),
                "rows": f"{manifest.rows:,}",
                "files": len(manifest.files),
                "written": result.files_written,
                "unchanged": result.files_unchanged,
            }
        )
        if result.migrated:
            self.stdout.write(
                _("The archive came from an older version; migrations applied: %(names)s.")
                % {"names": ", ".join(result.migrated)}
            )
        elif options["no_migrate"]:
            self.stdout.write(
                _("Run manage.py migrate before starting MotCua if the archive came from an older version.")
            )
