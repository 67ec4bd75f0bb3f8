from django.urls import path

from motcua.national_sync import views

app_name = "national_sync"
urlpatterns = [
    path("", views.reconciliation_page, name="reconciliation"),
]
