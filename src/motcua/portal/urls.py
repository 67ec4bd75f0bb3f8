from django.urls import path

from motcua.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="procedure-list"),
    path("thu-tuc/<str:code>/", views.procedure_page, name="procedure-detail"),
    path("lich-lam-viec/", views.calendar_page, name="calendar"),
    path("tra-cuu/", views.lookup_page, name="lookup"),
]
