"""Patterns without pointing (issue 19, item 5): the same category at the same place, reported three or more
times in 30 days.

Staff see each pattern with its place, count and first and last date, and may put it on the next council
agenda (a proposal in neutral words they can edit) or ask for a dialogue meeting (dialogue/service.py). The
chair sees the category and the count only: `chair_view()` hands out nothing else, so no template can show a
place, a text or a date that would point at a single report. What staff did with a pattern is a
`ReportPatternMark` (a hash of the category and the folded place, never the place itself): the pattern is not
offered again for that action until a newer report comes.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select

from ..errors import NotAllowed
from ..extensions import db
from ..forms import by_token
from ..labels import report_category_label
from ..meetings import service as meetings
from ..models import (
    PATTERN_AGENDA,
    PATTERN_DIALOGUE,
    AgendaItem,
    ReportCategory,
    ReportPatternMark,
    SituationReport,
    next_open_meeting,
    search_key,
    utcnow,
)

WINDOW = timedelta(days=30)
THRESHOLD = 3
_PUNCTUATION = " .,;:!?-–«»\"'()"


def place_key(place: str | None) -> str:
    """A place as patterns compare it: folded as the app's search folds text (case, æ/ø/å, accents), with
    runs of whitespace made one space and punctuation at either end dropped. "Ved  Bussen." and "ved bussen"
    are the same place."""
    return " ".join(search_key(place).split()).strip(_PUNCTUATION)


def pattern_key(category: str, folded_place: str) -> str:
    """The pattern's name in URLs and marks: a hash, so neither a URL nor a mark holds the place."""
    return hashlib.sha256(f"{category}|{folded_place}".encode()).hexdigest()[:20]


@dataclass
class Pattern:
    key: str
    category: ReportCategory
    place: str  # as written in the latest report
    count: int
    first_at: datetime
    last_at: datetime
    marks: dict = field(default_factory=dict)  # kind -> the latest ReportPatternMark that still covers it

    @property
    def agenda_mark(self) -> ReportPatternMark | None:
        return self.marks.get(PATTERN_AGENDA)

    @property
    def dialogue_mark(self) -> ReportPatternMark | None:
        return self.marks.get(PATTERN_DIALOGUE)


@dataclass(frozen=True)
class ChairPattern:
    """What the chair sees of a pattern: its category and count, nothing else."""
    category: ReportCategory
    count: int


def find_patterns(now: datetime | None = None) -> list[Pattern]:
    """The patterns of the last 30 days, most reports first: reports with a place (not purged) grouped by
    category and folded place, three or more. Two queries, whatever the number of reports."""
    now = now or utcnow()
    rows = db.session.execute(
        select(SituationReport.category, SituationReport.place, SituationReport.created_at)
        .where(SituationReport.created_at > now - WINDOW, SituationReport.created_at <= now,
               SituationReport.place.is_not(None), SituationReport.purged_at.is_(None))
        .order_by(SituationReport.created_at)).all()
    groups: dict[tuple, list] = {}
    for category, place, created_at in rows:
        folded = place_key(place)
        if folded:
            groups.setdefault((ReportCategory(category), folded), []).append((place, created_at))
    patterns = [Pattern(pattern_key(category.value, folded), category, reports[-1][0].strip(), len(reports),
                        reports[0][1], reports[-1][1])
                for (category, folded), reports in groups.items() if len(reports) >= THRESHOLD]
    if patterns:
        by_key = {p.key: p for p in patterns}
        for mark in db.session.scalars(select(ReportPatternMark).where(ReportPatternMark.key.in_(by_key))
                                       .order_by(ReportPatternMark.created_at)):
            pattern = by_key[mark.key]
            if mark.covered_until >= pattern.last_at:
                pattern.marks[mark.kind] = mark
    return sorted(patterns, key=lambda p: (-p.count, p.category.value, p.key))


def chair_view(now: datetime | None = None) -> list[ChairPattern]:
    """The chair's (and the council page's) view: category and count per pattern, no place, no dates."""
    return [ChairPattern(p.category, p.count) for p in find_patterns(now)]


def get_pattern(key: str, now: datetime | None = None) -> Pattern | None:
    """The current pattern with this key, or None (no such pattern, or it has faded out of the 30 days)."""
    return next((p for p in find_patterns(now) if p.key == key), None)


# -- neutral words ---------------------------------------------------------------------

def agenda_title(pattern: Pattern) -> str:
    """A neutral title from the category alone (never the place, a text or a name)."""
    return _("Repeated reports: %(category)s – what can we do?", category=report_category_label(pattern.category))


def agenda_text(pattern: Pattern) -> str:
    """A neutral text from the category and count alone."""
    return _("The staff have had %(count)s reports about “%(category)s” from the same area in the last 30 days. "
             "What can the council do together, so that it happens less?", count=pattern.count,
             category=report_category_label(pattern.category))


def dialogue_title(pattern: Pattern) -> str:
    return _("Dialogue meeting: %(category)s", category=report_category_label(pattern.category))


def dialogue_agenda() -> str:
    return _("1. Welcome, and how we talk together today\n"
             "2. What each of us has noticed, and how it feels\n"
             "3. What could make it better\n"
             "4. What we agree on, and when we talk again")


# -- taking a pattern to the council ------------------------------------------------------------

def take_to_agenda(pattern: Pattern, by, *, title: str, why: str | None, form_token: str | None) -> AgendaItem:
    """Propose the pattern to the next council meeting that takes proposals, in the words staff wrote
    (the proposal form starts from `agenda_title`/`agenda_text`), through the meetings service's proposal
    path (a proposal by this staff member, which the chair and staff answer as any other). Writes a
    `ReportPatternMark` (agenda) covering the pattern's reports so far. Once per form token: a repeated
    submit returns the proposal it made. Refused (`NotAllowed`) when the pattern is on the agenda already
    or no council meeting takes proposals. Commits."""
    earlier = by_token(AgendaItem, form_token)
    if earlier is not None:
        return earlier
    meeting = next_open_meeting()
    if pattern.agenda_mark is not None or meeting is None:
        raise NotAllowed
    mark = ReportPatternMark(key=pattern.key, kind=PATTERN_AGENDA, covered_until=pattern.last_at)
    db.session.add(mark)
    item, _created = meetings.propose(meeting, by, title=title, why=why, form_token=form_token)
    mark.agenda_item_id = item.id
    db.session.commit()
    return item


def mark_dialogue(pattern: Pattern, dialogue_id: int) -> None:
    """Record that a dialogue meeting was asked for about this pattern. The caller commits."""
    db.session.add(ReportPatternMark(key=pattern.key, kind=PATTERN_DIALOGUE, covered_until=pattern.last_at,
                                     dialogue_id=dialogue_id))


def purge_marks(now: datetime | None = None) -> int:
    """Marks whose reports are all older than the window cover no pattern any more: deleted. The caller commits."""
    now = now or utcnow()
    return db.session.execute(delete(ReportPatternMark).where(ReportPatternMark.covered_until < now - WINDOW)).rowcount
