from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the provider")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Not paid")


class PaymentMethod(models.TextChoices):
    ONLINE = "online", _("Online")
    CASH = "cash", _("Cash at the desk")
