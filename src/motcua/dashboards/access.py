"""Who may open the leaders' dashboard, for which agency or division, and the parsing of its parameters.

- Agency leaders, report viewers and administrators: their agency and every agency under it (a city's
  report viewer: every agency of the city, `agency_tree`).
- Division heads: their own division only.
- Everyone else (specialists, desk officers, citizens, anonymous): refused.

The dashboard's scope is also the scope of every list behind its numbers: a number and its list are
counted over the same dossiers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.constants import Role
from motcua.accounts.models import Agency, RoleAssignment, Unit, User
from motcua.core.errors import DomainError
from motcua.reports.access import ReportForbidden
from motcua.reports.period import Scope, agency_tree
from motcua.reports.periods import Period

AGENCY_ROLES = frozenset({Role.AGENCY_LEADER, Role.REPORT_VIEWER, Role.ADMINISTRATOR})
DIVISION_ROLES = frozenset({Role.DIVISION_HEAD})
DASHBOARD_ROLES = AGENCY_ROLES | DIVISION_ROLES
# The period of the step times when none is chosen: the last 30 days, today included.
DEFAULT_STEP_DAYS = 30
MAX_STEP_DAYS = 366


@dataclass(frozen=True)
class Reach:
    """What a user may see on the dashboard: whole agencies, and single divisions of other agencies."""

    agencies: tuple[Agency, ...]
    divisions: tuple[Unit, ...]

    @property
    def empty(self) -> bool:
        return not self.agencies and not self.divisions

    def agency_ids(self) -> set[int]:
        return {agency.pk for agency in self.agencies}


def dashboard_reach(user: User | Any) -> Reach:
    """The agencies (with those under them) and the divisions whose dashboard `user` may open."""
    if not getattr(user, "is_authenticated", False):
        return Reach((), ())
    if user.is_superuser:
        return Reach(tuple(Agency.objects.order_by("code")), ())
    assignments = list(
        RoleAssignment.objects.filter(user=user, role__in=DASHBOARD_ROLES, agency__isnull=False).values_list(
            "role", "agency_id", "unit_id"
        )
    )
    ids: list[int] = []
    for agency in Agency.objects.filter(pk__in={a for r, a, _u in assignments if r in AGENCY_ROLES}).order_by("code"):
        ids += [pk for pk in agency_tree(agency) if pk not in ids]
    by_id = Agency.objects.in_bulk(ids)
    unit_ids = {u for r, a, u in assignments if r in DIVISION_ROLES and u is not None and a not in by_id}
    divisions = tuple(Unit.objects.filter(pk__in=unit_ids).select_related("agency").order_by("agency__code", "code"))
    return Reach(tuple(by_id[pk] for pk in ids), divisions)


@dataclass(frozen=True)
class DashboardScope:
    """One agency (with the agencies under it when `subordinates`), or one division of it."""

    agency: Agency
    division: Unit | None = None
    subordinates: bool = False
    locked_division: bool = False  # a division head's dashboard: the division cannot be left

    @property
    def report_scope(self) -> Scope:
        """The same dossiers as the period report's scope."""
        return Scope(self.agency, self.subordinates, self.division)

    def agency_ids(self) -> list[int]:
        return agency_tree(self.agency) if self.subordinates else [self.agency.pk]

    def condition(self, prefix: str = "") -> Q:
        """The dossiers of the scope (`prefix`: the path to the dossier, e.g. "dossier__")."""
        ids = self.agency_ids()
        agency = f"{prefix}competent_agency_id"
        q = Q(**{f"{agency}__in": ids}) if len(ids) > 1 else Q(**{agency: ids[0]})
        if self.division is not None:
            q &= Q(**{f"{prefix}processing_unit_id": self.division.pk})
        return q

    def params(self) -> dict[str, str]:
        """The query parameters that name this scope again (for links)."""
        params = {"agency": self.agency.code}
        if self.subordinates:
            params["subordinates"] = "1"
        if self.division is not None:
            params["division"] = self.division.code
        return params


def _invalid(name: str, message: str) -> DomainError:
    return DomainError(_("Some values are not valid: see the fields."), code="invalid", fields={name: [message]})


def dashboard_scope(user: User | Any, params: Mapping[str, Any], reach: Reach | None = None) -> DashboardScope:
    """The scope named by `agency` (a code), `division` (a unit code of it) and `subordinates`,
    checked against what `user` may see. Without an agency: the first one the user may see.

    Raises ReportForbidden (403) for an agency or a division out of reach, DomainError (400) for
    a code that names nothing.
    """
    reach = reach or dashboard_reach(user)
    if reach.empty:
        raise ReportForbidden(_("You may not open the dashboard."))
    code = str(params.get("agency") or "").strip()
    division_code = str(params.get("division") or "").strip()
    subordinates = str(params.get("subordinates") or "") in ("1", "on", "true")
    agencies = {agency.code: agency for agency in reach.agencies}
    if (code and code in agencies) or (not code and reach.agencies):
        agency = agencies[code] if code else reach.agencies[0]
        division = None
        if division_code and division_code != "none":  # "none": the row of dossiers not yet with a division
            division = Unit.objects.filter(agency=agency, code=division_code).first()
            if division is None:
                raise _invalid("division", _("The agency has no division with this code."))
        return DashboardScope(agency, division, subordinates and division is None)
    # A division head: their division, within their agency.
    heads = [unit for unit in reach.divisions if not code or unit.agency.code == code]
    if division_code:
        heads = [unit for unit in heads if unit.code == division_code]
    if not heads:
        if code and not Agency.objects.filter(code=code).exists():
            raise _invalid("agency", _("No agency has this code."))
        raise ReportForbidden(_("You may not open the dashboard of this agency or division."))
    return DashboardScope(heads[0].agency, heads[0], False, locked_division=True)


def step_period(params: Mapping[str, Any], *, today: date | None = None) -> Period:
    """The period of the step times: `from` and `to` (dates), by default the last 30 days."""
    today = today or timezone.localdate()
    values: dict[str, date | None] = {}
    for name in ("from", "to"):
        text = str(params.get(name) or "").strip()
        try:
            values[name] = date.fromisoformat(text) if text else None
        except ValueError:
            raise _invalid(name, _("Enter a date as YYYY-MM-DD.")) from None
    end = values["to"] or today
    start = values["from"] or end - timedelta(days=DEFAULT_STEP_DAYS - 1)
    if start > end:
        raise _invalid("from", _("The start of the period is after its end."))
    if (end - start).days >= MAX_STEP_DAYS:
        raise _invalid("from", _("Choose a period of at most one year."))
    return Period(start, end)
