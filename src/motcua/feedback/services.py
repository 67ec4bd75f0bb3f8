"""Rating the service: once per dossier, by its applicant (online, or at the desk's kiosk), once it is finished."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core.errors import DomainError
from motcua.dossiers.constants import Status
from motcua.dossiers.models import Dossier
from motcua.feedback.constants import UNHAPPY, Attitude
from motcua.feedback.models import ServiceRating

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
