"""Reads of the portal's frame (the agency it speaks for, its visit figures) and of its announcements."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, Sum
from django.utils import timezone

from motcua.accounts.models import Agency
from motcua.core.errors import NotFoundError
from motcua.news.models import Announcement, AnnouncementQuerySet, DailyVisits

PORTAL_AGENCY_CACHE_KEY = "news:portal-agency:v1"
PORTAL_AGENCY_SECONDS = 300  # the agency's own saves clear it at once (signals); other processes within this
VISITS_CACHE_KEY = "news:visits:v1:{day}"
VISITS_SECONDS = 60


@dataclass(frozen=True)
class PortalAgency:
    code: str
    name: str
    short_name: str
    address: str
    phone: str
    email: str
    website: str

    @property
    def phone_href(self) -> str:
        """`tel:` address of the hotline: its digits (and a leading +), whatever the spacing typed."""
        digits = re.sub(r"[^\d+]", "", self.phone)
        return f"tel:{digits[:1]}{digits[1:].replace('+', '')}" if digits else ""


def _portal_agency_row() -> Agency | None:
    code = settings.MOTCUA_PORTAL_AGENCY
    if code:
        return Agency.objects.filter(code=code, is_active=True).first()
    top = list(Agency.objects.filter(parent__isnull=True, is_active=True)[:2])
    return top[0] if len(top) == 1 else None


def portal_agency() -> PortalAgency | None:
    """The agency the portal speaks for (`MOTCUA_PORTAL_AGENCY`, else the only top-level active agency), cached."""
    found = cache.get(PORTAL_AGENCY_CACHE_KEY)
    if found is None:
        row = _portal_agency_row()
        found = (
            PortalAgency(
                code=row.code,
                name=row.name,
                short_name=row.short_name,
                address=row.address,
                phone=row.phone,
                email=row.email,
                website=row.website,
            )
            if row
            else False  # "none", cached as well
        )
        cache.set(PORTAL_AGENCY_CACHE_KEY, found, PORTAL_AGENCY_SECONDS)
    return found or None


def portal_agency_forget() -> None:
    cache.delete(PORTAL_AGENCY_CACHE_KEY)


# --- announcements ---------------------------------------------------------------------------------


def announcements_published(*, now: datetime | None = None) -> AnnouncementQuerySet:
    """What the public sees, pinned first, then the newest."""
    return Announcement.objects.published(now).for_readers()


def announcements_latest(*, limit: int = 3, now: datetime | None = None) -> list[Announcement]:
    return list(announcements_published(now=now)[:limit])


def announcement_published_get(*, pk: int, now: datetime | None = None) -> Announcement:
    """One published announcement; NotFoundError for one not (or no longer) published."""
    found = announcements_published(now=now).filter(pk=pk).first()
    if found is None:
        raise NotFoundError(f"No published announcement {pk}.", code="announcement-not-found")
    return found


# --- visits ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitFigures:
    today: int
    yesterday: int
    this_week: int
    total: int


def visit_figures(*, today: date | None = None) -> VisitFigures:
    """Visits today, yesterday, this week (from Monday) and in all, in the site's time zone; cached a minute."""
    today = today or timezone.localdate()
    key = VISITS_CACHE_KEY.format(day=today.isoformat())
    figures = cache.get(key)
    if figures is None:
        yesterday = today - timedelta(days=1)
        monday = today - timedelta(days=today.weekday())
        sums = DailyVisits.objects.aggregate(
            today=Sum("visits", filter=Q(day=today)),
            yesterday=Sum("visits", filter=Q(day=yesterday)),
            this_week=Sum("visits", filter=Q(day__gte=monday, day__lte=today)),
            total=Sum("visits"),
        )
        figures = VisitFigures(**{name: value or 0 for name, value in sums.items()})
        cache.set(key, figures, VISITS_SECONDS)
    return figures
