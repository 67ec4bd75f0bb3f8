from django.contrib import admin

from motcua.alerts.models import StaffAlert


@admin.register(StaffAlert)
class StaffAlertAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "period", "recipient", "dossier", "created_at"]
    list_filter = ["kind"]
    search_fields = ["key", "recipient__username"]
    readonly_fields = ["key", "kind", "period", "recipient", "dossier", "message_key", "created_at"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
