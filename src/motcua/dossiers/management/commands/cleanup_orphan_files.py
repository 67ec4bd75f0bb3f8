"""`manage.py cleanup_orphan_files [--dry-run] [--grace-hours H]`: stored files that no row references."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.dossiers.services.orphans import orphan_files_remove


class Command(BaseCommand):
    help = (
        "Delete uploaded files that no row references (an upload cut off before it committed, a document "
        "removed from a store) and that are older than MOTCUA_ORPHAN_FILE_GRACE_HOURS; the worker does it "
        "every day. Prints each file removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list the files, remove nothing")
        parser.add_argument("--grace-hours", type=float, default=None, help="instead of MOTCUA_ORPHAN_FILE_GRACE_HOURS")

    def handle(self, *args: Any, **options: Any) -> None:
        hours = options["grace_hours"]
        if hours is not None and hours < 0:
            raise CommandError("--grace-hours must be 0 or more.")
        dry_run = options["dry_run"]
        orphans = orphan_files_remove(grace=None if hours is None else timedelta(hours=hours), dry_run=dry_run)
        verb = "would remove" if dry_run else "removed"
        for orphan in orphans:
            size = "?" if orphan.size is None else str(orphan.size)
            self.stdout.write(
                f"{verb} {orphan.storage}/{orphan.name} ({size} bytes, {orphan.modified_at:%Y-%m-%d %H:%M})"
            )
        total = sum(orphan.size or 0 for orphan in orphans)
        summary = "Would remove" if dry_run else "Removed"
        self.stdout.write(f"{summary} {len(orphans)} unreferenced files ({total} bytes).")
