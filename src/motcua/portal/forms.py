from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Agency


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
