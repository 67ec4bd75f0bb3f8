"""Delivery reports from the SMS gateway (a callback with a shared secret)."""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from motcua.notifications.services.reports import outbox_delivery_reported


@csrf_exempt
@require_POST
def sms_delivery_report(request: HttpRequest) -> JsonResponse:
    """POST `{"request_id": <our idempotency key>, "status": "delivered"|"failed", "error": "..."}` with
    the header `X-MotCua-Secret: MOTCUA_SMS_CALLBACK_SECRET`."""
    secret = settings.MOTCUA_SMS_CALLBACK_SECRET
    if not secret:
        raise Http404
    if not hmac.compare_digest(request.headers.get("X-MotCua-Secret", ""), secret):
        return JsonResponse({"error": {"code": "forbidden", "message": "bad secret", "fields": {}}}, status=403)
    try:
        body = json.loads(request.body or b"{}")
        key, status = str(body["request_id"]), str(body["status"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse(
            {"error": {"code": "bad-request", "message": "request_id and status", "fields": {}}}, status=400
        )
    known = outbox_delivery_reported(
        idempotency_key=key, delivered=status == "delivered", error=str(body.get("error", ""))
    )
    return JsonResponse({"ok": known}, status=200 if known else 404)
