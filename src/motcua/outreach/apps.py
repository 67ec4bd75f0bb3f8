from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "motcua.outreach"
    label = "outreach"
    verbose_name = _("Outreach")

    def ready(self) -> None:
        from motcua.outreach import jobs  # noqa: F401  (registers the campaigns' periodic job)
