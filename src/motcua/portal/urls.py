from django.urls import path

from motcua.portal import account_views, applications, payment_views, rating_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="procedure-list"),
    path("thu-tuc/<str:code>/", views.procedure_page, name="procedure-detail"),
    path("thu-tuc/<str:code>/nop-truc-tuyen/", applications.apply_start, name="apply"),
    path("lich-lam-viec/", views.calendar_page, name="calendar"),
    path("tra-cuu/", views.lookup_page, name="lookup"),
    path("danh-gia/", rating_views.kiosk, name="kiosk"),
    path("dang-ky/", account_views.signup, name="signup"),
    path("ca-nhan/", views.signed_in, name="signed-in"),
    path("ca-nhan/xac-minh/", account_views.verify, name="verify"),
    path("ca-nhan/xac-minh/gui-ma/", account_views.verify_start, name="verify-start"),
    path("ca-nhan/ho-so/", applications.my_dossiers, name="my-dossiers"),
    path("ca-nhan/nop-ho-so/<int:draft_id>/", applications.draft_page, name="draft"),
    path("ca-nhan/nop-ho-so/<int:draft_id>/xem-lai/", applications.draft_review, name="draft-review"),
    path("ca-nhan/nop-ho-so/<int:draft_id>/xoa/", applications.draft_delete, name="draft-delete"),
    path("ca-nhan/ho-so/<str:code>/", applications.my_dossier, name="my-dossier"),
    path("ca-nhan/ho-so/<str:code>/da-nop/", applications.submitted, name="submitted"),
    path("ca-nhan/ho-so/<str:code>/bo-sung/", applications.answer_supplement, name="supplement"),
    path("ca-nhan/ho-so/<str:code>/rut/", applications.withdraw, name="withdraw"),
    path("ca-nhan/ho-so/<str:code>/thanh-toan/", payment_views.start, name="pay"),
    path("ca-nhan/ho-so/<str:code>/bien-nhan/<str:reference>.pdf", payment_views.receipt, name="payment-receipt"),
    path("ca-nhan/ho-so/<str:code>/danh-gia/", rating_views.rate, name="rate"),
    path("ca-nhan/ho-so/<str:code>/giay-tiep-nhan.pdf", applications.my_form, name="receipt"),
    path("ca-nhan/ho-so/<str:code>/bieu-mau/<str:form>.pdf", applications.my_form, name="notice"),
    path("ca-nhan/ho-so/<str:code>/tai-lieu/<int:document_id>/", applications.my_document, name="document"),
    path("ca-nhan/kho-giay-to/", applications.document_store, name="store"),
    path("ca-nhan/kho-giay-to/<int:stored_id>/", applications.stored_file, name="stored-file"),
]
