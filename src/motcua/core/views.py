from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.core.errors import database_unavailable
from motcua.core.health import health_status


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, body = health_status()
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
@require_GET
def healthz_live(request: HttpRequest) -> HttpResponse:
    """Liveness for orchestrators: the process answers. No database, cache or worker is asked
    (GET /healthz is the readiness check that does), so a database outage does not restart every
    web process."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        body = {"error": {"code": "not-found", "message": _("Nothing is published at this address."), "fields": {}}}
        return JsonResponse(body, status=404)
    return render(request, "404.html", status=404)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """503 "try again": the database dropped the connection or cannot be reached (no 500 for an outage)."""
    message = _("The service is briefly unavailable. Please try again in a moment.")
    response: HttpResponse
    if _wants_json(request):
        body = {"error": {"code": "service-unavailable", "message": message, "fields": {}}}
        response = JsonResponse(body, status=503)
    else:  # a page that needs nothing from the database
        response = render(request, "503.html", {"message": message}, status=503)
    response["Retry-After"] = "5"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    if database_unavailable(sys.exc_info()[1]):  # handler500 runs while the exception is being handled
        return service_unavailable(request)
    if _wants_json(request):
        body = {"error": {"code": "server-error", "message": _("Something went wrong on our side."), "fields": {}}}
        return JsonResponse(body, status=500)
    return render(request, "500.html", status=500)
