from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from motcua.core.views import healthz, healthz_live
from motcua.portal import account_views

admin.site.site_header = _("MotCua administration")
admin.site.site_title = _("MotCua")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("healthz/live", healthz_live, name="healthz-live"),
    path("api/", include("motcua.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("mot-cua/bao-cao/dieu-hanh/", include("motcua.dashboards.urls")),
    path("mot-cua/bao-cao/", include("motcua.reports.urls")),
    path("mot-cua/truyen-thong/", include("motcua.outreach.urls")),
    path("mot-cua/dong-bo-dvcqg/", include("motcua.national_sync.urls")),
    path("mot-cua/", include("motcua.desk.urls")),
    path("dang-nhap/", account_views.SignInView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("dang-nhap/dinh-danh/", account_views.oidc_start, name="oidc_authentication_init"),
    path("dang-nhap/dinh-danh/xong/", account_views.oidc_callback, name="oidc_authentication_callback"),
    # Password reset by a link sent to the account's e-mail address (Django's views, our templates).
    path("quen-mat-khau/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("quen-mat-khau/tin-nhan/", account_views.password_reset_sms, name="password_reset_sms"),
    path("quen-mat-khau/da-gui/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "quen-mat-khau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("quen-mat-khau/xong/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("thanh-toan/", include("motcua.portal.payment_urls")),
    path("tin-tuc/", include("motcua.news.urls")),
    path("thong-bao/", include("motcua.notifications.urls")),
    path("l/", include("motcua.outreach.link_urls")),  # campaign messages' short links
    path("minh-bach/", include("motcua.dashboards.public_urls")),
    path("", include("motcua.portal.urls")),
]

handler404 = "motcua.core.views.page_not_found"
handler500 = "motcua.core.views.server_error"

if settings.DEBUG:  # public catalog templates only; dossier documents live elsewhere
    urlpatterns += [path("media/catalog/<path:path>", serve, {"document_root": settings.MEDIA_ROOT / "catalog"})]
