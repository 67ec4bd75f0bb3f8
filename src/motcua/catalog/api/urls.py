from django.urls import path

from motcua.catalog.api.views import ProcedureDetailView, ProcedureListView

urlpatterns = [
    path("procedures/", ProcedureListView.as_view(), name="api-procedure-list"),
    path("procedures/<str:code>/", ProcedureDetailView.as_view(), name="api-procedure-detail"),
]
