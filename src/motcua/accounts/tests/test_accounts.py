"""Agencies, units and roles: each role is scoped the way the law organises the work."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from motcua.accounts.constants import Role, UserKind
from motcua.accounts.models import Agency, RoleAssignment
from motcua.accounts.tests.factories import AgencyFactory, UnitFactory, UserFactory
from motcua.core.validation import normalise_vietnamese_phone

pytestmark = pytest.mark.django_db


def test_agency_code_must_look_like_an_identifier_code():
    agency = Agency(code="sở văn hóa", name="Sở", kind="department")
    with pytest.raises(ValidationError) as excinfo:
        agency.full_clean()
    assert "000.00.21.H13" in str(excinfo.value)
    Agency(code="000.00.21.H13", name="Sở", kind="department").full_clean()


def test_official_roles_need_an_agency_and_division_roles_a_unit():
    user = UserFactory(kind=UserKind.OFFICIAL)
    with pytest.raises(ValidationError) as excinfo:
        RoleAssignment(user=user, role=Role.DESK_OFFICER).full_clean()
    assert "agency" in excinfo.value.message_dict
    agency = AgencyFactory()
    with pytest.raises(ValidationError) as excinfo:
        RoleAssignment(user=user, role=Role.SPECIALIST, agency=agency).full_clean()
    assert "unit" in excinfo.value.message_dict
    RoleAssignment(user=user, role=Role.SPECIALIST, agency=agency, unit=UnitFactory(agency=agency)).full_clean()


def test_a_unit_of_another_agency_is_refused():
    user = UserFactory(kind=UserKind.OFFICIAL)
    with pytest.raises(ValidationError, match="must belong to the chosen agency"):
        RoleAssignment(user=user, role=Role.DIVISION_HEAD, agency=AgencyFactory(), unit=UnitFactory()).full_clean()


def test_citizens_are_not_scoped_to_an_agency():
    with pytest.raises(ValidationError):
        RoleAssignment(user=UserFactory(), role=Role.CITIZEN, agency=AgencyFactory()).full_clean()


def test_organisation_accounts_need_a_tax_code():
    user = UserFactory(kind=UserKind.ORGANISATION)
    with pytest.raises(ValidationError) as excinfo:
        user.full_clean()
    assert "tax_code" in excinfo.value.message_dict
    user.tax_code = "0312345678"
    user.full_clean()


def test_identity_numbers_are_checked():
    user = UserFactory(id_number="12345", tax_code="12-34")
    with pytest.raises(ValidationError) as excinfo:
        user.full_clean()
    assert {"id_number", "tax_code"} <= set(excinfo.value.message_dict)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0931015119", "+84931015119"), ("0931 015 119", "+84931015119"), ("+84 931 015 119", "+84931015119")],
)
def test_vietnamese_phone_numbers_are_normalised(raw, expected):
    assert normalise_vietnamese_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "not a phone", "+1 202 555 0100"])
def test_bad_phone_numbers_say_what_to_fix(raw):
    with pytest.raises(ValidationError):
        normalise_vietnamese_phone(raw)
