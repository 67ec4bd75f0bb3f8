"""One-time form tokens: a form sent twice (double click, back button, replay) is acted on once.

State transitions carry what the page saw (status and step) instead; these tokens protect the
forms that create something new, such as a paper intake or a consultation.
"""

from __future__ import annotations

import secrets

from django.http import HttpRequest

SESSION_KEY = "motcua.form_tokens"
KEEP = 50  # the latest tokens a session remembers
UNUSED = ""
USED = "used"


def _tokens(request: HttpRequest) -> dict[str, str]:
    tokens = request.session.get(SESSION_KEY)
    return dict(tokens) if isinstance(tokens, dict) else {}


def _save(request: HttpRequest, tokens: dict[str, str]) -> None:
    request.session[SESSION_KEY] = dict(list(tokens.items())[-KEEP:])


def issue_form_token(request: HttpRequest) -> str:
    token = secrets.token_urlsafe(16)
    tokens = _tokens(request)
    tokens[token] = UNUSED
    _save(request, tokens)
    return token


def consume_form_token(request: HttpRequest, token: str) -> bool:
    """True the first time an issued token comes back; False for a replay or a token never issued."""
    tokens = _tokens(request)
    if tokens.get(token) != UNUSED:
        return False
    tokens[token] = USED
    _save(request, tokens)
    return True


def remember_result(request: HttpRequest, token: str, result: str) -> None:
    """What the form made (a dossier code), so that a replay can lead to it."""
    tokens = _tokens(request)
    if token in tokens:
        tokens[token] = result
        _save(request, tokens)


def form_result(request: HttpRequest, token: str) -> str:
    value = _tokens(request).get(token, "")
    return "" if value in (UNUSED, USED) else value
