from django.urls import path

from motcua.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_page, name="period"),
    path("ho-so/", views.report_dossiers, name="dossiers"),
    path("ty-le-truc-tuyen/", views.online_rate_page, name="online_rate"),
    path("danh-muc/", views.coverage_page, name="coverage"),
    path("chi-so-766/", views.index_page, name="index"),
    path("chi-so-766/ho-so/", views.index_dossiers_page, name="index_dossiers"),
    path("diem-tt01/", views.tt01_page, name="tt01"),
    path("diem-tt01/ho-so/", views.tt01_dossiers_page, name="tt01_dossiers"),
]
