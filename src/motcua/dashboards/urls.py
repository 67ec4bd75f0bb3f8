from django.urls import path

from motcua.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.dashboard, name="home"),
    path("ho-so/", views.dashboard_dossiers, name="dossiers"),
]
