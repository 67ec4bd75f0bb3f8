from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.workdays.models import CalendarDay, CalendarYear, WorkCalendar
from motcua.workdays.services import calendar_seed_year


class CalendarYearInline(admin.TabularInline):
    model = CalendarYear
    extra = 0
    fields = ["year", "source", "confirmed", "note"]


@admin.register(WorkCalendar)
class WorkCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_default", "saturday_is_working", "cutoff", "afternoon_end"]
    inlines = [CalendarYearInline]
    actions = ["seed_next_years"]

    @admin.action(description=_("Copy the national calendar for this year and the next two"))
    def seed_next_years(self, request: HttpRequest, queryset: QuerySet[WorkCalendar]) -> None:
        this_year = timezone.localdate().year
        for calendar in queryset:
            for year in range(this_year, this_year + 3):
                calendar_seed_year(calendar=calendar, year=year)
        self.message_user(
            request, _("The national calendar was copied; review and confirm each year."), messages.SUCCESS
        )


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "kind", "calendar"]
    list_filter = ["calendar", "kind", "date"]
    date_hierarchy = "date"
    search_fields = ["name"]


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["calendar", "year", "source", "confirmed"]
    list_filter = ["calendar", "confirmed"]
