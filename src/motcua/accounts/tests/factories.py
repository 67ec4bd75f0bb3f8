from __future__ import annotations

import factory

from motcua.accounts.constants import AgencyKind, Role, UnitKind, UserKind
from motcua.accounts.models import Agency, RoleAssignment, Unit, User


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"000.00.{n % 100:02d}.T{n // 100:02d}")
    name = factory.Sequence(lambda n: f"Sở thử nghiệm {n}")
    kind = AgencyKind.DEPARTMENT


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"U{n}")
    name = factory.Sequence(lambda n: f"Phòng {n}")
    kind = UnitKind.DIVISION


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Người dùng {n}")
    kind = UserKind.CITIZEN
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory, kind=UserKind.OFFICIAL)
    role = Role.DESK_OFFICER
    agency = factory.SubFactory(AgencyFactory)
