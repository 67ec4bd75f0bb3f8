"""A procedure's online form (tờ khai): its JSON Schema as fields to show, and its answers checked.

The catalog keeps each procedure's form as a JSON Schema (`ProcedureVersion.form_schema`): an object
whose properties are the form's questions. This module turns it into fields a page can render, reads
a submitted HTML form back into typed answers, and checks the answers with messages that tell the
applicant, in their language, which question to fix. Supported: a flat object of strings (plain,
long, `date`, `email`), integers, numbers, booleans and choices (`enum`); nested objects and arrays
are shown as one long text answer (JSON) so that no schema is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError as SchemaValidationError

LONG_TEXT = 255  # a string that may be longer than this is asked in a text area


@dataclass(frozen=True)
class FormField:
    name: str
    title: str
    kind: str  # text | textarea | email | date | integer | number | boolean | choice | json
    required: bool
    description: str = ""
    max_length: int | None = None
    choices: tuple[tuple[str, str], ...] = ()
    minimum: float | None = None
    maximum: float | None = None


def _kind(spec: dict[str, Any]) -> str:
    kind = spec.get("type")
    if "enum" in spec:
        return "choice"
    if kind == "string":
        if spec.get("format") in ("date", "email"):
            return str(spec["format"])
        return "textarea" if (spec.get("maxLength") or LONG_TEXT + 1) > LONG_TEXT else "text"
    if kind in ("integer", "number", "boolean"):
        return str(kind)
    return "json"


def form_fields(schema: dict[str, Any]) -> list[FormField]:
    """The questions of the form, in the schema's order."""
    required = set(schema.get("required", []))
    fields = []
    for name, spec in (schema.get("properties") or {}).items():
        if not isinstance(spec, dict):
            continue
        labels = spec.get("enumNames") or spec.get("enum") or []
        fields.append(
            FormField(
                name=name,
                title=str(spec.get("title") or name),
                kind=_kind(spec),
                required=name in required,
                description=str(spec.get("description", "")),
                max_length=spec.get("maxLength"),
                choices=tuple((str(v), str(label)) for v, label in zip(spec.get("enum", []), labels, strict=False)),
                minimum=spec.get("minimum"),
                maximum=spec.get("maximum"),
            )
        )
    return fields


def read_answers(schema: dict[str, Any], posted: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The answers of a submitted HTML form (`posted`: a QueryDict or dict), typed as the schema says.

    An empty answer is left out (the schema's `required` then says whether that is allowed); an
    answer that cannot be read as its type is returned as typed and reported.
    """
    answers: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for field in form_fields(schema):
        raw = posted.get(f"form-{field.name}", "")
        raw = raw.strip() if isinstance(raw, str) else raw
        if field.kind == "boolean":
            if raw:
                answers[field.name] = True
            continue
        if raw in ("", None):
            continue
        try:
            if field.kind == "integer":
                answers[field.name] = int(raw)
            elif field.kind == "number":
                answers[field.name] = float(raw.replace(",", "."))
            elif field.kind == "json":
                answers[field.name] = json.loads(raw)
            else:
                answers[field.name] = raw
        except ValueError:
            answers[field.name] = raw
            errors[field.name] = [_("Enter a number.") if field.kind != "json" else _("Enter valid JSON.")]
    return answers, errors


def _message(error: SchemaValidationError, titles: dict[str, str]) -> tuple[str, str]:
    """(question, message) for one schema error, in words an applicant understands."""
    field = str(error.path[0]) if error.path else ""
    if error.validator == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else ""
        return missing, _("Answer this question: it is required.")
    title = titles.get(field, field)
    limit = error.validator_value
    messages = {
        "maxLength": _("At most %(n)s characters.") % {"n": limit},
        "minLength": _("At least %(n)s characters.") % {"n": limit},
        "maximum": _("At most %(n)s.") % {"n": limit},
        "minimum": _("At least %(n)s.") % {"n": limit},
        "enum": _("Choose one of the options."),
        "pattern": _("The answer is not in the expected form."),
        "format": _("Enter a valid %(what)s.") % {"what": _("date") if limit == "date" else _("e-mail address")},
        "type": _("The answer is not of the expected kind."),
    }
    return field, messages.get(str(error.validator), _("Check this answer (%(title)s).") % {"title": title})


def check_answers(schema: dict[str, Any], answers: dict[str, Any]) -> dict[str, list[str]]:
    """The form's errors by question (empty: the answers are complete and valid)."""
    if not schema:
        return {}
    titles = {field.name: field.title for field in form_fields(schema)}
    errors: dict[str, list[str]] = {}
    validator = Draft202012Validator(schema, format_checker=FormatChecker(formats=("email", "date")))
    for error in sorted(validator.iter_errors(answers), key=lambda e: list(e.path)):
        field, message = _message(error, titles)
        errors.setdefault(field, []).append(message)
    return errors
