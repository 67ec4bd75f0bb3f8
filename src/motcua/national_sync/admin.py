from django.contrib import admin

from motcua.national_sync.models import NationalSync


@admin.register(NationalSync)
class NationalSyncAdmin(admin.ModelAdmin):
    list_display = ["dossier", "status", "attempts", "acknowledged_at", "last_error"]
    list_filter = ["status"]
    search_fields = ["dossier__code"]
    readonly_fields = [f.name for f in NationalSync._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
