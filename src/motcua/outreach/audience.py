"""Who a campaign reaches: people who applied in person at the agency in the period (for the procedure
or field chosen), one per phone or e-mail, with a consent not withdrawn, whose channel is not switched off.

Reads only; the count shown before sending and the list written when the campaign starts come from the
same function, so what the leader saw is what is sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from motcua.accounts.models import User
from motcua.catalog.constants import Channel
from motcua.dossiers.constants import Status
from motcua.dossiers.models import Dossier
from motcua.integrations.sms.base import sms_segments
from motcua.notifications.constants import MessageChannel
from motcua.notifications.models import NotificationPreference
from motcua.outreach.messages import campaign_message
from motcua.outreach.models import Campaign, OutreachConsent

CHUNK = 500


def normal_email(address: str) -> str:
    return address.strip().lower()


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def local_day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Person:
    """One eligible person: their address on the campaign's channel and what they applied for."""

    address: str
    user_id: int | None
    consent_id: int
    procedure_code: str
    procedure_name: str


@dataclass(frozen=True)
class Audience:
    dossiers: int  # in-person dossiers that match the targeting
    without_address: int  # of those, without a phone (SMS) or an e-mail (e-mail)
    people: int  # distinct addresses
    without_consent: int
    channel_off: int
    eligible: list[Person] = field(default_factory=list)


def targeted_dossiers(campaign: Campaign) -> QuerySet[Dossier]:
    """The agency's dossiers that came in person or by post in the campaign's period, for its procedure or field."""
    dossiers = (
        Dossier.objects.filter(Q(competent_agency_id=campaign.agency_id) | Q(receiving_agency_id=campaign.agency_id))
        .exclude(channel=Channel.ONLINE)
        .exclude(status=Status.DRAFT)
        .filter(
            submitted_at__gte=local_day_start(campaign.applied_from),
            submitted_at__lt=local_day_start(campaign.applied_until + timedelta(days=1)),
        )
    )
    if campaign.procedure_id:
        dossiers = dossiers.filter(procedure_version__procedure_id=campaign.procedure_id)
    if campaign.field_id:
        dossiers = dossiers.filter(procedure_version__field_id=campaign.field_id)
    return dossiers


def consents_by_address(*, channel: str, agency_id: int, addresses: list[str]) -> dict[str, int]:
    """address → the latest consent not withdrawn that covers the agency (its own, or one for every agency)."""
    column = "phone" if channel == MessageChannel.SMS else "email"
    found: dict[str, int] = {}
    for chunk in _chunks(addresses):
        rows = (
            OutreachConsent.objects.filter(withdrawn_at__isnull=True, **{f"{column}__in": chunk})
            .filter(Q(agency_id=agency_id) | Q(agency__isnull=True))
            .order_by("given_at", "id")
            .values_list(column, "id")
        )
        found.update(rows)  # later consents overwrite earlier ones
    return found


def accounts_by_address(*, channel: str, addresses: list[str]) -> dict[str, list[int]]:
    """address → the accounts that hold it (the phone, or the e-mail in any case)."""
    found: dict[str, list[int]] = {}
    for chunk in _chunks(addresses):
        rows: Iterable[tuple[str, int]]
        if channel == MessageChannel.SMS:
            rows = User.objects.filter(phone__in=chunk).values_list("phone", "id")
        else:
            rows = (
                User.objects.annotate(lower_email=Lower("email"))
                .filter(lower_email__in=chunk)
                .values_list("lower_email", "id")
            )
        for address, user_id in rows:
            found.setdefault(address, []).append(user_id)
    return found


def users_with_channel_off(*, channel: str, user_ids: Iterable[int]) -> set[int]:
    """The accounts that switched `channel` off: campaigns are not legally required, so nothing reaches them."""
    column = "by_sms" if channel == MessageChannel.SMS else "by_email"
    ids = list(set(user_ids))
    off: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        off.update(
            NotificationPreference.objects.filter(user_id__in=chunk, **{column: False}).values_list(
                "user_id", flat=True
            )
        )
    return off


def channel_allows(
    *, channel: str, addresses: list[str], known_users: dict[str, int | None]
) -> tuple[dict[str, int | None], set[str]]:
    """(address → the account to credit, addresses whose holder switched the channel off)."""
    holders = accounts_by_address(channel=channel, addresses=addresses)
    for address, user_id in known_users.items():
        if user_id is not None and user_id not in holders.get(address, []):
            holders.setdefault(address, []).append(user_id)
    off_users = users_with_channel_off(channel=channel, user_ids=[uid for ids in holders.values() for uid in ids])
    blocked = {address for address, ids in holders.items() if off_users.intersection(ids)}
    credited = {address: (known_users.get(address) or (ids[0] if ids else None)) for address, ids in holders.items()}
    return credited, blocked


def campaign_audience(campaign: Campaign) -> Audience:
    """Everyone the campaign may reach now, one per address, the latest in-person dossier first."""
    column = "applicant_phone" if campaign.channel == MessageChannel.SMS else "applicant_email"
    rows = (
        targeted_dossiers(campaign)
        .order_by("-submitted_at", "-id")
        .values_list(column, "owner_id", "procedure_version__procedure__code", "procedure_version__name")
    )
    dossiers = 0
    without_address = 0
    latest: dict[str, tuple[int | None, str, str]] = {}
    for raw, owner_id, code, name in rows.iterator(chunk_size=2000):
        dossiers += 1
        address = (raw or "").strip()
        if campaign.channel == MessageChannel.EMAIL:
            address = normal_email(address)
        if not address:
            without_address += 1
            continue
        latest.setdefault(address, (owner_id, code, name))
    addresses = list(latest)
    consents = consents_by_address(channel=campaign.channel, agency_id=campaign.agency_id, addresses=addresses)
    consenting = [address for address in addresses if address in consents]
    credited, blocked = channel_allows(
        channel=campaign.channel,
        addresses=consenting,
        known_users={address: latest[address][0] for address in consenting},
    )
    eligible = [
        Person(
            address=address,
            user_id=credited.get(address),
            consent_id=consents[address],
            procedure_code=latest[address][1],
            procedure_name=latest[address][2],
        )
        for address in consenting
        if address not in blocked
    ]
    return Audience(
        dossiers=dossiers,
        without_address=without_address,
        people=len(addresses),
        without_consent=len(addresses) - len(consenting),
        channel_off=len(consenting) - len(eligible),
        eligible=eligible,
    )


def holdout_size(eligible: int, percent: int) -> int:
    """`percent` % of `eligible`, rounded half up (10 % of 25 → 3)."""
    return (eligible * percent + 50) // 100


# As long as a real token: the sample costs what a real message costs.
SAMPLE_TOKEN = "Ab3dE6gH9k"  # noqa: S105  (not a secret: a placeholder link)


@dataclass(frozen=True)
class CampaignCount:
    """What the leader sees before starting: who, how many, what it costs, what it says."""

    audience: Audience
    held_out: int
    to_send: int
    sample_subject: str
    sample_body: str
    segments_sample: int  # SMS segments of the sample message (0 for e-mail)
    segments_max: int
    segments_total: int  # for everyone eligible, before the control group is drawn
    encoding: str


def campaign_message_for(campaign: Campaign, *, token: str, procedure_name: str) -> tuple[str, str]:
    message = campaign_message(
        channel=campaign.channel,
        text=campaign.text,
        subject=campaign.subject,
        without_marks=campaign.without_diacritics,
        token=token,
        procedure=procedure_name,
        agency=campaign.agency.short_name or campaign.agency.name,
    )
    return message.subject, message.body


def campaign_count(campaign: Campaign) -> CampaignCount:
    audience = campaign_audience(campaign)
    eligible = len(audience.eligible)
    held_out = holdout_size(eligible, campaign.holdout_percent)
    first = audience.eligible[0].procedure_name if audience.eligible else _sample_procedure(campaign)
    subject, body = campaign_message_for(campaign, token=SAMPLE_TOKEN, procedure_name=first)
    segments_sample = segments_max = segments_total = 0
    encoding = ""
    if campaign.channel == MessageChannel.SMS:
        sample = sms_segments(body)
        segments_sample, encoding = sample.segments, sample.encoding
        per_procedure: dict[str, int] = {}
        for person in audience.eligible:
            if person.procedure_name not in per_procedure:
                _, text = campaign_message_for(campaign, token=SAMPLE_TOKEN, procedure_name=person.procedure_name)
                per_procedure[person.procedure_name] = sms_segments(text).segments
            segments_total += per_procedure[person.procedure_name]
        segments_max = max(per_procedure.values(), default=segments_sample)
    return CampaignCount(
        audience=audience,
        held_out=held_out,
        to_send=eligible - held_out,
        sample_subject=subject,
        sample_body=body,
        segments_sample=segments_sample,
        segments_max=segments_max,
        segments_total=segments_total,
        encoding=encoding,
    )


def _sample_procedure(campaign: Campaign) -> str:
    from motcua.catalog.models import ProcedureVersion

    versions = ProcedureVersion.objects.filter(agency_id=campaign.agency_id)
    if campaign.procedure_id:
        versions = versions.filter(procedure_id=campaign.procedure_id)
    elif campaign.field_id:
        versions = versions.filter(field_id=campaign.field_id)
    return versions.order_by("-valid_from").values_list("name", flat=True).first() or ""
