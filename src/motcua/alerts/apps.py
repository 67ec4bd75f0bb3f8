from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "motcua.alerts"
    label = "alerts"
    verbose_name = _("Staff alerts")

    def ready(self) -> None:
        from motcua.alerts import jobs  # noqa: F401  (registers the periodic job)
