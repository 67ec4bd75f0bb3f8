from django.urls import path

from motcua.outreach import link_views

app_name = "links"
urlpatterns = [
    path("<str:token>", link_views.follow, name="follow"),
    path("<str:token>/tu-choi/", link_views.opt_out, name="opt-out"),
]
