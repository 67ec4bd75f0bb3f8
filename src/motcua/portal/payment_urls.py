from django.urls import path

from motcua.portal import payment_views

app_name = "payments"
urlpatterns = [
    path("<str:provider>/ket-qua/", payment_views.provider_return, name="return"),
    path("<str:provider>/thong-bao/", payment_views.provider_notification, name="notification"),
    path("gia-lap/<str:reference>/", payment_views.fake_checkout, name="fake-checkout"),
]
