"""Hostile input for the public forms and the desk's paper reception, generated with Hypothesis.

For arbitrary POST data under the forms' real field names (Vietnamese, control characters, NUL,
overlong values, digits that are not ASCII), a page never answers 5xx: it either accepts the data,
or renders the form again with its errors and writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.accounts.constants import Role, UnitKind, UserKind
from motcua.accounts.tests.factories import AgencyFactory, RoleAssignmentFactory, UnitFactory, UserFactory
from motcua.catalog.tests.factories import ProcedureVersionFactory, RequiredDocumentFactory
from motcua.desk.forms import IntakeForm
from motcua.dossiers.models import Dossier, DossierDraft
from motcua.dossiers.services.drafts import APPLICANT_FIELDS, draft_start
from motcua.feedback.models import Pakn

pytestmark = pytest.mark.django_db

AGENCY = "000.00.21.H13"
NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\x1b[0m",
        "\u202e",
        "²",
        "①",
        "١٢",
        "9" * 30,
        "9" * 5000,
        "-1",
        "0",
        "=1+1",
        "<script>alert(1)</script>",
        "Nguyễn Thị Ánh",
        "0931015119",
        "an@example.vn",
        "092085001234",
        "0101234567",
        "x" * 6000,
        "92",
        "31135",
        "in_person",
        "person",
        "on",
        "regulations",
        AGENCY,
    ]
)
VALUE = st.one_of(NASTY, st.text(max_size=40))
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


class _Rollback(Exception):
    pass


@pytest.fixture
def office(db: Any) -> dict[str, Any]:
    agency = AgencyFactory(code=AGENCY, name="Sở Văn hóa, Thể thao và Du lịch")
    desk_unit = UnitFactory(agency=agency, code="MC", kind=UnitKind.ONE_STOP_DESK)
    version = ProcedureVersionFactory(procedure__code="2.001628", agency=agency, valid_from=date(2025, 7, 1))
    document = RequiredDocumentFactory(version=version)
    desk = UserFactory(username="desk", kind=UserKind.OFFICIAL)
    RoleAssignmentFactory(user=desk, role=Role.DESK_OFFICER, agency=agency, unit=desk_unit)
    citizen = UserFactory(username="citizen")
    return {"version": version, "document": document, "desk": desk, "citizen": citizen}


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()  # the feedback form counts sends per address
    yield
    cache.clear()


def _posted(fields: list[str]) -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries({}, optional=dict.fromkeys(fields, VALUE))


def _counts(models: tuple[Any, ...]) -> list[int]:
    return [model.objects.count() for model in models]


def _send(send: Callable[[], Any], models: tuple[Any, ...]) -> tuple[Any, bool]:
    """The response to `send()` in a savepoint rolled back after it, and whether it wrote rows."""
    before = _counts(models)
    try:
        with transaction.atomic():
            response = send()
            wrote = _counts(models) != before
            raise _Rollback
    except _Rollback:
        pass
    assert response.status_code < 500, response.content[:2000]
    return response, wrote


def _rejected_or_accepted(response: Any, wrote: bool) -> None:
    if response.status_code == 302:
        return  # accepted (or sent on to another page)
    assert response.status_code in (200, 400, 429), response.status_code
    assert not wrote, "a form shown again with errors wrote rows"


@SETTINGS
@given(data=_posted(["full_name", "phone", "email", "password", "password_again", "organisation_name", "tax_code"]))
def test_sign_up_accepts_or_shows_errors(office: dict[str, Any], data: dict[str, str]) -> None:
    response, wrote = _send(lambda: Client().post("/dang-ky/", data), (get_user_model(),))
    _rejected_or_accepted(response, wrote)
    if response.status_code != 302:
        assert response.status_code == 400 or not data


@SETTINGS
@given(code=VALUE, secret=VALUE)
def test_public_lookup_never_fails(office: dict[str, Any], code: str, secret: str) -> None:
    response, wrote = _send(lambda: Client().get("/tra-cuu/", {"code": code, "secret": secret}), (Dossier,))
    assert response.status_code in (200, 429) and not wrote


@SETTINGS
@given(
    data=_posted(
        [
            "agency",
            "category",
            "title",
            "content",
            "dossier_code",
            "contact_name",
            "contact_phone",
            "contact_email",
            "consent_to_publish",
        ]
    )
)
def test_feedback_accepts_or_shows_errors(office: dict[str, Any], data: dict[str, str]) -> None:
    cache.clear()
    response, wrote = _send(lambda: Client().post("/phan-anh/", data), (Pakn,))
    _rejected_or_accepted(response, wrote)


@SETTINGS
@given(data=st.data())
def test_paper_reception_accepts_or_shows_errors(office: dict[str, Any], data: st.DataObject) -> None:
    # Every field of the reception form (one pair per required document), and the view's own "decision".
    fields = [name for name in IntakeForm(version=office["version"]).fields if name != "procedure"] + ["decision"]
    posted = data.draw(_posted(fields))
    client = Client()
    client.force_login(office["desk"])

    def send() -> Any:
        page = client.get("/mot-cua/tiep-nhan/", {"procedure": "2.001628"})
        token = re.search(r'name="form_token" value="([^"]+)"', page.content.decode())
        assert token, "the reception form has a form token"
        return client.post("/mot-cua/tiep-nhan/", {**posted, "procedure": "2.001628", "form_token": token.group(1)})

    response, wrote = _send(send, (Dossier,))
    _rejected_or_accepted(response, wrote)


@SETTINGS
@given(data=_posted([f"applicant-{name}" for name in APPLICANT_FIELDS] + ["next", "remove", "organisation"]))
def test_online_application_saves_or_shows_errors(office: dict[str, Any], data: dict[str, str]) -> None:
    draft = draft_start(owner=office["citizen"], procedure_code="2.001628")
    client = Client()
    client.force_login(office["citizen"])
    response, _wrote = _send(lambda: client.post(f"/ca-nhan/nop-ho-so/{draft.pk}/", data), (Dossier,))
    assert response.status_code in (200, 302, 400)
    # Starting an application from the procedure page with whatever `organisation` was sent.
    started, _wrote = _send(
        lambda: client.post("/thu-tuc/2.001628/nop-truc-tuyen/", {"organisation": data.get("organisation", "")}),
        (DossierDraft,),
    )
    assert started.status_code == 302


def test_an_empty_feedback_post_shows_the_form_again(office: dict[str, Any]) -> None:
    """Regression: an empty POST left the form unbound, and reading its cleaned data answered 500."""
    response, wrote = _send(lambda: Client().post("/phan-anh/", {}), (Pakn,))
    assert response.status_code == 200 and not wrote
    assert response.context["form"].errors


@pytest.mark.parametrize("province", ["²", "9" * 5000])
def test_paper_reception_with_a_province_that_is_no_number_shows_errors(office: dict[str, Any], province: str) -> None:
    """Regression: a province of superscript digits, or of 5,000 digits, failed in int() (500)."""
    client = Client()
    client.force_login(office["desk"])
    page = client.get("/mot-cua/tiep-nhan/", {"procedure": "2.001628", "applicant_province": province})
    assert page.status_code == 200
    response, wrote = _send(
        lambda: client.post("/mot-cua/tiep-nhan/", {"procedure": "2.001628", "applicant_province": province}),
        (Dossier,),
    )
    assert response.status_code == 200 and not wrote


@pytest.mark.parametrize("organisation", ["²", "9" * 5000, "99999999999999999999"])
def test_starting_an_application_for_an_organisation_that_is_no_number(
    office: dict[str, Any], organisation: str
) -> None:
    """Regression: `organisation` of superscript digits or of 5,000 digits failed in int() (500)."""
    client = Client()
    client.force_login(office["citizen"])
    response, _wrote = _send(
        lambda: client.post("/thu-tuc/2.001628/nop-truc-tuyen/", {"organisation": organisation}), (DossierDraft,)
    )
    assert response.status_code == 302


@pytest.mark.parametrize("year", ["²⁰²⁶", "9" * 5000])
def test_a_report_year_that_is_no_number_is_refused(year: str) -> None:
    """Regression: superscript digits or 5,000 digits as `from_year` failed in int() (500) on the report pages."""
    from motcua.core.errors import DomainError
    from motcua.reports.access import report_years

    with pytest.raises(DomainError) as refused:
        report_years({"from_year": year})
    assert "from_year" in refused.value.fields


def test_a_nul_character_in_an_address_or_query_is_refused(office: dict[str, Any]) -> None:
    """Regression: on PostgreSQL, a NUL in the lookup's code or in a dossier's address failed in the
    database (DataError, 500)."""
    client = Client()
    page = client.get("/tra-cuu/", {"code": "a\x00b", "secret": "x"})
    assert page.status_code == 200 and page.context["dossier"] is None and page.context["error"]
    api = client.get("/api/v1/lookup/", {"code": "a\x00b", "secret": "x"})
    assert api.status_code == 400 and api.json()["error"]["code"] == "invalid"
    client.force_login(office["citizen"])
    detail = client.get("/api/v1/dossiers/a%00b/")
    assert detail.status_code == 404 and detail.json()["error"]["code"] == "not-found"


def test_an_application_with_a_nul_character_is_not_saved(office: dict[str, Any]) -> None:
    """Regression: on PostgreSQL, a NUL in an applicant's field failed when the draft was saved (500)."""
    draft = draft_start(owner=office["citizen"], procedure_code="2.001628")
    client = Client()
    client.force_login(office["citizen"])
    response = client.post(f"/ca-nhan/nop-ho-so/{draft.pk}/", {"applicant-name": "a\x00b"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert "\x00" not in str(draft.applicant)
