from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.integrations.sms.base import sms_segments, without_diacritics
from motcua.notifications.constants import MessageStatus
from motcua.notifications.models import NotificationPreference, NotificationTemplate, OutboxMessage
from motcua.notifications.rendering import VARIABLES, preview


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin):
    list_display = ("event", "channel", "language", "subject", "updated_at")
    list_filter = ("event", "channel", "language")
    readonly_fields = ("variables", "preview_text")
    fields = ("event", "channel", "language", "subject", "body", "without_diacritics", "variables", "preview_text")

    @admin.display(description=_("variables"))
    def variables(self, obj: NotificationTemplate | None) -> SafeString:
        return format_html_join(", ", "<code>{{{{ {} }}}}</code>", ((name,) for name in VARIABLES))

    @admin.display(description=_("preview"))
    def preview_text(self, obj: NotificationTemplate | None) -> SafeString | str:
        if obj is None or not obj.pk:
            return gettext("Save the template to see its preview.")
        shown = preview(obj, VARIABLES)
        if shown.error:
            return format_html('<strong class="errornote">{}</strong>', shown.error)
        parts = [format_html("<pre style='white-space:pre-wrap'>{}</pre>", shown.body)]
        if shown.subject:
            parts.insert(0, format_html("<p><strong>{}</strong></p>", shown.subject))
        if shown.segments is not None:
            parts.append(
                format_html(
                    "<p>{}</p>",
                    gettext("%(encoding)s, %(characters)s characters, %(segments)s SMS segment(s).")
                    % {
                        "encoding": shown.segments.encoding,
                        "characters": shown.segments.characters,
                        "segments": shown.segments.segments,
                    },
                )
            )
            if not obj.without_diacritics:
                plain = sms_segments(without_diacritics(shown.body))
                parts.append(
                    format_html(
                        "<p>{}</p>",
                        gettext("Without diacritics: %(segments)s segment(s).") % {"segments": plain.segments},
                    )
                )
        return SafeString("".join(parts))


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "event", "recipient", "dossier_code", "status", "attempts", "sent_at")
    list_filter = ("status", "channel", "event", "delivery_report", "agency_code")
    search_fields = ("dossier_code", "recipient", "key")
    date_hierarchy = "created_at"
    actions = ("retry_now",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return False

    @admin.action(description=_("Send again now (failed or waiting messages)"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = queryset.filter(status__in=(MessageStatus.FAILED, MessageStatus.PENDING)).update(
            status=MessageStatus.PENDING, next_attempt_at=timezone.now(), attempts=0
        )
        self.message_user(request, gettext("%(count)s message(s) will be sent again.") % {"count": count})


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "by_email", "by_sms", "language")
    search_fields = ("user__username", "user__full_name")
    raw_id_fields = ("user",)
