"""A local OpenID provider for the tests: the authorisation-code flow with PKCE, RS256 ID tokens, JWKS, userinfo.

It plays the national electronic identity (VNeID) on loopback: /authorize answers at once with a code
for the person `claims` describes (as if they had confirmed on their phone), /token checks the
client's secret, the redirect address and the PKCE verifier before it signs an ID token.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
import urllib.parse
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from motcua.core.testing.loopback import Handler, LoopbackServer


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class OpenIdProvider(LoopbackServer):
    def __init__(self, *, client_id: str, client_secret: str, claims: dict[str, Any]) -> None:
        self.client_id, self.client_secret, self.claims = client_id, client_secret, claims
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(4)
        self.codes: dict[str, dict[str, str]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.issuer_override = ""  # set to make the provider sign as someone else
        provider = self

        class Provider(Handler):
            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                if url.path == "/authorize":
                    provider._authorize(self, query)
                elif url.path == "/jwks":
                    self.send_json(200, provider.jwks())
                elif url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    found = provider.tokens.get(token)
                    self.send_json(200, found) if found else self.send_json(401, {"error": "invalid_token"})
                else:
                    self.send_json(404, {})

            def do_POST(self) -> None:
                body = dict(urllib.parse.parse_qsl(self.read_body().decode()))
                provider._token(self, body)

        super().__init__(Provider)

    @property
    def issuer(self) -> str:
        return self.url

    def jwks(self) -> dict[str, Any]:
        numbers = self.key.public_key().public_numbers()
        return {
            "keys": [
                {
                    "kty": "RSA",
                    "kid": self.kid,
                    "use": "sig",
                    "alg": "RS256",
                    "n": _b64(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
                    "e": _b64(numbers.e.to_bytes(3, "big")),
                }
            ]
        }

    def _authorize(self, handler: Handler, query: dict[str, str]) -> None:
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            handler.send_json(400, {"error": "invalid_request"})
            return
        code = secrets.token_urlsafe(16)
        self.codes[code] = query
        location = f"{query['redirect_uri']}?{urllib.parse.urlencode({'code': code, 'state': query['state']})}"
        handler.send_redirect(location)

    def _token(self, handler: Handler, body: dict[str, str]) -> None:
        asked = self.codes.pop(body.get("code", ""), None)  # a code works once
        verifier = body.get("code_verifier", "")
        challenge = _b64(hashlib.sha256(verifier.encode()).digest())
        if (
            asked is None
            or body.get("client_id") != self.client_id
            or body.get("client_secret") != self.client_secret
            or body.get("redirect_uri") != asked["redirect_uri"]
            or challenge != asked.get("code_challenge")
        ):
            handler.send_json(400, {"error": "invalid_grant"})
            return
        now = int(time.time())
        payload = {
            "iss": self.issuer_override or self.issuer,
            "aud": self.client_id,
            "sub": self.claims["sub"],
            "nonce": asked.get("nonce", ""),
            "iat": now,
            "exp": now + 300,
        }
        access_token = secrets.token_urlsafe(24)
        self.tokens[access_token] = self.claims
        handler.send_json(200, {"access_token": access_token, "token_type": "Bearer", "id_token": self.sign(payload)})

    def sign(self, payload: dict[str, Any]) -> str:
        header = {"alg": "RS256", "typ": "JWT", "kid": self.kid}
        signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
        signature = self.key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input}.{_b64(signature)}"
