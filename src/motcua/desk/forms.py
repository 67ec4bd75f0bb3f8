from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.constants import Channel, DocumentCopy, ServiceLevel
from motcua.catalog.models import ProcedureVersion
from motcua.core.addresses import communes, provinces
from motcua.dossiers.constants import ApplicantKind, DocumentKind
from motcua.dossiers.services import PaperDocument


def procedures_for_intake(agency_ids: list[int], online_only: bool = False) -> list[tuple[str, str]]:
    """(code, label) of the agencies' procedures in force; `online_only`: those one can apply for online."""
    versions = (
        ProcedureVersion.objects.in_force(timezone.localdate())
        .filter(agency_id__in=agency_ids)
        .select_related("procedure")
        .order_by("name")
    )
    if online_only:
        versions = versions.exclude(service_level=ServiceLevel.INFORMATION)
    return [
        (v.procedure.code, f"{v.procedure.code} · {v.name}")
        for v in versions
        if not online_only or Channel.ONLINE in (v.channels or [])
    ]


def version_for_intake(agency_ids: list[int], code: str) -> ProcedureVersion | None:
    """The version in force of procedure `code`, if one of the desk's agencies handles it."""
    if not code:
        return None
    return (
        ProcedureVersion.objects.in_force(timezone.localdate())
        .filter(agency_id__in=agency_ids, procedure__code=code)
        .select_related("procedure")
        .prefetch_related("documents")
        .first()
    )


class ProcedureChoiceForm(forms.Form):
    """Step 1 of a paper intake: which procedure (its documents make the checklist)."""

    procedure = forms.ChoiceField(label=_("Procedure"), widget=forms.Select(attrs={"data-autosubmit": ""}))

    def __init__(self, *args: Any, agency_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        procedure = self.fields["procedure"]
        assert isinstance(procedure, forms.ChoiceField)
        procedure.choices = [("", "—"), *procedures_for_intake(agency_ids)]


class GuidanceForm(forms.Form):
    """The guidance desk: which procedure, and the applicant's mobile number (their account, or a new one)."""

    procedure = forms.ChoiceField(label=_("Procedure"))
    phone = forms.CharField(
        label=_("The applicant's mobile number"),
        max_length=20,
        help_text=_("A code is sent to it; the applicant reads it out to agree that you apply in their name."),
    )
    full_name = forms.CharField(label=_("Full name (only if they have no account yet)"), max_length=255, required=False)

    def __init__(self, *args: Any, agency_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        procedure = self.fields["procedure"]
        assert isinstance(procedure, forms.ChoiceField)
        procedure.choices = [("", "—"), *procedures_for_intake(agency_ids, online_only=True)]


class IntakeForm(forms.Form):
    """Step 2: the checklist of the procedure's documents, the applicant, how the dossier came in."""

    procedure = forms.CharField(widget=forms.HiddenInput)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[(Channel.IN_PERSON, _("In person")), (Channel.POSTAL, _("By post"))]
    )
    applicant_kind = forms.ChoiceField(label=_("Applicant"), choices=ApplicantKind.choices)
    applicant_name = forms.CharField(label=_("Full name or organisation name"), max_length=255)
    applicant_id_number = forms.RegexField(
        label=_("Citizen ID number (12 digits)"),
        regex=r"^\d{12}$",
        required=False,
        error_messages={"invalid": _("A citizen ID (CCCD) number has 12 digits.")},
    )
    applicant_tax_code = forms.RegexField(
        label=_("Tax code (organisations)"),
        regex=r"^\d{10}(-\d{3})?$",
        required=False,
        error_messages={"invalid": _("A tax code has 10 digits, or 10 digits, a dash and 3 digits.")},
    )
    applicant_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    applicant_email = forms.EmailField(label=_("E-mail"), required=False)
    applicant_province = forms.TypedChoiceField(
        label=_("Province or city"), coerce=int, empty_value=None, required=False
    )
    applicant_commune = forms.TypedChoiceField(label=_("Commune or ward"), coerce=int, empty_value=None, required=False)
    applicant_address = forms.CharField(label=_("House number and street"), max_length=500, required=False)
    representative_name = forms.CharField(label=_("Representative or proxy"), max_length=255, required=False)
    result_by_post = forms.BooleanField(
        label=_("Return the result by post to the applicant's address"),
        required=False,
        help_text=_("The address above must be complete, with a phone number for the postman."),
    )
    outreach_consent = forms.BooleanField(
        label=_("The applicant agrees to receive information about online services by SMS or e-mail"),
        required=False,
        help_text=_("Ask them; they can withdraw it at any time from a link in each message or on their account."),
    )

    def __init__(self, *args: Any, version: ProcedureVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.fields["procedure"].initial = version.procedure.code
        province_field, commune_field = self.fields["applicant_province"], self.fields["applicant_commune"]
        assert isinstance(province_field, forms.ChoiceField) and isinstance(commune_field, forms.ChoiceField)
        province_field.choices = [("", "—"), *provinces()]
        # The communes of the province chosen (the page's script reloads them when it changes).
        chosen = self.data.get("applicant_province") or self.initial.get("applicant_province") or ""
        commune_field.choices = [
            ("", "—"),
            *communes(int(chosen) if str(chosen).isdecimal() and len(str(chosen)) < 10 else 0),
        ]
        commune_field.widget.attrs["data-communes-url"] = reverse("api-communes", args=[0]).replace(
            "/0/", "/{province}/"
        )
        self.documents = list(version.documents.all())
        for doc in self.documents:
            self.fields[f"doc_{doc.pk}"] = forms.BooleanField(label=doc.name, required=False)
            self.fields[f"kind_{doc.pk}"] = forms.ChoiceField(
                label=_("Original or copy"), choices=DocumentCopy.choices, initial=doc.copy_kind, required=False
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outreach_consent") and not data.get("applicant_phone") and not data.get("applicant_email"):
            self.add_error("outreach_consent", _("Enter the applicant's phone or e-mail to send the information to."))
        return data

    @property
    def checklist(self) -> list[tuple[Any, Any, Any]]:
        """(required document, its "handed in" box, its original-or-copy choice), in order."""
        return [(doc, self[f"doc_{doc.pk}"], self[f"kind_{doc.pk}"]) for doc in self.documents]

    @property
    def applicant_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name.startswith(("applicant_", "representative", "channel"))]

    def paper_documents(self) -> list[PaperDocument]:
        return [
            PaperDocument(required_document_id=doc.pk, copy_kind=self.cleaned_data[f"kind_{doc.pk}"] or doc.copy_kind)
            for doc in self.documents
            if self.cleaned_data.get(f"doc_{doc.pk}")
        ]


class ActionForm(forms.Form):
    """The few inputs a transition may take."""

    note = forms.CharField(
        label=_("Reason or note for the applicant"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    internal_note = forms.CharField(label=_("Internal note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    unit = forms.CharField(required=False, max_length=32)
    assignee = forms.CharField(required=False, max_length=150)
    agency = forms.CharField(required=False, max_length=32)
    new_due_at = forms.DateTimeField(
        label=_("New date"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    tracking_number = forms.CharField(label=_("Postal tracking number"), required=False, max_length=40)
    expected_status = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)
    expected_step = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class UploadForm(forms.Form):
    """A scan at the desk, or the result document."""

    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices, initial=DocumentKind.SUBMITTED)
    required_document = forms.IntegerField(label=_("For the document"), required=False, min_value=1)


class ConsultationForm(forms.Form):
    unit = forms.IntegerField(label=_("Unit to consult"), min_value=1)
    question = forms.CharField(label=_("Question"), max_length=4000)
    working_days = forms.IntegerField(label=_("Working days to answer"), min_value=1, max_value=30, initial=3)
