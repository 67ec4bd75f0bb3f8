"""The public catalog of administrative procedures (TTHC), versioned by validity dates."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from jsonschema import Draft202012Validator, SchemaError

from motcua.catalog.constants import (
    ACCEPTED_FILE_TYPES,
    Channel,
    DocumentCopy,
    ImplementationLevel,
    ServiceLevel,
    StepActor,
)
from motcua.core.models import TimeStampedModel
from motcua.core.validation import search_words
from motcua.workdays.constants import PeriodUnit

# National procedure codes look like 1.001234 or 2.002839.
procedure_code_validator = RegexValidator(
    regex=r"^\d{1,2}\.\d{6}$", message=_("A procedure code looks like 1.001234: one or two digits, a dot, six digits.")
)


class Field(TimeStampedModel):
    """Lĩnh vực: the sector a procedure belongs to."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=255, unique=True)
    name_en = models.CharField(_("name in English"), max_length=255, blank=True)
    national_code = models.CharField(_("national sector code"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(TimeStampedModel):
    """The identity of a procedure across its versions."""

    code = models.CharField(_("national code"), max_length=16, unique=True, validators=[procedure_code_validator])

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ProcedureVersionQuerySet(models.QuerySet["ProcedureVersion"]):
    def in_force(self, on: object) -> ProcedureVersionQuerySet:
        return self.filter(valid_from__lte=on).filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=on))


class ProcedureVersion(TimeStampedModel):
    """What a procedure requires during [valid_from, valid_to]; a dossier keeps the version it was received under."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="versions"
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=500)
    field = models.ForeignKey(
        Field, verbose_name=_("field"), on_delete=models.PROTECT, related_name="procedure_versions"
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("competent agency"),
        on_delete=models.PROTECT,
        related_name="procedure_versions",
    )
    implementation_level = models.CharField(
        _("implementation level"), max_length=20, choices=ImplementationLevel.choices
    )
    applicant_types = models.JSONField(_("applicant types"), default=list, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    service_level = models.CharField(_("online service level"), max_length=20, choices=ServiceLevel.choices)
    legacy_level = models.PositiveSmallIntegerField(
        _("legacy level (1–4)"), null=True, blank=True, choices=[(i, str(i)) for i in range(1, 5)]
    )
    processing_time = models.DecimalField(
        _("processing time"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Empty while the time has not been published."),
    )
    processing_unit = models.CharField(
        _("unit"), max_length=20, choices=PeriodUnit.choices, default=PeriodUnit.WORKING_DAYS
    )
    processing_note = models.CharField(_("note on the processing time"), max_length=500, blank=True)
    fee_note = models.CharField(_("note on fees"), max_length=1000, blank=True)
    result_name = models.CharField(_("result"), max_length=500, blank=True)
    result_forms = models.JSONField(_("result forms"), default=list, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    steps_description = models.TextField(_("how to apply (steps)"), blank=True)
    form_schema = models.JSONField(_("online form (JSON Schema)"), default=dict, blank=True)
    publication_decision = models.CharField(_("publishing decision"), max_length=255, blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    demo_fields = models.JSONField(
        _("demo values"),
        default=list,
        blank=True,
        help_text=_("Parts of this procedure filled with realistic demo values, not official data."),
    )
    search_text = models.TextField(_("search text"), editable=False, default="")

    objects = ProcedureVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure__code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "valid_from"], name="procedure_version_unique_start"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="procedure_version_valid_range",
            ),
        ]
        indexes = [models.Index(fields=["valid_from", "valid_to"], name="procedure_version_validity")]

    def __str__(self) -> str:
        return f"{self.procedure.code} {self.name}"

    @property
    def code(self) -> str:
        return self.procedure.code

    @property
    def is_demo_data(self) -> bool:
        return bool(self.demo_fields)

    @property
    def applies_online(self) -> bool:
        return self.service_level in (ServiceLevel.PARTIAL, ServiceLevel.FULL)

    def compute_search_text(self) -> str:
        """` name words \n code field result `: folded words, each preceded by a space.

        A query word matches where `" " + word` occurs (at the start of a word: `du` finds
        "du lịch", not "dự án"); the part before the line break is the name, used for ranking.
        """
        rest = [self.procedure.code, self.field.name if self.field_id else "", self.result_name]
        return f" {' '.join(search_words(self.name))} \n {' '.join(search_words(' '.join(rest)))} "

    def clean(self) -> None:
        errors: dict[str, object] = {}
        for value in self.channels:
            if value not in Channel.values:
                errors["channels"] = _("Unknown channel %(value)s.") % {"value": value}
        if self.service_level != ServiceLevel.INFORMATION and Channel.ONLINE not in self.channels:
            errors["service_level"] = _("An online service level needs the online channel.")
        if self.form_schema:
            try:
                Draft202012Validator.check_schema(self.form_schema)
            except SchemaError as exc:
                errors["form_schema"] = _("The online form is not a valid JSON Schema: %(error)s") % {
                    "error": exc.message
                }
        if errors:
            raise ValidationError(errors)

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_text = self.compute_search_text()
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class ProcessingTimeByChannel(models.Model):
    """A processing time that differs for one channel (e.g. shorter online)."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="channel_times")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    amount = models.DecimalField(
        _("time"), max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal("0"))]
    )
    unit = models.CharField(_("unit"), max_length=20, choices=PeriodUnit.choices, default=PeriodUnit.WORKING_DAYS)

    class Meta:
        verbose_name = _("processing time by channel")
        verbose_name_plural = _("processing times by channel")
        constraints = [models.UniqueConstraint(fields=["version", "channel"], name="channel_time_unique")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.amount} {self.get_unit_display()}"


class Fee(models.Model):
    """One line of a procedure's fees; no line means no fee, several lines form a table."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("fee"), max_length=500)
    amount = models.DecimalField(
        _("amount (VND)"), max_digits=14, decimal_places=0, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount:,} đ"


class RequiredDocument(models.Model):
    """A document (thành phần hồ sơ) the applicant must provide."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="documents")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("document"), max_length=1000)
    copy_kind = models.CharField(
        _("original or copy"), max_length=20, choices=DocumentCopy.choices, default=DocumentCopy.ORIGINAL
    )
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    mandatory = models.BooleanField(_("mandatory"), default=True)
    template = models.FileField(
        _("template"),
        upload_to="catalog/templates/",
        blank=True,
        validators=[FileExtensionValidator(["pdf", "doc", "docx", "odt"])],
    )
    template_name = models.CharField(_("template name"), max_length=255, blank=True)
    accepted_file_types = models.JSONField(_("accepted file types"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        unknown = [t for t in self.accepted_file_types if t not in ACCEPTED_FILE_TYPES]
        if unknown:
            raise ValidationError(
                {"accepted_file_types": _("Accepted types are %(types)s.") % {"types": ", ".join(ACCEPTED_FILE_TYPES)}}
            )


class ProcessStep(models.Model):
    """One step of the internal process (quy trình nội bộ); the workflow consumes these."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("step"), max_length=255)
    actor = models.CharField(_("done by"), max_length=20, choices=StepActor.choices)
    duration = models.DecimalField(
        _("time allowed"), max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal("0"))]
    )
    unit = models.CharField(_("unit"), max_length=20, choices=PeriodUnit.choices, default=PeriodUnit.WORKING_DAYS)

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="process_step_order_unique")]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"
