"""The dossier (hồ sơ) aggregate: applicant, procedure version, timestamps, clock, transition log."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.db import models
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import id_number_validator, tax_code_validator
from motcua.catalog.constants import Channel, ServiceLevel, StepActor
from motcua.core.addresses import full_address
from motcua.core.storage import document_storage
from motcua.dossiers.constants import (
    NATIONAL_CODE,
    Action,
    ApplicantKind,
    DocumentKind,
    Outcome,
    ResultDelivery,
    Status,
    SupplementStage,
    Timeliness,
)
from motcua.workdays.constants import PeriodUnit


def new_lookup_secret() -> str:
    """Eight characters without look-alikes, printed on the receipt for the public lookup."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Dossier(models.Model):
    code = models.CharField(_("dossier code"), max_length=64, unique=True)
    lookup_secret = models.CharField(_("lookup secret"), max_length=16, default=new_lookup_secret, editable=False)
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion", verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="dossiers"
    )
    rule_version = models.CharField(
        _("rule version"),
        max_length=40,
        default="118/2025",
        help_text=_("The one-stop rules the dossier is governed by."),
    )
    competent_agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("competent agency"), on_delete=models.PROTECT, related_name="dossiers"
    )
    receiving_agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("receiving agency"),
        on_delete=models.PROTECT,
        related_name="received_dossiers",
    )
    receiving_point = models.ForeignKey(
        "accounts.ReceivingPoint",
        verbose_name=_("receiving point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    processing_unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("processing division"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    assignee = models.ForeignKey(
        "accounts.User",
        verbose_name=_("handling specialist"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_dossiers",
    )
    owner = models.ForeignKey(
        "accounts.User",
        verbose_name=_("account of the applicant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("for the organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
        help_text=_("Applied for online by one of its representatives: all of them follow it."),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    assisted_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("guided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The desk officer or volunteer who helped the applicant apply online at the office."),
    )
    online_level = models.CharField(
        _("online level"), max_length=20, choices=ServiceLevel.choices, blank=True, help_text=_("Online dossiers only.")
    )
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.DRAFT)
    paused_from = models.CharField(_("status before the pause"), max_length=30, choices=Status.choices, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)

    applicant_kind = models.CharField(_("applicant"), max_length=20, choices=ApplicantKind.choices)
    applicant_name = models.CharField(_("applicant's name"), max_length=255)
    applicant_id_number = models.CharField(
        _("citizen ID number"), max_length=12, blank=True, validators=[id_number_validator]
    )
    applicant_tax_code = models.CharField(_("tax code"), max_length=14, blank=True, validators=[tax_code_validator])
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_province = models.PositiveIntegerField(_("province or city"), null=True, blank=True)
    applicant_commune = models.PositiveIntegerField(_("commune or ward"), null=True, blank=True)
    applicant_address = models.CharField(
        _("house number and street"), max_length=500, blank=True, help_text=_("Below the commune or ward.")
    )
    representative_name = models.CharField(_("representative or proxy"), max_length=255, blank=True)
    form_data = models.JSONField(_("form data"), default=dict, blank=True)
    result_delivery = models.CharField(
        _("result delivered"), max_length=10, choices=ResultDelivery.choices, default=ResultDelivery.DESK
    )
    postal_address = models.JSONField(
        _("postal address for the result"),
        default=dict,
        blank=True,
        help_text=_("Recipient, phone, province and commune codes, house number and street (by post only)."),
    )
    postal_tracking_number = models.CharField(
        _("postal tracking number"), max_length=40, blank=True, help_text=_("Of the item that carries the result.")
    )
    paper_documents = models.JSONField(
        _("documents handed in at the desk"),
        default=list,
        blank=True,
        help_text=_("The checklist at reception: each required document handed in, original or copy, how many."),
    )

    # Timestamps of DOMAIN.md §10 item 3.
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received (complete) at"), null=True, blank=True)
    transferred_at = models.DateTimeField(_("transferred at"), null=True, blank=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("withdrawn, stopped or refused at"), null=True, blank=True)
    clock_started_at = models.DateTimeField(
        _("period counted from"), null=True, blank=True, help_text=_("Reception, or the last complete supplement.")
    )
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    extended_due_at = models.DateTimeField(_("new date after apology"), null=True, blank=True)
    apology_prompted_at = models.DateTimeField(
        _("apology prompted at"),
        null=True,
        blank=True,
        help_text=_("When the competent unit was told that the dossier is about to be late."),
    )

    current_step = models.ForeignKey(
        "DossierStep",
        verbose_name=_("current step"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    stage = models.CharField(
        _("at the step of"),
        max_length=20,
        choices=StepActor.choices,
        blank=True,
        editable=False,
        help_text=_("Who holds the current step (a copy of its actor, kept with it, for the work lists)."),
    )
    supplement_proposal = models.TextField(
        _("supplement proposed to the desk"),
        blank=True,
        help_text=_("What the division found missing; the desk issues the request (form 02)."),
    )

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at"]
        # The work lists and the dossier list (dossiers/selectors.py; figures in bench/README.md §3).
        # On PostgreSQL `include` lets a count read the index alone; SQLite ignores it.
        indexes = [
            models.Index(fields=["competent_agency", "status"], name="dossier_agency_status"),
            # Also counts a division's dossiers: (unit, status, agency) answers without the table.
            models.Index(fields=["processing_unit", "status", "competent_agency"], name="dossier_unit_status"),
            models.Index(fields=["owner", "-created_at"], name="dossier_owner_recent"),
            models.Index(fields=["received_at"], name="dossier_received_at"),
            # The desk's search: the ID number exactly (code, name and phone anywhere in them use the
            # trigram indexes that migration 0006 makes on PostgreSQL).
            models.Index(fields=["applicant_id_number"], name="dossier_applicant_id_number"),
            # What a desk received for another agency: a range of this index (permissions.dossier_scope).
            models.Index(fields=["receiving_agency", "competent_agency"], name="dossier_received_for"),
            # The dossiers at work (every list but "all"), a tenth of the table or less: by status in
            # the lists' order, carrying every column the lists filter on ...
            models.Index(
                fields=["status", "due_at", "-submitted_at", "-id"],
                include=[
                    "competent_agency",
                    "receiving_agency",
                    "processing_unit",
                    "owner",
                    "stage",
                    "assignee",
                    "channel",
                    "extended_due_at",
                    "apology_prompted_at",
                    "current_step",
                ],
                condition=models.Q(
                    status__in=[
                        Status.SUBMITTED,
                        Status.RECEIVED,
                        Status.IN_PROCESSING,
                        Status.SUPPLEMENT_REQUESTED,
                        Status.PAYMENT_REQUESTED,
                        Status.PROCESSED,
                    ]
                ),
                name="dossier_work_status",
            ),
            # ... and in the lists' order alone, for the lists of several statuses (mine, overdue).
            models.Index(
                fields=["due_at", "-submitted_at", "-id"],
                condition=models.Q(
                    status__in=[
                        Status.SUBMITTED,
                        Status.RECEIVED,
                        Status.IN_PROCESSING,
                        Status.SUPPLEMENT_REQUESTED,
                        Status.PAYMENT_REQUESTED,
                        Status.PROCESSED,
                    ]
                ),
                name="dossier_work_due",
            ),
            # The dossiers in processing by who holds them (and in which division): the ranges that
            # the "mine" lists of divisions, heads, leaders and partner agencies count; carrying the
            # columns those lists and the visibility test, so that a count reads the index alone.
            models.Index(
                fields=["stage", "processing_unit"],
                include=["assignee", "competent_agency", "receiving_agency", "owner", "current_step", "id"],
                condition=models.Q(status=Status.IN_PROCESSING),
                name="dossier_processing_stage",
            ),
            models.Index(
                fields=["due_at", "-submitted_at", "-id"],
                condition=models.Q(
                    status=Status.IN_PROCESSING, apology_prompted_at__isnull=False, extended_due_at__isnull=True
                ),
                name="dossier_apology_due",
            ),
            models.Index(Coalesce("extended_due_at", "due_at"), name="dossier_effective_due"),
            # Every dossier: the desk's "all" in its order, the API's list in its order.
            models.Index(fields=["due_at", "-submitted_at", "-id"], name="dossier_due_order"),
            models.Index(fields=["-submitted_at", "-id"], name="dossier_recent"),
            # A division's dossiers in the desk's order: its "all" list reads its part of the list from
            # here (selectors.DossierList._first_of_parts), not the whole province's due order.
            models.Index(fields=["processing_unit", "due_at", "-submitted_at", "-id"], name="dossier_unit_due"),
            # Counting the dossiers seen through consultations or hand-overs without the table.
            models.Index(
                fields=["id"],
                include=["competent_agency", "receiving_agency", "processing_unit", "owner", "status"],
                name="dossier_scope",
            ),
            # The period report (reports/period.py): an agency's dossiers not ended before S (the end
            # as the report computes it, NULL while open) and received before E, as two ranges.
            models.Index(
                "competent_agency",
                Coalesce("processed_at", "returned_at", "ended_at"),
                "received_at",
                name="dossier_report_span",
            ),
            # The dossiers overdue at a moment E (reports/period.py, Conditions.overdue_hint): the open
            # ones due before E, and the late ones (ended after their due date) that end from E on.
            models.Index(
                fields=["due_at"],
                include=["competent_agency", "received_at", "processed_at", "returned_at", "ended_at", "id"],
                condition=models.Q(processed_at__isnull=True, returned_at__isnull=True, ended_at__isnull=True),
                name="dossier_open_due",
            ),
            models.Index(
                Coalesce("processed_at", "returned_at", "ended_at"),
                "due_at",
                "competent_agency",
                condition=models.Q(
                    GreaterThan(Coalesce("processed_at", "returned_at", "ended_at"), models.F("due_at"))
                ),
                name="dossier_late_end",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def applicant_full_address(self) -> str:
        return full_address(self.applicant_address, self.applicant_commune, self.applicant_province)

    @property
    def postal_address_text(self) -> str:
        """Where the result goes by post, as on an envelope: recipient · phone · address."""
        data = self.postal_address or {}
        place = full_address(data.get("address", ""), data.get("commune"), data.get("province"))
        return " · ".join(part for part in (data.get("recipient", ""), data.get("phone", ""), place) if part)

    @property
    def effective_due_at(self) -> Any:
        return self.extended_due_at or self.due_at

    @property
    def national_status(self) -> int | None:
        """The national portal's TrangThaiHoSo code (1–10) of the status."""
        return NATIONAL_CODE[self.status]

    def clean(self) -> None:
        if self.applicant_kind == ApplicantKind.ORGANISATION and not self.applicant_tax_code:
            raise ValidationError({"applicant_tax_code": _("An organisation is identified by its tax code.")})
        if self.channel == Channel.ONLINE and not self.online_level:
            raise ValidationError({"online_level": _("An online dossier needs its online level.")})


class DossierTransition(models.Model):
    """One step of a dossier's life: append-only."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="transitions")
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=30, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=30, choices=Status.choices)
    actor = models.ForeignKey(
        "accounts.User", verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField(_("as"), max_length=40, blank=True)
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note for the applicant"), blank=True)
    internal_note = models.TextField(_("internal note"), blank=True)
    due_at = models.DateTimeField(_("due date after this step"), null=True, blank=True)

    class Meta:
        verbose_name = _("dossier transition")
        verbose_name_plural = _("dossier transitions")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.from_status} → {self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk:
            raise ValidationError("Dossier transitions are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError("Dossier transitions are append-only.")

    @property
    def action_label(self) -> str:
        return str(Action(self.action).label) if self.action in Action.values else self.action


class DossierStep(models.Model):
    """A stretch of the internal process during which one unit (or another agency) holds the dossier.

    One row of the control slip (form 06) per hand-over: who gave, who took, when, and whether the
    giver finished early, on time or late against the step's limit.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="steps")
    plan_index = models.PositiveSmallIntegerField(_("step of the process"))
    name = models.CharField(_("step"), max_length=255)
    actor = models.CharField(_("done by"), max_length=20, choices=StepActor.choices)
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="dossier_steps"
    )
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    holder = models.ForeignKey(
        "accounts.User",
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    duration = models.DecimalField(_("time allowed"), max_digits=6, decimal_places=1, default=0)
    duration_unit = models.CharField(
        _("unit of time"), max_length=20, choices=PeriodUnit.choices, default=PeriodUnit.WORKING_DAYS
    )
    started_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("handed over by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ended_with = models.CharField(_("by the action"), max_length=30, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Timeliness.choices, blank=True)
    task = models.TextField(_("task"), blank=True, help_text=_("What another agency is asked to do (liên thông)."))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("processing step")
        verbose_name_plural = _("processing steps")
        ordering = ["started_at", "id"]
        # Hand-overs to another agency (liên thông): who may read the dossier, who holds it now.
        indexes = [
            models.Index(
                fields=["agency", "ended_at"],
                include=["dossier", "id"],
                condition=models.Q(actor=StepActor.OTHER_AGENCY),
                name="dossier_step_handed",
            ),
            # The steps handed over in a period (the dashboard's time per step).
            models.Index(fields=["ended_at"], name="dossier_step_ended"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.plan_index}. {self.name}"


class DossierConsultation(models.Model):
    """The lead unit asks another unit's opinion, in parallel, with its own deadline (Art. 19(5))."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="consultations")
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("consulted unit"), on_delete=models.PROTECT, related_name="consultations"
    )
    question = models.TextField(_("question"))
    requested_by = models.ForeignKey(
        "accounts.User", verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked at"))
    due_at = models.DateTimeField(_("answer due at"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Timeliness.choices, blank=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["unit", "answered_at", "dossier"], name="dossier_consultation_unit")]

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.unit_id}"


class DossierPause(models.Model):
    """A wait for the applicant (supplement or payment), so that both the decree's count (restart)
    and the national index's count (subtract the pause) can be computed."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="pauses")
    reason = models.CharField(_("reason"), max_length=30)  # the action that opened it
    stage = models.CharField(_("stage"), max_length=20, choices=SupplementStage.choices, blank=True)
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    items = models.TextField(_("what is asked"), blank=True)

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.reason} {self.started_at:%d/%m/%Y}"


class DossierCodeCounter(models.Model):
    """The last sequence number given by an agency on a day (codes are unique under concurrent intake)."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="dossier_code_counter_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last}"


def private_storage() -> Storage:
    """Dossier files: STORAGES["documents"], a private folder or bucket (a callable, so that migrations
    do not record a machine's path)."""
    return document_storage


class DossierDocument(models.Model):
    """A file of a dossier, kept outside the public folders and served only after a permission check."""

    # Indexed by `dossier_document_kind` (dossier first): no index of its own.
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="documents", db_index=False)
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.SUBMITTED)
    required_document = models.ForeignKey(
        "catalog.RequiredDocument",
        verbose_name=_("for the required document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file = models.FileField(_("file"), storage=private_storage, max_length=200)
    original_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))
    signed_by = models.CharField(
        _("digitally signed by"), max_length=255, blank=True, help_text=_("The certificate's subject, for an e-result.")
    )

    class Meta:
        verbose_name = _("dossier document")
        verbose_name_plural = _("dossier documents")
        ordering = ["uploaded_at", "id"]
        # "Has a submitted file / a result file" (the 766 index's 4.1 and 4.2) per dossier of a period.
        indexes = [models.Index(fields=["dossier", "kind"], name="dossier_document_kind")]

    def __str__(self) -> str:
        return self.original_name


class DossierAccessLog(models.Model):
    """An official read a dossier's personal data or a document (who, what, when)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="access_log")
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    what = models.CharField(_("what"), max_length=100)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.what} {self.at:%Y-%m-%d %H:%M}"


class StoredDocumentSource(models.TextChoices):
    UPLOAD = "upload", _("Uploaded by you")
    RESULT = "result", _("Electronic result")


class StoredDocument(models.Model):
    """A file in an applicant's personal document store (kho dữ liệu điện tử, DOMAIN.md §4).

    Uploaded once, reused in later applications; the electronic results of their dossiers land here
    too. A dossier that used the file keeps its own record of it (DossierDocument), so removing it
    from the store never takes it from a dossier.
    """

    owner = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="stored_documents")
    title = models.CharField(_("what it is"), max_length=255)
    source = models.CharField(
        _("source"), max_length=10, choices=StoredDocumentSource.choices, default=StoredDocumentSource.UPLOAD
    )
    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(_("file"), storage=private_storage, max_length=200)
    original_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    stored_at = models.DateTimeField(_("stored at"))

    class Meta:
        verbose_name = _("stored document")
        verbose_name_plural = _("stored documents")
        ordering = ["-stored_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "sha256"], name="stored_document_once_per_owner"),
        ]

    def __str__(self) -> str:
        return self.title


class DossierDraft(models.Model):
    """An online application being prepared: saved as the applicant goes, resumed on any device.

    Submitting it makes the dossier (and its code) in one transaction; the draft then points to it,
    so that a second click or a replayed request leads to that dossier instead of a second one.
    """

    owner = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="drafts")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("for the organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    assisted_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("guided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assisted_drafts",
        help_text=_("The guide filling it in with the applicant, who confirmed with a code sent to their phone."),
    )
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion", verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="+"
    )
    applicant = models.JSONField(_("applicant"), default=dict, blank=True)
    form_data = models.JSONField(_("form"), default=dict, blank=True)
    delivery = models.JSONField(
        _("result delivery"), default=dict, blank=True, help_text=_("How the result is to be received, and where.")
    )
    created_at = models.DateTimeField(_("started at"))
    updated_at = models.DateTimeField(_("saved at"))
    dossier = models.OneToOneField(
        Dossier, verbose_name=_("dossier"), null=True, blank=True, on_delete=models.SET_NULL, related_name="draft"
    )

    class Meta:
        verbose_name = _("draft application")
        verbose_name_plural = _("draft applications")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["owner", "-updated_at"], name="draft_owner_recent")]

    def __str__(self) -> str:
        return f"{self.procedure_version} ({self.updated_at:%Y-%m-%d})"


class DraftDocument(models.Model):
    """A file of the personal store given for one of the procedure's documents in a draft."""

    draft = models.ForeignKey(DossierDraft, on_delete=models.CASCADE, related_name="documents")
    required_document = models.ForeignKey(
        "catalog.RequiredDocument", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    stored = models.ForeignKey(StoredDocument, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("draft document")
        verbose_name_plural = _("draft documents")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "required_document", "stored"], name="draft_document_once"),
        ]

    def __str__(self) -> str:
        return self.stored.title
