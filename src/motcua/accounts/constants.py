from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    PROVINCIAL_PEOPLES_COMMITTEE = "provincial_committee", _("Provincial People's Committee")
    DEPARTMENT = "department", _("Provincial department (Sở)")
    SERVICE_CENTRE = "service_centre", _("Public Administration Service Centre")
    COMMUNE = "commune", _("Commune People's Committee")
    OTHER = "other", _("Other agency")


class UnitKind(models.TextChoices):
    ONE_STOP_DESK = "one_stop_desk", _("One-stop desk")
    DIVISION = "division", _("Specialised division")
    LEADERSHIP = "leadership", _("Leadership")
    OFFICE = "office", _("Office")


class UserKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    ORGANISATION = "organisation", _("Organisation")
    OFFICIAL = "official", _("Official")


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    ORGANISATION_REPRESENTATIVE = "organisation_representative", _("Organisation representative")
    DESK_OFFICER = "desk_officer", _("Desk officer")
    VOLUNTEER_GUIDE = "volunteer_guide", _("Volunteer guide")
    SPECIALIST = "specialist", _("Specialist")
    DIVISION_HEAD = "division_head", _("Division head")
    AGENCY_LEADER = "agency_leader", _("Agency leader")
    REPORT_VIEWER = "report_viewer", _("Report viewer")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles that act for an agency must name it; the unit narrows a role to one division or desk.
OFFICIAL_ROLES = frozenset(
    {
        Role.DESK_OFFICER,
        Role.VOLUNTEER_GUIDE,
        Role.SPECIALIST,
        Role.DIVISION_HEAD,
        Role.AGENCY_LEADER,
        Role.REPORT_VIEWER,
        Role.ADMINISTRATOR,
    }
)
UNIT_ROLES = frozenset({Role.SPECIALIST, Role.DIVISION_HEAD})
