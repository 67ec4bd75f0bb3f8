"""A generic HTTP SMS gateway (the JSON-over-HTTPS kind that Vietnamese brand-name SMS providers offer).

POST `MOTCUA_SMS_URL` with `Authorization: Bearer MOTCUA_SMS_API_KEY` and a JSON body
`{"to", "text", "brand", "request_id"}`; a 2xx answer with `{"message_id"}` means taken. The
`request_id` is our idempotency key: providers drop a repeated request id. 5xx, 429 and network
errors are temporary (retry later); other 4xx are permanent (the message is wrong).

One adapter object keeps its connection open (HTTP keep-alive) across the messages of a batch; a
kept connection the gateway closed meanwhile is reopened once for the same request (same key).
"""

from __future__ import annotations

import http.client
import json
import ssl
from urllib.parse import urlsplit

from django.conf import settings

from motcua.integrations.sms.base import SmsError, SmsGateway, SmsMessage, SmsReceipt


class HttpSmsGateway:
    name = "http"

    def __init__(self, *, url: str, api_key: str, brand: str, timeout: float = 10.0, name: str = "http") -> None:
        self.url, self.api_key, self.brand, self.timeout, self.name = url, api_key, brand, timeout, name
        self._connection: http.client.HTTPConnection | None = None

    @classmethod
    def from_settings(cls) -> SmsGateway:
        return cls(
            url=settings.MOTCUA_SMS_URL,
            api_key=settings.MOTCUA_SMS_API_KEY,
            brand=settings.MOTCUA_SMS_BRAND,
            timeout=settings.MOTCUA_SMS_TIMEOUT,
        )

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            parts = urlsplit(self.url)
            if parts.scheme == "https":
                self._connection = http.client.HTTPSConnection(
                    parts.hostname or "", parts.port, timeout=self.timeout, context=ssl.create_default_context()
                )
            else:
                self._connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=self.timeout)
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def send(self, message: SmsMessage) -> SmsReceipt:
        body = json.dumps(
            {"to": message.to, "text": message.text, "brand": self.brand, "request_id": message.idempotency_key}
        ).encode()
        if not self.url.startswith(("https://", "http://")):
            raise SmsError("MOTCUA_SMS_URL must be an http(s) address", temporary=False)
        parts = urlsplit(self.url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.api_key}"}
        for attempt in (1, 2):
            reused = self._connection is not None and self._connection.sock is not None
            connection = self._connect()
            try:
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                self.close()
                if reused and attempt == 1:
                    continue  # the gateway closed the kept connection: the same request (same key) once more
                raise SmsError(f"SMS gateway unreachable: {exc}", temporary=True) from exc
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                raise SmsError(f"SMS gateway unreachable: {exc}", temporary=True) from exc
            break
        if not 200 <= response.status < 300:
            temporary = response.status >= 500 or response.status == 429
            raise SmsError(f"SMS gateway answered {response.status}", temporary=temporary)
        try:
            answer = json.loads(data or b"{}")
        except json.JSONDecodeError as exc:
            raise SmsError("SMS gateway answered something that is not JSON", temporary=True) from exc
        return SmsReceipt(gateway=self.name, message_id=str(answer.get("message_id", message.idempotency_key)))
