"""The public short links of campaign messages: `/l/<token>` (counts the click, then leads to the online
application) and `/l/<token>/tu-choi/` (withdraws the consent with one button). No personal data shown."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from motcua.core.errors import NotFoundError
from motcua.outreach.services.links import link_follow, link_opt_out, link_recipient


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "outreach/link_not_found.html", status=404)


@never_cache
def follow(request: HttpRequest, token: str) -> HttpResponse:
    try:
        destination = link_follow(token=token[:32])
    except NotFoundError:
        return _not_found(request)
    return HttpResponseRedirect(destination)


@never_cache
def opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows one button (a link checker opening the address withdraws nothing); POST withdraws."""
    try:
        if request.method == "POST":
            recipient = link_opt_out(token=token[:32])
            return render(request, "outreach/opt_out.html", {"agency": recipient.campaign.agency, "done": True})
        recipient = link_recipient(token=token[:32])
    except NotFoundError:
        return _not_found(request)
    return render(request, "outreach/opt_out.html", {"agency": recipient.campaign.agency, "done": False})
