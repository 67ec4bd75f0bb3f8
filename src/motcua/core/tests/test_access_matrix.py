"""The access matrix: every URL of the project × every kind of user × objects of other parties.

One world is built for the module (two agencies, each with a desk and two divisions, officials of
every role, two citizens with dossiers in several states, their documents, payments, drafts, stored
files, feedback, campaigns) and every URL pattern of the project is requested by every user, with
kwargs pointing at each kind of object. `RULES` says, for each URL name, who may open it and which
objects its kwargs point to: a URL pattern without an entry fails `test_every_url_has_an_access_rule`.

What is checked, for every (user, URL, object):
- who may not see the object gets 401/403/404 or a redirect to sign in, never a 200 or a file;
- who may see it gets what `ok` says (so the matrix is not trivially all denied);
- no page a user can read contains the personal data (name, ID number, phone, e-mail, address,
  dossier code) of a dossier, an account, a draft, a stored file or a feedback they may not see;
- a POST by who may not act changes nothing (the rows that matter are compared before and after);
- nothing answers 5xx.
Each request runs in a savepoint rolled back afterwards, so that every user meets the same world.

Where the code's rule was ambiguous the stricter reading is encoded (see the comments in `RULES`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from motcua.accounts.constants import Role, UnitKind, UserKind
from motcua.accounts.models import Agency, User
from motcua.accounts.tests.factories import AgencyFactory, RoleAssignmentFactory, UnitFactory, UserFactory
from motcua.catalog.tests.factories import FeeFactory, ProcedureVersionFactory, RequiredDocumentFactory
from motcua.dossiers.constants import Action, DocumentKind, Status
from motcua.dossiers.models import (
    Dossier,
    DossierConsultation,
    DossierDocument,
    DossierDraft,
    DossierStep,
    DossierTransition,
    StoredDocument,
)
from motcua.dossiers.services.drafts import draft_start
from motcua.feedback.models import Pakn, PaknEvent, PaknReaction, ServiceRating
from motcua.feedback.services import PaknInput, pakn_submit
from motcua.news.tests.factories import AnnouncementFactory
from motcua.outreach.models import Campaign
from motcua.payments.constants import PaymentMethod, PaymentStatus
from motcua.payments.models import Payment
from motcua.workdays.domain import VIETNAM

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=VIETNAM)
LOGIN = "/dang-nhap/"

# --- The users -----------------------------------------------------------------------------------
# key: (agency, role, unit) of each role assignment. "anon" is not signed in.
OFFICIALS: dict[str, list[tuple[str, str, str | None]]] = {
    "A.desk": [("A", Role.DESK_OFFICER, "Adesk")],
    "A.guide": [("A", Role.VOLUNTEER_GUIDE, None)],
    "A.spec1": [("A", Role.SPECIALIST, "A1")],
    "A.spec2": [("A", Role.SPECIALIST, "A2")],
    "A.head1": [("A", Role.DIVISION_HEAD, "A1")],
    "A.head2": [("A", Role.DIVISION_HEAD, "A2")],
    "A.leader": [("A", Role.AGENCY_LEADER, None)],
    "A.viewer": [("A", Role.REPORT_VIEWER, None)],
    "A.admin": [("A", Role.ADMINISTRATOR, None)],
    "B.desk": [("B", Role.DESK_OFFICER, "Bdesk")],
    "B.spec1": [("B", Role.SPECIALIST, "B1")],
    "B.head1": [("B", Role.DIVISION_HEAD, "B1")],
    "B.leader": [("B", Role.AGENCY_LEADER, None)],
    "B.viewer": [("B", Role.REPORT_VIEWER, None)],
    "B.admin": [("B", Role.ADMINISTRATOR, None)],
}
CITIZENS = ("c1", "c2")
USERS = ("anon", *CITIZENS, *OFFICIALS)

AGENCY_WIDE = {Role.AGENCY_LEADER, Role.REPORT_VIEWER, Role.ADMINISTRATOR}
REPORT_ROLES = AGENCY_WIDE | {Role.DESK_OFFICER}
SCORE_ROLES = AGENCY_WIDE
DASHBOARD_ROLES = AGENCY_WIDE | {Role.DIVISION_HEAD}
PAKN_ROLES = {Role.AGENCY_LEADER, Role.DESK_OFFICER}
CAMPAIGN_READERS = {Role.AGENCY_LEADER, Role.ADMINISTRATOR, Role.DESK_OFFICER}
CAMPAIGN_MANAGERS = {Role.AGENCY_LEADER, Role.ADMINISTRATOR}


# --- The dossiers --------------------------------------------------------------------------------
@dataclass(frozen=True)
class DossierSpec:
    owner: str
    competent: str
    receiving: str
    unit: str | None
    status: str
    assignee: str | None = None
    consulted: tuple[str, ...] = ()


DOSSIERS: dict[str, DossierSpec] = {
    "c1_draft": DossierSpec("c1", "A", "A", None, Status.DRAFT),
    "c1_recv": DossierSpec("c1", "A", "A", None, Status.RECEIVED),
    "c1_a1": DossierSpec("c1", "A", "A", "A1", Status.IN_PROCESSING, assignee="A.spec1", consulted=("A2",)),
    "c1_sup": DossierSpec("c1", "A", "A", "A1", Status.SUPPLEMENT_REQUESTED),
    "c1_done": DossierSpec("c1", "A", "A", "A1", Status.PROCESSED),
    # Received at agency A's desk for agency B (the desk of A sees what it received).
    "c1_relay": DossierSpec("c1", "B", "A", None, Status.RECEIVED),
    "c2_a2": DossierSpec("c2", "A", "A", "A2", Status.IN_PROCESSING),
    "c2_b1": DossierSpec("c2", "B", "B", "B1", Status.IN_PROCESSING),
}


def applicant_markers(i: int) -> dict[str, str]:
    """Personal data of the i-th dossier's applicant, each a string no other datum contains."""
    return {
        "applicant_name": f"Applicant ZX{i}Q",
        "applicant_id_number": f"07920000{i:02d}17",
        "applicant_phone": f"091300{i:02d}47",
        "applicant_email": f"zx{i}q@example.vn",
        "applicant_address": f"{i} Street ZX{i}Q-ADDR",
    }


@dataclass
class World:
    users: dict[str, User]
    agencies: dict[str, Agency]
    dossiers: dict[str, Dossier]
    documents: dict[str, DossierDocument]  # "<dossier>" (submitted file) and "<dossier>:result"
    payments: dict[str, Payment]
    drafts: dict[str, DossierDraft]
    stored: dict[str, StoredDocument]
    pakn: dict[str, Pakn]
    campaigns: dict[str, Campaign]
    consultation: DossierConsultation
    announcements: dict[str, Any]
    procedure_code: str
    # (marker text, who may read it, the dossier it belongs to or "")
    markers: list[tuple[str, Callable[[str], bool], str]] = field(default_factory=list)

    # -- the intended rules --
    def assignments(self, user: str) -> list[tuple[str, str, str | None]]:
        return OFFICIALS.get(user, [])

    def roles_at(self, user: str, agency: str) -> set[str]:
        return {role for at, role, _unit in self.assignments(user) if at == agency}

    def is_official(self, user: str) -> bool:
        return bool(self.assignments(user))

    def has_role(self, user: str, roles: AbstractSet[str]) -> bool:
        return any(role in roles for _at, role, _unit in self.assignments(user))

    def sees(self, user: str, dossier: str) -> bool:
        """Who may read a dossier: its applicant; officials of the competent agency (divisions: their
        unit's, and what their unit is consulted on); the desk also what it received. Drafts: the
        applicant only."""
        spec = DOSSIERS[dossier]
        if user == spec.owner:
            return True
        if spec.status == Status.DRAFT:
            return False
        for at, role, unit in self.assignments(user):
            if role == Role.DESK_OFFICER and at in (spec.competent, spec.receiving):
                return True
            in_unit = unit == spec.unit or unit in spec.consulted
            if role in (Role.SPECIALIST, Role.DIVISION_HEAD) and at == spec.competent and in_unit:
                return True
            if role in AGENCY_WIDE and at == spec.competent:
                return True
        return False

    def sees_any_of(self, user: str, owner: str) -> bool:
        return any(self.sees(user, key) for key, spec in DOSSIERS.items() if spec.owner == owner)


def _official(username: str, agency: Any, role: str, unit: Any) -> Any:
    user = UserFactory(username=username, kind=UserKind.OFFICIAL, full_name=f"Official {username}")
    RoleAssignmentFactory(user=user, role=role, agency=agency, unit=unit)
    return user


def build_world() -> World:
    agencies: dict[str, Any] = {
        "A": AgencyFactory(code="000.00.31.H13", name="Sở Alpha"),
        "B": AgencyFactory(code="000.00.32.H13", name="Sở Beta"),
    }
    units: dict[str, Any] = {
        "Adesk": UnitFactory(agency=agencies["A"], code="MC", kind=UnitKind.ONE_STOP_DESK),
        "A1": UnitFactory(agency=agencies["A"], code="A1", kind=UnitKind.DIVISION),
        "A2": UnitFactory(agency=agencies["A"], code="A2", kind=UnitKind.DIVISION),
        "Bdesk": UnitFactory(agency=agencies["B"], code="MC", kind=UnitKind.ONE_STOP_DESK),
        "B1": UnitFactory(agency=agencies["B"], code="B1", kind=UnitKind.DIVISION),
        "B2": UnitFactory(agency=agencies["B"], code="B2", kind=UnitKind.DIVISION),
    }
    users: dict[str, Any] = {}
    for n, key in enumerate(CITIZENS, start=1):
        users[key] = UserFactory(
            username=f"citizen{n}",
            full_name=f"Citizen ZQ{n}Q",
            phone=f"09120001{n:02d}",
            email=f"zq{n}q@example.vn",
            id_number=f"0012000001{n:02d}",
        )
    for key, assignments in OFFICIALS.items():
        ((at, role, unit),) = assignments
        users[key] = _official(key.replace(".", "_").lower(), agencies[at], role, units[unit] if unit else None)
    versions: dict[str, Any] = {
        at: ProcedureVersionFactory(procedure__code=f"2.00{n}628", agency=agency, valid_from=date(2025, 7, 1))
        for n, (at, agency) in enumerate(agencies.items(), start=1)
    }
    for version in versions.values():
        FeeFactory(version=version, amount=Decimal("500000"))
        RequiredDocumentFactory(version=version, name="Đơn đề nghị", order=1)

    received = datetime(2026, 11, 20, 9, 0, tzinfo=VIETNAM)
    dossiers: dict[str, Dossier] = {}
    documents: dict[str, DossierDocument] = {}
    for i, (key, spec) in enumerate(DOSSIERS.items(), start=1):
        draft = spec.status == Status.DRAFT
        dossier = Dossier.objects.create(
            code=f"{agencies[spec.competent].code}-261120-{7000 + i}",
            procedure_version=versions[spec.competent],
            competent_agency=agencies[spec.competent],
            receiving_agency=agencies[spec.receiving],
            processing_unit=units[spec.unit] if spec.unit else None,
            assignee=users[spec.assignee] if spec.assignee else None,
            owner=users[spec.owner],
            channel="online",
            online_level="partial",
            status=spec.status,
            applicant_kind="person",
            **applicant_markers(i),
            submitted_at=None if draft else received,
            received_at=None if draft or spec.status == Status.SUBMITTED else received,
            due_at=None if draft else datetime(2026, 12, 4, 17, 0, tzinfo=VIETNAM),
            processed_at=received if spec.status == Status.PROCESSED else None,
        )
        if not draft:
            DossierTransition.objects.create(
                dossier=dossier,
                action=Action.RECEIVE,
                from_status=Status.SUBMITTED,
                to_status=Status.RECEIVED,
                actor=users[f"{spec.receiving}.desk"],
                actor_role=Role.DESK_OFFICER,
                at=received,
                due_at=dossier.due_at,
            )
            documents[key] = _document(dossier, users[spec.owner], DocumentKind.SUBMITTED)
        if spec.status == Status.SUPPLEMENT_REQUESTED or key == "c2_b1":
            DossierTransition.objects.create(
                dossier=dossier,
                action=Action.REQUEST_SUPPLEMENT,
                from_status=Status.RECEIVED,
                to_status=Status.SUPPLEMENT_REQUESTED,
                actor=users[f"{spec.receiving}.desk"],
                actor_role=Role.DESK_OFFICER,
                at=received,
                note="Thiếu bản sao giấy phép.",
            )
        if spec.status == Status.PROCESSED:
            documents[f"{key}:result"] = _document(dossier, users[f"{spec.competent}.leader"], DocumentKind.RESULT)
        dossiers[key] = dossier
    for key in ("c1_done", "c2_b1"):  # ratings: read by the leaders and the desk of the competent agency
        ServiceRating.objects.create(
            dossier=dossiers[key],
            satisfaction="neutral",
            contacts_to_complete="0",
            agencies_contacted="none",
            attitude="helpful",
            information_accurate=True,
            comment="Chờ hơi lâu.",
            channel="online",
            rated_at=received,
        )
    consultation = DossierConsultation.objects.create(
        dossier=dossiers["c1_a1"],
        unit=units["A2"],
        requested_by=users["A.head1"],
        question="Ý kiến về địa điểm?",
        requested_at=received,
        due_at=datetime(2026, 12, 2, 17, 0, tzinfo=VIETNAM),
    )

    def payment(dossier: str, status: str, provider: str = "") -> Payment:
        return Payment.objects.create(
            dossier=dossiers[dossier],
            amount=Decimal("500000"),
            description="Phí thẩm định",
            method=PaymentMethod.ONLINE if provider else PaymentMethod.CASH,
            provider=provider,
            status=status,
            created_at=received,
            paid_at=received if status == PaymentStatus.PAID else None,
            recorded_by=None if provider else users["A.desk"],
        )

    payments = {
        "c1_a1": payment("c1_a1", PaymentStatus.PAID),
        "c2_b1": payment("c2_b1", PaymentStatus.PAID),
        "fake_c1": payment("c1_sup", PaymentStatus.PENDING, "fake"),
        "fake_c2": payment("c2_a2", PaymentStatus.PENDING, "fake"),
    }
    stored: dict[str, StoredDocument] = {}
    drafts: dict[str, DossierDraft] = {}
    pakn: dict[str, Pakn] = {}
    for n, key in enumerate(CITIZENS, start=1):
        stored[key] = StoredDocument.objects.create(
            owner=users[key],
            title=f"Stored ZS{n}Q",
            file=ContentFile(PDF + key.encode(), name="giay-to.pdf"),
            original_name="giay-to.pdf",
            content_type="application/pdf",
            size=len(PDF) + 2,
            sha256=f"{n:064d}",
            stored_at=received,
        )
        started = draft_start(owner=users[key], procedure_code=versions["A"].procedure.code)
        started.applicant = {**started.applicant, "name": f"Draft ZD{n}Q", "id_number": f"0330000001{n:02d}"}
        started.save(update_fields=["applicant"])
        drafts[key] = started
        agency = agencies["A" if key == "c1" else "B"]
        pakn[key] = pakn_submit(
            agency=agency,
            data=PaknInput(
                category="regulations",
                title=f"Feedback ZP{n}Q",
                content="Nội dung phản ánh đủ dài để được nhận.",
                dossier_code=dossiers["c1_a1" if key == "c1" else "c2_b1"].code,
                contact_name=f"Sender ZP{n}Q",
                contact_phone=f"09140001{n:02d}",
                contact_email=f"zp{n}q@example.vn",
            ),
            submitter=users[key],
        )

    def campaign(agency: str, status: str) -> Campaign:
        return Campaign.objects.create(
            agency=agencies[agency],
            name=f"Campaign {agency} {status}",
            channel="sms",
            text="{agency}: lần sau nộp hồ sơ {procedure} trực tuyến tại {link}",
            applied_from=date(2026, 10, 1),
            applied_until=date(2026, 10, 31),
            created_by=users[f"{agency}.leader"],
            rate_per_minute=30,
            quiet_from=time(21, 0),
            quiet_until=time(7, 0),
            status=status,
        )

    campaigns = {
        "A": campaign("A", "finished"),
        "A_draft": campaign("A", "draft"),
        "B": campaign("B", "finished"),
        "B_draft": campaign("B", "draft"),
    }
    announcements = {
        "published": AnnouncementFactory(agency=agencies["A"], attachment=ContentFile(PDF, name="thong-bao.pdf")),
        "scheduled": AnnouncementFactory(agency=agencies["A"], scheduled=True),
    }
    world = World(
        users=users,
        agencies=agencies,
        dossiers=dossiers,
        documents=documents,
        payments=payments,
        drafts=drafts,
        stored=stored,
        pakn=pakn,
        campaigns=campaigns,
        consultation=consultation,
        announcements=announcements,
        procedure_code=versions["A"].procedure.code,
    )
    _collect_markers(world)
    return world


def _document(dossier: Dossier, by: User, kind: str) -> DossierDocument:
    return DossierDocument.objects.create(
        dossier=dossier,
        kind=kind,
        file=ContentFile(PDF + dossier.code.encode(), name="tai-lieu.pdf"),
        original_name="tai-lieu.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        uploaded_by=by,
        uploaded_at=timezone.now(),
    )


def _collect_markers(world: World) -> None:
    """Every piece of personal data in the world, with who may read it."""
    markers = world.markers
    for i, key in enumerate(DOSSIERS, start=1):
        for value in [world.dossiers[key].code, *applicant_markers(i).values()]:
            markers.append((value, lambda user, key=key: world.sees(user, key), key))  # type: ignore[misc]
    for n, key in enumerate(CITIZENS, start=1):
        account = world.users[key]

        def may_read_account(user: str, key: str = key) -> bool:
            # The account holder, officials who see one of their dossiers, and those who handle their feedback.
            pakn_agency = "A" if key == "c1" else "B"
            handles = bool(world.roles_at(user, pakn_agency) & PAKN_ROLES)
            return user == key or world.sees_any_of(user, key) or handles

        for value in (account.full_name, account.phone, account.email, account.id_number):
            markers.append((value, may_read_account, ""))
        for value in (f"Draft ZD{n}Q", f"0330000001{n:02d}", f"Stored ZS{n}Q"):
            markers.append((value, lambda user, key=key: user == key, ""))  # type: ignore[misc]
        pakn = world.pakn[key]
        agency = "A" if key == "c1" else "B"
        for value in (pakn.contact_name, pakn.contact_phone, pakn.contact_email, pakn.title):
            markers.append(
                (
                    value,
                    lambda user, key=key, agency=agency: user == key or bool(world.roles_at(user, agency) & PAKN_ROLES),  # type: ignore[misc]
                    "",
                )
            )


# --- The table -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """One request of a URL: its kwargs, its query string, and the object the rule looks at."""

    kwargs: dict[str, Any] = field(default_factory=dict)
    query: str = ""
    obj: str = ""
    data: dict[str, Any] = field(default_factory=dict)


Who = Callable[[World, str, Target], bool]


@dataclass(frozen=True)
class Rule:
    who: Who
    targets: Callable[[World], list[Target]] = lambda w: [Target()]
    method: str = "GET"
    ok: frozenset[int] = frozenset({200})
    # Pages whose personal data the leak check cannot read (PDF, files): only the status is checked.
    binary: bool = False
    users: tuple[str, ...] = USERS
    # Who may read personal data on this page beyond the dossier rule (the leak check): (user, dossier) -> bool.
    also_reads: Callable[[World, str, str], bool] | None = None
    # How a GET refuses (a redirect to sign in is always a refusal).
    refusals: frozenset[int] = frozenset({401, 403, 404})


def public(w: World, u: str, t: Target) -> bool:
    return True


def nobody(w: World, u: str, t: Target) -> bool:
    return False


def signed_in(w: World, u: str, t: Target) -> bool:
    return u != "anon"


def official(w: World, u: str, t: Target) -> bool:
    return w.is_official(u)


def any_role(*roles: str) -> Who:
    return lambda w, u, t: w.has_role(u, set(roles))


def role_at_agency(roles: AbstractSet[str], agency_of: Callable[[World, Target], str]) -> Who:
    return lambda w, u, t: bool(w.roles_at(u, agency_of(w, t)) & roles)


def official_sees(w: World, u: str, t: Target) -> bool:
    """The desk's pages of a dossier: officials who may read it (its applicant uses the portal)."""
    return w.is_official(u) and w.sees(u, t.obj.split(":")[0])


def sees(w: World, u: str, t: Target) -> bool:
    return w.sees(u, t.obj.split(":")[0])


def applicant(w: World, u: str, t: Target) -> bool:
    return DOSSIERS[t.obj.split(":")[0]].owner == u


def owner_of(w: World, u: str, t: Target) -> bool:
    return t.obj == u


def report_reader(roles: AbstractSet[str]) -> Who:
    """Reports of the agency named by `?agency=` (by default the user's own)."""

    def who(w: World, u: str, t: Target) -> bool:
        if t.obj:
            return bool(w.roles_at(u, t.obj) & roles)
        return w.has_role(u, roles)

    return who


PERIOD = "from=2026-11-01&to=2026-11-30"


def agency_targets(w: World, extra: str = "") -> list[Target]:
    """The user's own agency (the default), then each agency named."""
    query = f"{PERIOD}{extra}"
    return [Target(query=query), *(Target(query=f"{query}&agency={a.code}", obj=k) for k, a in w.agencies.items())]


def dossier_targets(*keys: str, **more: Any) -> Callable[[World], list[Target]]:
    def targets(w: World) -> list[Target]:
        chosen = keys or tuple(DOSSIERS)
        return [Target(kwargs={"code": w.dossiers[k].code, **more}, obj=k) for k in chosen]

    return targets


def document_targets(w: World) -> list[Target]:
    targets = [
        Target(kwargs={"code": w.dossiers[k.split(":")[0]].code, "document_id": w.documents[k].pk}, obj=k)
        for k in ("c1_a1", "c1_relay", "c2_a2", "c2_b1", "c1_done:result")
    ]
    # A dossier one may see, with the id of another dossier's document: no one gets that file.
    mixed = {"code": w.dossiers["c1_a1"].code, "document_id": w.documents["c2_b1"].pk}
    return [*targets, Target(kwargs=mixed, obj="mixed")]


def document_rule(portal: bool) -> Who:
    """A dossier's file: who may read the dossier (the portal: its applicant). The result is the
    agency's draft until it is returned: not for the applicant before then."""

    def who(w: World, u: str, t: Target) -> bool:
        if t.obj == "mixed":
            return False
        dossier, _, kind = t.obj.partition(":")
        allowed = DOSSIERS[dossier].owner == u if portal else w.sees(u, dossier)
        if kind == "result" and DOSSIERS[dossier].owner == u:
            return False
        return allowed

    return who


def payment_targets(w: World) -> list[Target]:
    return [
        Target(kwargs={"code": w.dossiers["c1_a1"].code, "reference": w.payments["c1_a1"].reference}, obj="c1_a1"),
        Target(kwargs={"code": w.dossiers["c2_b1"].code, "reference": w.payments["c2_b1"].reference}, obj="c2_b1"),
        # c1's dossier with c2's payment: the receipt is nobody's.
        Target(kwargs={"code": w.dossiers["c1_a1"].code, "reference": w.payments["c2_b1"].reference}, obj="mixed"),
    ]


def unless_mixed(who: Who) -> Who:
    return lambda w, u, t: t.obj != "mixed" and who(w, u, t)


def answer_targets(w: World) -> list[Target]:
    consultation = w.consultation.pk
    return [
        Target(kwargs={"code": w.dossiers["c1_a1"].code, "consultation_id": consultation}, obj="c1_a1"),
        Target(kwargs={"code": w.dossiers["c2_b1"].code, "consultation_id": consultation}, obj="c2_b1"),
    ]


def answer_rule(w: World, u: str, t: Target) -> bool:
    """Only the consulted unit (A2) answers, and only through the dossier it was asked about."""
    return t.obj == "c1_a1" and any(unit == "A2" for _at, _role, unit in w.assignments(u))


def citizen_targets(attr: str, kwarg: str) -> Callable[[World], list[Target]]:
    return lambda w: [Target(kwargs={kwarg: getattr(w, attr)[key].pk}, obj=key) for key in CITIZENS]


def pakn_agency(w: World, t: Target) -> str:
    return "A" if t.obj == "c1" else "B"


def campaign_targets(*keys: str, **more: Any) -> Callable[[World], list[Target]]:
    return lambda w: [Target(kwargs={"campaign_id": w.campaigns[k].pk, **more}, obj=k) for k in keys]


def campaign_agency(w: World, t: Target) -> str:
    return t.obj[0]


def announcement_targets(w: World) -> list[Target]:
    return [Target(kwargs={"pk": a.pk}, obj=key) for key, a in w.announcements.items()]


def published(w: World, u: str, t: Target) -> bool:
    return t.obj == "published"


ANY = frozenset(range(200, 500))
PAGE_OR_REDIRECT = frozenset({200, 301, 302})
# POSTs: a dossier of each scope (division A1, division A2, received by A for B, agency B).
POSTED = ("c1_a1", "c1_relay", "c2_a2", "c2_b1")
RECEIVED = ("c1_recv", "c1_sup", "c1_relay", "c2_a2", "c2_b1")  # PDFs: a few dossiers, to keep the matrix fast

RULES: dict[str, Rule] = {
    # Health, language switch: no data.
    "healthz": Rule(public),
    "healthz-live": Rule(public),
    "set_language": Rule(public, method="POST", ok=ANY),
    # Sign-in and password pages: open to all; they show no one's data.
    "login": Rule(public, ok=PAGE_OR_REDIRECT),
    "logout": Rule(public, method="POST", ok=ANY),
    "oidc_authentication_init": Rule(public, ok=ANY),
    "oidc_authentication_callback": Rule(public, ok=ANY),
    "password_reset": Rule(public, ok=PAGE_OR_REDIRECT),
    "password_reset_sms": Rule(public, ok=PAGE_OR_REDIRECT),
    "password_reset_done": Rule(public),
    "password_reset_confirm": Rule(
        public, targets=lambda w: [Target(kwargs={"uidb64": "MQ", "token": "set-password"})], ok=ANY
    ),
    "password_reset_complete": Rule(public),
    # The API's public part.
    "api-schema": Rule(public),
    "api-docs": Rule(public),
    "api-token": Rule(public, method="POST", ok=frozenset({400})),
    "api-provinces": Rule(public),
    "api-communes": Rule(public, targets=lambda w: [Target(kwargs={"province": 1})], ok=frozenset({200, 404})),
    "api-procedure-list": Rule(public),
    "api-procedure-detail": Rule(public, targets=lambda w: [Target(kwargs={"code": w.procedure_code})]),
    "api-calendar-due": Rule(public, ok=frozenset({200, 400})),
    "api-lookup": Rule(public, ok=frozenset({400, 404, 429})),
    # The API's dossiers: who may read them (a citizen their own, officials their agency's or unit's).
    "api-dossier-list": Rule(signed_in),
    "api-dossier-detail": Rule(sees, targets=dossier_targets()),
    "api-dossier-action": Rule(sees, targets=dossier_targets(*POSTED, action="deny"), method="POST", ok=ANY),
    "api-dossier-documents": Rule(sees, targets=dossier_targets(*POSTED), method="POST", ok=ANY),
    "api-dossier-document": Rule(document_rule(portal=False), targets=document_targets, binary=True),
    "api-dossier-receipt": Rule(sees, targets=dossier_targets(*RECEIVED), binary=True),
    # Reports: leaders, report viewers, administrators (and for the period report, the desk) of the agency.
    "api-report-summary": Rule(report_reader(REPORT_ROLES), targets=agency_targets),
    "api-report-index766": Rule(report_reader(REPORT_ROLES), targets=agency_targets),
    "api-report-tt01": Rule(report_reader(SCORE_ROLES), targets=agency_targets),
    "reports:period": Rule(report_reader(REPORT_ROLES), targets=agency_targets),
    "reports:dossiers": Rule(report_reader(REPORT_ROLES), targets=lambda w: agency_targets(w, "&column=received.new")),
    "reports:online_rate": Rule(report_reader(REPORT_ROLES), targets=agency_targets),
    "reports:coverage": Rule(report_reader(REPORT_ROLES), targets=agency_targets),
    "reports:index": Rule(report_reader(REPORT_ROLES), targets=agency_targets),
    "reports:index_dossiers": Rule(
        report_reader(REPORT_ROLES), targets=lambda w: agency_targets(w, "&indicator=3.3&part=denominator")
    ),
    "reports:tt01": Rule(report_reader(SCORE_ROLES), targets=agency_targets),
    "reports:tt01_dossiers": Rule(report_reader(SCORE_ROLES), targets=agency_targets, ok=frozenset({200, 400})),
    # Another agency named: the form again with the error "you may not read this agency" (400, no data).
    "national_sync:reconciliation": Rule(
        report_reader(REPORT_ROLES), targets=agency_targets, refusals=frozenset({400, 403})
    ),
    # Dashboards: agency-wide roles, and division heads for their division.
    "dashboards:home": Rule(any_role(*DASHBOARD_ROLES)),
    # The dossiers behind a number: the user's own scope, or an agency named (its agency-wide roles;
    # its division heads get their division's, which the leak check holds them to).
    "dashboards:dossiers": Rule(
        lambda w, u, t: bool(w.roles_at(u, t.obj) & DASHBOARD_ROLES) if t.obj else w.has_role(u, DASHBOARD_ROLES),
        targets=lambda w: [
            Target(query="list=now&figure=open"),
            *(Target(query=f"list=now&figure=open&agency={a.code}", obj=k) for k, a in w.agencies.items()),
        ],
        refusals=frozenset({400, 403, 404}),
    ),
    "transparency:index": Rule(public),
    "transparency:agency": Rule(public, targets=lambda w: [Target(kwargs={"code": w.agencies["A"].code})]),
    # Outreach: the desk, leaders and administrators; campaigns are managed by leaders and administrators.
    "outreach:home": Rule(any_role(Role.DESK_OFFICER, Role.AGENCY_LEADER, Role.ADMINISTRATOR)),
    "outreach:printable": Rule(
        role_at_agency({Role.DESK_OFFICER, Role.AGENCY_LEADER, Role.ADMINISTRATOR}, lambda w, t: "A"),
        targets=lambda w: [Target(query=f"procedure={w.procedure_code}&format=leaflet-a5")],
        binary=True,
    ),
    "outreach:campaigns": Rule(any_role(*CAMPAIGN_READERS)),
    "outreach:campaign-new": Rule(any_role(*CAMPAIGN_MANAGERS)),
    "outreach:campaign": Rule(
        role_at_agency(CAMPAIGN_READERS, campaign_agency), targets=campaign_targets("A", "A_draft", "B", "B_draft")
    ),
    "outreach:campaign-edit": Rule(
        role_at_agency(CAMPAIGN_MANAGERS, campaign_agency), targets=campaign_targets("A_draft", "B_draft")
    ),
    "outreach:campaign-action": Rule(
        role_at_agency(CAMPAIGN_MANAGERS, campaign_agency),
        targets=campaign_targets("A", "A_draft", "B_draft", action="cancel"),
        method="POST",
        ok=ANY,
    ),
    "outreach:campaign-people": Rule(
        role_at_agency(CAMPAIGN_READERS, campaign_agency), targets=campaign_targets("A", "B", metric="sent")
    ),
    "links:follow": Rule(public, targets=lambda w: [Target(kwargs={"token": "khong-co"})], ok=frozenset({404})),
    "links:opt-out": Rule(public, targets=lambda w: [Target(kwargs={"token": "khong-co"})], ok=frozenset({404})),
    # The desk.
    "desk:queue": Rule(
        official, targets=lambda w: [Target(), Target(query="queue=all"), Target(query="queue=all&q=ZX")]
    ),
    "desk:intake": Rule(any_role(Role.DESK_OFFICER)),
    "desk:dossier": Rule(official_sees, targets=dossier_targets()),
    "desk:action": Rule(official_sees, targets=dossier_targets(*POSTED, action="deny"), method="POST", ok=ANY),
    "desk:receipt": Rule(official_sees, targets=dossier_targets(*RECEIVED), binary=True),
    "desk:notice": Rule(
        official_sees, targets=dossier_targets("c1_sup", "c2_b1", form="supplement-request"), binary=True
    ),
    "desk:control-slip": Rule(official_sees, targets=dossier_targets("c1_sup", "c2_b1"), binary=True),
    "desk:upload": Rule(official_sees, targets=dossier_targets(*POSTED), method="POST", ok=ANY),
    "desk:cash-payment": Rule(official_sees, targets=dossier_targets(*POSTED), method="POST", ok=ANY),
    "desk:payment-receipt": Rule(unless_mixed(official_sees), targets=payment_targets, binary=True),
    "desk:consult": Rule(official_sees, targets=dossier_targets(*POSTED), method="POST", ok=ANY),
    "desk:answer": Rule(answer_rule, targets=answer_targets, method="POST", ok=ANY),
    # Form 07: the desk and the leaders of the receiving agency.
    # It lists what the agency's desk received, for other agencies too: its leaders read those rows
    # (the applicant's name and the code) although they cannot open those dossiers (the register is
    # the receiving agency's book, as in Circular 01/2018's form 07).
    "desk:register": Rule(
        any_role(Role.DESK_OFFICER, Role.AGENCY_LEADER),
        also_reads=lambda w, u, d: Role.AGENCY_LEADER in w.roles_at(u, DOSSIERS[d].receiving),
    ),
    "desk:ratings": Rule(official),
    "desk:guidance": Rule(any_role(Role.DESK_OFFICER, Role.VOLUNTEER_GUIDE)),
    "desk:feedback": Rule(any_role(*PAKN_ROLES)),
    "desk:feedback-figures": Rule(any_role(*PAKN_ROLES)),
    "desk:feedback-detail": Rule(role_at_agency(PAKN_ROLES, pakn_agency), targets=citizen_targets("pakn", "pakn_id")),
    "desk:feedback-action": Rule(
        role_at_agency(PAKN_ROLES, pakn_agency), targets=citizen_targets("pakn", "pakn_id"), method="POST", ok=ANY
    ),
    # Payments: the provider's return and notification check the signature, not the user.
    "payments:return": Rule(public, targets=lambda w: [Target(kwargs={"provider": "fake"})], ok=frozenset({302})),
    "payments:notification": Rule(public, targets=lambda w: [Target(kwargs={"provider": "fake"})], ok=ANY),
    "payments:fake-checkout": Rule(
        applicant,  # of the payment's dossier
        targets=lambda w: [
            Target(kwargs={"reference": w.payments[k].reference}, query="next=/", obj=d)
            for k, d in (("fake_c1", "c1_sup"), ("fake_c2", "c2_a2"))
        ],
    ),
    # News, public pages.
    "news:list": Rule(public),
    "news:detail-short": Rule(published, targets=announcement_targets, ok=PAGE_OR_REDIRECT),
    "news:detail": Rule(
        published,
        targets=lambda w: [Target(kwargs={"pk": a.pk, "slug": "thong-bao"}, obj=k) for k, a in w.announcements.items()],
        ok=PAGE_OR_REDIRECT,
    ),
    "news:attachment": Rule(published, targets=announcement_targets, binary=True),
    "notifications:sms_delivery_report": Rule(public, method="POST", ok=ANY),
    # The portal: public pages.
    "portal:home": Rule(public),
    "portal:procedure-list": Rule(public),
    "portal:procedure-detail": Rule(public, targets=lambda w: [Target(kwargs={"code": w.procedure_code})]),
    "portal:calendar": Rule(public),
    "portal:lookup": Rule(public),
    "portal:kiosk": Rule(public),
    "portal:signup": Rule(public, ok=PAGE_OR_REDIRECT),
    "portal:feedback": Rule(public, ok=PAGE_OR_REDIRECT),
    "portal:feedback-sent": Rule(public, ok=PAGE_OR_REDIRECT),
    "portal:feedback-follow": Rule(public),
    "portal:feedback-public": Rule(public),
    # A reaction to an answer that is not published: nobody changes anything.
    "portal:feedback-react": Rule(nobody, targets=citizen_targets("pakn", "pakn_id"), method="POST", ok=ANY),
    # The portal: one's own things.
    "portal:apply": Rule(signed_in, targets=lambda w: [Target(kwargs={"code": w.procedure_code})]),
    "portal:signed-in": Rule(signed_in, ok=PAGE_OR_REDIRECT),
    "portal:verify": Rule(signed_in),
    "portal:verify-start": Rule(signed_in, method="POST", ok=ANY),
    "portal:my-dossiers": Rule(signed_in),
    "portal:notifications": Rule(signed_in),
    "portal:store": Rule(signed_in),
    "portal:organisations": Rule(signed_in),
    "portal:feedback-mine": Rule(signed_in),
    "portal:draft": Rule(owner_of, targets=citizen_targets("drafts", "draft_id")),
    "portal:draft-review": Rule(owner_of, targets=citizen_targets("drafts", "draft_id"), ok=PAGE_OR_REDIRECT),
    "portal:draft-delete": Rule(owner_of, targets=citizen_targets("drafts", "draft_id"), method="POST", ok=ANY),
    "portal:stored-file": Rule(owner_of, targets=citizen_targets("stored", "stored_id"), binary=True),
    "portal:feedback-detail": Rule(owner_of, targets=citizen_targets("pakn", "pakn_id")),
    "portal:feedback-action": Rule(
        owner_of,
        targets=lambda w: [Target(kwargs={"pakn_id": w.pakn[k].pk, "action": "bo-sung"}, obj=k) for k in CITIZENS],
        method="POST",
        ok=ANY,
    ),
    # The portal's dossier pages: its applicant only (an official uses the desk's pages).
    "portal:my-dossier": Rule(applicant, targets=dossier_targets()),
    "portal:submitted": Rule(applicant, targets=dossier_targets(*POSTED)),
    "portal:receipt": Rule(applicant, targets=dossier_targets(*RECEIVED), binary=True),
    "portal:notice": Rule(
        applicant, targets=dossier_targets("c1_sup", "c2_b1", form="supplement-request"), binary=True
    ),
    "portal:document": Rule(document_rule(portal=True), targets=document_targets, binary=True),
    "portal:payment-receipt": Rule(unless_mixed(applicant), targets=payment_targets, binary=True),
    "portal:supplement": Rule(applicant, targets=dossier_targets(*POSTED), method="POST", ok=ANY),
    "portal:withdraw": Rule(applicant, targets=dossier_targets(*POSTED), method="POST", ok=ANY),
    "portal:delivery": Rule(applicant, targets=dossier_targets(*POSTED), method="POST", ok=ANY),
    "portal:pay": Rule(applicant, targets=dossier_targets(*POSTED), method="POST", ok=ANY),
    "portal:rate": Rule(applicant, targets=dossier_targets(*POSTED), method="POST", ok=ANY),
}
# Pages that are the same for everyone: a sample of users is enough.
PUBLIC_SAMPLE = ("anon", "c1", "A.desk")
SIGNED_IN_SAMPLE = ("anon", "c1", "c2", "A.desk", "A.guide", "B.leader")
for _name, _rule in RULES.items():
    if _rule.who is public:
        RULES[_name] = replace(_rule, users=PUBLIC_SAMPLE)
    elif _rule.who is signed_in and _name not in ("api-dossier-list", "portal:my-dossiers"):
        RULES[_name] = replace(_rule, users=SIGNED_IN_SAMPLE)

# Patterns without a name, keyed by their route.
UNNAMED = {
    "media/catalog/<path:path>": "the public catalog's templates, served in development only (no personal data)",
}
ADMIN_PREFIX = "admin/"  # Django's admin site: staff only (checked apart, in test_the_admin_site_is_staff_only).


def url_patterns() -> Iterator[tuple[str | None, str]]:
    """Every URL pattern of the project: (its namespaced name or None, its route)."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[tuple[str | None, str]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                yield (f"{namespace}{p.name}" if p.name else None), prefix + str(p.pattern)

    yield from walk(get_resolver().url_patterns, "", "")


# --- The world, once for the module --------------------------------------------------------------
@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """Built once in a transaction rolled back at the end of the module (each test's own transaction nests in it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def clients(world: World, django_db_blocker: Any) -> dict[str, Client]:
    result: dict[str, Client] = {}
    with django_db_blocker.unblock():
        for key in USERS:
            client = Client(raise_request_exception=True, HTTP_ACCEPT_LANGUAGE="vi")
            if key != "anon":
                client.force_login(world.users[key])
            result[key] = client
    return result


def fingerprint() -> tuple[Any, ...]:
    """What a refused POST must leave as it was."""
    return (
        list(
            Dossier.objects.order_by("pk").values_list(
                "pk", "status", "processing_unit_id", "assignee_id", "result_delivery", "postal_address", "outcome"
            )
        ),
        DossierTransition.objects.count(),
        DossierDocument.objects.count(),
        DossierStep.objects.count(),
        list(DossierConsultation.objects.order_by("pk").values_list("pk", "answered_at")),
        list(Payment.objects.order_by("pk").values_list("pk", "status")),
        ServiceRating.objects.count(),
        list(Pakn.objects.order_by("pk").values_list("pk", "stage")),
        PaknEvent.objects.count(),
        PaknReaction.objects.count(),
        list(Campaign.objects.order_by("pk").values_list("pk", "status")),
        DossierDraft.objects.count(),
        StoredDocument.objects.count(),
    )


def _denied(response: Any, rule: Rule) -> bool:
    if response.status_code in rule.refusals:
        return True
    if response.status_code == 302:
        location = response["Location"]
        return location.startswith(LOGIN) or location.startswith(settings.LOGIN_URL)
    return False


@dataclass
class Tally:
    checks: int = 0
    allowed: int = 0
    problems: list[str] = field(default_factory=list)


def check(world: World, clients: dict[str, Client], name: str, rule: Rule, tally: Tally) -> None:
    # Every request is rolled back: the world before each one is this.
    baseline = fingerprint() if rule.method == "POST" else None
    for target in rule.targets(world):
        url = reverse(name, kwargs=target.kwargs) + (f"?{target.query}" if target.query else "")
        for user in rule.users:
            tally.checks += 1
            may = rule.who(world, user, target)
            tally.allowed += may
            where = f"{name} {url} as {user} ({'allowed' if may else 'denied'})"
            client = clients[user]
            cookies = copy.deepcopy(client.cookies)  # a sign-out or a new session must not last past the request
            with transaction.atomic():
                before = baseline if not may else None
                try:
                    send = client.post if rule.method == "POST" else client.get
                    response = send(url, target.data)
                except Exception as exc:  # noqa: BLE001  (a 500: reported with the request that caused it)
                    tally.problems.append(f"{where}: raised {exc.__class__.__name__}: {exc}")
                    transaction.set_rollback(True)
                    client.cookies = cookies
                    continue
                after = fingerprint() if before is not None else None
                transaction.set_rollback(True)
            client.cookies = cookies
            status = response.status_code
            if status >= 500:
                tally.problems.append(f"{where}: answered {status}")
                continue
            if may and status not in rule.ok:
                tally.problems.append(f"{where}: answered {status}, expected one of {sorted(rule.ok)[:6]}")
            if not may:
                if rule.method == "POST":
                    if before != after:
                        tally.problems.append(f"{where}: a refused POST changed the data")
                    if status == 200 and getattr(response, "streaming", False):
                        tally.problems.append(f"{where}: a refused POST answered a file")
                elif not _denied(response, rule):
                    tally.problems.append(f"{where}: answered {status} instead of refusing")
            _check_leaks(world, user, url, response, where, tally, rule)


def _check_leaks(world: World, user: str, url: str, response: Any, where: str, tally: Tally, rule: Rule) -> None:
    if getattr(response, "streaming", False):
        return
    content_type = response.get("Content-Type", "")
    if not any(kind in content_type for kind in ("text/", "json", "javascript")):
        return
    body = response.content.decode("utf-8", errors="replace")
    for marker, may_read, dossier in world.markers:
        if marker not in body or marker in url or may_read(user):
            continue
        if rule.also_reads is not None and dossier and rule.also_reads(world, user, dossier):
            continue
        tally.problems.append(f"{where}: the page shows {marker!r}")


# --- The tests -----------------------------------------------------------------------------------
def test_every_url_has_an_access_rule() -> None:
    """A URL added without its line in `RULES` (who may open it, which objects it names) fails here."""
    named = set()
    missing = []
    for name, route in url_patterns():
        if route.startswith(ADMIN_PREFIX):
            continue
        if name is None:
            if route not in UNNAMED:
                missing.append(route)
            continue
        named.add(name)
        if name not in RULES:
            missing.append(name)
    assert not missing, f"URL patterns without an access rule in test_access_matrix.RULES: {missing}"
    assert not set(RULES) - named, f"Rules for URLs that no longer exist: {sorted(set(RULES) - named)}"


GROUPS = {
    "portal": ("portal:", "payments:", "news:", "links:", "transparency:", "notifications:"),
    "desk": ("desk:", "outreach:"),
    "api": ("api-",),
    "reports": ("reports:", "dashboards:", "national_sync:"),
}


def _group(name: str) -> str:
    for group, prefixes in GROUPS.items():
        if name.startswith(prefixes):
            return group
    return "accounts"


@pytest.mark.parametrize("group", [*GROUPS, "accounts"])
def test_access_matrix(group: str, world: World, clients: dict[str, Client], db: Any) -> None:
    tally = Tally()
    with translation.override("vi"):  # pages in Vietnamese, as users get them
        for name, rule in RULES.items():
            if _group(name) == group:
                check(world, clients, name, rule, tally)
    print(f"access matrix [{group}]: {tally.checks} checks, {tally.allowed} allowed")
    assert tally.allowed > 0
    assert not tally.problems, "\n".join(tally.problems[:60]) + f"\n({len(tally.problems)} problems)"


def test_api_dossier_list_holds_exactly_what_each_user_may_see(
    world: World, clients: dict[str, Client], db: Any
) -> None:
    """A citizen's list has their own dossiers; an official's, their agency's or their division's."""
    checked = 0
    for user in USERS:
        response = clients[user].get("/api/v1/dossiers/?page_size=500")
        if user == "anon":
            assert response.status_code in (401, 403)
            continue
        assert response.status_code == 200, (user, response.content[:300])
        listed = {row["code"] for row in response.json()["results"]}
        expected = {world.dossiers[k].code for k in DOSSIERS if world.sees(user, k)}
        assert listed == expected, (user, sorted(listed ^ expected))
        checked += 1
    assert checked == len(USERS) - 1


def test_desk_queue_all_holds_exactly_what_each_official_may_see(
    world: World, clients: dict[str, Client], db: Any
) -> None:
    for user in OFFICIALS:
        body = clients[user].get("/mot-cua/?queue=all").content.decode()
        shown = {k for k in DOSSIERS if world.dossiers[k].code in body}
        expected = {k for k in DOSSIERS if world.sees(user, k)}
        assert shown == expected, (user, sorted(shown ^ expected))


def test_the_admin_site_is_staff_only(world: World, clients: dict[str, Client], db: Any) -> None:
    """Every role of the matrix (none is staff) is sent to the admin's sign-in; a superuser gets in."""
    pages = [
        "/admin/",
        "/admin/dossiers/dossier/",
        f"/admin/dossiers/dossier/{world.dossiers['c1_a1'].pk}/change/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{world.users['c1'].pk}/change/",
    ]
    for user in USERS:
        for page in pages:
            response = clients[user].get(page)
            assert response.status_code == 302, (user, page, response.status_code)
            assert response["Location"].startswith("/admin/login/"), (user, page)
    root = User.objects.create_superuser(username="root", password=None)
    client = Client()
    client.force_login(root)
    assert client.get("/admin/").status_code == 200


def test_a_dossier_of_another_party_is_the_same_404_as_none(world: World, clients: dict[str, Client], db: Any) -> None:
    """Refusals do not tell a dossier that exists from one that does not (no probing of codes)."""
    other = world.dossiers["c2_b1"].code
    missing = other[:-4] + "9999"
    for path in ("/api/v1/dossiers/{}/", "/ca-nhan/ho-so/{}/", "/mot-cua/ho-so/{}/"):
        for user in ("c1", "A.desk", "A.leader"):
            a = clients[user].get(path.format(other))
            b = clients[user].get(path.format(missing))
            assert a.status_code == b.status_code, (user, path, a.status_code, b.status_code)


def test_catalog_media_does_not_reach_private_files(world: World, db: Any) -> None:
    client = Client()
    for path in ("/media/catalog/../private/x.pdf", "/media/catalog/%2e%2e/private/x.pdf"):
        assert client.get(path).status_code == 404


@pytest.fixture(autouse=True)
def _fixed_now() -> Iterator[None]:
    import time_machine

    with time_machine.travel(NOW, tick=False):
        yield
