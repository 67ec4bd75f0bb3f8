from django.urls import path

from motcua.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_page, name="period"),
    path("ho-so/", views.report_dossiers, name="dossiers"),
]
