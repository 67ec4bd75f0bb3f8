"""Catalog coverage (issue 6 item 3): procedures published, offered partly online, fully online,
with their shares, per agency and over time.

"Published" on a day = a procedure version in force that day (valid_from ≤ day ≤ valid_to); its
`service_level` says whether it is offered online (legacy levels 3 and 4 are mapped to partial and
full when the catalog is imported, DOMAIN.md §6).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from motcua.accounts.models import Agency
from motcua.catalog.constants import ServiceLevel
from motcua.catalog.models import ProcedureVersion
from motcua.core.db import reporting_reads
from motcua.reports.period import agency_tree

COUNTS = {
    "published": Count("pk"),
    "partial": Count("pk", filter=Q(service_level=ServiceLevel.PARTIAL)),
    "full": Count("pk", filter=Q(service_level=ServiceLevel.FULL)),
}


def _shaped(values: dict[str, Any]) -> dict[str, Any]:
    published, partial, full = (int(values.get(k) or 0) for k in ("published", "partial", "full"))

    def share(n: int) -> float | None:
        return round(n / published, 4) if published else None

    return {
        "published": published,
        "partial": partial,
        "full": full,
        "online": partial + full,
        "partial_share": share(partial),
        "full_share": share(full),
        "online_share": share(partial + full),
    }


def coverage_on(agency_ids: list[int], day: date) -> dict[str, Any]:
    return _shaped(ProcedureVersion.objects.in_force(day).filter(agency_id__in=agency_ids).aggregate(**COUNTS))


@reporting_reads
def catalog_coverage(
    agency: Agency, *, subordinates: bool = False, first: int, last: int, on: date | None = None
) -> dict[str, Any]:
    """Per year (on 31/12, or today for this year) for the agency (and those under it), and per
    agency on the day `on` (today by default)."""
    ids = agency_tree(agency) if subordinates else [agency.pk]
    today = timezone.localdate()
    on = on or today
    years = []
    for year in range(first, last + 1):
        day = min(date(year, 12, 31), today)
        years.append({"year": year, "on": day.isoformat(), **coverage_on(ids, day)})
    names = Agency.objects.in_bulk(ids)
    per_agency = {
        row["agency_id"]: row
        for row in ProcedureVersion.objects.in_force(on)
        .filter(agency_id__in=ids)
        .values("agency_id")
        .annotate(**COUNTS)
        .order_by()
    }
    agencies = [
        {"agency": {"code": names[pk].code, "name": names[pk].name}, **_shaped(dict(per_agency.get(pk, {})))}
        for pk in ids
    ]
    return {
        "agency": {"code": agency.code, "name": agency.name},
        "subordinates": subordinates,
        "on": on.isoformat(),
        "total": {"on": on.isoformat(), **coverage_on(ids, on)},
        "years": years,
        "agencies": agencies,
    }
