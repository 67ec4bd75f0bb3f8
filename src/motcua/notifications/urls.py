from django.urls import path

from motcua.notifications import views

app_name = "notifications"
urlpatterns = [
    path("sms/trang-thai/", views.sms_delivery_report, name="sms_delivery_report"),
]
