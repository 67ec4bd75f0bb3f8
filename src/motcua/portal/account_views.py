"""Applicants' accounts: sign up, prove the phone or e-mail address with a one-time code."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from motcua.accounts.models import User, VerificationCode
from motcua.accounts.services import (
    SignUp,
    account_signup,
    password_reset_confirm,
    password_reset_send,
    verification_confirm,
    verification_send,
)
from motcua.core.clients import client_address
from motcua.core.errors import DomainError
from motcua.core.web import report_errors
from motcua.portal.forms import SignInForm, SignUpForm, VerificationForm

logger = logging.getLogger(__name__)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    return target if safe and target else ""


def _verify_url(channel: str) -> str:
    return f"{reverse('portal:verify')}?channel={channel}"


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal:signed-in")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = account_signup(
                SignUp(
                    full_name=data["full_name"],
                    password=data["password"],
                    phone=data["phone"],
                    email=data["email"],
                    organisation_name=data["organisation_name"],
                    tax_code=data["tax_code"],
                )
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            login(request, user, backend="motcua.accounts.backends.PhoneEmailBackend")
            channel = VerificationCode.Channel.PHONE if user.phone else VerificationCode.Channel.EMAIL
            report_errors(request, lambda: verification_send(user=user, channel=channel), "")
            request.session["after_verification"] = _next(request)
            return redirect(_verify_url(channel))
    return render(
        request, "portal/signup.html", {"form": form, "next": _next(request)}, status=400 if form.errors else 200
    )


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Enter the code sent by SMS or e-mail; ask for a new one."""
    user = request.user
    assert isinstance(user, User)
    channel = request.POST.get("channel") or request.GET.get("channel") or VerificationCode.Channel.PHONE
    if channel not in VerificationCode.Channel.values:
        channel = VerificationCode.Channel.PHONE
    form = VerificationForm(request.POST or None)
    if request.method == "POST" and "resend" in request.POST:
        report_errors(request, lambda: verification_send(user=user, channel=channel), _("A new code was sent."))
        return redirect(_verify_url(channel))
    if request.method == "POST" and form.is_valid():
        try:
            verification_confirm(user=user, channel=channel, code=form.cleaned_data["code"])
        except ValidationError as exc:
            for error in exc.message_dict.get("code", exc.messages):
                form.add_error("code", error)
        else:
            messages.success(
                request,
                _("Your phone number is verified.") if channel == "phone" else _("Your e-mail address is verified."),
            )
            return redirect(request.session.pop("after_verification", "") or "portal:my-dossiers")
    destination = user.phone if channel == VerificationCode.Channel.PHONE else user.email
    return render(
        request,
        "portal/verify.html",
        {"form": form, "channel": channel, "destination": destination},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def verify_start(request: HttpRequest) -> HttpResponse:
    """From the account page: send a code to a contact that is not verified yet."""
    user = request.user
    assert isinstance(user, User)
    channel = request.POST.get("channel", "")
    report_errors(request, lambda: verification_send(user=user, channel=channel), "")
    return redirect(_verify_url(channel))


RESET_REQUESTS_PER_HOUR = 10


def _reset_allowed(request: HttpRequest) -> bool:
    """At most RESET_REQUESTS_PER_HOUR text messages asked for from one address an hour (each costs money)."""
    key = f"reset-sms:{client_address(request)}:{int(time.time() // 3600)}"
    cache.add(key, 0, timeout=3700)
    return cache.incr(key) <= RESET_REQUESTS_PER_HOUR


def password_reset_sms(request: HttpRequest) -> HttpResponse:
    """Forgot the password: a code by text message to the account's phone, then a new password.

    The page reads the same whether or not an account has the number.
    """
    if "restart" in request.GET:
        request.session.pop("reset_phone", None)
    phone = request.session.get("reset_phone", "")
    step = request.POST.get("step", "")
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST" and step == "send":
        if not _reset_allowed(request):
            errors, status = {"phone": [_("Too many requests from your connection; try again in an hour.")]}, 429
        else:
            try:
                password_reset_send(request.POST.get("phone", "")[:20])
            except ValidationError as exc:
                errors, status = exc.message_dict, 400
            except DomainError as exc:
                errors, status = {"phone": [str(exc.message)]}, 400
            else:
                request.session["reset_phone"] = phone = request.POST.get("phone", "")[:20]
                messages.info(request, _("If an account has this number, a code was sent to it by text message."))
                return redirect("password_reset_sms")
    elif request.method == "POST" and step == "confirm" and phone:
        password = request.POST.get("password", "")
        if password != request.POST.get("password2", ""):
            errors, status = {"password2": [_("The two passwords differ.")]}, 400
        else:
            try:
                password_reset_confirm(phone=phone, code=request.POST.get("code", "")[:12], password=password)
            except ValidationError as exc:
                errors, status = exc.message_dict, 400
            else:
                request.session.pop("reset_phone", None)
                messages.success(request, _("Your password was changed. Sign in with it."))
                return redirect("login")
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "registration/password_reset_sms.html",
        {"phone": phone, "errors": errors},
        status=status,
    )


def _oidc_configured() -> None:
    if not settings.MOTCUA_OIDC_CLIENT_ID:
        raise Http404


def oidc_start(request: HttpRequest) -> HttpResponse:
    """Off to the national electronic identity (VNeID) to sign in: the code flow with state, nonce and PKCE."""
    _oidc_configured()
    return OIDCAuthenticationRequestView.as_view()(request)


def oidc_callback(request: HttpRequest) -> HttpResponse:
    """Back from the identity provider: the code is exchanged and the ID token checked by the backend."""
    _oidc_configured()
    try:
        response = OIDCAuthenticationCallbackView.as_view()(request)
    except SuspiciousOperation as exc:  # a token that does not check: wrong issuer, audience, nonce, signature
        logger.warning("OIDC sign-in refused: %s", exc)
        response = None
    if response is None or not request.user.is_authenticated:
        messages.error(
            request,
            _("Signing in with %(provider)s did not succeed; try again, or sign in with your password.")
            % {"provider": settings.MOTCUA_OIDC_LABEL},
        )
        return redirect("login")
    return response


class SignInView(LoginView):
    """Sign in with a password, or through the national electronic identity when it is configured."""

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["oidc_label"] = settings.MOTCUA_OIDC_LABEL if settings.MOTCUA_OIDC_CLIENT_ID else ""
        return context
