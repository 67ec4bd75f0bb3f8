from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "motcua.news"
    verbose_name = _("Portal news and visits")

    def ready(self) -> None:
        from motcua.news import signals  # noqa: F401  (cache invalidation)
