"""Applicants' ratings of the service they received (Decree 61/2018 Art. 29–31; TT 01/2018 Art. 12–15)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import new_lookup_secret
from motcua.feedback.constants import (
    UNHAPPY,
    AgenciesContacted,
    Attitude,
    Contacts,
    PaknAction,
    PaknCategory,
    PaknStage,
    RatingChannel,
    Reaction,
    Satisfaction,
)


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


class Pakn(models.Model):
    """A feedback or petition (phản ánh, kiến nghị — PAKN) sent to an agency, and its handling.

    Every step is also an immutable `PaknEvent` (who, when, the text, its due time and whether it was
    on time): the current fields below are the latest state, the events the whole story.
    """

    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="pakn"
    )
    code = models.CharField(_("reference code"), max_length=20)
    secret = models.CharField(_("secret"), max_length=16, default=new_lookup_secret, editable=False)
    category = models.CharField(_("about"), max_length=20, choices=PaknCategory.choices)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"), max_length=5000)
    dossier_code = models.CharField(_("dossier code it concerns"), max_length=64, blank=True)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pakn",
    )
    submitter = models.ForeignKey(
        "accounts.User",
        verbose_name=_("sender's account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pakn",
    )
    contact_name = models.CharField(_("sender's name"), max_length=255, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    consent_to_publish = models.BooleanField(_("the answer may be published"), default=False)
    stage = models.CharField(_("stage"), max_length=20, choices=PaknStage.choices, default=PaknStage.RECEIVED)
    received_at = models.DateTimeField(_("received at"))
    clock_started_at = models.DateTimeField(
        _("handling counted from"),
        help_text=_("Receipt, the sender's additional information, or the last time it was raised again."),
    )
    info_request = models.TextField(_("information asked for"), blank=True)
    info_answer = models.TextField(_("information given"), blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answer approved at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    public_title = models.CharField(_("title as published"), max_length=200, blank=True)
    public_question = models.TextField(_("question as published"), blank=True)
    search_text = models.TextField(editable=False, blank=True)
    raised_again = models.PositiveIntegerField(_("times raised again"), default=0)

    class Meta:
        verbose_name = _("feedback or petition (PAKN)")
        verbose_name_plural = _("feedback and petitions (PAKN)")
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="pakn_code_unique_per_agency")]
        indexes = [
            models.Index(fields=["agency", "received_at"], name="pakn_agency_received"),
            models.Index(fields=["agency", "stage"], name="pakn_agency_stage"),
            models.Index(fields=["stage", "-published_at"], name="pakn_published"),
        ]

    def __str__(self) -> str:
        return self.code


class PaknEvent(models.Model):
    """One step of a PAKN's handling; never changed once written."""

    pakn = models.ForeignKey(Pakn, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=PaknAction.choices)
    from_stage = models.CharField(_("from"), max_length=20, choices=PaknStage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=PaknStage.choices)
    actor = models.ForeignKey(
        "accounts.User", verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    on_time = models.BooleanField(_("on time"), null=True, blank=True)

    class Meta:
        verbose_name = _("PAKN step")
        verbose_name_plural = _("PAKN steps")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.pakn_id}: {self.action}"


class PaknReaction(models.Model):
    """A like or dislike of an answer: one per account, or one per browser (a random id in a signed cookie)."""

    pakn = models.ForeignKey(Pakn, on_delete=models.CASCADE, related_name="reactions")
    value = models.CharField(_("reaction"), max_length=10, choices=Reaction.choices)
    user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.CASCADE, related_name="pakn_reactions"
    )
    visitor = models.CharField(max_length=40, blank=True)
    by_sender = models.BooleanField(_("by the sender"), default=False)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("reaction to an answer")
        verbose_name_plural = _("reactions to answers")
        constraints = [
            models.UniqueConstraint(
                fields=["pakn", "user"], condition=models.Q(user__isnull=False), name="pakn_reaction_once_per_user"
            ),
            models.UniqueConstraint(
                fields=["pakn", "visitor"], condition=~models.Q(visitor=""), name="pakn_reaction_once_per_visitor"
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(visitor=""), name="pakn_reaction_has_author"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pakn_id}: {self.value}"
