"""Hostile input against the whole API: schemathesis generates requests from the OpenAPI schema.

For an anonymous caller, a citizen, a desk officer and a report viewer, every operation gets
generated requests, valid and invalid, with real codes mixed into the path (procedures, the
caller's dossiers and others', a document, a province) so that paths are not only 404s. No answer
may be a 5xx, and every answer must be documented: its status, its content type and its body.

Each request runs in a savepoint that is rolled back, so every example starts from the same data.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pytest
import schemathesis
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from motcua.accounts.constants import Role, UnitKind, UserKind
from motcua.accounts.tests.factories import AgencyFactory, RoleAssignmentFactory, UnitFactory, UserFactory
from motcua.catalog.tests.factories import ProcedureVersionFactory, RequiredDocumentFactory
from motcua.dossiers.services import ApplicantData, dossier_create, dossier_document_add
from motcua.workdays.domain import VIETNAM

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Generated requests per operation, for each caller and each generation mode (valid, invalid).
EXAMPLES = 10
CALLERS = ("anonymous", "citizen", "desk", "report_viewer")
# At least 1,000 requests in all: each caller's run must send its share.
MINIMUM_PER_CALLER = 1000 // len(CALLERS)
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class _Rollback(Exception):
    """Leaves the savepoint of one example."""


@dataclass
class World:
    tokens: dict[str, str]
    path_values: dict[str, list[Any]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def api_schema() -> Any:
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = schemathesis.openapi.from_dict(json.loads(response.content))
    schema.app = WSGIHandler()
    return schema


@pytest.fixture
def unthrottled(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Rates no fuzzing run reaches (one test below keeps the real ones and checks the 429)."""
    rates = dict.fromkeys(("anon", "user", "auth_token", "lookup"), "1000000/min")
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def quiet_request_log() -> Iterator[None]:
    """Thousands of 4xx answers are expected; a 5xx still logs its traceback (ERROR)."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture
def wsgi_in_test_transaction() -> Iterator[None]:
    """As Django's test client does: the requests must not close the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db: Any) -> World:
    agency: Any = AgencyFactory(code="000.00.21.H13", name="Sở Văn hóa, Thể thao và Du lịch")
    UnitFactory(agency=agency, code="MC", kind=UnitKind.ONE_STOP_DESK)
    division = UnitFactory(agency=agency, code="QLDL", kind=UnitKind.DIVISION)
    version = ProcedureVersionFactory(procedure__code="2.001628", agency=agency, valid_from=date(2025, 7, 1))
    required: Any = RequiredDocumentFactory(version=version)
    ProcedureVersionFactory(procedure__code="1.001029", agency=agency, information_only=True)

    def official(username: str, role: str, unit: Any = None) -> Any:
        user = UserFactory(username=username, kind=UserKind.OFFICIAL)
        RoleAssignmentFactory(user=user, role=role, agency=agency, unit=unit)
        return user

    desk = official("desk", Role.DESK_OFFICER, agency.units.get(code="MC"))
    viewer = official("viewer", Role.REPORT_VIEWER)
    official("specialist", Role.SPECIALIST, division)
    citizen: Any = UserFactory(username="citizen")
    other: Any = UserFactory(username="other-citizen")
    applicant = ApplicantData(kind="person", name="Nguyễn Văn An", id_number="092085001234", phone="0931015119")
    own = [
        dossier_create(actor=citizen, procedure_code="2.001628", applicant=applicant, channel="online")
        for _ in range(2)
    ]
    others = dossier_create(actor=other, procedure_code="2.001628", applicant=applicant, channel="online")
    at_desk = dossier_create(actor=desk, procedure_code="2.001628", applicant=applicant, channel="in_person")
    document = dossier_document_add(
        code=own[0].code, actor=citizen, file=SimpleUploadedFile("don.pdf", PDF), required_document_id=required.pk
    )
    tokens = {name: Token.objects.create(user=user).key for name, user in [("citizen", citizen), ("desk", desk)]}
    tokens["report_viewer"] = Token.objects.create(user=viewer).key
    dossier_codes = [*(d.code for d in own), others.code, at_desk.code]
    return World(
        tokens=tokens,
        path_values={
            "/api/v1/procedures/{code}/": ["2.001628", "1.001029"],
            "dossier code": dossier_codes,
            "document_id": [document.pk],
            "province": [92, 1],
        },
    )


def _real_path_parameters(operation: Any, world: World) -> st.SearchStrategy[dict[str, Any]] | None:
    names = [parameter.name for parameter in operation.path_parameters]
    if not names:
        return None
    choices: dict[str, st.SearchStrategy[Any]] = {}
    for name in names:
        if name == "code":
            key = operation.path if operation.path in world.path_values else "dossier code"
            choices[name] = st.sampled_from(world.path_values[key])
        elif name in world.path_values:
            choices[name] = st.sampled_from(world.path_values[name])
    return st.fixed_dictionaries(choices) if choices else None


def _strategies(operation: Any, world: World) -> list[tuple[str, st.SearchStrategy[Any]]]:
    found = []
    real = _real_path_parameters(operation, world)
    for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
        strategy = operation.as_strategy(generation_mode=mode)
        if real is not None:

            def with_values(values: dict[str, Any], mode: Any = mode) -> st.SearchStrategy[Any]:
                return operation.as_strategy(generation_mode=mode, path_parameters=values)

            with_real = real.flatmap(with_values)
            strategy = st.one_of(with_real, with_real, strategy)  # mostly real codes
        found.append((mode.value, strategy))
    return found


def _fuzz(api_schema: Any, world: World, caller: str) -> tuple[Counter[int], list[str]]:
    headers = {"Authorization": f"Bearer {world.tokens[caller]}"} if caller in world.tokens else {}
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        for mode, strategy in _strategies(operation, world):

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=strategy)
            def run(case: Any) -> None:
                try:
                    with transaction.atomic():
                        response = case.call_and_validate(headers=headers, checks=CHECKS)
                        statuses[response.status_code] += 1
                        raise _Rollback
                except _Rollback:
                    pass

            try:
                run()
            except Unsatisfiable:
                pass  # e.g. no invalid request exists for an operation without parameters
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - each operation's failure is reported
                failures.append(f"{caller} {mode} {operation.label}:\n{exc}")
    return statuses, failures


@pytest.mark.parametrize("caller", CALLERS)
def test_no_operation_answers_a_server_error_or_an_undocumented_response(
    caller: str,
    api_schema: Any,
    world: World,
    unthrottled: None,
    wsgi_in_test_transaction: None,
    quiet_request_log: None,
) -> None:
    statuses, failures = _fuzz(api_schema, world, caller)
    sent = statuses.total()
    print(f"schemathesis: {sent} generated requests as {caller}, by status: {dict(sorted(statuses.items()))}")
    assert not failures, "\n\n".join(failures)
    assert sent >= MINIMUM_PER_CALLER, f"only {sent} requests as {caller}"


def test_a_throttled_lookup_answers_a_documented_429(
    api_schema: Any, world: World, wsgi_in_test_transaction: None, quiet_request_log: None
) -> None:
    """With the real rates (30 lookups a minute), the 31st answers 429 in the error envelope."""
    cache.clear()
    case = api_schema["/api/v1/lookup/"]["GET"].Case(query={"code": "000.00.21.H13-261127-0001", "secret": "wrong"})
    with time_machine.travel(datetime(2026, 11, 27, 9, 0, 5, tzinfo=VIETNAM), tick=False):
        statuses = [case.call().status_code for _ in range(30)]
        throttled = case.call()
    cache.clear()
    assert statuses == [404] * 30
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "throttled"
    case.validate_response(throttled, checks=CHECKS)


def test_every_operation_documents_the_error_envelope(api_schema: Any) -> None:
    raw = api_schema.raw_schema
    assert raw["components"]["schemas"]["Error"]["required"] == ["error"]
    for path, operations in raw["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "429" in responses, (method, path)
            for status, response in responses.items():
                if status.startswith("4"):
                    assert response["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/Error"
                    }, (method, path, status)
    assert {"400", "401", "403", "404", "409"} <= set(
        raw["paths"]["/api/v1/dossiers/{code}/actions/{action}/"]["post"]["responses"]
    )
    assert "401" not in raw["paths"]["/api/v1/lookup/"]["get"]["responses"]  # it reads no token


def test_lists_are_documented_as_the_pages_they_answer(api_schema: Any) -> None:
    """Regression: the procedure and dossier lists were documented as one object, not as a page."""
    for path in ("/api/v1/procedures/", "/api/v1/dossiers/"):
        operation = api_schema.raw_schema["paths"][path]["get"]
        page = api_schema.raw_schema["components"]["schemas"][
            operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        ]
        assert {"count", "results"} <= set(page["properties"]), path
        assert {"page", "page_size"} <= {parameter["name"] for parameter in operation["parameters"]}, path
        assert "404" in operation["responses"], path  # a page past the end


def test_a_document_is_documented_with_the_type_it_is_served_as(
    api_schema: Any, world: World, wsgi_in_test_transaction: None
) -> None:
    """Regression: a PDF document was served as application/pdf but documented as application/octet-stream."""
    case = api_schema["/api/v1/dossiers/{code}/documents/{document_id}/"]["GET"].Case(
        path_parameters={
            "code": world.path_values["dossier code"][0],
            "document_id": world.path_values["document_id"][0],
        }
    )
    response = case.call(headers={"Authorization": f"Bearer {world.tokens['citizen']}"})
    assert response.status_code == 200 and response.headers["content-type"][0] == "application/pdf"
    case.validate_response(response, checks=CHECKS)


def test_undocumented_answers_found_by_fuzzing_are_now_documented(api_schema: Any) -> None:
    """Regression: 404 for an unknown procedure, 409 for a refused action, 400 for a receipt not yet issued."""
    paths = api_schema.raw_schema["paths"]
    assert "404" in paths["/api/v1/dossiers/"]["post"]["responses"]
    assert "409" in paths["/api/v1/dossiers/{code}/actions/{action}/"]["post"]["responses"]
    assert "400" in paths["/api/v1/dossiers/{code}/forms/receipt.pdf"]["get"]["responses"]
    assert "404" in paths["/api/v1/lookup/"]["get"]["responses"]
