from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "motcua.workdays"
    label = "workdays"
    verbose_name = _("Working calendar")

    def ready(self) -> None:
        from motcua.workdays import signals  # noqa: F401  (connects the receivers)
