from django.urls import path

from motcua.news import views

app_name = "news"
urlpatterns = [
    path("", views.announcement_list, name="list"),
    path("<int:pk>/", views.announcement_detail, name="detail-short"),
    path("<int:pk>-<slug:slug>/", views.announcement_detail, name="detail"),
    path("<int:pk>/tai-lieu.pdf", views.announcement_attachment, name="attachment"),
]
