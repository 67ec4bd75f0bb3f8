from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalSyncConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "motcua.national_sync"
    label = "national_sync"
    verbose_name = _("National portal sync")

    def ready(self) -> None:
        from motcua.national_sync import checks, jobs  # noqa: F401  (registers the system check and the job)
