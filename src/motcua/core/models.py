from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class WorkerHeartbeat(models.Model):
    """The background worker writes its heartbeat here; /healthz reads it."""

    name = models.CharField(_("worker"), max_length=100, unique=True)
    beat_at = models.DateTimeField(_("last heartbeat"))
    pid = models.PositiveIntegerField(_("process id"), default=0)
    host = models.CharField(_("host"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
