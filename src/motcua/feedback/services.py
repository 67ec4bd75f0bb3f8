"""Rating the service: once per dossier, by its applicant (online, or at the desk's kiosk), once it is finished."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.accounts.constants import Role
from motcua.accounts.models import Agency, User
from motcua.core.errors import DomainError
from motcua.core.i18n import record_text
from motcua.core.validation import fold, normalise_vietnamese_phone
from motcua.dossiers.constants import Status
from motcua.dossiers.models import Dossier
from motcua.feedback.constants import PAKN_LIMITS, UNHAPPY, Attitude, PaknAction, PaknCategory, PaknStage, Reaction
from motcua.feedback.models import Pakn, PaknEvent, PaknReaction, ServiceRating
from motcua.feedback.states import CONCLUDED, LEADER, RULES, SENDER
from motcua.workdays.selectors import agency_calendar

# A dossier can be rated once its outcome is known to the applicant.
RATEABLE = frozenset({Status.RETURNED, Status.NOT_ACCEPTED, Status.STOPPED})


@dataclass(frozen=True)
class RatingAnswers:
    satisfaction: str
    contacts_to_complete: str
    agencies_contacted: str
    attitude: str
    information_accurate: bool
    comment: str = ""


@transaction.atomic
def rating_submit(*, dossier: Dossier, answers: RatingAnswers, channel: str) -> ServiceRating:
    """The applicant's rating; an unhappy one (or a complaint) is flagged for the leaders."""
    if dossier.status not in RATEABLE:
        raise DomainError(_("A dossier is rated once its result is returned."), code="not-rateable-yet")
    rating = ServiceRating(
        dossier=dossier,
        channel=channel,
        rated_at=timezone.now(),
        flagged=answers.satisfaction in UNHAPPY or answers.attitude == Attitude.COMPLAINT,
        satisfaction=answers.satisfaction,
        contacts_to_complete=answers.contacts_to_complete,
        agencies_contacted=answers.agencies_contacted,
        attitude=answers.attitude,
        information_accurate=answers.information_accurate,
        comment=answers.comment.strip()[:2000],
    )
    rating.full_clean(exclude=["dossier"])
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError as exc:
        raise DomainError(_("This dossier has already been rated. Thank you."), code="already-rated") from exc
    return rating


def rating_reviewed(*, rating: ServiceRating, by: User) -> ServiceRating:
    """A leader has seen a flagged rating (its follow-up is theirs to decide)."""
    ServiceRating.objects.filter(pk=rating.pk, reviewed_at__isnull=True).update(
        reviewed_by=by, reviewed_at=timezone.now()
    )
    rating.refresh_from_db()
    return rating


# --- Feedback and petitions (PAKN) -------------------------------------------------------------------


class PaknRefused(DomainError):
    """The action is not possible now (illegal or stale): nothing was changed."""

    code = "pakn-action-refused"
    status = 409


class PaknForbidden(DomainError):
    code = "pakn-not-yours"
    status = 403


@dataclass(frozen=True)
class PaknInput:
    """What a sender writes on the portal's form."""

    category: str
    title: str
    content: str
    dossier_code: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    consent_to_publish: bool = False


def pakn_validate(data: PaknInput, submitter: User | None) -> dict[str, object]:
    """The input checked and normalised; every problem at once, by field (a DomainError with `fields`)."""
    errors: dict[str, list[str]] = {}
    values: dict[str, object] = {}
    if data.category not in PaknCategory.values:
        errors["category"] = [_("Choose what it is about.")]
    title = " ".join(data.title.split())
    content = data.content.strip()
    if not title:
        errors["title"] = [_("Give it a short title.")]
    elif len(title) > 200:
        errors["title"] = [_("The title is at most 200 characters.")]
    if len(content) < 10:
        errors["content"] = [_("Describe what happened in a few sentences.")]
    elif len(content) > 5000:
        errors["content"] = [_("The content is at most 5,000 characters.")]
    name = " ".join(data.contact_name.split())[:255]
    phone = data.contact_phone.strip()
    email = data.contact_email.strip()
    if phone:
        try:
            phone = normalise_vietnamese_phone(phone)
        except ValidationError as exc:
            errors["contact_phone"] = list(exc.messages)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["contact_email"] = [_("Enter a valid e-mail address.")]
    if submitter is None:
        if not name:
            errors["contact_name"] = [_("Give your name so that the agency can answer you.")]
        if not phone and not email:
            errors["contact_phone"] = errors.get("contact_phone") or [_("Give a phone number or an e-mail address.")]
    dossier_code = data.dossier_code.strip().upper()[:64]
    dossier = None
    if dossier_code:
        found = Dossier.objects.filter(code=dossier_code).exclude(status=Status.DRAFT).only("id", "owner_id").first()
        if found is None:
            errors["dossier_code"] = [_("No dossier has this code: check it on your receipt, or leave it empty.")]
        elif submitter is not None and found.owner_id == submitter.pk:
            dossier = found  # linked only for its own applicant; anyone else's mention stays text
    if errors:
        raise DomainError(_("Please correct the marked fields."), code="pakn-invalid", fields=errors)
    values.update(
        category=data.category,
        title=title,
        content=content,
        dossier_code=dossier_code,
        dossier=dossier,
        contact_name=name,
        contact_phone=phone,
        contact_email=email,
        consent_to_publish=data.consent_to_publish,
    )
    return values


@transaction.atomic
def pakn_submit(*, agency: Agency, data: PaknInput, submitter: User | None = None) -> Pakn:
    """A new PAKN, received now, with a reference code PAKN-YYMMDD-NNNN unique in the agency."""
    values = pakn_validate(data, submitter)
    now = timezone.now()
    # One writer of the agency's codes at a time (the unique constraint is the backstop).
    Agency.objects.select_for_update().filter(pk=agency.pk).first()
    prefix = f"PAKN-{timezone.localtime(now):%y%m%d}-"
    number = Pakn.objects.filter(agency=agency, code__startswith=prefix).count() + 1
    for attempt in range(20):
        pakn = Pakn(
            agency=agency,
            code=f"{prefix}{number + attempt:04d}",
            submitter=submitter,
            received_at=now,
            clock_started_at=now,
            stage=PaknStage.RECEIVED,
            **values,
        )
        try:
            with transaction.atomic():
                pakn.save()
        except IntegrityError:
            continue
        PaknEvent.objects.create(
            pakn=pakn, action=PaknAction.SUBMIT, to_stage=PaknStage.RECEIVED, actor=submitter, at=now
        )
        return pakn
    raise DomainError(_("The system is busy; send it again in a moment."), code="pakn-code-busy")


def pakn_official_roles(user: User, agency_id: int) -> set[str]:
    """The roles `user` holds for the agency that count for PAKN (its leader, its desk)."""
    return set(
        user.role_assignments.filter(agency_id=agency_id, role__in=[Role.AGENCY_LEADER, Role.DESK_OFFICER]).values_list(
            "role", flat=True
        )
    )


def pakn_due(pakn: Pakn, action: str) -> datetime:
    """When `action` is due for `pakn` on its agency's working calendar (Decision 766 indicator 5.2)."""
    days, base = PAKN_LIMITS[action]
    start = pakn.answered_at if base == "answered" else pakn.clock_started_at
    assert start is not None
    return agency_calendar(pakn.agency).due_after_working_days(start, days)


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_NUMBER = re.compile(r"(?<!\w)(\+?\d[\d .-]{7,}\d)(?!\w)")


def mask_personal_data(text: str, names: tuple[str, ...] = ()) -> str:
    """E-mail addresses, phone and ID numbers, and the sender's name (whole, or its given name) hidden.

    A safety net under the official's own review of the published text.
    """
    for name in names:
        words = name.split()
        for part in [" ".join(words), *(words[-1:] if len(words) > 1 else [])]:  # the whole name first
            if len(part) >= 3:
                text = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", "***", text)

    def number(match: re.Match[str]) -> str:
        return "***" if sum(c.isdigit() for c in match.group(0)) >= 9 else match.group(0)

    return _NUMBER.sub(number, _EMAIL.sub("***", text))


def pakn_transition(
    *,
    pakn_id: int,
    action: str,
    actor: User | None = None,
    as_sender: bool = False,
    text: str = "",
    expected_stage: str = "",
    public_title: str = "",
    public_question: str = "",
) -> Pakn:
    """One step of a PAKN's handling, in one transaction on the locked row; refused → nothing changed.

    `as_sender`: the caller has established that the request comes from the sender (their account,
    or the code and secret). `expected_stage`: the stage the actor saw; a different one means the
    page was stale.
    """
    rule = RULES.get(action)
    if rule is None:
        raise PaknRefused(_("Unknown action."), code="pakn-unknown-action")
    text = text.strip()[:5000]
    with transaction.atomic():
        pakn = (
            Pakn.objects.select_for_update(of=("self",)).select_related("agency__calendar").filter(pk=pakn_id).first()
        )
        if pakn is None:
            raise PaknForbidden(_("No such feedback or petition."), code="pakn-not-found")
        if rule.actor == SENDER:
            if not as_sender:
                raise PaknForbidden(_("Only its sender can do this."))
        else:
            roles = pakn_official_roles(actor, pakn.agency_id) if actor is not None else set()
            if not roles:
                raise PaknForbidden(_("This feedback was sent to another agency."))
            if rule.actor == LEADER and Role.AGENCY_LEADER not in roles:
                raise PaknForbidden(_("Only the agency's leader approves or returns an answer."))
        if expected_stage and expected_stage != pakn.stage:
            raise PaknRefused(
                _("Someone else has acted on it meanwhile: it is now “%(stage)s”. Check and try again.")
                % {"stage": pakn.get_stage_display()},
                code="pakn-stale",
            )
        if pakn.stage not in rule.sources:
            raise PaknRefused(
                _("“%(action)s” is not possible when it is “%(stage)s”.")
                % {"action": PaknAction(action).label, "stage": pakn.get_stage_display()},
            )
        if rule.needs_text and not text:
            raise PaknRefused(_("Write the text of this step."), code="pakn-text-required")
        if action == PaknAction.PUBLISH and not pakn.consent_to_publish:
            raise PaknRefused(_("The sender did not agree to publish the answer."), code="pakn-no-consent")
        now = timezone.now()
        due = pakn_due(pakn, action) if action in PAKN_LIMITS else None
        from_stage = pakn.stage
        note = text
        if action == PaknAction.REFUSE:
            pakn.refusal_reason = text
        elif action == PaknAction.REQUEST_INFO:
            pakn.info_request = text
        elif action == PaknAction.ANSWER_INFO:
            pakn.info_answer = text
            pakn.clock_started_at = now  # handling counts again from the sender's answer
        elif action == PaknAction.DRAFT:
            pakn.answer = text
        elif action == PaknAction.RETURN_DRAFT:
            note = text or record_text(gettext_noop("Returned for changes."))
        elif action == PaknAction.APPROVE:
            pakn.answered_at = now
            note = pakn.answer
        elif action == PaknAction.PUBLISH:
            title = " ".join((public_title or pakn.title).split())[:200]
            question = (public_question or pakn.content).strip()[:5000]
            names = (pakn.contact_name, pakn.submitter.full_name if pakn.submitter else "")
            pakn.public_title = mask_personal_data(title, names)
            pakn.public_question = mask_personal_data(question, names)
            pakn.published_at = now
            pakn.search_text = fold(f"{pakn.public_title} {pakn.public_question} {pakn.answer}")
        elif action == PaknAction.RAISE_AGAIN:
            pakn.raised_again += 1
            pakn.clock_started_at = now
            pakn.answer = ""
            pakn.answered_at = None
            pakn.published_at = None
            pakn.refusal_reason = ""
            pakn.info_request = pakn.info_answer = ""
        pakn.stage = rule.target
        pakn.save()
        PaknEvent.objects.create(
            pakn=pakn,
            action=action,
            from_stage=from_stage,
            to_stage=pakn.stage,
            actor=actor,
            at=now,
            note=note,
            due_at=due,
            on_time=(now <= due) if due is not None else None,
        )
    return pakn


def pakn_react(
    *, pakn_id: int, value: str, user: User | None = None, visitor: str = "", as_sender: bool = False
) -> None:
    """A like or dislike of the answer: one per account (or browser), which may change its mind.

    The sender reacts to the agency's final word (answer or refusal); anyone else to a published answer.
    """
    if value not in Reaction.values:
        raise PaknRefused(_("Choose like or dislike."), code="pakn-bad-reaction")
    if user is None and not visitor:
        raise PaknRefused(_("Your browser must accept cookies to react."), code="pakn-no-visitor")
    with transaction.atomic():
        pakn = Pakn.objects.select_for_update().filter(pk=pakn_id).first()
        if pakn is None:
            raise PaknForbidden(_("No such feedback or petition."), code="pakn-not-found")
        sender = as_sender or (user is not None and pakn.submitter_id == user.pk)
        if not (pakn.stage == PaknStage.PUBLISHED or (sender and pakn.stage in CONCLUDED)):
            raise PaknRefused(_("There is no answer to react to yet."), code="pakn-nothing-to-react")
        mine = PaknReaction.objects.filter(pakn=pakn, **({"user": user} if user is not None else {"visitor": visitor}))
        now = timezone.now()
        if not mine.update(value=value, at=now):
            PaknReaction.objects.create(
                pakn=pakn, value=value, user=user, visitor="" if user is not None else visitor, by_sender=sender, at=now
            )
