from django.urls import path

from motcua.reports.api.views import ReportSummaryView

urlpatterns = [
    path("reports/summary/", ReportSummaryView.as_view(), name="api-report-summary"),
]
