from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from motcua.api.divisions import CommuneListView, ProvinceListView
from motcua.api.views import TokenView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("v1/auth/token/", TokenView.as_view(), name="api-token"),
    path("v1/provinces/", ProvinceListView.as_view(), name="api-provinces"),
    path("v1/provinces/<int:province>/communes/", CommuneListView.as_view(), name="api-communes"),
    path("v1/", include("motcua.catalog.api.urls")),
    path("v1/", include("motcua.workdays.api.urls")),
    path("v1/", include("motcua.dossiers.api.urls")),
    path("v1/", include("motcua.reports.api.urls")),
]
