"""Applicants' ratings of the service they received (Decree 61/2018 Art. 29–31; TT 01/2018 Art. 12–15)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.feedback.constants import UNHAPPY, AgenciesContacted, Attitude, Contacts, RatingChannel, Satisfaction


class ServiceRating(models.Model):
    """One rating per dossier, by its applicant, once the dossier is finished.

    The answers feed TT 01/2018's indices 3, 4 and 7 (index 1 comes from the dossier's own times)
    and Decision 766's indicator 5.4 (a "dislike" is an unhappy rating). An unhappy rating or a
    complaint about the officials is flagged for the agency's leaders.
    """

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.PROTECT, related_name="rating")
    satisfaction = models.CharField(_("overall"), max_length=20, choices=Satisfaction.choices)
    contacts_to_complete = models.CharField(_("came back to complete it"), max_length=3, choices=Contacts.choices)
    agencies_contacted = models.CharField(_("offices dealt with"), max_length=10, choices=AgenciesContacted.choices)
    attitude = models.CharField(_("officials' attitude"), max_length=10, choices=Attitude.choices)
    information_accurate = models.BooleanField(_("the published information was accurate and complete"))
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    channel = models.CharField(_("rated"), max_length=10, choices=RatingChannel.choices)
    rated_at = models.DateTimeField(_("rated at"))
    flagged = models.BooleanField(_("for the leaders' attention"), default=False, db_index=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", verbose_name=_("seen by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("seen at"), null=True, blank=True)

    class Meta:
        verbose_name = _("service rating")
        verbose_name_plural = _("service ratings")
        ordering = ["-rated_at", "-id"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.get_satisfaction_display()}"

    @property
    def unhappy(self) -> bool:
        return self.satisfaction in UNHAPPY or self.attitude == Attitude.COMPLAINT
