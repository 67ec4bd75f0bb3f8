"""Feedback and petitions (phản ánh, kiến nghị — PAKN) on the portal: send one, follow it, react, the public answers.

A sender follows their PAKN from their account, or with its reference code and secret; either grants
this browser's session access to it. Thin views: forms parse, services decide.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.core.signing import BadSignature
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.accounts.models import Agency, User
from motcua.core.clients import client_address
from motcua.core.errors import DomainError, NotFoundError
from motcua.core.web import report_errors
from motcua.feedback.constants import PaknAction, PaknCategory, PaknStage, Reaction
from motcua.feedback.models import Pakn, PaknReaction
from motcua.feedback.selectors import pakn_by_code, pakn_for_sender, pakn_of_sender, pakn_published
from motcua.feedback.services import PaknInput, pakn_react, pakn_submit, pakn_transition, pakn_validate
from motcua.feedback.states import CONCLUDED
from motcua.portal.views import lookup_allowed

SUBMITS_PER_WINDOW = 5
SUBMIT_WINDOW_SECONDS = 600
ACCESS_KEY = "pakn_access"
SENT_KEY = "pakn_sent"
VISITOR_COOKIE = "motcua_visitor"
VISITOR_SALT = "motcua.feedback.visitor"
# Events the sender sees: the drafts and their returns are the agency's internal work.
SENDER_EVENTS = frozenset(
    {
        PaknAction.SUBMIT,
        PaknAction.REFUSE,
        PaknAction.REQUEST_INFO,
        PaknAction.ANSWER_INFO,
        PaknAction.APPROVE,
        PaknAction.PUBLISH,
        PaknAction.RAISE_AGAIN,
    }
)
DONE = {
    PaknAction.ANSWER_INFO: gettext_lazy("Thank you: the agency has your additional information."),
    PaknAction.RAISE_AGAIN: gettext_lazy("It is raised again: the agency will answer it again."),
}


def submit_allowed(request: HttpRequest) -> bool:
    """At most SUBMITS_PER_WINDOW sending attempts per SUBMIT_WINDOW_SECONDS from one address."""
    window = int(time.time() // SUBMIT_WINDOW_SECONDS)
    key = f"pakn-submit:{client_address(request)}:{window}"
    cache.add(key, 0, timeout=SUBMIT_WINDOW_SECONDS + 10)
    return cache.incr(key) <= SUBMITS_PER_WINDOW


class PaknForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Agency it is sent to"),
        queryset=Agency.objects.filter(is_active=True).order_by("name"),
        to_field_name="code",
        empty_label=gettext_lazy("Choose the agency"),
        error_messages={
            "required": gettext_lazy("Choose the agency."),
            "invalid_choice": gettext_lazy("Choose the agency."),
        },
    )
    category = forms.ChoiceField(
        label=gettext_lazy("What is it about?"),
        choices=PaknCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose what it is about.")},
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, required=False)
    content = forms.CharField(
        label=gettext_lazy("Content"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    dossier_code = forms.CharField(
        label=gettext_lazy("Dossier code it concerns (optional)"), max_length=64, required=False
    )
    contact_name = forms.CharField(label=gettext_lazy("Your name"), max_length=255, required=False)
    contact_phone = forms.CharField(label=gettext_lazy("Phone"), max_length=32, required=False)
    contact_email = forms.CharField(label=gettext_lazy("E-mail"), max_length=254, required=False)
    consent_to_publish = forms.BooleanField(
        label=gettext_lazy(
            "The answer may be published on the portal, without my name or contact details, to help others."
        ),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact_phone"].widget.attrs.update(inputmode="tel", autocomplete="tel")
        self.fields["contact_email"].widget.attrs.update(inputmode="email", autocomplete="email")
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"
        self.fields["dossier_code"].widget.attrs["autocomplete"] = "off"
        for name in ("title", "content"):
            self.fields[name].widget.attrs["required"] = True
        for field in self.fields.values():
            field.error_messages.setdefault("max_length", _("This is too long."))

    def data_for_service(self) -> PaknInput:
        """The fields as cleaned (empty where the form refused them)."""
        data = self.cleaned_data
        return PaknInput(
            category=data.get("category") or "",
            title=data.get("title") or "",
            content=data.get("content") or "",
            dossier_code=data.get("dossier_code") or "",
            contact_name=data.get("contact_name") or "",
            contact_phone=data.get("contact_phone") or "",
            contact_email=data.get("contact_email") or "",
            consent_to_publish=bool(data.get("consent_to_publish")),
        )


def _signed_in(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) and request.user.is_authenticated else None


def _grant(request: HttpRequest, pakn_id: int) -> None:
    """This browser's session may follow the PAKN (it sent it, or gave its code and secret)."""
    granted = [i for i in request.session.get(ACCESS_KEY, []) if i != pakn_id][-19:]
    request.session[ACCESS_KEY] = [*granted, pakn_id]


def _sender_of(request: HttpRequest, pakn_id: int) -> bool:
    """Whether the request comes from the PAKN's sender: their account, or a session granted access."""
    if pakn_id in request.session.get(ACCESS_KEY, []):
        return True
    user = _signed_in(request)
    return user is not None and Pakn.objects.filter(pk=pakn_id, submitter=user).exists()


def _visitor(request: HttpRequest) -> tuple[str, bool]:
    """This browser's random id from its signed cookie (no personal data), and whether it is new."""
    try:
        visitor = request.get_signed_cookie(VISITOR_COOKIE, salt=VISITOR_SALT)
    except (KeyError, BadSignature):
        visitor = None
    if not visitor:
        return secrets.token_hex(16), True
    return visitor[:40], False


def _keep_visitor(response: HttpResponse, request: HttpRequest, visitor: str, new: bool) -> HttpResponse:
    if new:
        response.set_signed_cookie(
            VISITOR_COOKIE,
            visitor,
            salt=VISITOR_SALT,
            max_age=2 * 365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def submit(request: HttpRequest) -> HttpResponse:
    """Send a PAKN to an agency, signed in or not."""
    user = _signed_in(request)
    initial: dict[str, object] = {}
    if user is not None:
        initial = {"contact_name": str(user), "contact_phone": user.phone, "contact_email": user.email}
    if request.GET.get("agency"):
        initial["agency"] = request.GET["agency"][:32]
    # Bound on every POST, even an empty one (`request.POST or None` left it unbound: no cleaned_data).
    form = PaknForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if not submit_allowed(request):
            form.add_error(None, _("Too many messages from your connection; wait a few minutes and try again."))
            status = 429
        else:
            valid = form.is_valid()
            try:
                if not valid:  # the rest of the problems too, all at once
                    pakn_validate(form.data_for_service(), user)
                else:
                    pakn = pakn_submit(agency=form.cleaned_data["agency"], data=form.data_for_service(), submitter=user)
                    _grant(request, pakn.pk)
                    request.session[SENT_KEY] = pakn.pk
                    return redirect("portal:feedback-sent")
            except DomainError as exc:
                for name, errors in exc.fields.items():
                    if name not in form.errors:
                        for error in errors:
                            form.add_error(name if name in form.fields else None, error)
                if not exc.fields:
                    form.add_error(None, str(exc.message))
    return render(request, "portal/feedback_submit.html", {"form": form}, status=status)


def sent(request: HttpRequest) -> HttpResponse:
    """The confirmation: the reference code and the secret to follow it."""
    pakn_id = request.session.get(SENT_KEY)
    pakn = Pakn.objects.select_related("agency").filter(pk=pakn_id).first() if pakn_id else None
    if pakn is None:
        return redirect("portal:feedback")
    return render(request, "portal/feedback_sent.html", {"pakn": pakn})


def follow(request: HttpRequest) -> HttpResponse:
    """Follow a PAKN with its reference code and secret (sent by POST: no secret in addresses or logs)."""
    code = request.POST.get("code", "").strip()[:20]
    secret = request.POST.get("secret", "").strip()[:16]
    error = ""
    status = 200
    if request.method == "POST":
        if not lookup_allowed(request):
            error, status = _("Too many lookups from your connection; wait a minute and try again."), 429
        elif not (code and secret):
            error = _("Enter the reference code and the secret.")
        else:
            try:
                pakn = pakn_by_code(code=code, secret=secret)
            except NotFoundError as exc:
                error = str(exc.message)
            else:
                _grant(request, pakn.pk)
                return redirect("portal:feedback-detail", pakn_id=pakn.pk)
    return render(request, "portal/feedback_follow.html", {"code": code, "error": error}, status=status)


def detail(request: HttpRequest, pakn_id: int) -> HttpResponse:
    """The sender's view: where it stands, the answer, and what they can do."""
    if not _sender_of(request, pakn_id):
        raise Http404
    pakn = pakn_for_sender(pakn_id)
    user = _signed_in(request)
    mine = None
    if user is not None:
        mine = PaknReaction.objects.filter(pakn=pakn, user=user).values_list("value", flat=True).first()
    else:
        visitor, new = _visitor(request)
        if not new:
            mine = PaknReaction.objects.filter(pakn=pakn, visitor=visitor).values_list("value", flat=True).first()
    context = {
        "pakn": pakn,
        "events": [e for e in pakn.events.all() if e.action in SENDER_EVENTS],
        "concluded": pakn.stage in CONCLUDED,
        "stages": PaknStage,
        "reaction": mine,
        "reactions": Reaction,
    }
    return render(request, "portal/feedback_detail.html", context)


@require_POST
def sender_action(request: HttpRequest, pakn_id: int, action: str) -> HttpResponse:
    """The sender gives more information, raises it again, or reacts to the answer."""
    if not _sender_of(request, pakn_id):
        raise Http404
    response = redirect("portal:feedback-detail", pakn_id=pakn_id)
    if action == "bay-to":
        user = _signed_in(request)
        visitor, new = ("", False) if user is not None else _visitor(request)
        report_errors(
            request,
            lambda: pakn_react(
                pakn_id=pakn_id, value=request.POST.get("value", ""), user=user, visitor=visitor, as_sender=True
            ),
            _("Thank you: your opinion of the answer is recorded."),
        )
        return _keep_visitor(response, request, visitor, new)
    step = {"bo-sung": PaknAction.ANSWER_INFO, "phan-anh-lai": PaknAction.RAISE_AGAIN}.get(action)
    if step is None:
        raise Http404
    report_errors(
        request,
        lambda: pakn_transition(
            pakn_id=pakn_id,
            action=step,
            actor=_signed_in(request),
            as_sender=True,
            text=request.POST.get("text", ""),
            expected_stage=request.POST.get("stage", "")[:20],
        ),
        str(DONE[step]),
    )
    return response


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The signed-in person's PAKN."""
    user = _signed_in(request)
    assert user is not None
    page = Paginator(pakn_of_sender(user), 25).get_page(request.GET.get("page"))
    return render(request, "portal/feedback_mine.html", {"page": page})


def public(request: HttpRequest) -> HttpResponse:
    """Published answers: searchable, without personal data, with their likes and dislikes."""
    q = request.GET.get("q", "").strip()[:100]
    page = Paginator(pakn_published(q=q), 10).get_page(request.GET.get("page"))
    user = _signed_in(request)
    ids = [p.pk for p in page.object_list]
    mine: dict[int, str] = {}
    if user is not None:
        mine = dict(PaknReaction.objects.filter(pakn_id__in=ids, user=user).values_list("pakn_id", "value"))
    else:
        visitor, new = _visitor(request)
        if not new:
            mine = dict(PaknReaction.objects.filter(pakn_id__in=ids, visitor=visitor).values_list("pakn_id", "value"))
    items = [(p, mine.get(p.pk, "")) for p in page.object_list]
    return render(
        request,
        "portal/feedback_public.html",
        {"page": page, "items": items, "q": q, "reactions": Reaction, "page_query": urlencode({"q": q}) if q else ""},
    )


@require_POST
def public_react(request: HttpRequest, pakn_id: int) -> HttpResponse:
    """A like or dislike of a published answer: one per account, or per browser."""
    user = _signed_in(request)
    visitor, new = ("", False) if user is not None else _visitor(request)
    if not lookup_allowed(request):
        messages.error(request, _("Too many requests from your connection; wait a minute and try again."))
    else:
        report_errors(
            request,
            lambda: pakn_react(pakn_id=pakn_id, value=request.POST.get("value", ""), user=user, visitor=visitor),
            _("Thank you: your opinion of the answer is recorded."),
        )
    back = {k: request.POST.get(k, "")[:100] for k in ("q", "page") if request.POST.get(k)}
    query = f"?{urlencode(back)}" if back else ""
    response = redirect(f"{reverse('portal:feedback-public')}{query}#pakn-{pakn_id}")
    return _keep_visitor(response, request, visitor, new)
