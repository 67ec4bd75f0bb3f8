from rest_framework.authentication import TokenAuthentication


class BearerTokenAuthentication(TokenAuthentication):
    """`Authorization: Bearer <token>` (CONTRACT.md §3)."""

    keyword = "Bearer"
