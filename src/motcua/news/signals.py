"""The cached portal agency is forgotten as soon as an agency changes (in this process; others within minutes)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from motcua.accounts.models import Agency
from motcua.news.selectors import portal_agency_forget


@receiver(post_save, sender=Agency, dispatch_uid="news-portal-agency-saved")
@receiver(post_delete, sender=Agency, dispatch_uid="news-portal-agency-deleted")
def _agency_changed(sender: type[Agency], **kwargs: Any) -> None:
    portal_agency_forget()
