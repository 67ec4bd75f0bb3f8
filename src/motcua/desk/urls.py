from django.urls import path

from motcua.desk import feedback_views, guidance_views, views

app_name = "desk"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("tiep-nhan/", views.intake, name="intake"),
    path("ho-so/<str:code>/", views.dossier_page, name="dossier"),
    path("ho-so/<str:code>/thao-tac/<str:action>/", views.dossier_action, name="action"),
    path("ho-so/<str:code>/giay-tiep-nhan.pdf", views.receipt, name="receipt"),
    path("ho-so/<str:code>/bieu-mau/<str:form>.pdf", views.notice, name="notice"),
    path("ho-so/<str:code>/phieu-kiem-soat.pdf", views.control_slip, name="control-slip"),
    path("ho-so/<str:code>/tai-lieu/", views.upload, name="upload"),
    path("ho-so/<str:code>/thu-phi/", views.cash_payment, name="cash-payment"),
    path("ho-so/<str:code>/bien-nhan/<str:reference>.pdf", views.payment_receipt, name="payment-receipt"),
    path("ho-so/<str:code>/xin-y-kien/", views.consult, name="consult"),
    path("ho-so/<str:code>/xin-y-kien/<int:consultation_id>/tra-loi/", views.answer, name="answer"),
    path("so-theo-doi/", views.register, name="register"),
    path("danh-gia/", views.ratings, name="ratings"),
    path("huong-dan/", guidance_views.guidance, name="guidance"),
    path("phan-anh/", feedback_views.pakn_list, name="feedback"),
    path("phan-anh/chi-so/", feedback_views.pakn_figures_page, name="feedback-figures"),
    path("phan-anh/<int:pakn_id>/", feedback_views.pakn_page, name="feedback-detail"),
    path("phan-anh/<int:pakn_id>/thao-tac/", feedback_views.pakn_action, name="feedback-action"),
]
