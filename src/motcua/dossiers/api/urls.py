from django.urls import path

from motcua.dossiers.api.views import (
    DossierActionView,
    DossierDetailView,
    DossierDocumentListView,
    DossierDocumentView,
    DossierListView,
    LookupView,
    ReceiptView,
)

urlpatterns = [
    path("dossiers/", DossierListView.as_view(), name="api-dossier-list"),
    path("dossiers/<str:code>/", DossierDetailView.as_view(), name="api-dossier-detail"),
    path("dossiers/<str:code>/actions/<str:action>/", DossierActionView.as_view(), name="api-dossier-action"),
    path("dossiers/<str:code>/documents/", DossierDocumentListView.as_view(), name="api-dossier-documents"),
    path(
        "dossiers/<str:code>/documents/<int:document_id>/", DossierDocumentView.as_view(), name="api-dossier-document"
    ),
    path("dossiers/<str:code>/forms/receipt.pdf", ReceiptView.as_view(), name="api-dossier-receipt"),
    path("lookup/", LookupView.as_view(), name="api-lookup"),
]
