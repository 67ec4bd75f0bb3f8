"""`{% due_today procedure calendar as due %}`: the due date if the dossier were received now."""

from __future__ import annotations

from django import template
from django.utils import timezone

from motcua.catalog.models import ProcedureVersion
from motcua.core.errors import DomainError
from motcua.workdays.domain import DueExplanation, WorkCalendarSnapshot

register = template.Library()


@register.simple_tag
def due_today(procedure: ProcedureVersion, calendar: WorkCalendarSnapshot) -> DueExplanation | None:
    if procedure.processing_time is None:
        return None
    try:
        return calendar.explain(timezone.now(), float(procedure.processing_time), procedure.processing_unit)
    except DomainError:
        return None


@register.filter
def explain_lines(explanation: DueExplanation) -> list[str]:
    from motcua.workdays.presenters import explanation_lines

    return explanation_lines(explanation)
