"""A fake national portal for development and tests: it records what it takes, keyed by the
idempotency key (the same key twice is taken once), and fails when told to.

Refused in production by a system check (motcua.E002).
"""

from __future__ import annotations

from typing import ClassVar

from motcua.integrations.national_portal.base import DossierRecord, NationalPortal, NationalPortalError, PortalAck


class FakeNationalPortal:
    name = "fake"
    taken: ClassVar[dict[str, DossierRecord]] = {}  # idempotency key → record, in the order taken
    calls: ClassVar[list[str]] = []  # every key pushed, repeats included
    failures: ClassVar[list[NationalPortalError]] = []  # raised, one per push, before anything is taken

    @classmethod
    def from_settings(cls) -> NationalPortal:
        return cls()

    @classmethod
    def reset(cls) -> None:
        cls.taken.clear()
        cls.calls.clear()
        cls.failures.clear()

    def push(self, record: DossierRecord, *, idempotency_key: str) -> PortalAck:
        self.calls.append(idempotency_key)
        if self.failures:
            raise self.failures.pop(0)
        self.taken.setdefault(idempotency_key, record)
        return PortalAck(portal=self.name, receipt_id=idempotency_key)
