"""Database routing: the reports' and dashboards' heavy reads go to a read replica when there is one.

`DATABASE_REPLICA_URL` adds the `replica` alias and sets `MOTCUA_REPORTS_DATABASE` to it. A report
selector marks its reads with `@reporting_reads` (or `with reading_for_reports():`); while that mark
is set, the router sends reads to the replica. Everything else, every write, and any read inside a
transaction on `default` (it must see its own writes) stays on `default`. Without a replica the
router does nothing: one database, as in `make run` and the tests.

PostgreSQL's streaming replication keeps the replica up to date; it may be seconds behind, so a
report may not yet count the dossier received a moment ago (docs/operators/deployment.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

REPLICA = "replica"

_reporting: ContextVar[bool] = ContextVar("motcua_reporting_reads", default=False)

P = ParamSpec("P")
R = TypeVar("R")


def reports_alias() -> str:
    """The alias configured for the reports' reads (`default` when there is no replica)."""
    alias = getattr(settings, "MOTCUA_REPORTS_DATABASE", DEFAULT_DB_ALIAS)
    return alias if alias in settings.DATABASES else DEFAULT_DB_ALIAS


def reporting_db() -> str:
    """The alias a report reads from now: the replica inside `reading_for_reports`, else `default`."""
    alias = reports_alias()
    if alias == DEFAULT_DB_ALIAS or not _reporting.get():
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS  # a transaction reads its own writes, which the replica has not got yet
    return alias


@contextmanager
def reading_for_reports() -> Iterator[None]:
    """Reads within go to the reports' database (the replica, when configured)."""
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


def reporting_reads(func: Callable[P, R]) -> Callable[P, R]:
    """A report selector: its queries read from the reports' database. Return evaluated data, not querysets."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with reading_for_reports():
            return func(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    """Reads marked as reporting go to the replica; all writes go to `default` (settings.DATABASE_ROUTERS)."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if reports_alias() == DEFAULT_DB_ALIAS:
            return None
        # Explicit, so that an object read from the replica does not pull later reads there.
        return reporting_db()

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        if reports_alias() == DEFAULT_DB_ALIAS:
            return None
        return DEFAULT_DB_ALIAS  # never where an instance happened to be read from

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        same = {DEFAULT_DB_ALIAS, reports_alias()}
        if obj1._state.db in same and obj2._state.db in same:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        if db == REPLICA:
            return False  # the replica follows the primary; migrate the primary only
        return None
