from django.contrib import admin

from motcua.catalog.models import (
    Fee,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessingTimeByChannel,
    ProcessStep,
    RequiredDocument,
)


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "name_en", "national_code"]
    search_fields = ["name", "code"]


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    extra = 0
    fields = ["valid_from", "valid_to", "name", "service_level"]
    show_change_link = True
    readonly_fields = ["valid_from", "valid_to", "name", "service_level"]


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "__str__"]
    search_fields = ["code", "versions__name"]
    inlines = [VersionInline]


class DocumentInline(admin.StackedInline):
    model = RequiredDocument
    extra = 0


class FeeInline(admin.TabularInline):
    model = Fee
    extra = 0


class StepInline(admin.TabularInline):
    model = ProcessStep
    extra = 0


class ChannelTimeInline(admin.TabularInline):
    model = ProcessingTimeByChannel
    extra = 0


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    list_display = ["procedure", "name", "field", "agency", "service_level", "valid_from", "valid_to"]
    list_filter = ["service_level", "implementation_level", "field", "agency"]
    search_fields = ["procedure__code", "name", "search_text"]
    list_select_related = ["procedure", "field", "agency"]
    autocomplete_fields = ["field"]
    inlines = [ChannelTimeInline, FeeInline, DocumentInline, StepInline]
