from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """Dossier statuses; `NATIONAL_CODE` maps each to the national portal's TrangThaiHoSo (DOMAIN.md §3.4)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting reception")
    RECEIVED = "received", _("Received")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    IN_PROCESSING = "in_processing", _("In processing")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    PAYMENT_REQUESTED = "payment_requested", _("Payment requested")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")
    STOPPED = "stopped", _("Processing stopped")
    PROCESSED = "processed", _("Processed, result ready")
    RETURNED = "returned", _("Result returned")


NATIONAL_CODE: dict[str, int | None] = {
    Status.DRAFT: None,
    Status.SUBMITTED: 1,
    Status.RECEIVED: 2,
    Status.NOT_ACCEPTED: 3,
    Status.IN_PROCESSING: 4,
    Status.SUPPLEMENT_REQUESTED: 5,
    Status.PAYMENT_REQUESTED: 6,
    Status.WITHDRAWN: 7,
    Status.STOPPED: 8,
    Status.PROCESSED: 9,
    Status.RETURNED: 10,
}

FINAL_STATUSES = frozenset({Status.NOT_ACCEPTED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED})


class Action(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    RECEIVE = "receive", _("Receive")
    REFUSE_RECEPTION = "refuse_reception", _("Refuse at reception")
    REQUEST_SUPPLEMENT = "request_supplement", _("Request a supplement")
    PROVIDE_SUPPLEMENT = "provide_supplement", _("Provide the supplement")
    TRANSFER = "transfer", _("Transfer to the division")
    ASSIGN = "assign", _("Assign a specialist")
    FORWARD = "forward", _("Hand over to the next step")
    SEND_BACK = "send_back", _("Send back to the previous step")
    PROPOSE_SUPPLEMENT = "propose_supplement", _("Propose a supplement request to the desk")
    REQUEST_PAYMENT = "request_payment", _("Request payment")
    CONFIRM_PAYMENT = "confirm_payment", _("Confirm payment")
    EXTEND = "extend", _("Apologise and set a new date")
    APPROVE = "approve", _("Approve")
    DENY = "deny", _("Refuse after appraisal")
    RETURN_RESULT = "return_result", _("Return the result")
    WITHDRAW = "withdraw", _("Withdraw")
    STOP = "stop", _("Stop processing")
    # Logged, but not transitions: the status does not change and no step is handed over.
    CONSULT = "consult", _("Ask another unit's opinion")
    ANSWER_CONSULTATION = "answer_consultation", _("Answer a consultation")
    APOLOGY_PROMPT = "apology_prompt", _("Reminder: about to be late")


# Work inside the administration: logged for officials, not shown in the applicant's history.
INTERNAL_ACTIONS = frozenset(
    {
        Action.ASSIGN,
        Action.FORWARD,
        Action.SEND_BACK,
        Action.PROPOSE_SUPPLEMENT,
        Action.CONSULT,
        Action.ANSWER_CONSULTATION,
        Action.APOLOGY_PROMPT,
    }
)


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    STOPPED = "stopped", _("Stopped")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class SupplementStage(models.TextChoices):
    RECEPTION = "reception", _("At reception")
    APPRAISAL = "appraisal", _("During appraisal")


class DocumentKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted by the applicant")
    RESULT = "result", _("Result")


class Timeliness(models.TextChoices):
    """A step or a dossier finished before its due date's day, on that day, or after the due time."""

    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


# Not a role anyone is given: what officials of another agency hold on a dossier while it is at
# their agency for its part of the processing (liên thông, Decree 61/2018 Art. 19(6)).
PARTNER_AGENCY = "partner_agency"


class ResultDelivery(models.TextChoices):
    """How the applicant receives the result (Decree 118/2025 Art. 16; QĐ 45/2016 for the postal service)."""

    DESK = "desk", _("At the one-stop desk")
    POST = "post", _("By post, to an address I give")
    ONLINE = "online", _("Online: a digitally signed file to download")
