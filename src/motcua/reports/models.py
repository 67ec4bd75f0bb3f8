"""What the reports keep of their own: history from before the system, and the index's settings.

Imported dossiers are not `dossiers.Dossier` rows: a Dossier needs an applicant, a procedure
version and a lifecycle that a historical CSV line (CONTRACT.md §4) does not have, and the
dossiers app has no flag to tell an imported record from a live one. They are kept here, counted
by the yearly online-rate report beside the live dossiers, never by the work lists or the period
report.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.catalog.constants import Channel, ServiceLevel


class HistoricalOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class HistoricalDossier(models.Model):
    """One dossier of the years before the system, as imported by `import_dossiers` (CONTRACT.md §4)."""

    code = models.CharField(_("dossier code"), max_length=64, unique=True)
    procedure_code = models.CharField(_("procedure code"), max_length=16)
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("competent agency"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    online_level = models.CharField(_("online level"), max_length=20, choices=ServiceLevel.choices, blank=True)
    legacy_level = models.PositiveSmallIntegerField(_("legacy level as recorded"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=HistoricalOutcome.choices, blank=True)
    source = models.CharField(_("imported from"), max_length=255, blank=True)
    imported_at = models.DateTimeField(_("imported at"))

    class Meta:
        verbose_name = _("historical dossier")
        verbose_name_plural = _("historical dossiers")
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["agency", "received_at"], name="historical_agency_received")]

    def __str__(self) -> str:
        return self.code


class HistoricalTotals(models.Model):
    """An agency's yearly figures for a year of which only totals exist (typed from an old report).

    They replace the counted dossiers of that agency and year in the online-rate report, marked as
    entered by hand; a stated rate that is not the ratio of the stated numbers is shown as such.
    """

    agency = models.ForeignKey("accounts.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2999)])
    received = models.PositiveIntegerField(_("dossiers received"))
    online_partial = models.PositiveIntegerField(_("received online, partial (level 3)"), default=0)
    online_full = models.PositiveIntegerField(_("received online, full (level 4)"), default=0)
    stated_rate = models.DecimalField(
        _("online rate as stated (%)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("As printed in the source, if it gives one; checked against the numbers."),
    )
    source = models.CharField(_("source"), max_length=500, help_text=_("The report or document the figures come from."))

    class Meta:
        verbose_name = _("historical yearly totals")
        verbose_name_plural = _("historical yearly totals")
        ordering = ["agency", "year"]
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="historical_totals_once_a_year")]

    def __str__(self) -> str:
        return f"{self.agency} {self.year}"

    def clean(self) -> None:
        if (self.online_partial or 0) + (self.online_full or 0) > (self.received or 0):
            raise ValidationError({"online_full": _("More dossiers online than received.")})


class IndexSetting(models.Model):
    """An administrator's override of one Decision 766 indicator's points or threshold (DOMAIN.md §7:
    weights and thresholds are configuration). Without a row, the defaults of index766.INDICATORS."""

    code = models.CharField(_("indicator"), max_length=8, unique=True)
    points = models.DecimalField(
        _("maximum points"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    threshold = models.DecimalField(
        _("threshold (fraction)"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(Decimal("1"))],
        help_text=_("Full points at or above this rate; below it, rate × points / threshold."),
    )

    class Meta:
        verbose_name = _("Decision 766 indicator setting")
        verbose_name_plural = _("Decision 766 indicator settings")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class DailyCounts(models.Model):
    """What happened on one local day to an agency's dossiers, for the days the rollup covers
    (`RollupMark`, reports/rollup.py): received (by channel and online level) and ended (withdrawn,
    or resolved early, on time or late against the original due date). The period report and the
    online rate per year sum these rows instead of counting millions of dossiers, and count the
    dossiers of the days after (today). Never edited by hand; `manage.py refresh_report_rollups`."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    received = models.PositiveIntegerField(default=0)
    in_person = models.PositiveIntegerField(default=0)
    postal = models.PositiveIntegerField(default=0)
    online = models.PositiveIntegerField(default=0)
    online_partial = models.PositiveIntegerField(default=0)
    online_full = models.PositiveIntegerField(default=0)
    ended = models.PositiveIntegerField(default=0)  # of the received dossiers, withdrawn ones included
    withdrawn = models.PositiveIntegerField(default=0)
    early = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="daily_counts_agency_day")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.received} received, {self.ended} ended"


class RollupMark(models.Model):
    """How far a rollup reaches: it covers every day before `through`."""

    name = models.CharField(max_length=40, unique=True)
    through = models.DateField()

    def __str__(self) -> str:
        return f"{self.name} < {self.through}"
