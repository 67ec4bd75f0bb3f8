"""seed_demo: the demo province with the real catalog, idempotent."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from motcua.accounts.models import Agency, RoleAssignment, User
from motcua.catalog.constants import ServiceLevel
from motcua.catalog.models import ProcedureVersion
from motcua.catalog.selectors import catalog_figures
from motcua.demo.seed import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_the_real_catalog_and_every_role(capsys):
    call_command("seed_demo")
    assert ProcedureVersion.objects.count() == 156
    assert ProcedureVersion.objects.filter(agency__kind="commune").count() == 10
    figures = catalog_figures()
    assert figures.published == 156 and 0 < figures.full < figures.partial < figures.published
    # Real details stay real; filled ones are marked as demo values.
    travel = ProcedureVersion.objects.get(procedure__code="2.001628")
    assert travel.service_level == ServiceLevel.FULL and "processing_time" not in travel.demo_fields
    assert all(v.demo_fields for v in ProcedureVersion.objects.exclude(procedure__code="2.001628"))
    for name in ("citizen1", "citizen2", "desk1", "specialist1", "head1", "leader1", "admin"):
        assert authenticate(username=name, password=DEMO_PASSWORD) is not None, name
    assert User.objects.get(username="admin").is_superuser
    for role in ("desk_officer", "specialist", "division_head", "agency_leader", "report_viewer", "volunteer_guide"):
        assert RoleAssignment.objects.filter(role=role).exists(), role
    assert "156 procedures published" in capsys.readouterr().out


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo")
    counts = (
        Agency.objects.count(),
        User.objects.count(),
        ProcedureVersion.objects.count(),
        RoleAssignment.objects.count(),
    )
    levels = dict(ProcedureVersion.objects.values_list("procedure__code", "service_level"))
    call_command("seed_demo")
    assert counts == (
        Agency.objects.count(),
        User.objects.count(),
        ProcedureVersion.objects.count(),
        RoleAssignment.objects.count(),
    )
    assert levels == dict(ProcedureVersion.objects.values_list("procedure__code", "service_level"))


def test_seed_demo_refuses_production(settings):
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo")


def test_seed_demo_dossiers_are_made_once_and_walk_the_real_workflow(capsys):
    from motcua.dossiers.models import Dossier

    call_command("seed_demo", "--dossiers", "6")
    assert Dossier.objects.count() == 6
    assert "6 demo dossiers added" in capsys.readouterr().out
    call_command("seed_demo", "--dossiers", "6")
    assert Dossier.objects.count() == 6
    for dossier in Dossier.objects.all():
        log = list(dossier.transitions.values_list("from_status", "to_status"))
        assert log[-1][1] == dossier.status  # every status was reached through the transition service
    with pytest.raises(CommandError):
        call_command("seed_demo", "--dossiers", "-1")
