from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from motcua.accounts.tests.factories import AgencyFactory
from motcua.catalog.constants import Channel, ImplementationLevel, ServiceLevel
from motcua.catalog.models import Fee, Field, Procedure, ProcedureVersion, RequiredDocument
from motcua.workdays.constants import PeriodUnit


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")
    code = factory.Sequence(lambda n: f"linh-vuc-{n}")


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"1.{900000 + n:06d}")


class ProcedureVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcedureVersion

    procedure = factory.SubFactory(ProcedureFactory)
    valid_from = date(2025, 7, 1)
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm số {n}")
    field = factory.SubFactory(FieldFactory)
    agency = factory.SubFactory(AgencyFactory)
    implementation_level = ImplementationLevel.PROVINCE
    service_level = ServiceLevel.PARTIAL
    channels = [Channel.IN_PERSON, Channel.ONLINE, Channel.POSTAL]
    processing_time = Decimal("5")
    processing_unit = PeriodUnit.WORKING_DAYS

    class Params:
        information_only = factory.Trait(service_level=ServiceLevel.INFORMATION, channels=[Channel.IN_PERSON])
        full_online = factory.Trait(service_level=ServiceLevel.FULL)


class FeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fee

    version = factory.SubFactory(ProcedureVersionFactory)
    name = "Phí thẩm định"
    amount = Decimal("1000000")


class RequiredDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredDocument

    version = factory.SubFactory(ProcedureVersionFactory)
    name = "Đơn đề nghị"
    accepted_file_types = ["pdf", "jpg", "png"]
