"""The campaign pages of the officials' workspace (/mot-cua/truyen-thong/chien-dich/): thin views over
outreach's services and selectors. Leaders and administrators manage; desk officers read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.accounts.models import Agency, User
from motcua.core.errors import DomainError, NotFoundError
from motcua.core.web import report_errors
from motcua.dossiers.permissions import dossiers_visible_to
from motcua.outreach.access import campaign_agency_ids, campaign_for_user, may_manage, require_campaign_reader
from motcua.outreach.audience import campaign_count
from motcua.outreach.constants import CampaignStatus
from motcua.outreach.effect import METRICS, campaign_effect, masked, recipients_for_metric
from motcua.outreach.forms import CampaignForm
from motcua.outreach.models import Campaign
from motcua.outreach.services.campaigns import (
    campaign_cancel,
    campaign_pause,
    campaign_resume,
    campaign_save,
    campaign_start,
)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _campaign(request: HttpRequest, campaign_id: int, *, manage: bool = False) -> Campaign:
    try:
        return campaign_for_user(user=_user(request), campaign_id=campaign_id, manage=manage)
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    agency_ids = require_campaign_reader(_user(request))
    campaigns = Campaign.objects.filter(agency_id__in=agency_ids).select_related("agency", "procedure", "field")
    return render(
        request,
        "outreach/campaign_list.html",
        {"campaigns": campaigns, "may_create": bool(campaign_agency_ids(_user(request), manage=True))},
    )


def _form_page(request: HttpRequest, campaign: Campaign | None) -> HttpResponse:
    user = _user(request)
    agencies = list(Agency.objects.filter(pk__in=campaign_agency_ids(user, manage=True)).order_by("name"))
    if not agencies:
        raise PermissionDenied
    if campaign is not None:
        agencies = [campaign.agency]
    initial = CampaignForm.initial_for(campaign) if campaign is not None else {}
    form = CampaignForm(request.POST or None, initial=initial, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            saved = campaign_save(agency=form.chosen_agency(), actor=user, draft=form.draft(), campaign=campaign)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        except DomainError as exc:
            if exc.fields:
                for name, errors in exc.fields.items():
                    form.add_error(name if name in form.fields else None, errors or str(exc.message))
            else:
                form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Campaign saved as a draft. Check the count and the sample, then start it."))
            return redirect("outreach:campaign", campaign_id=saved.pk)
    return render(request, "outreach/campaign_form.html", {"form": form, "campaign": campaign})


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    require_campaign_reader(_user(request))
    return _form_page(request, None)


@login_required
def campaign_edit(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id, manage=True)
    if campaign.status != CampaignStatus.DRAFT:
        messages.error(request, _("A campaign that has started cannot be changed."))
        return redirect("outreach:campaign", campaign_id=campaign.pk)
    return _form_page(request, campaign)


@login_required
def campaign_page(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    context: dict[str, Any] = {"campaign": campaign, "may_manage": may_manage(_user(request), campaign)}
    if campaign.status == CampaignStatus.DRAFT:
        context["count"] = campaign_count(campaign)
    else:
        context["effect"] = campaign_effect(campaign)
    return render(request, "outreach/campaign.html", context)


ACTIONS = {
    "start": (
        campaign_start,
        gettext_lazy("Campaign started: the messages go out at the rate set, outside the quiet hours."),
    ),
    "pause": (campaign_pause, gettext_lazy("Campaign paused: nothing more is sent until you resume it.")),
    "resume": (campaign_resume, gettext_lazy("Campaign resumed.")),
    "cancel": (campaign_cancel, gettext_lazy("Campaign cancelled: nothing more will be sent.")),
}


@login_required
@require_POST
def campaign_action(request: HttpRequest, campaign_id: int, action: str) -> HttpResponse:
    campaign = _campaign(request, campaign_id, manage=True)
    if action not in ACTIONS:
        raise Http404
    service, done = ACTIONS[action]
    report_errors(request, lambda: service(campaign_id=campaign.pk, actor=_user(request)), str(done))
    return redirect("outreach:campaign", campaign_id=campaign.pk)


METRIC_TITLES = {
    "eligible": gettext_lazy("Everyone eligible"),
    "held_out": gettext_lazy("Control group (sent nothing)"),
    "sent": gettext_lazy("Sent the message"),
    "delivered": gettext_lazy("Delivered to the person"),
    "clicked": gettext_lazy("Opened the link"),
    "applied": gettext_lazy("Applied online afterwards (people reached)"),
    "held_out_applied": gettext_lazy("Applied online afterwards (control group)"),
    "not_sent": gettext_lazy("Not sent (consent withdrawn, channel switched off or campaign cancelled)"),
}


@login_required
def campaign_people(request: HttpRequest, campaign_id: int, metric: str) -> HttpResponse:
    """The people one figure counts (addresses masked), with their online dossiers where the user may see them."""
    campaign = _campaign(request, campaign_id)
    if metric not in METRICS or campaign.status == CampaignStatus.DRAFT:
        raise Http404
    effect = campaign_effect(campaign)
    people = recipients_for_metric(campaign, metric, effect)
    codes = {code for person in people for code in effect.conversions.get(person.pk, ())}
    visible = set(dossiers_visible_to(_user(request)).filter(code__in=codes).values_list("code", flat=True))
    rows = [
        {
            "person": person,
            "address": masked(person.address),
            "dossiers": [(code, code in visible) for code in effect.conversions.get(person.pk, ())],
        }
        for person in people
    ]
    return render(
        request,
        "outreach/campaign_people.html",
        {"campaign": campaign, "metric": metric, "title": METRIC_TITLES[metric], "rows": rows},
    )
