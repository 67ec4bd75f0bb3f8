"""A generic HTTP SMS gateway (the JSON-over-HTTPS kind that Vietnamese brand-name SMS providers offer).

POST `MOTCUA_SMS_URL` with `Authorization: Bearer MOTCUA_SMS_API_KEY` and a JSON body
`{"to", "text", "brand", "request_id"}`; a 2xx answer with `{"message_id"}` means taken. The
`request_id` is our idempotency key: providers drop a repeated request id. 5xx, 429 and network
errors are temporary (retry later); other 4xx are permanent (the message is wrong).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from django.conf import settings

from motcua.integrations.sms.base import SmsError, SmsGateway, SmsMessage, SmsReceipt


class HttpSmsGateway:
    name = "http"

    def __init__(self, *, url: str, api_key: str, brand: str, timeout: float = 10.0) -> None:
        self.url, self.api_key, self.brand, self.timeout = url, api_key, brand, timeout

    @classmethod
    def from_settings(cls) -> SmsGateway:
        return cls(
            url=settings.MOTCUA_SMS_URL,
            api_key=settings.MOTCUA_SMS_API_KEY,
            brand=settings.MOTCUA_SMS_BRAND,
            timeout=settings.MOTCUA_SMS_TIMEOUT,
        )

    def send(self, message: SmsMessage) -> SmsReceipt:
        body = json.dumps(
            {"to": message.to, "text": message.text, "brand": self.brand, "request_id": message.idempotency_key}
        ).encode()
        if not self.url.startswith(("https://", "http://")):
            raise SmsError("MOTCUA_SMS_URL must be an http(s) address", temporary=False)
        request = urllib.request.Request(  # noqa: S310 (an http(s) address, checked above)
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.api_key}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            temporary = exc.code >= 500 or exc.code == 429
            raise SmsError(f"SMS gateway answered {exc.code}", temporary=temporary) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsError(f"SMS gateway unreachable: {exc}", temporary=True) from exc
        except json.JSONDecodeError as exc:
            raise SmsError("SMS gateway answered something that is not JSON", temporary=True) from exc
        return SmsReceipt(gateway=self.name, message_id=str(answer.get("message_id", message.idempotency_key)))
