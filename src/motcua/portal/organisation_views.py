"""An organisation's representatives: its legal representative adds and removes the people who apply for it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from motcua.accounts.models import OrganisationMember, User
from motcua.accounts.organisations import organisation_member_add, organisation_member_remove
from motcua.core.errors import NotFoundError


def _number(value: str) -> int:
    return int(value) if value.isdecimal() and len(value) < 12 else 0


@login_required
def organisations(request: HttpRequest) -> HttpResponse:
    """The organisations one represents, with their representatives; add or remove (legal representative)."""
    user = request.user
    assert isinstance(user, User)
    if request.method == "POST":
        organisation_id = _number(request.POST.get("organisation", ""))
        try:
            if "remove" in request.POST:
                organisation_member_remove(
                    actor=user, organisation_id=organisation_id, member_id=_number(request.POST["remove"])
                )
                messages.success(request, _("The representative was removed: they no longer see its dossiers."))
            else:
                member = organisation_member_add(
                    actor=user, organisation_id=organisation_id, identifier=request.POST.get("identifier", "")[:254]
                )
                messages.success(
                    request,
                    _("%(name)s now represents the organisation and sees its dossiers.") % {"name": member.user},
                )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except (PermissionDenied, NotFoundError) as exc:
            messages.error(request, str(getattr(exc, "message", "") or exc))
        return redirect("portal:organisations")
    memberships = (
        OrganisationMember.objects.filter(user=user)
        .select_related("organisation")
        .prefetch_related("organisation__members__user")
        .order_by("organisation__name")
    )
    return render(request, "portal/organisations.html", {"memberships": memberships})
