from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "motcua.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from motcua.core.health import register_health_detail
        from motcua.notifications import checks, jobs  # noqa: F401  (registers the system checks and the jobs)
        from motcua.notifications.selectors import outbox_backlog

        register_health_detail("outbox", outbox_backlog)
