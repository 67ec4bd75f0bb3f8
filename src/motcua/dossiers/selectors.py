"""Reads of dossiers, always through what the user may see."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core.errors import NotFoundError
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import dossiers_visible_to


def dossier_list(
    *,
    user: User,
    status: str = "",
    procedure: str = "",
    received_from: date | None = None,
    received_to: date | None = None,
) -> QuerySet[Dossier]:
    qs = dossiers_visible_to(user).select_related("procedure_version__procedure", "competent_agency")
    if status:
        qs = qs.filter(status=status)
    if procedure:
        qs = qs.filter(procedure_version__procedure__code=procedure)
    if received_from:
        qs = qs.filter(received_at__date__gte=received_from)
    if received_to:
        qs = qs.filter(received_at__date__lte=received_to)
    return qs.order_by("-submitted_at", "-id")


def dossier_for_user(*, user: User, code: str) -> Dossier:
    """The dossier `code` if `user` may see it; otherwise the same 404 as a dossier that does not exist."""
    dossier = (
        dossiers_visible_to(user)
        .select_related("procedure_version__procedure", "competent_agency", "receiving_agency", "processing_unit")
        .filter(code=code)
        .first()
    )
    if dossier is None:
        raise NotFoundError(_("No dossier with code %(code)s.") % {"code": code}, code="dossier-not-found")
    return dossier


def dossier_public_lookup(*, code: str, secret: str) -> Dossier:
    """The dossier with this code and receipt secret, for the lookup without signing in."""
    dossier = (
        Dossier.objects.select_related("procedure_version__procedure", "competent_agency")
        .filter(code=code.strip())
        .exclude(status="draft")
        .first()
    )
    if dossier is None or not secret or not _same(dossier.lookup_secret, secret.strip().upper()):
        raise NotFoundError(_("No dossier matches this code and secret."), code="dossier-not-found")
    return dossier


def _same(a: str, b: str) -> bool:
    import hmac

    return hmac.compare_digest(a.encode(), b.encode())
