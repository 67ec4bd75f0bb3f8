"""Who may read the reports of which agency, and the parsing of a report's parameters.

Leaders, report viewers, administrators and desk officers read the reports of the agency they hold
the role in, and of the agencies under it (a city's report viewer: every agency of the city).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, QuerySet
from django.utils.translation import gettext as _

from motcua.accounts.constants import Role
from motcua.accounts.models import Agency, RoleAssignment, Unit, User
from motcua.catalog.models import Field, Procedure
from motcua.core.errors import DomainError
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import dossier_scope
from motcua.reports.period import COLUMNS, GROUPS, Scope, agency_tree
from motcua.reports.periods import Period, parse_period

REPORT_ROLES = frozenset({Role.AGENCY_LEADER, Role.REPORT_VIEWER, Role.ADMINISTRATOR, Role.DESK_OFFICER})
# The TT 01/2018 scores rate officials one by one: for the leaders and those who report for them,
# not for desk officers (who would read their colleagues' evaluations).
SCORE_ROLES = frozenset({Role.AGENCY_LEADER, Role.REPORT_VIEWER, Role.ADMINISTRATOR})


def report_agencies(user: User, roles: frozenset[str] = REPORT_ROLES) -> list[Agency]:
    """The agencies whose reports `user` may read (holding one of `roles`), the ones they hold a role in first."""
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return list(Agency.objects.order_by("code"))
    direct = list(
        RoleAssignment.objects.filter(user=user, role__in=roles, agency__isnull=False)
        .values_list("agency_id", flat=True)
        .distinct()
    )
    ids: list[int] = []
    for agency in Agency.objects.filter(pk__in=direct).order_by("code"):
        ids += [pk for pk in agency_tree(agency) if pk not in ids]
    agencies = Agency.objects.in_bulk(ids)
    return [agencies[pk] for pk in ids]


class ReportForbidden(DomainError):
    code = "forbidden"
    status = 403


@dataclass(frozen=True)
class ReportRequest:
    scope: Scope
    period: Period
    group_by: str | None
    cut_off: bool
    column: str = ""


def _invalid(name: str, message: Any) -> DomainError:
    return DomainError(_("Some values are not valid: see the fields."), code="invalid", fields={name: [message]})


def _date(params: Mapping[str, Any], name: str) -> date | None:
    text = str(params.get(name) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _invalid(name, _("Enter a date as YYYY-MM-DD.")) from None


def _flag(params: Mapping[str, Any], name: str) -> bool:
    return str(params.get(name) or "").lower() in ("1", "true", "yes", "on")


def report_agency(
    user: User | None,
    params: Mapping[str, Any],
    *,
    default_agency: Agency | None = None,
    roles: frozenset[str] = REPORT_ROLES,
) -> Agency | None:
    """The agency named by `agency` (a code; by default the user's first), if `user` may read its
    reports (`user=None`: the command, which may read every agency; without a code, None: all)."""
    allowed = report_agencies(user, roles) if user is not None else list(Agency.objects.order_by("code"))
    code = str(params.get("agency") or "").strip()
    if code:
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise _invalid("agency", _("No agency has this code."))
    else:
        # The command without --agency: every agency's dossiers.
        agency = default_agency or (allowed[0] if allowed and user is not None else None)
    if user is not None and (agency is None or agency.pk not in {a.pk for a in allowed}):
        raise ReportForbidden(_("You may not read the reports of this agency."))
    return agency


def report_years(params: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """`from_year` and `to_year`, each optional."""
    years: list[int | None] = []
    for name in ("from_year", "to_year"):
        text = str(params.get(name) or "").strip()
        if not text:
            years.append(None)
            continue
        if not (text.isdecimal() and len(text) == 4) or not 1990 <= int(text) <= 2999:
            raise _invalid(name, _("Enter a year such as 2019."))
        years.append(int(text))
    return years[0], years[1]


def report_request(
    user: User | None,
    params: Mapping[str, Any],
    *,
    default_agency: Agency | None = None,
    roles: frozenset[str] = REPORT_ROLES,
) -> ReportRequest:
    """A report's parameters read from a query string (or the command's options), checked against
    what `user` may see (`user=None`: the command, which may read every agency).

    `from`/`to` (dates), or `period` (2026, 2026-H1, 2026-Q2, 2026-M03), calendar periods unless
    `cut_off` (the official 15th-to-14th); `agency` (code; by default the user's first),
    `subordinates`, `division` (a unit code of the agency), `field` (code), `procedure` (national code),
    `group_by`, `column`.
    Raises DomainError (400) on bad values, ReportForbidden (403) on an agency out of reach.
    """
    agency = report_agency(user, params, default_agency=default_agency, roles=roles)
    cut_off = _flag(params, "cut_off")
    start, end = _date(params, "from"), _date(params, "to")
    if params.get("period"):
        period = parse_period(str(params["period"]), cut_off=cut_off)
    elif start and end:
        period = Period(start, end)
    else:
        missing = {name: [_("This field is required.")] for name in ("from", "to") if not params.get(name)}
        raise DomainError(_("Give the period: from and to, or period."), code="invalid", fields=missing)

    group_by = str(params.get("group_by") or "").strip() or None
    if group_by is not None and group_by not in GROUPS:
        raise _invalid("group_by", _("Choose one of: year, month, field, procedure, division."))
    column = str(params.get("column") or "").strip()
    if column and not all(part in COLUMNS for part in column.split("+")):
        raise _invalid("column", _("Unknown column."))

    division = field = procedure = None
    no_division = params.get("division") == "none"
    if params.get("division") and not no_division:
        division = Unit.objects.filter(agency=agency, code=str(params["division"])).first()
        if division is None:
            raise _invalid("division", _("The agency has no division with this code."))
    if params.get("field"):
        field = Field.objects.filter(code=str(params["field"])).first()
        if field is None:
            raise _invalid("field", _("No field has this code."))
    if params.get("procedure"):
        procedure = Procedure.objects.filter(code=str(params["procedure"])).first()
        if procedure is None:
            raise _invalid("procedure", _("No procedure has this code."))
    scope = Scope(agency, _flag(params, "subordinates"), division, field, procedure, no_division)
    return ReportRequest(scope=scope, period=period, group_by=group_by, cut_off=cut_off, column=column)


def scope_params(request: ReportRequest, **changes: Any) -> dict[str, str]:
    """The query parameters that name `request` again (for links), with `changes` applied."""
    scope = request.scope
    params = {
        "from": request.period.start.isoformat(),
        "to": request.period.end.isoformat(),
        "agency": scope.agency.code if scope.agency else "",
        "subordinates": "1" if scope.subordinates else "",
        "division": scope.division.code if scope.division else ("none" if scope.no_division else ""),
        "field": scope.field.code if scope.field else "",
        "procedure": scope.procedure.code if scope.procedure else "",
        "cut_off": "1" if request.cut_off else "",
    }
    params.update({key: str(value) for key, value in changes.items()})
    return {key: value for key, value in params.items() if value}


def report_list_base(user: User) -> QuerySet[Dossier]:
    """The dossiers a report's list may name: every one of the report's scope (the caller has checked that
    `user` may read it: a city's report viewer reads the city's numbers, so the lists behind them are whole),
    each marked `readable` when `user` may open it; the others show their code only, never the applicant."""
    return Dossier.objects.annotate(
        readable=ExpressionWrapper(dossier_scope(user).condition(), output_field=BooleanField())
    )
