"""`{% desk_menu %}`: the officials' menu with the pages their roles open (each page checks again).

A volunteer guide sees the guidance desk, a report viewer the reports: no link that answers 403.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from motcua.accounts.constants import OFFICIAL_ROLES, Role
from motcua.accounts.models import User
from motcua.dashboards.access import DASHBOARD_ROLES
from motcua.feedback.selectors import READERS
from motcua.outreach.selectors import OUTREACH_ROLES
from motcua.reports.access import REPORT_ROLES

register = template.Library()

DESK = frozenset({Role.DESK_OFFICER})
DESK_AND_LEADERS = frozenset({Role.DESK_OFFICER, Role.AGENCY_LEADER})
# (URL name, label, the roles that open it, how the current page is recognised: URL name or app name)
MENU = [
    ("desk:queue", _("Work lists"), OFFICIAL_ROLES - {Role.VOLUNTEER_GUIDE}, "queue"),
    ("desk:intake", _("Receive a paper dossier"), DESK, "intake"),
    ("desk:guidance", _("Guidance desk"), frozenset({Role.DESK_OFFICER, Role.VOLUNTEER_GUIDE}), "guidance"),
    ("desk:register", _("Register"), DESK_AND_LEADERS, "register"),
    ("desk:feedback", _("Feedback and petitions"), frozenset(READERS), "feedback"),
    ("desk:ratings", _("Ratings"), frozenset(READERS), "ratings"),
    ("dashboards:home", _("Leaders' dashboard"), DASHBOARD_ROLES, "dashboards"),
    ("reports:period", _("Reports"), REPORT_ROLES, "reports"),
    ("national_sync:reconciliation", _("National portal sync"), REPORT_ROLES, "national_sync"),
    ("outreach:home", _("Outreach"), OUTREACH_ROLES, "outreach"),
]


@register.inclusion_tag("desk/_nav.html", takes_context=True)
def desk_menu(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    user = request.user
    roles = set(user.role_assignments.values_list("role", flat=True)) if isinstance(user, User) else set()
    match = request.resolver_match
    here = {match.url_name, match.app_name} if match else set()
    links = [
        {"url": reverse(name), "label": label, "current": current in here}
        for name, label, allowed, current in MENU
        if roles & allowed
    ]
    return {"links": links}
