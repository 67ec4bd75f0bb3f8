"""The online rate per year, the way the agency tells it (issue 6 item 2; DOMAIN.md §6, §9).

Per year: dossiers received, received online at the partial level (legacy level 3) and at the full
level (legacy level 4), and the online rate = (partial + full) / received. Counted from three
sources, agency by agency and year by year:

- the live dossiers (`dossiers.Dossier`, by their date of receipt), summed from the daily rollup
  for the days that have ended and counted for the others (rollup.py);
- the dossiers imported from before the system (`HistoricalDossier`, `import_dossiers`);
- the totals typed from an old report (`HistoricalTotals`), which *replace* the counted dossiers of
  that agency and year (a year is either counted or entered, never both added up).

Hand-entered totals are checked against themselves: a stated rate that is not the ratio of the
stated numbers, or more online dossiers than received, is reported with the year, never hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import Count, Min, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Agency
from motcua.catalog.constants import Channel, ServiceLevel
from motcua.core.db import reporting_reads
from motcua.core.errors import DomainError
from motcua.dossiers.models import Dossier
from motcua.reports.models import HistoricalDossier, HistoricalTotals
from motcua.reports.period import agency_tree, without_jit
from motcua.reports.rollup import receipts_by_year

# A stated rate may be rounded (to one decimal in the agency's own tables): within this many
# percentage points of the ratio it agrees with it.
RATE_TOLERANCE = Decimal("0.05")
MAX_YEARS = 50

SOURCE_LABELS = {
    "system": _("counted from the dossiers"),
    "imported": _("counted from imported history"),
    "totals": _("totals entered by hand"),
}


@dataclass
class YearRow:
    year: int
    received: int = 0
    online_partial: int = 0
    online_full: int = 0
    system: int = 0  # of `received`, live dossiers
    imported: int = 0  # of `received`, imported history
    sources: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    totals: list[HistoricalTotals] = field(default_factory=list)

    @property
    def online(self) -> int:
        return self.online_partial + self.online_full

    @property
    def rate(self) -> float | None:
        return round(self.online / self.received, 4) if self.received else None

    @property
    def only_system(self) -> bool:
        return self.sources == {"system"}

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "received": self.received,
            "online_partial": self.online_partial,
            "online_full": self.online_full,
            "online": self.online,
            "online_rate": self.rate,
            "sources": sorted(self.sources),
            "warnings": list(self.warnings),
        }


def _counts(rows: Any, agency_field: str) -> dict[tuple[int, int], tuple[int, int, int]]:
    zone = timezone.get_default_timezone()
    online = Q(channel=Channel.ONLINE)
    values = (
        rows.annotate(y=ExtractYear("received_at", tzinfo=zone))
        .values("y", agency_field)
        .annotate(
            n=Count("pk"),
            partial=Count("pk", filter=online & Q(online_level=ServiceLevel.PARTIAL)),
            full=Count("pk", filter=online & Q(online_level=ServiceLevel.FULL)),
        )
        .order_by()
    )
    return {(v["y"], v[agency_field]): (v["n"], v["partial"], v["full"]) for v in values}


def totals_warnings(totals: HistoricalTotals) -> list[str]:
    """What does not agree in figures typed by hand."""
    warnings = []
    name = totals.agency.short_name or totals.agency.name
    if totals.online_partial + totals.online_full > totals.received:
        warnings.append(
            gettext("%(agency)s, %(year)s: %(online)s dossiers online but only %(received)s received.")
            % {
                "agency": name,
                "year": totals.year,
                "online": totals.online_partial + totals.online_full,
                "received": totals.received,
            }
        )
    if totals.stated_rate is not None and totals.received:
        ratio = Decimal(100 * (totals.online_partial + totals.online_full)) / Decimal(totals.received)
        if abs(ratio - totals.stated_rate) > RATE_TOLERANCE:
            warnings.append(
                gettext(
                    "%(agency)s, %(year)s: the stated online rate %(stated)s%% is not the ratio of the stated "
                    "numbers, (%(partial)s + %(full)s) / %(received)s = %(ratio)s%%."
                )
                % {
                    "agency": name,
                    "year": totals.year,
                    "stated": f"{totals.stated_rate:.2f}",
                    "partial": totals.online_partial,
                    "full": totals.online_full,
                    "received": totals.received,
                    "ratio": f"{ratio:.2f}",
                }
            )
    return warnings


def data_years(agency_ids: list[int]) -> tuple[int, int]:
    """The first year with any figure for these agencies, and this year."""
    zone = timezone.get_default_timezone()
    this_year = timezone.localdate().year
    firsts = [
        Dossier.objects.filter(competent_agency_id__in=agency_ids).aggregate(m=Min("received_at"))["m"],
        HistoricalDossier.objects.filter(agency_id__in=agency_ids).aggregate(m=Min("received_at"))["m"],
    ]
    years = [moment.astimezone(zone).year for moment in firsts if moment is not None]
    first_total = HistoricalTotals.objects.filter(agency_id__in=agency_ids).aggregate(m=Min("year"))["m"]
    if first_total is not None:
        years.append(first_total)
    return (min(years) if years else this_year), this_year


@reporting_reads
def online_rate_by_year(
    agency: Agency, *, subordinates: bool = False, first: int | None = None, last: int | None = None
) -> dict[str, Any]:
    """The yearly table for `agency` (with the agencies under it when `subordinates`), years
    `first`..`last` (by default from the first year with figures to this year)."""
    ids = agency_tree(agency) if subordinates else [agency.pk]
    default_first, default_last = data_years(ids)
    first = first or default_first
    last = last or max(default_last, first)
    if last < first or last - first >= MAX_YEARS:
        raise DomainError(
            gettext("Choose at most %(n)s years, the first before the last.") % {"n": MAX_YEARS},
            code="invalid",
            fields={"to_year": [gettext("Not a valid range of years.")]},
        )
    zone = timezone.get_default_timezone()
    start = date(first, 1, 1)
    begin = datetime.combine(start, time.min, tzinfo=zone)
    finish = datetime.combine(date(last + 1, 1, 1), time.min, tzinfo=zone)
    with without_jit():
        live = receipts_by_year(ids, first, last)  # the rollup of the days that ended, and today live
        imported = _counts(
            HistoricalDossier.objects.filter(agency_id__in=ids, received_at__gte=begin, received_at__lt=finish),
            "agency_id",
        )
    entered = {
        (t.year, t.agency_id): t
        for t in HistoricalTotals.objects.filter(agency_id__in=ids, year__gte=first, year__lte=last).select_related(
            "agency"
        )
    }
    rows = {year: YearRow(year) for year in range(first, last + 1)}
    for kind, counts in (("system", live), ("imported", imported)):
        for (year, agency_id), (n, partial, full) in counts.items():
            if (year, agency_id) in entered:
                continue
            row = rows[year]
            row.received += n
            row.online_partial += partial
            row.online_full += full
            row.sources.add(kind)
            if kind == "system":
                row.system += n
            else:
                row.imported += n
    for (year, agency_id), totals in sorted(entered.items()):
        row = rows[year]
        row.received += totals.received
        row.online_partial += totals.online_partial
        row.online_full += totals.online_full
        row.sources.add("totals")
        row.totals.append(totals)
        row.warnings += totals_warnings(totals)
        counted = live.get((year, agency_id), (0, 0, 0))[0] + imported.get((year, agency_id), (0, 0, 0))[0]
        if counted:
            row.warnings.append(
                gettext("%(agency)s, %(year)s: the totals entered by hand replace %(n)s counted dossiers.")
                % {"agency": totals.agency.short_name or totals.agency.name, "year": year, "n": counted}
            )
    ordered = [rows[year] for year in sorted(rows)]
    received = sum(r.received for r in ordered)
    online = sum(r.online for r in ordered)
    return {
        "agency": {"code": agency.code, "name": agency.name},
        "subordinates": subordinates,
        "years": {"from": first, "to": last},
        "rows": ordered,
        "total": {
            "received": received,
            "online_partial": sum(r.online_partial for r in ordered),
            "online_full": sum(r.online_full for r in ordered),
            "online": online,
            "online_rate": round(online / received, 4) if received else None,
        },
        "warnings": [w for r in ordered for w in r.warnings],
    }


def chart(rows: list[YearRow], *, width: int = 640, height: int = 260) -> dict[str, Any]:
    """An SVG bar chart of the dossiers received (bars: partial and full online stacked inside)
    with the online rate as a line on a 0–100 % scale; coordinates computed here, no script."""
    left, right, top, bottom = 56, 48, 16, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    biggest = max((r.received for r in rows), default=0) or 1
    step = plot_w / max(len(rows), 1)
    bar_w = max(step * 0.6, 2)

    def y_of(value: float, scale: float) -> float:
        return round(top + plot_h - value / scale * plot_h, 1)

    bars, points, segments, segment = [], [], [], []
    for i, row in enumerate(rows):
        x = round(left + i * step + (step - bar_w) / 2, 1)
        online_top = y_of(row.online, biggest)
        bars.append(
            {
                "x": x,
                "w": round(bar_w, 1),
                "y": y_of(row.received, biggest),
                "h": round(plot_h * row.received / biggest, 1),
                "online_y": online_top,
                "online_h": round(plot_h * row.online / biggest, 1),
                "label_x": round(x + bar_w / 2, 1),
                "year": row.year,
                "row": row,
            }
        )
        if row.rate is not None:
            points.append((round(x + bar_w / 2, 1), y_of(row.rate, 1)))
            segment.append(points[-1])
        elif segment:  # a year without a rate breaks the line
            segments.append(segment)
            segment = []
    if segment:
        segments.append(segment)
    ticks = [{"y": y_of(p / 100, 1), "label": f"{p}%"} for p in (0, 25, 50, 75, 100)]
    counts = [{"y": y_of(v, biggest), "label": f"{v:,}".replace(",", ".")} for v in (0, biggest // 2, biggest)]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right_x": width - right,
        "top": top,
        "base_y": top + plot_h,
        "bars": bars,
        "lines": [" ".join(f"{x},{y}" for x, y in part) for part in segments if len(part) > 1],
        "dots": points,
        "ticks": ticks,
        "counts": counts,
    }
