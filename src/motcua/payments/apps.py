from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "motcua.payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from motcua.payments import jobs  # noqa: F401  (registers the reconciliation job)
