"""Rating the service: from one's dossier page, or at the desk's kiosk with the receipt's code and secret."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.core.errors import NotFoundError
from motcua.core.web import report_errors
from motcua.dossiers.selectors import dossier_public_lookup
from motcua.feedback.constants import RatingChannel
from motcua.feedback.services import rating_submit
from motcua.portal.applications import own_dossier
from motcua.portal.forms import RatingForm
from motcua.portal.views import lookup_allowed

THANKS = gettext_lazy("Thank you for your rating: it is sent to the agency's leaders.")


@login_required
@require_POST
def rate(request: HttpRequest, code: str) -> HttpResponse:
    dossier = own_dossier(request, code)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Answer every question of the rating (the comment is optional)."))
        return redirect("portal:my-dossier", code=code)
    report_errors(
        request,
        lambda: rating_submit(dossier=dossier, answers=form.answers(), channel=RatingChannel.ONLINE),
        str(THANKS),
    )
    return redirect("portal:my-dossier", code=code)


def kiosk(request: HttpRequest) -> HttpResponse:
    """The rating kiosk at the one-stop desk: the dossier's code and secret (on the receipt), then the questions."""
    code = request.POST.get("code", request.GET.get("code", "")).strip()[:64]
    secret = request.POST.get("secret", request.GET.get("secret", "")).strip()[:16]
    context: dict[str, object] = {"code": code, "secret": secret}
    if not (code and secret):
        return render(request, "portal/kiosk.html", context)
    if not lookup_allowed(request):
        context["error"] = _("Too many attempts from this device; wait a minute and try again.")
        return render(request, "portal/kiosk.html", context, status=429)
    try:
        dossier = dossier_public_lookup(code=code, secret=secret)
    except NotFoundError as exc:
        context["error"] = str(exc.message)
        return render(request, "portal/kiosk.html", context)
    form = RatingForm(request.POST if "satisfaction" in request.POST else None)
    if form.is_bound and form.is_valid():
        done = report_errors(
            request,
            lambda: rating_submit(dossier=dossier, answers=form.answers(), channel=RatingChannel.KIOSK),
            str(THANKS),
        )
        if done is not None:
            return redirect("portal:kiosk")
    context.update({"dossier": dossier, "form": form})
    return render(request, "portal/kiosk.html", context)
