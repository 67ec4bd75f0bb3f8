"""The applicant's notification page (/ca-nhan/thong-bao/): SMS, e-mail, language, and campaigns on or off."""

from __future__ import annotations

from dataclasses import asdict

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core.web import report_errors
from motcua.outreach.services.consent import applicant_preferences, applicant_preferences_save
from motcua.portal.forms import NotificationSettingsForm


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    current = applicant_preferences(user)
    form = NotificationSettingsForm(request.POST or None, initial=asdict(current))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = report_errors(
            request,
            lambda: applicant_preferences_save(
                user=user,
                by_sms=data["by_sms"],
                by_email=data["by_email"],
                language=data["language"],
                campaigns=data["campaigns"],
            ),
            _("Your choices are saved."),
        )
        if saved is not None:
            return redirect("portal:notifications")
    return render(request, "portal/notification_settings.html", {"form": form, "current": current})
