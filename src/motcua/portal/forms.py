from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Agency
from motcua.accounts.services import signin_locked
from motcua.core.clients import client_address
from motcua.feedback.constants import AgenciesContacted, Attitude, Contacts, Satisfaction
from motcua.feedback.services import RatingAnswers


class DueDateForm(forms.Form):
    """The due-date calculator of the public calendar page."""

    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.filter(is_active=True).select_related("calendar").order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("National calendar"),
    )
    start = forms.DateTimeField(
        label=_("Complete dossier received at"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": _("Enter a date and time, e.g. 26/11/2026 10:20.")},
    )
    working_days = forms.IntegerField(label=_("Working days"), min_value=0, max_value=365)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["working_days"].widget.attrs["inputmode"] = "numeric"


class SignInForm(AuthenticationForm):
    """Sign in with a phone number, an e-mail address or a username; says so when it is locked."""

    username = forms.CharField(
        label=_("Phone, e-mail or username"), max_length=254, widget=forms.TextInput(attrs={"autofocus": True})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The numbers are the lockout's own settings (accounts/services.py), not words that may drift.
        limits = {
            "n": settings.MOTCUA_SIGNIN_MAX_FAILURES,
            "minutes": max(1, settings.MOTCUA_SIGNIN_LOCK_SECONDS // 60),
        }
        self.error_messages = {
            "invalid_login": gettext(
                "Wrong phone, e-mail or password. After %(n)s wrong tries the account waits %(minutes)s minutes."
            )
            % limits,
            "inactive": gettext("This account is disabled."),
            "locked": gettext("Too many wrong tries: wait %(minutes)s minutes, or reset your password.") % limits,
        }

    def clean(self) -> dict[str, Any]:
        identifier = self.cleaned_data.get("username") or ""
        if identifier and signin_locked(identifier, client_address(self.request)):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        return super().clean()


class SignUpForm(forms.Form):
    """An applicant's account: a person, or someone acting for an organisation (business)."""

    full_name = forms.CharField(label=_("Full name"), max_length=255)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    password = forms.CharField(
        label=_("Password (at least 10 characters)"), strip=False, widget=forms.PasswordInput(render_value=False)
    )
    password_again = forms.CharField(label=_("Password again"), strip=False, widget=forms.PasswordInput)
    organisation_name = forms.CharField(
        label=_("Organisation's name (businesses only)"), max_length=255, required=False
    )
    tax_code = forms.CharField(label=_("Tax code (businesses only)"), max_length=14, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class VerificationForm(forms.Form):
    code = forms.RegexField(
        label=_("Code"), regex=r"^\s*\d{6}\s*$", error_messages={"invalid": _("The code has six digits.")}
    )


class RatingForm(forms.Form):
    """The applicant's rating of the service (Decree 61/2018 Art. 31(1); TT 01/2018 Art. 13)."""

    satisfaction = forms.ChoiceField(
        label=_("Overall, how satisfied are you with how your dossier was handled?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    contacts_to_complete = forms.ChoiceField(
        label=_("How many times did you have to come back to complete the dossier?"),
        choices=Contacts.choices,
        widget=forms.RadioSelect,
    )
    agencies_contacted = forms.ChoiceField(
        label=_("Which offices did you have to deal with?"), choices=AgenciesContacted.choices, widget=forms.RadioSelect
    )
    attitude = forms.ChoiceField(
        label=_("How did the officials treat you?"), choices=Attitude.choices, widget=forms.RadioSelect
    )
    information_accurate = forms.TypedChoiceField(
        label=_("Was the published information on the procedure accurate and complete?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything else? (optional)"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def answers(self) -> RatingAnswers:
        return RatingAnswers(**self.cleaned_data)


class NotificationSettingsForm(forms.Form):
    """The applicant's notification page: channels and language of notices, and information campaigns."""

    by_sms = forms.BooleanField(label=_("By SMS to my phone"), required=False)
    by_email = forms.BooleanField(label=_("By e-mail"), required=False)
    language = forms.ChoiceField(
        label=_("Language of notices"),
        choices=[("", _("The portal's language (Vietnamese)")), *settings.LANGUAGES],
        required=False,
    )
    campaigns = forms.BooleanField(
        label=_("Send me information about services I can use online (at most a few messages a year)"),
        required=False,
    )
