"""Paying a dossier's fees online: start, the provider's return and server notification, the fake's page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.models import User
from motcua.core.clients import client_address
from motcua.core.web import report_errors
from motcua.documents.forms import payment_receipt_response
from motcua.dossiers.permissions import is_applicant
from motcua.integrations.payment_providers import payment_provider
from motcua.integrations.payment_providers.fake import OUTCOMES, fake_notice_params
from motcua.payments.constants import PaymentStatus
from motcua.payments.models import Payment
from motcua.payments.services import payment_notified, payment_start


@login_required
@require_POST
def start(request: HttpRequest, code: str) -> HttpResponse:
    """The applicant chose a way to pay: off to the provider."""
    assert isinstance(request.user, User)
    provider = request.POST.get("provider", "")
    return_url = request.build_absolute_uri(reverse("payments:return", args=[provider or "none"]))
    user = request.user
    checkout = report_errors(
        request,
        lambda: payment_start(
            code=code,
            user=user,
            provider_name=provider,
            return_url=return_url,
            client_ip=client_address(request),
        ),
        "",
    )
    return redirect(checkout) if checkout else redirect("portal:my-dossier", code=code)


@never_cache
def provider_return(request: HttpRequest, provider: str) -> HttpResponse:
    """The browser back from the provider: its signed answer is checked and recorded like a notification."""
    outcome = payment_notified(provider_name=provider, params=request.GET.dict())
    payment = outcome.payment
    if payment is None:
        messages.error(request, _("The payment provider's answer could not be checked; nothing was recorded."))
        return redirect("portal:my-dossiers")
    payment.refresh_from_db()
    if payment.status == PaymentStatus.PAID:
        messages.success(request, _("Payment received: the agency goes on with your dossier."))
    elif payment.status == PaymentStatus.FAILED:
        messages.error(request, _("The payment did not go through; nothing was charged. You can try again."))
    else:
        messages.info(request, _("The provider has not confirmed the payment yet; this page will show it."))
    return redirect("portal:my-dossier", code=payment.dossier.code)


@csrf_exempt  # the provider's server calls it; the signature is the check
@require_http_methods(["GET", "POST"])
def provider_notification(request: HttpRequest, provider: str) -> JsonResponse:
    """The provider's server-to-server notification (IPN)."""
    try:
        adapter = payment_provider(provider)
    except LookupError as exc:
        raise Http404 from exc
    params = request.POST.dict() if request.method == "POST" else request.GET.dict()
    outcome = payment_notified(provider_name=provider, params=params)
    status, body = adapter.acknowledge(outcome.recorded, outcome.reason)
    return JsonResponse(body, status=status)


@login_required
def fake_checkout(request: HttpRequest, reference: str) -> HttpResponse:
    """The fake provider's page (development and demos only): pay, decline or fail."""
    if "fake" not in settings.MOTCUA_PAYMENT_PROVIDERS:
        raise Http404
    assert isinstance(request.user, User)
    payment = Payment.objects.filter(reference=reference, provider="fake").select_related("dossier").first()
    if payment is None or not is_applicant(request.user, payment.dossier):
        raise Http404
    back = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        raise Http404
    if request.method == "POST" and request.POST.get("outcome") in OUTCOMES:
        params = fake_notice_params(payment.reference, int(payment.amount), request.POST["outcome"])
        return redirect(f"{back}?{urlencode(params)}")
    return render(request, "portal/fake_checkout.html", {"payment": payment, "outcomes": OUTCOMES})


@login_required
def receipt(request: HttpRequest, code: str, reference: str) -> HttpResponse:
    """The receipt of a paid payment of one's own dossier."""
    assert isinstance(request.user, User)
    payment = (
        Payment.objects.filter(reference=reference, dossier__code=code, status=PaymentStatus.PAID)
        .select_related("dossier__procedure_version__procedure", "dossier__competent_agency__parent", "recorded_by")
        .first()
    )
    if payment is None or not is_applicant(request.user, payment.dossier):
        raise Http404
    return payment_receipt_response(payment)
