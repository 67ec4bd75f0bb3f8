from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.core.health import health_status


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, body = health_status()
    return JsonResponse(body, status=200 if healthy else 503)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        body = {"error": {"code": "not-found", "message": _("Nothing is published at this address."), "fields": {}}}
        return JsonResponse(body, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        body = {"error": {"code": "server-error", "message": _("Something went wrong on our side."), "fields": {}}}
        return JsonResponse(body, status=500)
    return render(request, "500.html", status=500)
