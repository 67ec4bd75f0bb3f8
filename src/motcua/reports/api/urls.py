from django.urls import path

from motcua.reports.api.views import ReportIndex766View, ReportSummaryView, ReportTT01View

urlpatterns = [
    path("reports/summary/", ReportSummaryView.as_view(), name="api-report-summary"),
    path("reports/index766/", ReportIndex766View.as_view(), name="api-report-index766"),
    path("reports/tt01/", ReportTT01View.as_view(), name="api-report-tt01"),
]
