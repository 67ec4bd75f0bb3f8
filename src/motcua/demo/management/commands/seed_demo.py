from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.catalog.selectors import catalog_figures
from motcua.demo.seed import DEMO_PASSWORD, seed_demo, seed_dossiers
from motcua.dossiers.services import dossier_prompt_apologies


class Command(BaseCommand):
    help = "Load the demo province (agencies, units, officials of every role, the real VHTTDL catalog). Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="allow running with MOTCUA_ENV=production")
        parser.add_argument("--dossiers", type=int, default=0, help="demo dossiers of the Sở to have (default 0)")
        parser.add_argument("--from-year", type=int, default=None, help="spread the dossiers from this year on")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.IS_PRODUCTION and not options["force"]:
            raise CommandError("seed_demo refuses to run with MOTCUA_ENV=production; add --force if you mean it.")
        if options["dossiers"] < 0:
            raise CommandError("--dossiers must be 0 or more.")
        seed_demo()
        made = seed_dossiers(options["dossiers"], from_year=options["from_year"])
        prompted = dossier_prompt_apologies()  # what the worker would do at once: "about to be late"
        self.stdout.write(f"{made} demo dossiers added; {len(prompted)} about to be late.")
        figures = catalog_figures()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: {figures.published} procedures published, {figures.partial} partial online, "
                f"{figures.full} full online. Demo accounts use the password '{DEMO_PASSWORD}'."
            )
        )
