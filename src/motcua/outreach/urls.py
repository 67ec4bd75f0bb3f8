from django.urls import path

from motcua.outreach import campaign_views, views

app_name = "outreach"
urlpatterns = [
    path("", views.outreach_page, name="home"),
    path("in/", views.printable, name="printable"),
    path("chien-dich/", campaign_views.campaign_list, name="campaigns"),
    path("chien-dich/moi/", campaign_views.campaign_new, name="campaign-new"),
    path("chien-dich/<int:campaign_id>/", campaign_views.campaign_page, name="campaign"),
    path("chien-dich/<int:campaign_id>/sua/", campaign_views.campaign_edit, name="campaign-edit"),
    path("chien-dich/<int:campaign_id>/thao-tac/<str:action>/", campaign_views.campaign_action, name="campaign-action"),
    path(
        "chien-dich/<int:campaign_id>/danh-sach/<str:metric>/", campaign_views.campaign_people, name="campaign-people"
    ),
]
