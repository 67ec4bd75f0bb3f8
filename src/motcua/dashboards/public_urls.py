from django.urls import path

from motcua.dashboards import views

app_name = "transparency"
urlpatterns = [
    path("", views.transparency_index, name="index"),
    path("<str:code>/", views.transparency_page, name="agency"),
]
