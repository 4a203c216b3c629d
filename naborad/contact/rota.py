"""The on-duty rota's rules, without the database: which slot covers a moment, the chain from it, and the
overlaps and gaps staff are warned about.

Every time here is an Europe/Oslo wall-clock time. A slot "23:00-08:00" covers 23:00 to 08:00 on the
clock whatever the date, so on the night the clocks go forward it lasts 8 hours and on the night they go
back 10: the hour that does not exist is never asked about, and the hour that happens twice is covered
by the same slot both times.

Which slots a day follows: a public holiday the holiday slots (once there are any), else Saturday and
Sunday the weekend slots, else the weekday slots. A slot belongs to the day it starts on. A date-range
slot (an exception) runs without a break from its first day at `starts` to its last day at `ends`, and
wins over the weekly slots while it runs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from ..holidays import is_public_holiday
from ..i18n import OSLO
from ..models import RotaDays

STEP = 15  # minutes: slots start and end on the quarter hour, so checking every quarter hour is exact
DAY = 24 * 60


def minutes(value: time) -> int:
    return value.hour * 60 + value.minute


@dataclass(frozen=True)
class Slot:
    """A rota slot as the rules see it (built from a RotaSlot row, or directly in a test)."""
    id: int | None
    member_id: int
    days: RotaDays
    starts: time
    ends: time
    first_day: date | None = None
    last_day: date | None = None

    @property
    def overnight(self) -> bool:
        """Runs into the next day (an end not after the start: 23:00-08:00, or 08:00-08:00 for a whole day)."""
        return minutes(self.ends) <= minutes(self.starts)

    def span(self) -> tuple[datetime, datetime]:
        """A date-range slot's start and end, as naive wall-clock times."""
        start = datetime.combine(self.first_day, self.starts)
        end = datetime.combine(self.last_day, self.ends)
        if end <= start:
            end += timedelta(days=1)
        return start, end

    def covers_day_minute(self, minute: int, spill: bool) -> bool:
        """Whether this weekly slot covers `minute` of a day: of the day it starts on (spill False), or of
        the next day (spill True)."""
        start, end = minutes(self.starts), minutes(self.ends)
        if spill:
            return self.overnight and minute < end
        return start <= minute < (end + DAY if self.overnight else end)


@dataclass(frozen=True)
class Member:
    """A chain member as the rules see it."""
    id: int
    position: int
    label: str
    phone: str | None
    is_active: bool = True
    is_manager: bool = False
    alert_email: str | None = None

    @property
    def usable(self) -> bool:
        """Someone can be called: active and with a number (else its hours count as not covered)."""
        return self.is_active and bool(self.phone)


def day_kind(day: date, holiday_slots: bool) -> RotaDays:
    if holiday_slots and is_public_holiday(day):
        return RotaDays.HOLIDAYS
    return RotaDays.WEEKEND if day.weekday() >= 5 else RotaDays.WEEKDAYS


@dataclass
class Rota:
    """The chain (members in order) and its slots."""
    members: list[Member] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)

    def __post_init__(self):
        self.members.sort(key=lambda m: (m.position, m.id))
        self._by_id = {m.id: m for m in self.members}
        self._holiday_slots = any(s.days == RotaDays.HOLIDAYS for s in self.slots)

    def member(self, member_id: int) -> Member | None:
        return self._by_id.get(member_id)

    def _usable(self, slot: Slot) -> bool:
        member = self._by_id.get(slot.member_id)
        return member is not None and member.usable

    # -- now -------------------------------------------------------------------------------------------

    def covering(self, when: datetime) -> Slot | None:
        """The slot that covers `when` (aware, any zone; or naive Oslo wall-clock time) with someone who can
        be called: a date-range slot first, else the weekly or holiday slot."""
        wall = when.astimezone(OSLO).replace(tzinfo=None) if when.tzinfo else when
        usable = [s for s in self.slots if self._usable(s)]
        for slot in usable:
            if slot.days == RotaDays.DATES:
                start, end = slot.span()
                if start <= wall < end:
                    return slot
        today, minute = wall.date(), wall.hour * 60 + wall.minute
        kind_today = day_kind(today, self._holiday_slots)
        kind_before = day_kind(today - timedelta(days=1), self._holiday_slots)
        for slot in usable:
            if slot.days == kind_today and slot.covers_day_minute(minute, spill=False):
                return slot
            if slot.days == kind_before and slot.covers_day_minute(minute, spill=True):
                return slot
        return None

    def ends_at(self, slot: Slot, when: datetime) -> datetime:
        """When `slot`, which covers `when` (aware), ends: an aware Oslo time."""
        wall = when.astimezone(OSLO).replace(tzinfo=None)
        if slot.days == RotaDays.DATES:
            end = slot.span()[1]
        else:
            end = datetime.combine(wall.date(), slot.ends)
            if end <= wall:
                end += timedelta(days=1)
        return end.replace(tzinfo=OSLO)

    def chain(self, when: datetime) -> list[Member]:
        """Whom escalation goes to, in order: the one on duty at `when`, then the next usable members of the
        chain after them, the facility manager last (if there is one)."""
        slot = self.covering(when)
        ordered = [m for m in self.members if m.is_active and not m.is_manager]
        managers = [m for m in self.members if m.is_active and m.is_manager]
        if slot is None:
            return managers[:1]
        first = self._by_id[slot.member_id]
        after = [m for m in ordered if (m.position, m.id) > (first.position, first.id) and m.usable]
        return [first, *after[:1], *[m for m in managers[:1] if m.id != first.id]]

    # -- checks for staff ----------------------------------------------------------------------------

    # The pairs (the day before, the day) that occur in a calendar, and how staff read them.
    def _day_pairs(self) -> list[tuple[RotaDays, RotaDays]]:
        weekly = [(RotaDays.WEEKDAYS, RotaDays.WEEKDAYS), (RotaDays.WEEKEND, RotaDays.WEEKDAYS),
                  (RotaDays.WEEKDAYS, RotaDays.WEEKEND), (RotaDays.WEEKEND, RotaDays.WEEKEND)]
        if not self._holiday_slots:
            return weekly
        kinds = (RotaDays.WEEKDAYS, RotaDays.WEEKEND, RotaDays.HOLIDAYS)
        return weekly + [(a, b) for a in kinds for b in kinds if RotaDays.HOLIDAYS in (a, b)]

    def _weekly_cover(self, slots, before: RotaDays, today: RotaDays, minute: int) -> list[Slot]:
        return [s for s in slots if (s.days == today and s.covers_day_minute(minute, spill=False))
                or (s.days == before and s.covers_day_minute(minute, spill=True))]

    def gaps(self) -> list[tuple[RotaDays, RotaDays, time, time]]:
        """Where nobody who can be called is on duty, by kind of day: (the day before, the day, from, to),
        wall-clock times (to 00:00 meaning midnight). Date-range slots are exceptions and close no gap."""
        usable = [s for s in self.slots if s.days != RotaDays.DATES and self._usable(s)]
        found = []
        for before, today in self._day_pairs():
            start = None
            for minute in range(0, DAY + STEP, STEP):
                open_ = minute < DAY and not self._weekly_cover(usable, before, today, minute)
                if open_ and start is None:
                    start = minute
                elif not open_ and start is not None:
                    found.append((before, today, _clock(start), _clock(minute)))
                    start = None
        return found

    def overlaps(self, slot: Slot) -> list[Slot]:
        """The other slots that cover some moment `slot` covers (whoever they belong to)."""
        others = [s for s in self.slots if s.id is None or s.id != slot.id]
        if slot.days == RotaDays.DATES:
            start, end = slot.span()
            return [s for s in others if s.days == RotaDays.DATES and s.span()[0] < end and start < s.span()[1]]
        weekly = [s for s in others if s.days != RotaDays.DATES]
        holiday_slots = self._holiday_slots or slot.days == RotaDays.HOLIDAYS
        pairs = Rota(self.members, [*weekly, slot])._day_pairs() if holiday_slots else self._day_pairs()
        clashing = []
        for before, today in pairs:
            for minute in range(0, DAY, STEP):
                if slot in self._weekly_cover([slot], before, today, minute):
                    clashing += [s for s in self._weekly_cover(weekly, before, today, minute) if s not in clashing]
        return clashing


def _clock(minute: int) -> time:
    return time(minute // 60 % 24, minute % 60)
