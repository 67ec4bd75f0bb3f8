from django.contrib import admin

from motcua.reports.models import HistoricalDossier, HistoricalTotals, IndexSetting


@admin.register(HistoricalTotals)
class HistoricalTotalsAdmin(admin.ModelAdmin):
    list_display = ("agency", "year", "received", "online_partial", "online_full", "stated_rate", "source")
    list_filter = ("year",)
    search_fields = ("agency__name", "agency__code", "source")
    autocomplete_fields = ("agency",)


@admin.register(HistoricalDossier)
class HistoricalDossierAdmin(admin.ModelAdmin):
    list_display = ("code", "agency", "procedure_code", "channel", "online_level", "received_at", "outcome")
    list_filter = ("channel", "online_level", "outcome")
    search_fields = ("code", "procedure_code")
    date_hierarchy = "received_at"
    list_select_related = ("agency",)

    def has_add_permission(self, request: object) -> bool:
        return False  # imported with `manage.py import_dossiers`

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(IndexSetting)
class IndexSettingAdmin(admin.ModelAdmin):
    list_display = ("code", "points", "threshold")
