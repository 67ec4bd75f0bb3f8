"""`{% load news %}`: the portal's frame in base.html — the agency it speaks for and its visit figures."""

from __future__ import annotations

from django import template

from motcua.news.selectors import PortalAgency, VisitFigures, portal_agency, visit_figures

register = template.Library()


@register.simple_tag(name="portal_agency")
def portal_agency_tag() -> PortalAgency | None:
    return portal_agency()


@register.simple_tag(name="visit_figures")
def visit_figures_tag() -> VisitFigures:
    return visit_figures()
