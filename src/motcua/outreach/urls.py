from django.urls import path

from motcua.outreach import views

app_name = "outreach"
urlpatterns = [
    path("", views.outreach_page, name="home"),
    path("in/", views.printable, name="printable"),
]
