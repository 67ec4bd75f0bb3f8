from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from motcua.accounts.tests.factories import AgencyFactory
from motcua.news.models import Announcement


class AnnouncementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Announcement

    title = factory.Sequence(lambda n: f"Thông báo số {n} về việc tiếp nhận hồ sơ")
    summary = "Tóm tắt thông báo."
    body = "Đoạn thứ nhất.\n\nĐoạn thứ hai."
    agency = factory.SubFactory(AgencyFactory)
    publish_from = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))

    class Params:
        scheduled = factory.Trait(publish_from=factory.LazyFunction(lambda: timezone.now() + timedelta(days=1)))
        expired = factory.Trait(
            publish_from=factory.LazyFunction(lambda: timezone.now() - timedelta(days=10)),
            publish_until=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
        )
