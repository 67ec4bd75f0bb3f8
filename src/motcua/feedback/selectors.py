"""Reads of ratings, within what the reader may see."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.constants import Role
from motcua.accounts.models import Agency, User
from motcua.core.errors import NotFoundError
from motcua.core.validation import search_words
from motcua.feedback.constants import (
    PAKN_ON_TIME_POINTS,
    PAKN_PROLONGED_RAISES,
    PAKN_SATISFACTION_POINTS,
    PaknAction,
    PaknCategory,
    PaknStage,
    Reaction,
)
from motcua.feedback.models import Pakn, PaknEvent, ServiceRating
from motcua.feedback.services import pakn_due
from motcua.workdays.domain import VIETNAM

# Who reads the applicants' ratings: the agency's leaders and its desk (not the divisions rated).
READERS = (Role.AGENCY_LEADER, Role.DESK_OFFICER)


def ratings_for(user: User) -> QuerySet[ServiceRating]:
    """The ratings of dossiers the user's agencies decided, flagged and unseen first."""
    agencies = user.role_assignments.filter(role__in=READERS).values("agency_id")
    return (
        ServiceRating.objects.filter(dossier__competent_agency_id__in=agencies)
        .select_related("dossier__procedure_version", "reviewed_by")
        .order_by("-flagged", "reviewed_at", "-rated_at")
    )


# --- Feedback and petitions (PAKN) -------------------------------------------------------------------


def with_reactions(queryset: QuerySet[Pakn]) -> QuerySet[Pakn]:
    """Each PAKN with `likes` and `dislikes` counted."""
    return queryset.annotate(
        likes=Count("reactions", filter=Q(reactions__value=Reaction.LIKE)),
        dislikes=Count("reactions", filter=Q(reactions__value=Reaction.DISLIKE)),
    )


def pakn_agencies(user: User) -> QuerySet[Agency]:
    """The agencies whose PAKN `user` handles (as its leader or desk officer)."""
    return Agency.objects.filter(role_assignments__user=user, role_assignments__role__in=READERS).distinct()


def pakn_for_official(user: User, *, stage: str = "", q: str = "") -> QuerySet[Pakn]:
    """The PAKN sent to the user's agencies, open ones first, oldest first among them."""
    listing = Pakn.objects.filter(agency__in=pakn_agencies(user).values("pk")).select_related("agency__calendar")
    if stage in PaknStage.values:
        listing = listing.filter(stage=stage)
    q = q.strip()
    if q:
        listing = listing.filter(Q(code__icontains=q) | Q(title__icontains=q) | Q(dossier_code__iexact=q))
    return listing.order_by("received_at", "id")


def pakn_of_official(user: User, pakn_id: int) -> Pakn:
    """One PAKN of the user's agencies; another agency's is the same 404 as none."""
    pakn = (
        with_reactions(Pakn.objects.filter(pk=pakn_id, agency__in=pakn_agencies(user).values("pk")))
        .select_related("agency__calendar", "dossier", "submitter")
        .prefetch_related(Prefetch("events", queryset=PaknEvent.objects.select_related("actor")))
        .first()
    )
    if pakn is None:
        raise NotFoundError(_("No such feedback or petition in your agency."), code="pakn-not-found")
    return pakn


def pakn_pending(pakn: Pakn) -> tuple[str, datetime] | None:
    """The step the agency owes next and when it is due, or None when it owes nothing."""
    if pakn.stage in (PaknStage.RECEIVED, PaknStage.DRAFTED):
        return PaknAction.APPROVE, pakn_due(pakn, PaknAction.APPROVE)
    if pakn.stage == PaknStage.ANSWERED and pakn.consent_to_publish:
        return PaknAction.PUBLISH, pakn_due(pakn, PaknAction.PUBLISH)
    return None


@dataclass(frozen=True)
class PaknRow:
    pakn: Pakn
    due_step: str
    due_at: datetime | None
    overdue: bool


def pakn_rows(pakns: list[Pakn], *, now: datetime | None = None) -> list[PaknRow]:
    """PAKN with what is owed next, its due time and whether it is overdue."""
    now = now or timezone.now()
    rows = []
    for pakn in pakns:
        pending = pakn_pending(pakn)
        step, due = pending if pending else ("", None)
        rows.append(PaknRow(pakn, step, due, due is not None and now > due))
    return rows


def pakn_of_sender(user: User) -> QuerySet[Pakn]:
    return Pakn.objects.filter(submitter=user).select_related("agency").order_by("-received_at", "-id")


def pakn_for_sender(pakn_id: int) -> Pakn:
    """A PAKN with what its sender sees (the caller has checked that they are its sender)."""
    pakn = (
        with_reactions(Pakn.objects.filter(pk=pakn_id))
        .select_related("agency__calendar")
        .prefetch_related("events")
        .first()
    )
    if pakn is None:
        raise NotFoundError(_("No such feedback or petition."), code="pakn-not-found")
    return pakn


def pakn_by_code(*, code: str, secret: str) -> Pakn:
    """The PAKN with this reference code and secret (codes are unique per agency: the secret decides)."""
    code = code.strip().upper()[:20]
    secret = secret.strip().upper()[:16]
    for pakn in Pakn.objects.filter(code=code).only("id", "secret"):
        if secret and hmac.compare_digest(pakn.secret.encode(), secret.encode()):
            return pakn
    raise NotFoundError(_("No feedback matches this reference code and secret."), code="pakn-not-found")


def pakn_published(*, q: str = "", agency_code: str = "") -> QuerySet[Pakn]:
    """Published answers, newest first; `q` matches words of the title, question and answer, without diacritics.

    Only the fields chosen for publication are read: no name, phone, e-mail or dossier code.
    """
    listing = Pakn.objects.filter(stage=PaknStage.PUBLISHED)
    if agency_code:
        listing = listing.filter(agency__code=agency_code)
    for word in search_words(q)[:8]:
        listing = listing.filter(search_text__contains=word)
    return (
        with_reactions(listing)
        .select_related("agency")
        .only(
            "id",
            "code",
            "category",
            "public_title",
            "public_question",
            "answer",
            "received_at",
            "published_at",
            "agency__name",
            "agency__code",
        )
        .order_by("-published_at", "-id")
    )


# --- Figures: Decision 766 group 5 (5.1–5.3) and TT 01/2018 index 8 ---------------------------------


@dataclass
class PaknFigures:
    """Each figure with the PAKN behind it, so that every number can be checked one by one."""

    agency: Agency
    start: date
    end: date
    as_of: datetime
    all: list[Pakn] = field(default_factory=list)
    by_category: list[tuple[str, str, list[Pakn]]] = field(default_factory=list)  # (value, label, PAKN)
    on_time: list[Pakn] = field(default_factory=list)
    late: list[Pakn] = field(default_factory=list)
    unsatisfied: list[Pakn] = field(default_factory=list)
    raised_again: list[Pakn] = field(default_factory=list)
    satisfied: list[Pakn] = field(default_factory=list)
    prolonged: list[Pakn] = field(default_factory=list)

    @property
    def on_time_rate(self) -> float | None:
        """5.2: PAKN handled on time (every step within its limit, none overdue) / all PAKN received."""
        return round(len(self.on_time) / len(self.all), 4) if self.all else None

    @property
    def on_time_points(self) -> float | None:
        rate = self.on_time_rate
        return round(rate * PAKN_ON_TIME_POINTS, 2) if rate is not None else None

    @property
    def on_time_percent(self) -> float | None:
        rate = self.on_time_rate
        return rate * 100 if rate is not None else None

    @property
    def satisfaction_percent(self) -> float | None:
        rate = self.satisfaction_rate
        return rate * 100 if rate is not None else None

    @property
    def satisfaction_rate(self) -> float | None:
        """5.3: (all − unsatisfied − raised again − overdue) / all, each PAKN subtracted once."""
        return round(len(self.satisfied) / len(self.all), 4) if self.all else None

    @property
    def satisfaction_points(self) -> float | None:
        rate = self.satisfaction_rate
        return round(rate * PAKN_SATISFACTION_POINTS, 2) if rate is not None else None

    @property
    def index8(self) -> int:
        """TT 01/2018 index 8: none or 100 % on time = 2; ≥ 90 % = 1; < 90 % or prolonged = 0."""
        rate = self.on_time_rate
        if rate is None:
            return 2
        if self.prolonged:
            return 0
        if rate >= 1:
            return 2
        return 1 if rate >= 0.9 else 0


def pakn_is_late(pakn: Pakn, as_of: datetime) -> bool:
    """A step done after its limit, or the step owed now overdue at `as_of`."""
    if any(event.on_time is False for event in pakn.events.all()):
        return True
    pending = pakn_pending(pakn)
    return pending is not None and as_of > pending[1]


def pakn_figures(*, agency: Agency, start: date, end: date, now: datetime | None = None) -> PaknFigures:
    """The agency's PAKN received from `start` to `end` (local dates, inclusive), judged as of `now`.

    Judged with what is known now (steps done after the period count too), so the figures of a period
    settle once all its PAKN are finished; a closed period's figures are frozen by the reports, not here.
    """
    begin = datetime.combine(start, time.min, tzinfo=VIETNAM)
    finish = datetime.combine(end + timedelta(days=1), time.min, tzinfo=VIETNAM)
    as_of = now or timezone.now()
    pakns = list(
        with_reactions(Pakn.objects.filter(agency=agency, received_at__gte=begin, received_at__lt=finish))
        .select_related("agency__calendar")
        .prefetch_related("events")
        .order_by("received_at", "id")
    )
    figures = PaknFigures(agency=agency, start=start, end=end, as_of=as_of, all=pakns)
    figures.by_category = [
        (value, str(label), [p for p in pakns if p.category == value]) for value, label in PaknCategory.choices
    ]
    for pakn in pakns:
        late = pakn_is_late(pakn, as_of)
        (figures.late if late else figures.on_time).append(pakn)
        unhappy = pakn.dislikes > pakn.likes  # type: ignore[attr-defined]
        if unhappy:
            figures.unsatisfied.append(pakn)
        if pakn.raised_again:
            figures.raised_again.append(pakn)
        if pakn.raised_again >= PAKN_PROLONGED_RAISES:
            figures.prolonged.append(pakn)
        if not (late or unhappy or pakn.raised_again):
            figures.satisfied.append(pakn)
    return figures
