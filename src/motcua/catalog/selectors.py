"""Reads of the catalog: search, procedure pages, catalog figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.constants import ServiceLevel
from motcua.catalog.models import Fee, ProcedureVersion, RequiredDocument
from motcua.core.errors import NotFoundError
from motcua.core.validation import search_words

MAX_QUERY_TOKENS = 12


def versions_in_force(on: date | None = None) -> QuerySet[ProcedureVersion]:
    return ProcedureVersion.objects.in_force(on or timezone.localdate())


def query_tokens(q: str) -> list[str]:
    """Folded words of a search query (diacritics, case and Unicode form ignored)."""
    return search_words(q)[:MAX_QUERY_TOKENS]


def _ranker(tokens: list[str], phrase: str) -> Callable[[str, str], float]:
    """The score of a row (code, search_text): the code itself, the phrase in the name, whole words,
    then word starts; shorter names first. Higher is better."""
    words = [(f" {token} ", f" {token}") for token in tokens]
    lead = (f" {phrase}", f" thu tuc {phrase}")

    def score(code: str, search_text: str) -> float:
        name, _sep, rest = search_text.partition("\n")
        value = 100.0 if phrase == code else 0.0
        if lead[0] in name:
            value += 20 + (10 if name.startswith(lead) else 0)
        for whole, start in words:
            if whole in name:
                value += 3
            elif start in name:
                value += 2
            elif start in rest:
                value += 0.5
        return value - len(name) / 1000

    return score


@dataclass(frozen=True)
class CatalogFilters:
    q: str = ""
    level: str = ""
    field: str = ""
    agency: str = ""


def procedure_search(filters: CatalogFilters, *, on: date | None = None) -> list[int]:
    """Ids of the procedure versions in force that match, best first."""
    qs = versions_in_force(on)
    if filters.level:
        qs = qs.filter(service_level=filters.level)
    if filters.field:
        qs = qs.filter(field__code=filters.field)
    if filters.agency:
        qs = qs.filter(agency__code=filters.agency)
    tokens = query_tokens(filters.q)
    if not tokens:
        return list(qs.order_by("procedure__code").values_list("id", flat=True))
    for token in tokens:
        qs = qs.filter(search_text__contains=f" {token}")  # at the start of a word
    score = _ranker(tokens, " ".join(tokens))
    rows = qs.values_list("id", "procedure__code", "search_text")
    ranked = sorted(rows, key=lambda row: (-score(row[1], row[2]), row[1]))
    return [row[0] for row in ranked]


def versions_by_ids(ids: list[int]) -> list[ProcedureVersion]:
    """The versions with `ids`, in that order, with what a list shows."""
    found = ProcedureVersion.objects.select_related("procedure", "field", "agency").order_by().in_bulk(ids)
    return [found[i] for i in ids if i in found]


def procedure_detail(code: str, *, on: date | None = None) -> ProcedureVersion:
    version = (
        versions_in_force(on)
        .filter(procedure__code=code)
        .select_related("procedure", "field", "agency")
        .prefetch_related(
            Prefetch("documents", queryset=RequiredDocument.objects.order_by("order", "id")),
            Prefetch("fees", queryset=Fee.objects.order_by("order", "id")),
            "steps",
            "channel_times",
        )
        .first()
    )
    if version is None:
        raise NotFoundError(
            _("No procedure with code %(code)s is in force.") % {"code": code}, code="procedure-not-found"
        )
    return version


@dataclass(frozen=True)
class CatalogFigures:
    """ "N procedures published, X partial online, Y full online" as an agency reports it."""

    published: int
    partial: int
    full: int

    @property
    def online(self) -> int:
        return self.partial + self.full

    def share(self, count: int) -> float:
        return round(count / self.published, 4) if self.published else 0.0

    @property
    def partial_rate(self) -> float:
        return self.share(self.partial)

    @property
    def full_rate(self) -> float:
        return self.share(self.full)

    @property
    def online_rate(self) -> float:
        return self.share(self.online)


def catalog_figures(*, agency_code: str = "", on: date | None = None) -> CatalogFigures:
    qs = versions_in_force(on)
    if agency_code:
        qs = qs.filter(agency__code=agency_code)
    counts = qs.aggregate(
        published=Count("id"),
        partial=Count("id", filter=Q(service_level=ServiceLevel.PARTIAL)),
        full=Count("id", filter=Q(service_level=ServiceLevel.FULL)),
    )
    return CatalogFigures(published=counts["published"], partial=counts["partial"], full=counts["full"])


def fields_with_counts(on: date | None = None) -> list[tuple[str, str, int]]:
    """(code, name, procedures in force) for every field that has at least one."""
    rows = versions_in_force(on).values("field__code", "field__name").annotate(n=Count("id")).order_by("field__name")
    return [(r["field__code"], r["field__name"], r["n"]) for r in rows]


def agencies_with_counts(on: date | None = None) -> list[tuple[str, str, int]]:
    rows = versions_in_force(on).values("agency__code", "agency__name").annotate(n=Count("id")).order_by("agency__name")
    return [(r["agency__code"], r["agency__name"], r["n"]) for r in rows]
