"""Announcements are written in the admin; visit counts are only read there."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Agency
from motcua.news.models import Announcement, DailyVisits
from motcua.news.selectors import portal_agency


def publication_state(announcement: Announcement) -> str:
    now = timezone.now()
    if announcement.publish_from > now:
        return str(_("scheduled"))
    if announcement.is_published(now):
        return str(_("published"))
    return str(_("ended"))


class PublicationFilter(admin.SimpleListFilter):
    title = _("publication")
    parameter_name = "publication"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("published", _("published now")), ("scheduled", _("scheduled")), ("ended", _("ended"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Announcement]) -> QuerySet[Announcement]:
        now = timezone.now()
        if self.value() == "published":
            return queryset.filter(pk__in=Announcement.objects.published(now).values("pk"))
        if self.value() == "scheduled":
            return queryset.filter(publish_from__gt=now)
        if self.value() == "ended":
            return queryset.filter(Q(publish_until__lte=now), publish_from__lte=now)
        return queryset


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["title", "state", "pinned", "publish_from", "publish_until", "agency", "preview_link"]
    list_filter = [PublicationFilter, "pinned", "agency"]
    search_fields = ["title", "summary", "body"]
    date_hierarchy = "publish_from"
    list_select_related = ["agency"]
    fieldsets = (
        (None, {"fields": ("title", "summary", "body", "language")}),
        (_("Document and link"), {"fields": ("attachment", "link")}),
        (_("Publication"), {"fields": ("agency", "publish_from", "publish_until", "pinned")}),
    )

    @admin.display(description=_("state"))
    def state(self, obj: Announcement) -> str:
        return publication_state(obj)

    @admin.display(description=_("preview"))
    def preview_link(self, obj: Announcement) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:news_announcement_preview", args=[obj.pk]), _("preview")
        )

    def view_on_site(self, obj: Announcement) -> str:
        """The public page once published; the preview before and after."""
        if obj.is_published():
            return obj.get_absolute_url()
        return reverse("admin:news_announcement_preview", args=[obj.pk])

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        agency = portal_agency()
        if agency and "agency" not in initial:
            found = Agency.objects.filter(code=agency.code).values_list("pk", flat=True).first()
            if found:
                initial["agency"] = str(found)
        return initial

    def get_urls(self) -> list[URLPattern]:
        preview = path(
            "<int:pk>/preview/",
            self.admin_site.admin_view(self.preview),
            name="news_announcement_preview",
        )
        return [preview, *super().get_urls()]

    def preview(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The public page of an announcement, published or not, as the public will see it."""
        announcement = get_object_or_404(Announcement.objects.select_related("agency"), pk=pk)
        if not self.has_view_permission(request, announcement):
            return HttpResponse(status=403)
        return render(
            request,
            "news/detail.html",
            {"announcement": announcement, "preview": True, "state": publication_state(announcement)},
        )


@admin.register(DailyVisits)
class DailyVisitsAdmin(admin.ModelAdmin):
    """Read only: the counts are made by the portal's visits, one row a day."""

    list_display = ["day", "visits"]
    date_hierarchy = "day"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
