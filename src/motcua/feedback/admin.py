"""What people said about the service: ratings and feedback (PAKN), for administrators to look up.

Read-only: ratings are the applicants' words, and PAKN change only through their handling service
(`feedback.services`), which keeps the steps, deadlines and who acted.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.feedback.models import Pakn, PaknEvent, PaknReaction, ServiceRating


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ServiceRating)
class ServiceRatingAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "satisfaction", "attitude", "channel", "flagged", "rated_at", "reviewed_at"]
    list_filter = ["satisfaction", "flagged", "channel"]
    search_fields = ["dossier__code"]
    date_hierarchy = "rated_at"


class PaknEventInline(ReadOnlyInline):
    model = PaknEvent
    fields = ["at", "action", "from_stage", "to_stage", "actor", "due_at", "on_time", "note"]


class PaknReactionInline(ReadOnlyInline):
    model = PaknReaction
    fields = ["at", "value", "by_sender"]


@admin.register(Pakn)
class PaknAdmin(ReadOnlyAdmin):
    list_display = ["code", "agency", "category", "title", "stage", "received_at", "raised_again"]
    list_filter = ["stage", "category", "agency"]
    search_fields = ["code", "title", "dossier_code"]
    date_hierarchy = "received_at"
    exclude = ["search_text"]
    inlines = [PaknEventInline, PaknReactionInline]
