"""The guidance desk: a desk officer or volunteer guide helps a person apply online at the office.

The application is made in the applicant's name and account (found or created by their mobile
number), with their agreement given by reading out a code sent to that phone; it counts as online
and is marked as assisted (`Dossier.assisted_by`). The form is the portal's own, filled in by the guide.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.accounts.services import assisted_applicant, guide_agency_ids
from motcua.core.errors import DomainError
from motcua.desk.forms import GuidanceForm
from motcua.desk.views import _user, official_required
from motcua.dossiers.models import Dossier, DossierDraft
from motcua.dossiers.services.drafts import assisted_draft_start

SALT = "motcua.guidance"
CONFIRM_WITHIN = 15 * 60  # seconds: as long as the code lives, and a little more


def _masked(phone: str) -> str:
    return f"{phone[:3]}…{phone[-3:]}" if len(phone) > 6 else phone


@official_required
def guidance(request: HttpRequest) -> HttpResponse:
    """Step 1: procedure and phone (a code is sent); step 2: the code the applicant reads out."""
    guide = _user(request)
    agency_ids = guide_agency_ids(guide)
    if not agency_ids:
        raise PermissionDenied
    form = GuidanceForm(request.POST if request.method == "POST" else None, agency_ids=agency_ids)
    waiting: dict[str, str] | None = None
    status = 200
    if request.method == "POST" and request.POST.get("step") == "confirm":
        try:
            ticket = signing.loads(request.POST.get("ticket", ""), salt=SALT, max_age=CONFIRM_WITHIN)
            applicant = User.objects.get(pk=ticket["applicant"], is_active=True)
            draft = assisted_draft_start(
                guide=guide,
                applicant=applicant,
                code=request.POST.get("code", "")[:12],
                procedure_code=ticket["procedure"],
            )
        except (signing.BadSignature, KeyError, TypeError, User.DoesNotExist):
            messages.error(request, _("This step took too long or was changed; start again."))
            return redirect("desk:guidance")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            waiting, status = _waiting(request.POST.get("ticket", ""), ticket, applicant), 400
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return redirect("desk:guidance")
        else:
            messages.success(request, _("The applicant agreed. Fill in the application with them."))
            return redirect("portal:draft", draft_id=draft.pk)
    elif request.method == "POST" and form.is_valid():
        try:
            applicant = assisted_applicant(
                guide=guide, phone=form.cleaned_data["phone"], full_name=form.cleaned_data["full_name"]
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            status = 400
        except DomainError as exc:
            form.add_error(None, str(exc.message))
            status = 400
        else:
            ticket = {"applicant": applicant.pk, "procedure": form.cleaned_data["procedure"]}
            waiting = _waiting(signing.dumps(ticket, salt=SALT), ticket, applicant)
    elif request.method == "POST":
        status = 400
    since = timezone.now() - timedelta(days=30)
    return render(
        request,
        "desk/guidance.html",
        {
            "form": form,
            "waiting": waiting,
            "drafts": DossierDraft.objects.filter(assisted_by=guide, dossier__isnull=True)
            .select_related("owner", "procedure_version")
            .order_by("-updated_at")[:20],
            "helped": Dossier.objects.filter(assisted_by=guide, submitted_at__gte=since)
            .select_related("procedure_version")
            .order_by("-submitted_at")[:50],
        },
        status=status,
    )


def _waiting(ticket: str, values: dict[str, object], applicant: User) -> dict[str, str]:
    return {
        "ticket": ticket,
        "procedure": str(values["procedure"]),
        "name": applicant.full_name or applicant.username,
        "phone": _masked(applicant.phone),
    }
