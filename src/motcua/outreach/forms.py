"""The campaign form (leaders and administrators) and the withdrawal button."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Agency
from motcua.catalog.models import Field, Procedure
from motcua.notifications.constants import MessageChannel
from motcua.outreach.models import Campaign
from motcua.outreach.selectors import outreach_choices
from motcua.outreach.services.campaigns import CampaignDraft

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class CampaignForm(forms.Form):
    agency = forms.ChoiceField(label=_("Agency"))
    name = forms.CharField(label=_("Campaign name"), max_length=200)
    channel = forms.ChoiceField(
        label=_("Send the campaign by"), choices=MessageChannel.choices, widget=forms.RadioSelect
    )
    procedure = forms.ChoiceField(label=_("People who applied for this procedure"), required=False)
    field = forms.ChoiceField(label=_("or in this field"), required=False)
    applied_from = forms.DateField(label=_("Applied in person from"), widget=DATE)
    applied_until = forms.DateField(label=_("Applied in person until"), widget=DATE)
    subject = forms.CharField(label=_("Subject (e-mail only)"), max_length=200, required=False)
    text = forms.CharField(
        label=_("Message text"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_(
            "Placeholders: {link} the person's link to the online application (required), {procedure} the "
            "procedure they applied for in person, {agency} the agency. A line to stop the messages is added."
        ),
    )
    without_diacritics = forms.BooleanField(
        label=_("Send SMS without diacritics (160 characters a segment instead of 70)"), required=False, initial=True
    )
    holdout_percent = forms.IntegerField(
        label=_("Control group (percent of the eligible people, sent nothing)"), min_value=0, max_value=50, initial=0
    )
    rate_per_minute = forms.IntegerField(label=_("Messages per minute"), min_value=1)
    quiet_from = forms.TimeField(
        label=_("Quiet hours, from (local time)"),
        widget=TIME,
        help_text=_("No message is queued in the quiet hours. The same time twice: no quiet hours."),
    )
    quiet_until = forms.TimeField(label=_("Quiet hours, until (local time)"), widget=TIME)
    effect_days = forms.IntegerField(
        label=_("Count online applications within (days)"), min_value=1, max_value=365, initial=90
    )

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {str(agency.pk): agency for agency in agencies}
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ChoiceField)
        agency_field.choices = [(str(a.pk), a.name) for a in agencies]
        if len(agencies) == 1:
            agency_field.widget = forms.HiddenInput()
            agency_field.initial = str(agencies[0].pk)
        procedures, fields = outreach_choices([agency.pk for agency in agencies])
        procedure_field, field_field = self.fields["procedure"], self.fields["field"]
        assert isinstance(procedure_field, forms.ChoiceField) and isinstance(field_field, forms.ChoiceField)
        procedure_field.choices = [("", _("Any procedure")), *procedures]
        field_field.choices = [("", _("Any field")), *fields]
        if not self.is_bound and not self.initial.get("name"):
            today = timezone.localdate()
            self.initial.update(
                {
                    "channel": MessageChannel.SMS,
                    "applied_from": today.replace(day=1),
                    "applied_until": today,
                    "rate_per_minute": settings.MOTCUA_CAMPAIGN_RATE_PER_MINUTE,
                    "quiet_from": settings.MOTCUA_CAMPAIGN_QUIET_FROM,
                    "quiet_until": settings.MOTCUA_CAMPAIGN_QUIET_UNTIL,
                    "effect_days": settings.MOTCUA_CAMPAIGN_EFFECT_DAYS,
                    "without_diacritics": True,
                }
            )

    @classmethod
    def initial_for(cls, campaign: Campaign) -> dict[str, Any]:
        return {
            "agency": str(campaign.agency_id),
            "name": campaign.name,
            "channel": campaign.channel,
            "procedure": campaign.procedure.code if campaign.procedure else "",
            "field": campaign.field.code if campaign.field else "",
            "applied_from": campaign.applied_from,
            "applied_until": campaign.applied_until,
            "subject": campaign.subject,
            "text": campaign.text,
            "without_diacritics": campaign.without_diacritics,
            "holdout_percent": campaign.holdout_percent,
            "rate_per_minute": campaign.rate_per_minute,
            "quiet_from": campaign.quiet_from,
            "quiet_until": campaign.quiet_until,
            "effect_days": campaign.effect_days,
        }

    def clean_rate_per_minute(self) -> int:
        rate = int(self.cleaned_data["rate_per_minute"])
        most = settings.MOTCUA_CAMPAIGN_MAX_RATE_PER_MINUTE
        if rate > most:
            raise forms.ValidationError(_("At most %(most)s messages a minute.") % {"most": most})
        return rate

    def chosen_agency(self) -> Agency:
        return self.agencies[self.cleaned_data["agency"]]

    def draft(self) -> CampaignDraft:
        data = self.cleaned_data
        return CampaignDraft(
            name=data["name"].strip(),
            channel=data["channel"],
            text=data["text"],
            subject=data["subject"],
            without_diacritics=bool(data["without_diacritics"]),
            procedure=Procedure.objects.filter(code=data["procedure"]).first() if data["procedure"] else None,
            field=Field.objects.filter(code=data["field"]).first() if data["field"] else None,
            applied_from=data["applied_from"],
            applied_until=data["applied_until"],
            holdout_percent=data["holdout_percent"],
            rate_per_minute=data["rate_per_minute"],
            quiet_from=data["quiet_from"],
            quiet_until=data["quiet_until"],
            effect_days=data["effect_days"],
        )
