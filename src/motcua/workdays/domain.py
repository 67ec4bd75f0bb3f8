"""Deadline arithmetic on a working calendar. Pure: no database, no Django settings.

The rules (DOMAIN.md §8.3):

1. A dossier counts as received on its *reception day*: the day it was received if that is a
   working day and it came in no later than the cut-off (default 15:00); otherwise the next
   working day (a paper dossier received after 15:00 is transferred the next morning; an online
   dossier filed on a Sunday is received on Monday).
2. Counting starts the working day after the reception day (Civil Code Art. 147: the day of the
   event is not counted).
3. A period of N working days ends at the close of business of the N-th counted working day.
   N = 0 means "within the day": the close of the reception day.
4. Periods in working hours count only the office's working hours, from the moment of receipt.

A `WorkCalendarSnapshot` is immutable and precomputes, for every day of its range, how many
working days come before it, so that adding N working days is two array look-ups.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from motcua.core.errors import DomainError

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
SATURDAY, SUNDAY = 5, 6
UNIX_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


class CalendarRangeError(DomainError):
    code = "calendar-out-of-range"


class NaiveDatetimeError(DomainError):
    code = "naive-datetime"


@dataclass(frozen=True)
class WorkingHours:
    """Office hours of one agency; the lunch break is not working time."""

    morning_start: time = time(7, 30)
    morning_end: time = time(11, 30)
    afternoon_start: time = time(13, 0)
    afternoon_end: time = time(17, 0)
    cutoff: time = time(15, 0)

    def segments(self) -> tuple[tuple[time, time], tuple[time, time]]:
        return ((self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end))

    @property
    def close_of_business(self) -> time:
        return self.afternoon_end


@dataclass(frozen=True)
class SkippedDay:
    day: date
    reason: str  # "weekend" or the name of the holiday / day off


@dataclass(frozen=True)
class DueExplanation:
    """Why a due date is what it is: everything a person needs to check it by hand."""

    received_at: datetime  # local time
    received_on_working_day: bool
    received_day_reason: str  # "" on a working day, else why the day is not one
    after_cutoff: bool
    cutoff: time
    reception_day: date
    counting_starts: date
    amount: float
    unit: str  # "working_days", "working_hours" or "calendar_days"
    due_at: datetime  # local time
    skipped: tuple[SkippedDay, ...] = field(default_factory=tuple)
    extra_working_days: tuple[date, ...] = field(default_factory=tuple)


class WorkCalendarSnapshot:
    """An immutable working calendar over [first_day, last_day]."""

    def __init__(
        self,
        *,
        first_day: date,
        last_day: date,
        days_off: Mapping[date, str],
        extra_working_days: Mapping[date, str] | None = None,
        weekend: Iterable[int] = (SATURDAY, SUNDAY),
        hours: WorkingHours | None = None,
        tz: ZoneInfo = VIETNAM,
    ) -> None:
        if last_day < first_day:
            raise ValueError("last_day is before first_day")
        self.first_day = first_day
        self.last_day = last_day
        self.weekend = frozenset(weekend)
        self.days_off = dict(days_off)
        self.extra_working_days = dict(extra_working_days or {})
        self.hours = hours or WorkingHours()
        self.tz = tz
        self._base = first_day.toordinal()
        size = last_day.toordinal() - self._base + 1
        # working_before[i]: number of working days strictly before day i of the range.
        self._working_before = array("i", bytes(4 * (size + 1)))
        self._working = array("i")  # ordinals of the working days, in order
        is_working = bytearray(size)
        count = 0
        for i in range(size):
            self._working_before[i] = count
            day = date.fromordinal(self._base + i)
            if self._compute_is_working(day):
                is_working[i] = 1
                self._working.append(self._base + i)
                count += 1
        self._working_before[size] = count
        self._is_working = bytes(is_working)
        self._cutoff = self.hours.cutoff
        self._close = self.hours.close_of_business
        # Office hours as (start, end) seconds of the day, for counting working time in O(1).
        self._segments = tuple(
            (start.hour * 3600 + start.minute * 60, end.hour * 3600 + end.minute * 60)
            for start, end in self.hours.segments()
        )
        self._day_seconds = sum(max(end - start, 0) for start, end in self._segments)
        # The zone's offset when it never changes over the range (Asia/Ho_Chi_Minh: UTC+7 since 1975),
        # so that a Unix time is placed on the calendar with integer arithmetic alone.
        offsets = {
            datetime(year, month, 1, tzinfo=tz).utcoffset()
            for year in range(first_day.year, last_day.year + 1)
            for month in (1, 7)
        }
        offset = offsets.pop() if len(offsets) == 1 else None
        self._fixed_offset = int(offset.total_seconds()) if offset is not None else None

    # --- days ----------------------------------------------------------------------------
    def _compute_is_working(self, day: date) -> bool:
        if day in self.extra_working_days:
            return True
        if day in self.days_off:
            return False
        return day.weekday() not in self.weekend

    def _offset(self, day_ordinal: int) -> int:
        offset = day_ordinal - self._base
        if offset < 0 or offset >= len(self._is_working):
            raise CalendarRangeError(
                f"{date.fromordinal(day_ordinal):%d/%m/%Y} is outside the working calendar "
                f"({self.first_day:%d/%m/%Y}–{self.last_day:%d/%m/%Y})."
            )
        return offset

    def is_working_day(self, day: date) -> bool:
        return bool(self._is_working[self._offset(day.toordinal())])

    def non_working_reason(self, day: date) -> str:
        """'' for a working day; else the holiday's name, or 'weekend'."""
        if self.is_working_day(day):
            return ""
        return self.days_off.get(day) or "weekend"

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        index = self._working_before[self._offset(day.toordinal()) + 1]
        return date.fromordinal(self._working_ordinal(index))

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before `day`."""
        index = self._working_before[self._offset(day.toordinal())] - 1
        if index < 0:
            raise CalendarRangeError(f"No working day before {day:%d/%m/%Y} in the working calendar.")
        return date.fromordinal(self._working_ordinal(index))

    def _working_ordinal(self, index: int) -> int:
        if index >= len(self._working):
            raise CalendarRangeError(
                f"The deadline falls after {self.last_day:%d/%m/%Y}, the end of the working calendar."
            )
        return self._working[index]

    def working_days_in(self, start: date, end: date) -> int:
        """Working days in [start, end], both included (0 when end < start)."""
        if end < start:
            return 0
        a = self._offset(start.toordinal())
        b = self._offset(end.toordinal())
        return self._working_before[b + 1] - self._working_before[a]

    # --- reception -----------------------------------------------------------------------
    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            raise NaiveDatetimeError("A time without its UTC offset cannot be placed on the calendar.")
        return moment.astimezone(self.tz)

    def _reception_index(self, local: datetime) -> int:
        """Index (in the working-day list) of the reception day of a dossier received at `local`."""
        offset = self._offset(local.toordinal())
        index = self._working_before[offset]
        if self._is_working[offset] and local.time() <= self._cutoff:
            return index
        # Not a working day, or after the cut-off: received on the next working day.
        return self._working_before[offset + 1]

    def reception_day(self, received_at: datetime) -> date:
        return date.fromordinal(self._working_ordinal(self._reception_index(self._local(received_at))))

    # --- periods in working days ---------------------------------------------------------
    def due_after_working_days(self, received_at: datetime, working_days: int) -> datetime:
        """Close of business of the `working_days`-th working day after the reception day."""
        if working_days < 0:
            raise DomainError("The number of working days cannot be negative.", code="negative-period")
        index = self._reception_index(self._local(received_at)) + working_days
        return datetime.combine(date.fromordinal(self._working_ordinal(index)), self._close, tzinfo=self.tz)

    def working_days_until(self, received_at: datetime, due: date) -> int:
        """Inverse of `due_after_working_days`: counted working days from reception to `due`."""
        reception = self._reception_index(self._local(received_at))
        offset = self._offset(due.toordinal())
        # A due date on a non-working day counts as the next working day (Civil Code Art. 148).
        due_index = self._working_before[offset] if self._is_working[offset] else self._working_before[offset + 1]
        return due_index - reception

    # --- periods in calendar days ------------------------------------------------------
    def due_after_calendar_days(self, received_at: datetime, days: int) -> datetime:
        """N days from the day after reception; a last day off moves to the next working day (Civil Code Art. 148)."""
        if days < 0:
            raise DomainError("The number of days cannot be negative.", code="negative-period")
        last = self.reception_day(received_at) + timedelta(days=days)
        if not self.is_working_day(last):
            last = self.next_working_day(last)
        return datetime.combine(last, self._close, tzinfo=self.tz)

    # --- periods in working hours --------------------------------------------------------
    def _minutes_left_today(self, local: datetime) -> list[tuple[datetime, datetime]]:
        day = local.date()
        spans = []
        for start, end in self.hours.segments():
            span_start = max(local, datetime.combine(day, start, tzinfo=self.tz))
            span_end = datetime.combine(day, end, tzinfo=self.tz)
            if span_start < span_end:
                spans.append((span_start, span_end))
        return spans

    def due_after_working_hours(self, received_at: datetime, hours: float) -> datetime:
        """The moment when `hours` of office time have passed since receipt."""
        if hours < 0:
            raise DomainError("The number of working hours cannot be negative.", code="negative-period")
        remaining = timedelta(hours=hours)
        cursor = self._local(received_at)
        if not self.is_working_day(cursor.date()):
            cursor = datetime.combine(self.next_working_day(cursor.date()), time.min, tzinfo=self.tz)
        while True:
            for span_start, span_end in self._minutes_left_today(cursor):
                available = span_end - span_start
                if remaining <= available:
                    return span_start + remaining
                remaining -= available
            cursor = datetime.combine(self.next_working_day(cursor.date()), time.min, tzinfo=self.tz)

    def due(self, received_at: datetime, amount: float, unit: str = "working_days") -> datetime:
        """The due date of a period of `amount` `unit`s (working_days, working_hours or calendar_days)."""
        if unit == "working_hours":
            return self.due_after_working_hours(received_at, amount)
        if unit == "working_days":
            if amount != int(amount):
                raise DomainError("Working days must be a whole number.", code="fractional-days")
            return self.due_after_working_days(received_at, int(amount))
        if unit == "calendar_days":
            return self.due_after_calendar_days(received_at, int(amount))
        raise DomainError(f"Unknown unit {unit!r}.", code="unknown-unit")

    # --- working time between two moments -----------------------------------------------
    @property
    def hours_per_day(self) -> float:
        """Office hours in one working day (8 with the default hours)."""
        return self._day_seconds / 3600

    def working_seconds_before(self, moment: datetime) -> int:
        """Office seconds from the start of the calendar's range to `moment` (two look-ups)."""
        local = self._local(moment)
        return self._worked_until(local.toordinal(), local.hour * 3600 + local.minute * 60 + local.second)

    def working_seconds_before_timestamp(self, timestamp: int) -> int:
        """`working_seconds_before` of a Unix time (seconds since 1970 UTC), in integers only when
        the zone's offset is fixed: for many moments read from the database as numbers."""
        if self._fixed_offset is None:
            return self.working_seconds_before(datetime.fromtimestamp(timestamp, self.tz))
        local = timestamp + self._fixed_offset
        return self._worked_until(local // 86400 + UNIX_EPOCH_ORDINAL, local % 86400)

    def _worked_until(self, day_ordinal: int, second_of_day: int) -> int:
        offset = self._offset(day_ordinal)
        done = self._working_before[offset] * self._day_seconds
        if self._is_working[offset]:
            for start, end in self._segments:
                if second_of_day > start and end > start:
                    done += min(second_of_day, end) - start
        return done

    def working_hours_between(self, start: datetime, end: datetime) -> float:
        """Office hours between two moments: working days only, lunch break and nights left out
        (0 when `end` is not after `start`). Constant time, whatever the distance."""
        if end <= start:
            return 0.0
        return (self.working_seconds_before(end) - self.working_seconds_before(start)) / 3600

    # --- explanation ---------------------------------------------------------------------
    def explain(self, received_at: datetime, amount: float, unit: str = "working_days") -> DueExplanation:
        local = self._local(received_at)
        received_day = local.date()
        on_working_day = self.is_working_day(received_day)
        after_cutoff = on_working_day and local.time() > self._cutoff
        reception = self.reception_day(received_at)
        due_at = self.due(received_at, amount, unit)
        if unit == "working_hours":
            counting_starts = received_day if on_working_day else reception
        elif unit == "working_days":
            counting_starts = reception if int(amount) == 0 else self.next_working_day(reception)
        else:
            counting_starts = reception + timedelta(days=1) if int(amount) else reception
        skipped = []
        extra = []
        day = received_day + timedelta(days=1) if on_working_day else received_day
        # Calendar days count weekends and holidays: nothing is skipped but a moved last day.
        if unit == "calendar_days":
            day = max(day, reception + timedelta(days=int(amount)))
        while day <= due_at.date():
            if not self.is_working_day(day):
                skipped.append(SkippedDay(day, self.non_working_reason(day)))
            elif day.weekday() in self.weekend:
                extra.append(day)
            day += timedelta(days=1)
        return DueExplanation(
            received_at=local,
            received_on_working_day=on_working_day,
            received_day_reason=self.non_working_reason(received_day),
            after_cutoff=after_cutoff,
            cutoff=self._cutoff,
            reception_day=reception,
            counting_starts=counting_starts,
            amount=amount,
            unit=unit,
            due_at=due_at,
            skipped=tuple(skipped),
            extra_working_days=tuple(extra),
        )
