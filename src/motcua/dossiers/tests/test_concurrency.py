"""Concurrent officials on PostgreSQL: one winner per action, codes distinct and consecutive."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from motcua.dossiers.constants import Action, Status
from motcua.dossiers.models import Dossier, DossierStep, DossierTransition
from motcua.dossiers.services import ApplicantData, TransitionConflict, dossier_create, dossier_transition
from motcua.dossiers.tests.flow import carry_to_leader

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL (DATABASE_URL)"),
]
APPLICANT = ApplicantData(kind="person", name="Trần Thị Bích", id_number="094190005678")


def run_in_threads(count: int, work) -> list[object]:
    results: list[object] = [None] * count
    barrier = threading.Barrier(count)

    def target(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - collected and asserted on
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_twenty_concurrent_intakes_get_twenty_consecutive_codes(office):
    results = run_in_threads(
        20,
        lambda i: dossier_create(
            actor=office.desk, procedure_code="2.001628", applicant=APPLICANT, channel="in_person"
        ),
    )
    assert all(isinstance(r, Dossier) for r in results), results
    sequences = sorted(int(r.code.rsplit("-", 1)[1]) for r in results)
    assert sequences == list(range(1, 21))


def test_twenty_officials_acting_at_once_leave_one_valid_story(office):
    dossier = dossier_create(actor=office.desk, procedure_code="2.001628", applicant=APPLICANT, channel="in_person")
    dossier_transition(code=dossier.code, action=Action.TRANSFER, actor=office.desk, unit_code="QLDL")
    carry_to_leader(office, dossier.code)
    actions = [Action.APPROVE, Action.DENY, Action.STOP, Action.SEND_BACK] * 5
    # Each official acts on the page they saw: the step it was at (a send-back keeps the status, not the step).
    seen = Dossier.objects.get(pk=dossier.pk).current_step_id

    def work(i: int) -> object:
        return dossier_transition(
            code=dossier.code,
            action=actions[i],
            actor=office.leader,
            note=f"lý do {i}",
            new_due_at=None,
            expected_step=seen,
        )

    results = run_in_threads(20, work)
    winners = [r for r in results if isinstance(r, Dossier)]
    assert len(winners) == 1, results
    losers = [r for r in results if not isinstance(r, Dossier)]
    assert all(isinstance(r, TransitionConflict | Exception) for r in losers)
    final = Dossier.objects.get(pk=dossier.pk)
    assert final.status in (Status.PROCESSED, Status.STOPPED, Status.IN_PROCESSING)
    log = list(DossierTransition.objects.filter(dossier=final).values_list("from_status", "to_status"))
    assert log[-1][1] == final.status
    assert len(log) == 7  # submit, receive, transfer, assign, forward, forward, and the one winner
    # The story is a chain: each step starts where the previous ended.
    assert all(log[i][1] == log[i + 1][0] for i in range(len(log) - 1))


def test_hand_overs_at_once_leave_exactly_one_open_step(office):
    """The specialist hands on while the head hands on and proposes a supplement: one wins, one step is open."""
    dossier = dossier_create(actor=office.desk, procedure_code="2.001628", applicant=APPLICANT, channel="in_person")
    dossier_transition(code=dossier.code, action=Action.TRANSFER, actor=office.desk, unit_code="QLDL")
    dossier_transition(code=dossier.code, action=Action.ASSIGN, actor=office.head, assignee_username="specialist")
    moves = [
        (office.specialist, Action.FORWARD),
        (office.head, Action.FORWARD),
        (office.specialist, Action.PROPOSE_SUPPLEMENT),
        (office.head, Action.PROPOSE_SUPPLEMENT),
    ] * 5
    seen = Dossier.objects.get(pk=dossier.pk).current_step_id

    def work(i: int) -> object:
        actor, action = moves[i]
        return dossier_transition(
            code=dossier.code, action=action, actor=actor, note="Thiếu giấy tờ.", expected_step=seen
        )

    results = run_in_threads(20, work)
    assert len([r for r in results if isinstance(r, Dossier)]) == 1, results
    assert all(isinstance(r, TransitionConflict) for r in results if not isinstance(r, Dossier))
    final = Dossier.objects.get(pk=dossier.pk)
    open_steps = list(DossierStep.objects.filter(dossier=final, ended_at__isnull=True))
    assert open_steps == [final.current_step]
    assert DossierStep.objects.filter(dossier=final).count() == 3  # desk, division, and the one it went to
