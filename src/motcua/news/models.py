"""Announcements of the portal, and the daily count of its visits (no personal data)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from unidecode import unidecode

from motcua.core.models import TimeStampedModel

ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
# Each language named in itself, as the header's language menu does.
TEXT_LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]


class AnnouncementQuerySet(models.QuerySet["Announcement"]):
    def published(self, now: datetime | None = None) -> AnnouncementQuerySet:
        """Those the public sees at `now`: publication started and not yet ended."""
        now = now or timezone.now()
        return self.filter(Q(publish_until__isnull=True) | Q(publish_until__gt=now), publish_from__lte=now)

    def for_readers(self) -> AnnouncementQuerySet:
        """Pinned first, then the newest."""
        return self.select_related("agency").order_by("-pinned", "-publish_from", "-pk")


def attachment_path(instance: Announcement, filename: str) -> str:
    return timezone.now().strftime("news/%Y/%m/") + filename


class Announcement(TimeStampedModel):
    """News or an announcement of the agency, written once (not translated) and shown as plain text."""

    title = models.CharField(_("title"), max_length=255)
    summary = models.CharField(
        _("summary"), max_length=500, help_text=_("One or two sentences shown in lists and on the home page.")
    )
    body = models.TextField(
        _("text"),
        blank=True,
        help_text=_("Plain text: an empty line starts a new paragraph. HTML is shown as typed, never run."),
    )
    language = models.CharField(
        _("language of the text"),
        max_length=8,
        choices=TEXT_LANGUAGES,
        default="vi",
        help_text=_("The text is shown as written in every interface language; screen readers read it in this one."),
    )
    attachment = models.FileField(
        _("attached document (PDF)"),
        upload_to=attachment_path,
        blank=True,
        validators=[FileExtensionValidator(["pdf"])],
    )
    link = models.URLField(_("link"), blank=True, help_text=_("For example the full text on the official gazette."))
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("issuing agency"), on_delete=models.PROTECT, related_name="announcements"
    )
    publish_from = models.DateTimeField(_("published from"), default=timezone.now, db_index=True)
    publish_until = models.DateTimeField(
        _("published until"), null=True, blank=True, help_text=_("Leave empty to keep it published.")
    )
    pinned = models.BooleanField(_("pinned"), default=False, help_text=_("Pinned announcements come first."))

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("news and announcements")
        ordering = ["-pinned", "-publish_from", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def slug(self) -> str:
        """The title in the address, without diacritics (`đ` → `d`); derived, not stored."""
        return slugify(unidecode(self.title))[:80].strip("-") or "tin"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("news:detail", kwargs={"pk": self.pk, "slug": self.slug})

    def is_published(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.publish_from <= now and (self.publish_until is None or self.publish_until > now)

    def clean(self) -> None:
        super().clean()
        if self.publish_until and self.publish_from and self.publish_until <= self.publish_from:
            raise ValidationError({"publish_until": _("The end of publication must come after its start.")})
        if self.attachment and not getattr(self.attachment, "_committed", True):  # a new upload
            if self.attachment.size > ATTACHMENT_MAX_BYTES:
                raise ValidationError({"attachment": _("The document is larger than 20 MB.")})
            head = self.attachment.read(5)
            self.attachment.seek(0)
            if head != b"%PDF-":
                raise ValidationError({"attachment": _("The attached document must be a PDF file.")})


class DailyVisits(models.Model):
    """How many browsers visited the public portal on a day (Asia/Ho_Chi_Minh). Nothing else is kept."""

    day = models.DateField(_("day"), unique=True)
    visits = models.PositiveBigIntegerField(_("visits"), default=0)

    class Meta:
        verbose_name = _("daily visits")
        verbose_name_plural = _("daily visits")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y}: {self.visits}"
