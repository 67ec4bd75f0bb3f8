"""Signing in with the national electronic identity (OpenID Connect) against a local provider."""

from __future__ import annotations

import http.client
import urllib.parse

import pytest

from motcua.accounts.models import ExternalIdentity, User
from motcua.accounts.tests.openid_provider import OpenIdProvider

CLAIMS = {
    "sub": "vneid-0f3a9c",
    "name": "Trần Thị Mai",
    "id_number": "092188001234",
    "phone_number": "+84907111222",
    "phone_number_verified": True,
}


@pytest.fixture
def provider(settings):
    with OpenIdProvider(client_id="motcua-cantho", client_secret="s3cret", claims=dict(CLAIMS)) as op:
        settings.MOTCUA_OIDC_CLIENT_ID = settings.OIDC_RP_CLIENT_ID = "motcua-cantho"
        settings.OIDC_RP_CLIENT_SECRET = "s3cret"
        settings.MOTCUA_OIDC_ISSUER = op.issuer
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{op.url}/authorize"
        settings.OIDC_OP_TOKEN_ENDPOINT = f"{op.url}/token"
        settings.OIDC_OP_USER_ENDPOINT = f"{op.url}/userinfo"
        settings.OIDC_OP_JWKS_ENDPOINT = f"{op.url}/jwks"
        settings.AUTHENTICATION_BACKENDS = [
            "motcua.accounts.backends.PhoneEmailBackend",
            "motcua.accounts.oidc.NationalIdentityBackend",
        ]
        yield op


def provider_redirect(url: str) -> str:
    """What the provider's /authorize answers (the person confirmed): the callback address with the code."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    connection.request("GET", f"{parts.path}?{parts.query}")
    response = connection.getresponse()
    assert response.status == 302, response.read()
    return response.getheader("Location") or ""


def sign_in(client) -> tuple[int, str]:
    start = client.get("/dang-nhap/dinh-danh/", {"next": "/ca-nhan/ho-so/"})
    assert start.status_code == 302
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(start["Location"]).query))
    assert query["code_challenge_method"] == "S256" and query["nonce"] and query["state"]
    callback = provider_redirect(start["Location"])
    response = client.get(callback)
    return response.status_code, response.get("Location", "")


def test_the_first_sign_in_makes_a_verified_citizen_account_and_the_next_finds_it(client, db, provider):
    client.cookies["django_language"] = "en"
    page = client.get("/dang-nhap/").content.decode()
    assert "Sign in with VNeID" in page
    status, location = sign_in(client)
    assert (status, location) == (302, "/ca-nhan/ho-so/")
    user = User.objects.get(external_identities__subject="vneid-0f3a9c")
    assert (user.full_name, user.id_number, user.phone) == ("Trần Thị Mai", "092188001234", "+84907111222")
    assert user.phone_verified_at is not None and not user.has_usable_password()
    assert list(user.role_assignments.values_list("role", flat=True)) == ["citizen"]
    client.post("/dang-xuat/")
    provider.claims["name"] = "Trần Thị Mai (đổi tên)"
    assert sign_in(client)[0] == 302
    assert User.objects.filter(kind="citizen").count() == 1
    assert User.objects.get(pk=user.pk).full_name == "Trần Thị Mai (đổi tên)"
    assert ExternalIdentity.objects.get().user == user


def test_a_token_from_another_issuer_or_an_account_with_the_same_phone_is_not_taken(client, db, provider):
    from motcua.accounts.services import SignUp, account_signup

    # Someone made a password account with the same phone number: the identity does not take it over.
    existing = account_signup(SignUp(full_name="Người khác", password="mot-mat-khau-dai", phone="0907111222"))
    provider.issuer_override = "https://impostor.example"
    client.cookies["django_language"] = "en"
    assert sign_in(client) == (302, "/dang-nhap/")
    assert "did not succeed" in client.get("/dang-nhap/").content.decode()
    assert not ExternalIdentity.objects.exists()
    provider.issuer_override = ""
    sign_in(client)
    assert ExternalIdentity.objects.get().user != existing


def test_without_a_provider_configured_there_is_no_such_sign_in(client, db):
    assert client.get("/dang-nhap/dinh-danh/").status_code == 404
    assert "VNeID" not in client.get("/dang-nhap/").content.decode()
